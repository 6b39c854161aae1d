import Redis from 'ioredis';
import { ProductsDocument } from '../graphql/generated';
import { dataOf } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';
import { Product } from '../../src/entities/product.entity';
import { ProductLikeCount } from '../../src/entities/product-like-count.entity';
import { ProductLike } from '../../src/entities/product-like.entity';
import { User } from '../../src/entities/user.entity';
import { createMember, type Member } from '../helpers/members';

/**
 * Round trips are counted where they really happen:
 * - SQL: every statement MikroORM sends goes through its knex client, which emits `query` once
 *   per statement sent to MySQL (the app runs as `api`, so no worker polls in between);
 * - Redis: a second connection runs MONITOR, which echoes every command the server executes;
 *   we keep the ones touching this file's key prefix. After each request the app's own
 *   connection sends a marker command; once MONITOR shows it, every earlier command is in.
 */
let t: TestApp;
let viewer: Member;
let monitorClient: Redis;
let monitor: Redis;
const redisCommands: string[][] = [];
let sqlStatements: string[] = [];

beforeAll(async () => {
  t = await startTestApp(__filename, { APP_ROLE: 'api' });
  viewer = await createMember(t.app);

  // 60 products written directly, with their live counters set: no stock frames get triggered.
  const em = t.app.orm.em.fork();
  const products = Array.from({ length: 60 }, (_, i) =>
    em.create(Product, {
      name: `Loader ${i}`,
      price: 100 + i,
      stock: 5 + i,
      saleStartsAt: new Date(Date.now() - 60_000),
    }),
  );
  await em.flush();
  for (const p of products) await t.app.services.saleStore.overwriteRemaining(p.id, p.stock);
  // The viewer likes every other product.
  for (const p of products.filter((_, i) => i % 2 === 0)) {
    em.create(ProductLike, { user: em.getReference(User, viewer.id), product: p });
    em.create(ProductLikeCount, { productId: p.id, likeCount: 1 });
  }
  await em.flush();

  t.app.orm.em
    .getConnection()
    .getKnex()
    .on('query', (q: { sql: string }) => sqlStatements.push(q.sql));
  monitorClient = new Redis({
    host: t.config.redis.host,
    port: t.config.redis.port,
    lazyConnect: true,
  });
  await monitorClient.connect();
  monitor = await monitorClient.monitor();
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((a) => a.startsWith(t.config.redis.keyPrefix))) redisCommands.push(args);
  });
});

afterAll(async () => {
  monitor?.disconnect();
  monitorClient?.disconnect();
  await t?.stop();
});

let marker = 0;

/** SQL statements and Redis commands one products page costs, with nested fields. */
async function measure(first: number) {
  sqlStatements = [];
  redisCommands.length = 0;
  const page = dataOf(
    await t.gql(ProductsDocument, { first, sort: 'PRICE_ASC' }, viewer.token),
  ).products;
  const sql = [...sqlStatements];
  const name = `loader-marker:${++marker}`;
  await t.app.services.redis.get(name);
  await waitFor(() => redisCommands.some((c) => c.some((a) => a.endsWith(name))), {
    what: 'MONITOR marker',
  });
  const redis = redisCommands.filter((c) => !c.some((a) => a.endsWith(name)));
  return { page, sql, redis };
}

describe('nested product fields batch through DataLoader', () => {
  it('a page of 10 and a page of 50 cost the same, small number of SQL and Redis round trips', async () => {
    await measure(5); // warm-up: the first request may still load metadata
    const ten = await measure(10);
    const fifty = await measure(50);

    // The fields really were resolved, from MySQL and from the live counters.
    expect(fifty.page.edges).toHaveLength(50);
    for (const [i, { node }] of fifty.page.edges.entries()) {
      expect(node).toMatchObject({
        remainingStock: 5 + i,
        stock: 5 + i,
        saleState: 'LIVE',
        likedByMe: i % 2 === 0,
      });
      expect(node.likeCount).toBe(i % 2 === 0 ? 1 : 0);
    }

    const figures = {
      sql: { 10: ten.sql.length, 50: fifty.sql.length },
      redis: { 10: ten.redis.length, 50: fifty.redis.length },
    };
    process.stdout.write(
      `round trips per products page: ${JSON.stringify(figures)}\n` +
        `  SQL (50): ${fifty.sql.map((s) => s.slice(0, 60)).join(' | ')}\n` +
        `  Redis (50): ${fifty.redis.map((c) => c[0]).join(' | ')}\n`,
    );
    expect(fifty.sql.length).toBe(ten.sql.length);
    expect(fifty.redis.length).toBe(ten.redis.length);
    // The page, its count and one likedByMe batch; the token check and one MGET.
    expect(fifty.sql.length).toBeLessThanOrEqual(3);
    expect(fifty.redis.length).toBeLessThanOrEqual(2);
    expect(fifty.redis.filter((c) => c[0]!.toLowerCase() === 'mget')).toHaveLength(1);
  });

  it('missing counters are rebuilt from MySQL on read', async () => {
    const fork = t.app.orm.em.fork();
    const cold = await fork.find(Product, {}, { orderBy: { price: 'asc' }, limit: 10 });
    await t.app.services.saleStore.dropRemaining(cold.map((p) => p.id));
    const rebuilt = await measure(10);
    process.stdout.write(
      `cold page of 10 (all counters missing): ${rebuilt.sql.length} SQL, ${rebuilt.redis.length} Redis\n`,
    );
    expect(rebuilt.page.edges.map((e) => e.node.remainingStock)).toEqual(cold.map((p) => p.stock));
  });
});
