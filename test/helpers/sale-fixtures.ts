import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app';
import { Product } from '../../src/entities/product.entity';
import { Role } from '../../src/entities/user.entity';

export interface Member {
  userId: number;
  token: string;
}

/**
 * Verified members created straight in MySQL (no argon2: the hash is never checked) with a
 * session each and an access token for it. Fast enough for thousands.
 */
export async function createMembers(
  app: App,
  count: number,
  role: Role = Role.USER,
  tag = randomUUID().slice(0, 8),
): Promise<Member[]> {
  const conn = app.orm.em.getConnection();
  const members: Member[] = [];
  for (let start = 0; start < count; start += 1000) {
    const n = Math.min(1000, count - start);
    const emails = Array.from({ length: n }, (_, i) => `m${start + i}.${tag}@buyers.test`);
    await conn.execute(
      `insert into users (created_at, updated_at, email, password_hash, name, role, email_verified_at) values ${emails
        .map(() => `(now(3), now(3), ?, 'x', 'Buyer', ?, now(3))`)
        .join(',')}`,
      emails.flatMap((e) => [e, role]),
      'run',
    );
    const rows = await conn.execute<{ id: number; email: string }[]>(
      `select id, email from users where email in (${emails.map(() => '?').join(',')}) order by id`,
      emails,
    );
    const sessions = rows.map((r) => ({ id: randomUUID(), userId: r.id }));
    await conn.execute(
      `insert into sessions (id, user_id, created_at, expires_at) values ${sessions
        .map(() => `(?, ?, now(3), now(3) + interval 1 day)`)
        .join(',')}`,
      sessions.flatMap((s) => [s.id, s.userId]),
      'run',
    );
    for (const s of sessions) {
      members.push({
        userId: s.userId,
        token: app.services.tokens.signAccess(s.userId, role, s.id).token,
      });
    }
  }
  return members;
}

/** A product on sale now (unless a window is given) with `stock` units. */
export async function createProduct(
  app: App,
  fields: {
    stock: number;
    price?: number;
    purchaseLimit?: number | null;
    saleStartsAt?: Date | null;
    saleEndsAt?: Date | null;
  },
): Promise<number> {
  const em = app.orm.em.fork();
  const product = em.create(Product, {
    name: `Rocket ${randomUUID().slice(0, 6)}`,
    price: fields.price ?? 1000,
    stock: fields.stock,
    purchaseLimit: fields.purchaseLimit ?? null,
    saleStartsAt: fields.saleStartsAt ?? null,
    saleEndsAt: fields.saleEndsAt ?? null,
  });
  await em.flush();
  return product.id;
}

/** MySQL stock and order count of a product. */
export async function durableState(
  app: App,
  productId: number,
): Promise<{ stock: number; orders: number; units: number }> {
  const conn = app.orm.em.getConnection();
  const [p] = await conn.execute<{ stock: number }[]>('select stock from products where id = ?', [
    productId,
  ]);
  const [o] = await conn.execute<{ orders: number; units: number | null }[]>(
    `select count(distinct o.id) as orders, sum(i.quantity) as units from orders o join order_items i on i.order_id = o.id
     where i.product_id = ?`,
    [productId],
  );
  return { stock: Number(p.stock), orders: Number(o.orders), units: Number(o.units ?? 0) };
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

/**
 * Resolves once `count` subscribers listen on a pub/sub topic (e.g. `STOCK_CHANGED:7`), so an
 * event fired next cannot beat the subscription.
 */
export async function waitForSubscribers(app: App, routingKey: string, count = 1): Promise<void> {
  const channel = `${app.config.redis.keyPrefix}ps:${routingKey}`;
  for (let i = 0; i < 200; i++) {
    const [, n] = (await app.services.redis.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(n) >= count) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no subscriber on ${channel}`);
}
