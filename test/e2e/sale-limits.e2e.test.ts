import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, gqlRequest } from '../helpers/gql-client';
import { createMembers, createProduct, pool, type Member } from '../helpers/sale-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/wait-for';

// The sale's rules for every product, room or not: the hold cap, the short-lived keys of refused
// purchases, the purchase rate limit, and saleState telling ALL_IN_CARTS from SOLD_OUT.
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp(__filename, {
    PAYMENT_LATENCY_MS: '0',
    PAYMENT_DECLINE_RATE: '0',
    SALE_MAX_OPEN_HOLDS: '3',
    SALE_MEMBER_PURCHASES_PER_MINUTE: '100',
  });
});
afterAll(async () => {
  await t?.stop();
});

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const gql = async (query: string, variables: Any, token?: string): Promise<Any> =>
  dataOf(await gqlRequest<Any, Any>(t.url, query, variables, token));

const PURCHASE = `mutation($input: PurchaseInput!) { purchase(input: $input) { __typename
  ... on Reservation { id status holdExpiresAt createdAt }
  ... on SoldOutError { code } ... on PurchaseLimitExceededError { code remainingAllowance }
  ... on TooManyHoldsError { code openHolds maxOpenHolds nextReleaseAt } } }`;

let keySeq = 0;
const buy = (productId: number, m: Member, quantity = 1) =>
  gql(
    PURCHASE,
    { input: { productId: String(productId), quantity, idempotencyKey: `k${++keySeq}` } },
    m.token,
  ).then((d) => d.purchase);

describe('no hoarding', () => {
  it('caps a member’s open holds (typed), frees a slot on release, and rate-limits purchases', async () => {
    const products = await Promise.all([1, 2, 3, 4].map(() => createProduct(t.app, { stock: 50 })));
    const [m] = await createMembers(t.app, 1);
    // An accepted purchase keeps its idempotency key for a day, a refused one for a minute.
    const redis = t.app.services.redis;
    const ttlOf = (key: string) => redis.pttl(`idem:{m${m!.id}}:${key}`);
    const refused = await gql(
      PURCHASE,
      { input: { productId: String(products[0]), quantity: 999, idempotencyKey: 'refused' } },
      m!.token,
    );
    expect(refused.purchase.__typename).toBe('SoldOutError');
    const ttl = await ttlOf('refused');
    expect(ttl > 0 && ttl <= 60_000).toBe(true);
    const held: Any[] = [];
    for (const p of products.slice(0, 3)) held.push(await buy(p, m!, 1));
    expect(await ttlOf(`k${keySeq}`)).toBeGreaterThan(3_600_000);
    expect(held.map((h) => h.__typename)).toEqual(['Reservation', 'Reservation', 'Reservation']);
    expect(await buy(products[3]!, m!)).toMatchObject({
      __typename: 'TooManyHoldsError',
      code: 'HOLDS_CAPPED',
      openHolds: 3,
      maxOpenHolds: 3,
    });
    const view = await t.app.services.reservations.find(held[0].id);
    await t.app.services.reservations.release(view!, 'CANCELLED');
    await waitFor(async () => (await buy(products[3]!, m!)).__typename === 'Reservation', {
      what: 'a slot after a release',
    });
    // The purchase rate limit (100 a minute here) is a GraphQL error with a stable code.
    const [r] = await createMembers(t.app, 1);
    const codes = await pool(Array.from({ length: 110 }), 10, async () => {
      const res = await gqlRequest<Any, Any>(
        t.url,
        PURCHASE,
        {
          input: { productId: String(products[0]), quantity: 1000, idempotencyKey: `r${++keySeq}` },
        },
        r!.token,
      );
      return res.errors?.[0]?.extensions?.code ?? res.data?.purchase.__typename;
    });
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(10);
  });
});

describe('saleState without a room', () => {
  it('tells ALL_IN_CARTS (units held) from SOLD_OUT (none held) to readers and watchers', async () => {
    const productId = await createProduct(t.app, { stock: 2 });
    const [a, b] = await createMembers(t.app, 2);
    const client = t.ws();
    const frames: Any[] = [];
    client.subscribe<Any>(
      {
        query: `subscription($p: ID!) { stockChanged(productId: $p) { remaining saleState } }`,
        variables: { p: String(productId) },
      },
      {
        next: (v) => v.data && frames.push(v.data.stockChanged),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => frames.length > 0, { what: 'the first frame' });
    const held = [await buy(productId, a!), await buy(productId, b!)];
    const stateOf = async () =>
      (await gql(`query($p: ID!) { product(id: $p) { saleState } }`, { p: String(productId) }))
        .product.saleState;
    await waitFor(() => frames.at(-1)?.saleState === 'ALL_IN_CARTS', { what: 'ALL_IN_CARTS' });
    expect(await stateOf()).toBe('ALL_IN_CARTS');
    for (const [i, m] of [a!, b!].entries())
      await gql(
        `mutation($i: PayInput!) { pay(input: $i) { __typename } }`,
        { i: { reservationId: held[i].id } },
        m.token,
      );
    await waitFor(() => frames.at(-1)?.saleState === 'SOLD_OUT', { what: 'SOLD_OUT once paid' });
    expect(await stateOf()).toBe('SOLD_OUT');
    await client.dispose();
  });
});
