import type { EntityManager } from '@mikro-orm/mysql';
import { NotifyRequest } from '../../entities/notify-request.entity';

/** A requester to mail: the request's id (for its unsubscribe link) and the member's address. */
export interface Recipient {
  id: number;
  email: string;
}

/** A product with sale-start notices due. */
export interface DueDrop {
  id: number;
  name: string;
  sale_starts_at: Date | string | null;
  sale_ends_at: Date | string | null;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

/**
 * The `notify_requests` table: the only place that reads or writes it. Claims lock the rows they
 * return (`SKIP LOCKED`), so workers dispatching at once mail each requester once.
 */
export class NotifyRequests {
  /** Insert-or-update in one statement: two tabs asking at once never collide on the unique key. */
  async upsert(
    em: EntityManager,
    userId: number,
    productId: number,
    events: { saleStart: boolean; restock: boolean },
  ): Promise<NotifyRequest> {
    await em.execute(
      `insert into notify_requests (user_id, product_id, sale_start, restock, created_at)
       values (?, ?, ?, ?, now(3))
       on duplicate key update sale_start = values(sale_start), restock = values(restock)`,
      [userId, productId, events.saleStart, events.restock],
      'run',
    );
    return em.findOneOrFail(NotifyRequest, { user: userId, product: productId }, { refresh: true });
  }

  /** Deletes a member's request for a product, or the request `id`; how many went. */
  delete(em: EntityManager, where: { userId: number; productId: number } | { id: number }) {
    return em.nativeDelete(
      NotifyRequest,
      'id' in where ? { id: where.id } : { user: where.userId, product: where.productId },
    );
  }

  /** A member's requests on listed products, newest first. */
  listOf(em: EntityManager, userId: number): Promise<NotifyRequest[]> {
    return em.find(
      NotifyRequest,
      { user: userId, product: { deletedAt: null } },
      { orderBy: { createdAt: 'desc', id: 'desc' }, populate: ['product'] },
    );
  }

  find(em: EntityManager, id: number): Promise<NotifyRequest | null> {
    return em.findOne(NotifyRequest, { id }, { populate: ['product'] });
  }

  /** Up to 10 listed products whose sale opens within `leadSeconds` and has requesters not yet told. */
  dueSaleStarts(em: EntityManager, leadSeconds: number): Promise<DueDrop[]> {
    return em.execute<DueDrop[]>(
      `select p.id, p.name, p.sale_starts_at, p.sale_ends_at from products p
       where p.deleted_at is null and p.sale_starts_at is not null
         and p.sale_starts_at <= now(3) + interval ? second
         and (p.sale_ends_at is null or p.sale_ends_at > now(3))
         and exists (select 1 from notify_requests r where r.product_id = p.id and r.sale_start = 1
           and (r.sale_start_sent_for is null or r.sale_start_sent_for <> p.sale_starts_at))
       limit 10`,
      [leadSeconds],
    );
  }

  /** Locks up to `limit` requesters of a product's sale start not yet told of this start. */
  claimSaleStart(tem: EntityManager, productId: number, limit: number): Promise<Recipient[]> {
    return tem.execute<Recipient[]>(
      `select r.id, u.email from notify_requests r join users u on u.id = r.user_id
       join products p on p.id = r.product_id
       where r.product_id = ? and r.sale_start = 1
         and (r.sale_start_sent_for is null or r.sale_start_sent_for <> p.sale_starts_at)
       order by r.id limit ? for update skip locked`,
      [productId, limit],
    );
  }

  /** Records that these requesters were told of their product's current sale start. */
  async markSaleStartSent(tem: EntityManager, ids: number[]): Promise<void> {
    if (!ids.length) return;
    await tem.execute(
      `update notify_requests r join products p on p.id = r.product_id
       set r.sale_start_sent_for = p.sale_starts_at, r.last_sent_at = now(3)
       where r.id in (${marks(ids.length)})`,
      ids,
      'run',
    );
  }

  /** Locks up to `limit` restock requesters of a product, those not told lately first. */
  claimRestock(tem: EntityManager, productId: number, limit: number): Promise<Recipient[]> {
    return tem.execute<Recipient[]>(
      `select r.id, u.email from notify_requests r join users u on u.id = r.user_id
       where r.product_id = ? and r.restock = 1
       order by r.last_sent_at is not null, r.last_sent_at, r.id limit ? for update skip locked`,
      [productId, limit],
    );
  }

  async markSent(tem: EntityManager, ids: number[]): Promise<void> {
    if (!ids.length) return;
    await tem.execute(
      `update notify_requests set last_sent_at = now(3) where id in (${marks(ids.length)})`,
      ids,
      'run',
    );
  }
}
