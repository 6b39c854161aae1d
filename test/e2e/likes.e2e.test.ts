import {
  LikeProductDocument,
  MyLikesDocument,
  ProductDocument,
  UnlikeProductDocument,
} from '../graphql/generated';
import { dataOf, errorCode } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { Product } from '../../src/entities/product.entity';
import { ProductLike } from '../../src/entities/product-like.entity';
import { Role } from '../../src/entities/user.entity';
import { createProduct } from '../helpers/catalog';
import { createMember, createMembers, type Member } from '../helpers/members';

let t: TestApp;
let admin: Member;

beforeAll(async () => {
  t = await startTestApp(__filename);
  admin = await createMember(t.app, Role.ADMIN);
});

afterAll(async () => {
  await t?.stop();
});

const em = () => t.app.orm.em.fork();
const like = (m: Member, productId: string) =>
  t.gql(LikeProductDocument, { input: { productId } }, m.token);
const unlike = (m: Member, productId: string) =>
  t.gql(UnlikeProductDocument, { input: { productId } }, m.token);

/** likeCount as stored, and the number of like rows: the two must always agree. */
async function storedLikes(productId: string) {
  const fork = em();
  const product = await fork.findOneOrFail(Product, Number(productId));
  return {
    likeCount: product.likeCount,
    rows: await fork.count(ProductLike, { product: Number(productId) }),
  };
}

describe('likes', () => {
  it('are idempotent and show in likeCount and likedByMe', async () => {
    const [a, b] = await Promise.all([createMember(t.app), createMember(t.app)]);
    const product = await createProduct(t, admin);

    const first = dataOf(await like(a!, product.id)).likeProduct;
    expect(first).toEqual({
      liked: true,
      product: { id: product.id, likeCount: 1, likedByMe: true },
    });
    expect(dataOf(await like(a!, product.id)).likeProduct.product.likeCount).toBe(1);
    expect(dataOf(await like(b!, product.id)).likeProduct.product.likeCount).toBe(2);

    const viewed = dataOf(await t.gql(ProductDocument, { id: product.id }, b!.token)).product!;
    expect({ likeCount: viewed.likeCount, likedByMe: viewed.likedByMe }).toEqual({
      likeCount: 2,
      likedByMe: true,
    });
    expect(dataOf(await t.gql(ProductDocument, { id: product.id })).product?.likedByMe).toBe(false);

    const gone = dataOf(await unlike(a!, product.id)).unlikeProduct;
    expect(gone).toEqual({
      liked: false,
      product: { id: product.id, likeCount: 1, likedByMe: false },
    });
    expect(dataOf(await unlike(a!, product.id)).unlikeProduct.product.likeCount).toBe(1);
    expect(await storedLikes(product.id)).toEqual({ likeCount: 1, rows: 1 });
  });

  it('need a member and a listed product', async () => {
    const member = await createMember(t.app);
    const product = await createProduct(t, admin);
    expect(errorCode(await t.gql(LikeProductDocument, { input: { productId: product.id } }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(errorCode(await like(member, '876543'))).toBe('NOT_FOUND');
    const bad = await like(member, 'nope');
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'productId',
    });
    await em().nativeUpdate(Product, { id: Number(product.id) }, { deletedAt: new Date() });
    expect(errorCode(await like(member, product.id))).toBe('NOT_FOUND');
    expect(await em().count(ProductLike, { user: member.id })).toBe(0);
  });

  it('myLikes pages through the viewer’s likes, most recent first', async () => {
    const member = await createMember(t.app);
    const products: { id: string }[] = [];
    for (let i = 0; i < 5; i++)
      products.push(await createProduct(t, admin, { name: `Liked ${i}` }));
    for (const p of products) dataOf(await like(member, p.id));
    dataOf(await unlike(member, products[2]!.id));

    const seen: string[] = [];
    let after: string | null | undefined;
    for (;;) {
      const page = dataOf(await t.gql(MyLikesDocument, { first: 2, after }, member.token)).myLikes;
      expect(page.totalCount).toBe(4);
      for (const edge of page.edges) {
        expect(edge.node.product.likedByMe).toBe(true);
        seen.push(edge.node.product.id);
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([4, 3, 1, 0].map((i) => products[i]!.id));
    expect(errorCode(await t.gql(MyLikesDocument, {}))).toBe('UNAUTHENTICATED');
    const badCursor = await t.gql(MyLikesDocument, { after: 'zzz' }, member.token);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'after',
    });
    const badSize = await t.gql(MyLikesDocument, { first: 101 }, member.token);
    expect(badSize.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'first',
    });
  });

  it('50 members firing 400 mixed like/unlike calls: the count never drifts', async () => {
    const members = await createMembers(t.app, 50);
    const products = [await createProduct(t, admin), await createProduct(t, admin)];
    // Some members start out liking, so unlikes have something to remove.
    for (const m of members.slice(0, 20)) dataOf(await like(m, products[0]!.id));

    // Every call in flight at once, each member's eight calls included: a random mix per member.
    const calls = members.flatMap((m, i) =>
      Array.from({ length: 8 }, (_, j) => ({
        m,
        product: products[(i + j) % 2]!.id,
        likeIt: Math.random() < 0.5,
      })),
    );
    const burst = await Promise.all(
      calls.map((c) => (c.likeIt ? like(c.m, c.product) : unlike(c.m, c.product))),
    );
    expect(burst.filter((r) => r.errors)).toEqual([]);
    // Where all of a member's calls on a product agreed, that is where they ended.
    const agreed = new Map<string, boolean | 'mixed'>();
    for (const c of calls) {
      const key = `${c.m.id}:${c.product}`;
      const before = agreed.get(key);
      agreed.set(key, before === undefined || before === c.likeIt ? c.likeIt : 'mixed');
    }
    const afterBurst = new Set(
      (await em().find(ProductLike, { product: { $in: products.map((p) => Number(p.id)) } })).map(
        (r) => `${r.user.id}:${r.product.id}`,
      ),
    );
    for (const [key, state] of agreed)
      if (state !== 'mixed') expect([key, afterBurst.has(key)]).toEqual([key, state]);
    for (const p of products) {
      const stored = await storedLikes(p.id);
      expect(stored.likeCount).toBe(stored.rows);
      expect(dataOf(await t.gql(ProductDocument, { id: p.id })).product?.likeCount).toBe(
        stored.rows,
      );
    }

    // Then each member's own calls run in order (400 in all, 50 at a time across members), so
    // "their last completed call" is well defined: their final state must be what it said.
    const last = new Map<number, boolean>();
    await Promise.all(
      members.map(async (m) => {
        for (let j = 0; j < 8; j++) {
          const liked =
            Math.random() < 0.5
              ? dataOf(await like(m, products[0]!.id)).likeProduct.liked
              : dataOf(await unlike(m, products[0]!.id)).unlikeProduct.liked;
          last.set(m.id, liked);
        }
      }),
    );
    const rows = await em().find(ProductLike, { product: Number(products[0]!.id) });
    const liking = new Set(rows.map((r) => r.user.id));
    for (const m of members) expect([m.id, liking.has(m.id)]).toEqual([m.id, last.get(m.id)]);
    expect(await storedLikes(products[0]!.id)).toEqual({
      likeCount: liking.size,
      rows: liking.size,
    });
  });

  it('never wait for the product row, which the order writer locks to take stock', async () => {
    const member = await createMember(t.app);
    const product = await createProduct(t, admin);
    // Another transaction holds the row as the order writer's stock decrement does.
    await em().transactional(async (tx) => {
      await tx.execute('select id from products where id = ? for update', [Number(product.id)]);
      const answer = await Promise.race([
        like(member, product.id),
        new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3000)),
      ]);
      expect(answer).not.toBe('blocked');
      if (answer !== 'blocked') expect(dataOf(answer).likeProduct.product.likeCount).toBe(1);
    });
    expect(await storedLikes(product.id)).toEqual({ likeCount: 1, rows: 1 });
  });
});
