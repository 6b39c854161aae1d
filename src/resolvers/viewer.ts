import type { RequestContext, Viewer } from '../context';
import { UnauthenticatedError } from '../errors';

/** The viewer of a members-only field; UNAUTHENTICATED when there is none (behind `@Authorized()` it never throws). */
export function viewerOf(ctx: RequestContext): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}
