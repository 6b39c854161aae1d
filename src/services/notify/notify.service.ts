import type { EntityManager } from '@mikro-orm/mysql';
import type { RequestContext, Viewer } from '../../context';
import { NotifyEvent, type NotifyRequest } from '../../entities/notify-request.entity';
import { BadUserInputError } from '../../errors';
import { requireListed } from '../catalog/listing';
import type { NotifyRequests } from './notify-requests';
import type { UnsubscribeTokens } from './unsubscribe-token';

/**
 * A member's notify-me requests: ask to be mailed when a product's sale starts or it is
 * restocked, cancel, list; and the one-click unsubscribe a notice links to. NOT_FOUND for an
 * unknown product, BAD_USER_INPUT for an empty list of events.
 */
export class NotifyService {
  constructor(
    private readonly requests: NotifyRequests,
    private readonly tokens: UnsubscribeTokens,
  ) {}

  /** Sets the events the viewer is told of for a product (replacing earlier ones). Idempotent. */
  async notifyMe(
    ctx: RequestContext,
    viewer: Viewer,
    productId: number,
    events: NotifyEvent[],
  ): Promise<NotifyRequest> {
    if (events.length === 0) throw new BadUserInputError('Choose at least one event', 'events');
    const product = await requireListed(ctx.em, productId);
    return this.requests.upsert(ctx.em, viewer.userId, product.id, {
      saleStart: events.includes(NotifyEvent.SALE_START),
      restock: events.includes(NotifyEvent.RESTOCK),
    });
  }

  /** Stops every notice of a product to the viewer; false when there was no request. */
  async cancel(ctx: RequestContext, viewer: Viewer, productId: number): Promise<boolean> {
    const deleted = await this.requests.delete(ctx.em, { userId: viewer.userId, productId });
    return deleted > 0;
  }

  /** The viewer's requests, newest first, on listed products. */
  list(ctx: RequestContext, viewer: Viewer): Promise<NotifyRequest[]> {
    return this.requests.listOf(ctx.em, viewer.userId);
  }

  /** The request an unsubscribe token names, with its product, or null (unknown or gone). */
  async findByToken(em: EntityManager, token: string): Promise<NotifyRequest | null> {
    const id = this.tokens.verify(token);
    if (id === null) return null;
    return this.requests.find(em, id);
  }

  /** One-click unsubscribe: deletes the request a token names. Idempotent; false for a bad token. */
  async unsubscribe(em: EntityManager, token: string): Promise<boolean> {
    const id = this.tokens.verify(token);
    if (id === null) return false;
    await this.requests.delete(em, { id });
    return true;
  }
}
