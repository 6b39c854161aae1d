import type { RequestContext, Viewer } from '../context';
import { UnauthenticatedError } from '../errors';

/** The viewer of an `@Authorized()` field (the auth checker already ran). */
export function viewerOf(ctx: RequestContext): Viewer {
  if (!ctx.viewer) throw new UnauthenticatedError();
  return ctx.viewer;
}
