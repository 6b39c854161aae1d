import type { AuthChecker } from 'type-graphql';
import type { RequestContext } from '../context';
import { ForbiddenError, UnauthenticatedError } from '../errors';

/** `@Authorized()` needs a viewer; `@Authorized(Role.ADMIN)` needs one of the listed roles. */
export const authChecker: AuthChecker<RequestContext> = ({ context }, roles) => {
  const viewer = context.viewer;
  if (!viewer) throw new UnauthenticatedError();
  if (roles.length > 0 && !roles.includes(viewer.role)) throw new ForbiddenError();
  return true;
};
