import { randomUUID } from 'node:crypto';
import {
  CreateProductDocument,
  ProductDocument,
  ProductIdsDocument,
  ProductsDocument,
  PayDocument,
  PurchaseDocument,
  RestockProductDocument,
  ServerTimeDocument,
  UpdateProductDocument,
  type ProductSort,
  type SaleState,
} from '../graphql/generated';
import { dataOf, errorCode } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { ProductLikeCount } from '../../src/entities/product-like-count.entity';
import { Product } from '../../src/entities/product.entity';
import { Role } from '../../src/entities/user.entity';
import { createProduct, hoursFromNow } from '../helpers/catalog';
import { createMember, type Member } from '../helpers/members';
import { waitFor } from '../helpers/wait-for';

let t: TestApp;
let admin: Member;
let member: Member;

beforeAll(async () => {
  t = await startTestApp(__filename);
  admin = await createMember(t.app, Role.ADMIN);
  member = await createMember(t.app);
});

afterAll(async () => {
  await t?.stop();
});

const em = () => t.app.orm.em.fork();
const b64 = (text: string) => Buffer.from(text).toString('base64url');
const tag = () => `tag${randomUUID().slice(0, 8)}`;

describe('admin mutations', () => {
  it('refuse anonymous callers and members, and change nothing', async () => {
    const product = await createProduct(t, admin, { name: 'Guarded', price: 500, stock: 5 });
    const calls = (token?: string) => [
      () => t.gql(CreateProductDocument, { input: { name: 'Nope', price: 1, stock: 1 } }, token),
      () => t.gql(UpdateProductDocument, { input: { productId: product.id, price: 1 } }, token),
      () =>
        t.gql(RestockProductDocument, { input: { productId: product.id, quantity: 100 } }, token),
    ];
    for (const call of calls()) expect(errorCode(await call())).toBe('UNAUTHENTICATED');
    for (const call of calls(member.token)) expect(errorCode(await call())).toBe('FORBIDDEN');

    expect(await em().count(Product, { name: 'Nope' })).toBe(0);
    const stored = await em().findOneOrFail(Product, Number(product.id));
    expect({ price: stored.price, stock: stored.stock }).toEqual({ price: 500, stock: 5 });
    expect(await t.app.services.saleStore.remaining(stored.id)).toBe(5);
  });

  it('create makes the live counter; update changes only the given fields', async () => {
    const created = await createProduct(t, admin, {
      name: '  Rocket boots ',
      description: 'Fast',
      price: 12_900,
      stock: 7,
      purchaseLimit: 2,
      saleStartsAt: hoursFromNow(-1),
      saleEndsAt: hoursFromNow(24),
    });
    expect(created).toMatchObject({
      name: 'Rocket boots',
      price: 12_900,
      stock: 7,
      remainingStock: 7,
      saleState: 'LIVE',
      purchaseLimit: 2,
      likeCount: 0,
      likedByMe: false,
    });
    expect(await t.app.services.saleStore.remaining(Number(created.id))).toBe(7);

    const updated = dataOf(
      await t.gql(
        UpdateProductDocument,
        { input: { productId: created.id, price: 9_900, purchaseLimit: null } },
        admin.token,
      ),
    ).updateProduct.product;
    expect(updated).toMatchObject({
      name: 'Rocket boots',
      description: 'Fast',
      price: 9_900,
      purchaseLimit: null,
    });
    expect(updated.saleEndsAt).toBe(created.saleEndsAt);

    // null leaves required fields alone; a blank name is refused.
    const nulls = dataOf(
      await t.gql(
        UpdateProductDocument,
        { input: { productId: created.id, name: null, description: null, price: null } },
        admin.token,
      ),
    ).updateProduct.product;
    expect(nulls).toMatchObject({ name: 'Rocket boots', description: 'Fast', price: 9_900 });
    const blank = await t.gql(
      UpdateProductDocument,
      { input: { productId: created.id, name: '   ' } },
      admin.token,
    );
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('refuses a sale window that ends before it starts', async () => {
    const res = await t.gql(
      CreateProductDocument,
      {
        input: {
          name: 'Backwards',
          price: 1,
          stock: 1,
          saleStartsAt: hoursFromNow(2),
          saleEndsAt: hoursFromNow(1),
        },
      },
      admin.token,
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'saleEndsAt',
    });
    expect(await em().count(Product, { name: 'Backwards' })).toBe(0);
  });

  it('restock moves MySQL and the live counter together, keeping units held by a running sale', async () => {
    const product = await createProduct(t, admin, { stock: 10, saleStartsAt: hoursFromNow(-1) });
    const id = Number(product.id);
    // Three units held by buyers: the live counter is below the durable stock.
    await t.app.services.saleStore.addRemaining(id, -3);

    const restocked = dataOf(
      await t.gql(
        RestockProductDocument,
        { input: { productId: product.id, quantity: 5 } },
        admin.token,
      ),
    ).restockProduct.product;
    expect({ stock: restocked.stock, remainingStock: restocked.remainingStock }).toEqual({
      stock: 15,
      remainingStock: 12,
    });

    const removed = dataOf(
      await t.gql(
        RestockProductDocument,
        { input: { productId: product.id, quantity: -2 } },
        admin.token,
      ),
    ).restockProduct.product;
    expect({ stock: removed.stock, remainingStock: removed.remainingStock }).toEqual({
      stock: 13,
      remainingStock: 10,
    });

    // Removing more than the stock holds, and zero.
    for (const quantity of [-14, 0]) {
      const refused = await t.gql(
        RestockProductDocument,
        { input: { productId: product.id, quantity } },
        admin.token,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'quantity',
      });
    }
    const unknown = await t.gql(
      RestockProductDocument,
      { input: { productId: '999999', quantity: 1 } },
      admin.token,
    );
    expect(errorCode(unknown)).toBe('NOT_FOUND');

    expect((await em().findOneOrFail(Product, id)).stock).toBe(13);
    expect(await t.app.services.saleStore.remaining(id)).toBe(10);
  });

  it('a negative restock that would cut into held or paid units is refused; stock unchanged in MySQL and Redis', async () => {
    const product = await createProduct(t, admin, { stock: 10, saleStartsAt: hoursFromNow(-1) });
    const id = Number(product.id);
    const buy = async (quantity: number, key: string) => {
      const r = dataOf(
        await t.gql(
          PurchaseDocument,
          { input: { productId: product.id, quantity, idempotencyKey: key } },
          member.token,
        ),
      ).purchase;
      if (r.__typename !== 'Reservation') throw new Error(r.__typename);
      return r.id;
    };
    // 4 units held, 3 sold: 3 free.
    await buy(4, `held-${tag()}`);
    const paid = await buy(3, `paid-${tag()}`);
    const pay = dataOf(await t.gql(PayDocument, { input: { reservationId: paid } }, member.token));
    expect(pay.pay.__typename).toBe('Payment');
    expect(await t.app.services.saleStore.remaining(id)).toBe(3);
    await waitFor(async () => (await em().findOneOrFail(Product, id)).stock === 7, {
      what: 'the paid order written',
    });

    for (const quantity of [-4, -10]) {
      const refused = await t.gql(
        RestockProductDocument,
        { input: { productId: product.id, quantity } },
        admin.token,
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'quantity',
      });
      expect(refused.errors?.[0]?.message).toMatch(/held or sold/);
      expect((await em().findOneOrFail(Product, id)).stock).toBe(7);
      expect(await t.app.services.saleStore.remaining(id)).toBe(3);
    }
    // The free units can go.
    const removed = dataOf(
      await t.gql(
        RestockProductDocument,
        { input: { productId: product.id, quantity: -3 } },
        admin.token,
      ),
    ).restockProduct.product;
    expect({ stock: removed.stock, remainingStock: removed.remainingStock }).toEqual({
      stock: 4,
      remainingStock: 0,
    });
  });
});

describe('product fields', () => {
  it('derive saleState from the window and the live counter', async () => {
    const live = await createProduct(t, admin, {
      stock: 3,
      saleStartsAt: hoursFromNow(-1),
      saleEndsAt: hoursFromNow(1),
    });
    const upcoming = await createProduct(t, admin, { saleStartsAt: hoursFromNow(1) });
    const ended = await createProduct(t, admin, {
      saleStartsAt: hoursFromNow(-2),
      saleEndsAt: hoursFromNow(-1),
    });
    const soldOut = await createProduct(t, admin, { stock: 0 });
    const ordinary = await createProduct(t, admin, { stock: 4 });
    expect([live, upcoming, ended, soldOut, ordinary].map((p) => p.saleState)).toEqual([
      'LIVE',
      'UPCOMING',
      'ENDED',
      'SOLD_OUT',
      'LIVE',
    ]);
    // The live counter decides: every unit held means sold out although MySQL still has 3.
    await t.app.services.saleStore.overwriteRemaining(Number(live.id), 0);
    const after = dataOf(await t.gql(ProductDocument, { id: live.id })).product!;
    expect(after).toMatchObject({ saleState: 'SOLD_OUT', remainingStock: 0, stock: 3 });
  });

  it('remainingStock is rebuilt from MySQL when the counter is missing', async () => {
    const product = await createProduct(t, admin, { stock: 6 });
    await t.app.services.saleStore.dropRemaining([Number(product.id)]);
    expect(dataOf(await t.gql(ProductDocument, { id: product.id })).product?.remainingStock).toBe(
      6,
    );
    expect(await t.app.services.saleStore.remaining(Number(product.id))).toBe(6);
  });

  it('product(id) is null for unknown and deleted products; a malformed id is refused', async () => {
    const product = await createProduct(t, admin);
    expect(dataOf(await t.gql(ProductDocument, { id: product.id })).product?.id).toBe(product.id);
    await em().nativeUpdate(Product, { id: Number(product.id) }, { deletedAt: new Date() });
    expect(dataOf(await t.gql(ProductDocument, { id: product.id })).product).toBeNull();
    expect(dataOf(await t.gql(ProductDocument, { id: '4294967295' })).product).toBeNull();
    for (const id of ['abc', '-1', '0', '1e3', '99999999999']) {
      const res = await t.gql(ProductDocument, { id });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    }
    const update = await t.gql(
      UpdateProductDocument,
      { input: { productId: product.id, price: 1 } },
      admin.token,
    );
    expect(errorCode(update)).toBe('NOT_FOUND');
  });

  it('serverTime is the server clock in UTC', async () => {
    const before = Date.now();
    const { serverTime } = dataOf(await t.gql(ServerTimeDocument, {}));
    expect(serverTime).toMatch(/Z$/);
    expect(Date.parse(serverTime)).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('products query', () => {
  async function idsOf(filter: { saleState?: SaleState; text?: string }, sort?: ProductSort) {
    const page = dataOf(await t.gql(ProductIdsDocument, { first: 100, filter, sort })).products;
    return page.edges.map((e) => e.node.id);
  }

  it('filters by sale state (LIVE / SOLD_OUT on the durable stock) and never lists deleted products', async () => {
    const k = tag();
    const live = await createProduct(t, admin, {
      name: `${k} live`,
      stock: 3,
      saleStartsAt: hoursFromNow(-1),
    });
    const upcoming = await createProduct(t, admin, {
      name: `${k} upcoming`,
      saleStartsAt: hoursFromNow(1),
    });
    const ended = await createProduct(t, admin, {
      name: `${k} ended`,
      saleEndsAt: hoursFromNow(-1),
      saleStartsAt: hoursFromNow(-3),
    });
    const soldOut = await createProduct(t, admin, { name: `${k} sold out`, stock: 0 });
    const deleted = await createProduct(t, admin, { name: `${k} deleted` });
    await em().nativeUpdate(Product, { id: Number(deleted.id) }, { deletedAt: new Date() });

    expect(await idsOf({ text: k, saleState: 'LIVE' })).toEqual([live.id]);
    expect(await idsOf({ text: k, saleState: 'UPCOMING' })).toEqual([upcoming.id]);
    expect(await idsOf({ text: k, saleState: 'ENDED' })).toEqual([ended.id]);
    expect(await idsOf({ text: k, saleState: 'SOLD_OUT' })).toEqual([soldOut.id]);
    expect((await idsOf({ text: k })).sort()).toEqual(
      [live.id, upcoming.id, ended.id, soldOut.id].sort(),
    );

    // Documented trade-off: the filter follows MySQL, the saleState field the live counter.
    await t.app.services.saleStore.overwriteRemaining(Number(live.id), 0);
    const listed = dataOf(
      await t.gql(ProductsDocument, { filter: { text: k, saleState: 'LIVE' } }),
    ).products;
    expect(listed.edges.map((e) => [e.node.id, e.node.saleState])).toEqual([[live.id, 'SOLD_OUT']]);
  });

  it('text search matches name or description, with % and _ taken literally', async () => {
    const k = tag();
    const percent = await createProduct(t, admin, { name: `${k} 100% cotton` });
    const underscore = await createProduct(t, admin, { name: `${k} A_B` });
    const plain = await createProduct(t, admin, {
      name: `${k} AxB`,
      description: 'made of COTTON',
    });
    expect(await idsOf({ text: `${k} 100%` })).toEqual([percent.id]);
    expect(await idsOf({ text: `${k} A_B` })).toEqual([underscore.id]);
    expect(await idsOf({ text: `${k}%` })).toEqual([]);
    expect(
      (await idsOf({ text: 'cotton' })).filter((id) => [percent.id, plain.id].includes(id)).sort(),
    ).toEqual([percent.id, plain.id].sort());
  });

  it.each(['NEWEST', 'PRICE_ASC', 'PRICE_DESC', 'LIKES'] as const)(
    'pages sorted by %s without duplicates or gaps while products are added',
    async (sort) => {
      const k = tag();
      const initial: { id: string; price: number; likeCount: number }[] = [];
      for (let i = 0; i < 40; i++) {
        // Repeated prices and like counts: ties must be broken by id.
        const p = await createProduct(t, admin, { name: `${k} item ${i}`, price: 100 * (i % 7) });
        await em().insert(ProductLikeCount, { productId: Number(p.id), likeCount: i % 5 });
        initial.push({ id: p.id, price: p.price, likeCount: i % 5 });
      }
      const seen: { id: string; price: number; likeCount: number }[] = [];
      let after: string | null | undefined;
      let pages = 0;
      for (;;) {
        const page = dataOf(
          await t.gql(ProductIdsDocument, { first: 6, after, sort, filter: { text: k } }),
        ).products;
        seen.push(...page.edges.map((e) => e.node));
        pages++;
        // New products at both ends of the order arrive between page requests.
        await createProduct(t, admin, { name: `${k} new cheap ${pages}`, price: 0 });
        await createProduct(t, admin, { name: `${k} new dear ${pages}`, price: 10_000 });
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      const ids = seen.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of initial) expect(ids).toContain(p.id);

      const key = (p: { id: string; price: number; likeCount: number }): [number, number] =>
        sort === 'NEWEST'
          ? [-Number(p.id), 0]
          : sort === 'PRICE_ASC'
            ? [p.price, Number(p.id)]
            : sort === 'PRICE_DESC'
              ? [-p.price, -Number(p.id)]
              : [-p.likeCount, -Number(p.id)];
      const sorted = [...seen].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
      expect(ids).toEqual(sorted.map((s) => s.id));
    },
  );

  it('reports totalCount and hasNextPage', async () => {
    const k = tag();
    for (let i = 0; i < 3; i++) await createProduct(t, admin, { name: `${k} ${i}` });
    const first = dataOf(await t.gql(ProductsDocument, { first: 2, filter: { text: k } })).products;
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = dataOf(
      await t.gql(ProductsDocument, {
        first: 2,
        after: first.pageInfo.endCursor,
        filter: { text: k },
      }),
    ).products;
    expect(second.edges).toHaveLength(1);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(second.totalCount).toBe(3);
  });

  it('refuses bad page sizes and cursors with coded errors', async () => {
    const fieldOf = async (vars: Parameters<typeof t.gql<unknown, Record<string, unknown>>>[1]) => {
      const res = await t.gql(ProductIdsDocument, vars as never);
      expect(res.data?.products ?? null).toBeNull();
      return res.errors?.[0]?.extensions;
    };
    expect(await fieldOf({ first: 101 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await fieldOf({ first: 0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await fieldOf({ first: -5 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await fieldOf({ first: 2 ** 31 })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await fieldOf({ first: 2 ** 53 })).toMatchObject({ code: 'BAD_USER_INPUT' });
    const malformed = [
      'garbage',
      b64('{"a":1}'),
      b64('["NEWEST","x",1]'),
      b64('["NEWEST",1]'),
      b64('[1e400,1,1]'),
    ];
    for (const after of malformed) {
      expect(await fieldOf({ after })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    // A cursor of one sort order is refused by another.
    await createProduct(t, admin);
    await createProduct(t, admin);
    const page = dataOf(await t.gql(ProductIdsDocument, { first: 1, sort: 'PRICE_ASC' })).products;
    expect(await fieldOf({ after: page.pageInfo.endCursor, sort: 'NEWEST' })).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    expect(await fieldOf({ filter: { text: 'x'.repeat(101) } })).toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });
});
