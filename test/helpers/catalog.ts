import { CreateProductDocument, type CreateProductInput } from '../graphql/generated';
import { dataOf } from './gql-client';
import type { Member } from './members';
import type { TestApp } from './test-app';

let seq = 0;

/** Creates a product through the admin mutation; returns its fields. */
export async function createProduct(
  t: TestApp,
  admin: Member,
  input: Partial<CreateProductInput> = {},
) {
  const res = await t.gql(
    CreateProductDocument,
    { input: { name: `Product ${++seq}`, price: 1000, stock: 10, ...input } },
    admin.token,
  );
  return dataOf(res).createProduct.product;
}

export const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
