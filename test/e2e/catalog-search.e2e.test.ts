import { randomUUID } from 'node:crypto';
import { dataOf, errorCode, gqlRequest } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { Role } from '../../src/entities/user.entity';
import { createProduct } from '../helpers/catalog';
import { createMember, type Member } from '../helpers/members';

// Text search: anonymous, so it must use an index, run no count nobody asked for, and cost in
// the guard what it costs the database.
let t: TestApp;
let admin: Member;
const sql: string[] = [];

beforeAll(async () => {
  t = await startTestApp(__filename, { GRAPHQL_MAX_COMPLEXITY: '300' });
  admin = await createMember(t.app, Role.ADMIN);
  t.app.orm.em
    .getConnection()
    .getKnex()
    .on('query', (q: { sql: string }) => sql.push(q.sql));
});

afterAll(async () => {
  await t?.stop();
});

const search = (text: string, fields = 'edges { node { id } }') =>
  gqlRequest<{ products: { edges: { node: { id: string } }[]; totalCount?: number } }, unknown>(
    t.url,
    `query($text: String) { products(first: 5, filter: { text: $text }) { ${fields} } }`,
    { text },
  );

it('finds products by name or description through the full-text index, without a count', async () => {
  const k = `srch${randomUUID().slice(0, 8)}`;
  const a = await createProduct(t, admin, { name: `${k} Saturn rocket` });
  const b = await createProduct(t, admin, { name: `${k} lander`, description: 'Rocketry kit' });
  const ids = async (text: string) =>
    dataOf(await search(text))
      .products.edges.map((e) => e.node.id)
      .sort();
  sql.length = 0;
  expect(await ids(k)).toEqual([a.id, b.id].sort());
  const select = sql.filter((s) => /from `products`/.test(s));
  expect(select.some((s) => /match\s*\(/i.test(s))).toBe(true);
  // No count: totalCount was not asked for.
  expect(select.some((s) => /count\(/i.test(s))).toBe(false);
  expect(await ids(`${k} Saturn`)).toEqual([a.id]);
  expect((await ids('rocketry')).includes(b.id)).toBe(true);
});

it('counts only when totalCount is asked for', async () => {
  sql.length = 0;
  dataOf(await search('rocket', 'totalCount'));
  expect(sql.some((s) => /count\(/i.test(s))).toBe(true);
});

it('refuses text without a word of three characters (it could use no index)', async () => {
  const res = await search('e');
  expect(errorCode(res)).toBe('BAD_USER_INPUT');
});

it('costs a search more than a plain listing, also through variables', async () => {
  const query = `query($f: ProductFilter) {
    a: products(first: 1, filter: $f) { totalCount }
    b: products(first: 1, filter: $f) { totalCount }
  }`;
  dataOf(await gqlRequest(t.url, query, { f: null }));
  const refused = await gqlRequest(t.url, query, { f: { text: 'rocket' } });
  expect(errorCode(refused)).toBe('GRAPHQL_VALIDATION_FAILED');
});
