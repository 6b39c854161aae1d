import type { EntityManager } from '@mikro-orm/mysql';
import type { RequestContext, Viewer } from '../../context';
import { NotifyEvent, NotifyRequest } from '../../entities/notify-request.entity';
import { BadUserInputError } from '../../errors';
import { requireListed } from '../catalog/listing';
import type { UnsubscribeTokens } from './unsubscribe-token';

/**
 * A member's notify-me requests: ask to be mailed when a product's sale starts or it is
 * restocked, cancel, list; and the one-click unsubscribe a notice links to. NOT_FOUND for an
 * unknown product, BAD_USER_INPUT for an empty list of events.
 */
export class NotifyService {
  constructor(private readonly tokens: UnsubscribeTokens) {}

  /** Sets the events the viewer is told of for a product (replacing earlier ones). Idempotent. */
  async notifyMe(
    ctx: RequestContext,
    viewer: Viewer,
    productId: number,
    events: NotifyEvent[],
  ): Promise<NotifyRequest> {
    if (events.length === 0) throw new BadUserInputError('Choose at least one event', 'events');
    const product = await requireListed(ctx.em, productId);
    const where = { user: viewer.userId, product: productId };
    const saleStart = events.includes(NotifyEvent.SALE_START);
    const restock = events.includes(NotifyEvent.RESTOCK);
    // Insert-or-update in one statement: two tabs asking at once never collide on the unique key.
    await ctx.em.execute(
      `insert into notify_requests (user_id, product_id, sale_start, restock, created_at)
       values (?, ?, ?, ?, now(3))
       on duplicate key update sale_start = values(sale_start), restock = values(restock)`,
      [viewer.userId, product.id, saleStart, restock],
      'run',
    );
    return ctx.em.findOneOrFail(NotifyRequest, where, { refresh: true });
  }

  /** Stops every notice of a product to the viewer; false when there was no request. */
  async cancel(ctx: RequestContext, viewer: Viewer, productId: number): Promise<boolean> {
    const deleted = await ctx.em.nativeDelete(NotifyRequest, {
      user: viewer.userId,
      product: productId,
    });
    return deleted > 0;
  }

  /** The viewer's requests, newest first, on listed products. */
  list(ctx: RequestContext, viewer: Viewer): Promise<NotifyRequest[]> {
    return ctx.em.find(
      NotifyRequest,
      { user: viewer.userId, product: { deletedAt: null } },
      { orderBy: { createdAt: 'desc', id: 'desc' }, populate: ['product'] },
    );
  }

  /** The request an unsubscribe token names, with its product, or null (unknown or gone). */
  async findByToken(em: EntityManager, token: string): Promise<NotifyRequest | null> {
    const id = this.tokens.verify(token);
    if (id === null) return null;
    return em.findOne(NotifyRequest, { id }, { populate: ['product'] });
  }

  /** One-click unsubscribe: deletes the request a token names. Idempotent; false for a bad token. */
  async unsubscribe(em: EntityManager, token: string): Promise<boolean> {
    const id = this.tokens.verify(token);
    if (id === null) return false;
    await em.nativeDelete(NotifyRequest, { id });
    return true;
  }
}
