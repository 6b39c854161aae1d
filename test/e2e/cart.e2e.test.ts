import {
  AddToCartDocument,
  CartDocument,
  ClearCartDocument,
  RemoveFromCartDocument,
  UpdateCartItemDocument,
  UpdateProductDocument,
} from '../graphql/generated';
import { dataOf, errorCode, gqlRequest } from '../helpers/gql-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { CartItem } from '../../src/entities/cart-item.entity';
import { Product } from '../../src/entities/product.entity';
import { Role } from '../../src/entities/user.entity';
import { createProduct } from '../helpers/catalog';
import { createMember, type Member } from '../helpers/members';
import { MAX_PRICE } from '../../src/schema/money.scalar';

let t: TestApp;
let admin: Member;

beforeAll(async () => {
  t = await startTestApp(__filename);
  admin = await createMember(t.app, Role.ADMIN);
});

afterAll(async () => {
  await t?.stop();
});

/** The member's stored cart lines as [productId, quantity], for "nothing changed" checks. */
async function storedLines(member: Member): Promise<[number, number][]> {
  const lines = await t.app.orm.em
    .fork()
    .find(CartItem, { user: member.id }, { orderBy: { id: 'asc' } });
  return lines.map((l) => [l.product.id, l.quantity]);
}

describe('cart', () => {
  it('needs a signed-in member', async () => {
    expect(errorCode(await t.gql(CartDocument, {}))).toBe('UNAUTHENTICATED');
    const product = await createProduct(t, admin);
    expect(errorCode(await t.gql(AddToCartDocument, { input: { productId: product.id } }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('keeps one line per product, adding again adds quantity; totals come from current prices', async () => {
    const member = await createMember(t.app);
    const boots = await createProduct(t, admin, { name: 'Boots', price: 2_500 });
    const socks = await createProduct(t, admin, { name: 'Socks', price: 300 });

    dataOf(
      await t.gql(AddToCartDocument, { input: { productId: boots.id, quantity: 2 } }, member.token),
    );
    dataOf(await t.gql(AddToCartDocument, { input: { productId: socks.id } }, member.token));
    const cart = dataOf(
      await t.gql(AddToCartDocument, { input: { productId: boots.id, quantity: 3 } }, member.token),
    ).addToCart.cart;
    expect(cart.items.map((i) => [i.product.name, i.quantity, i.unitPrice, i.lineTotal])).toEqual([
      ['Boots', 5, 2_500, 12_500],
      ['Socks', 1, 300, 300],
    ]);
    expect({ totalQuantity: cart.totalQuantity, totalAmount: cart.totalAmount }).toEqual({
      totalQuantity: 6,
      totalAmount: 12_800,
    });

    // A price change shows at once: nothing about prices is stored in the cart.
    dataOf(
      await t.gql(
        UpdateProductDocument,
        { input: { productId: boots.id, price: 2_000 } },
        admin.token,
      ),
    );
    const repriced = dataOf(await t.gql(CartDocument, {}, member.token)).cart;
    expect(repriced.items[0]).toMatchObject({ unitPrice: 2_000, lineTotal: 10_000 });
    expect(repriced.totalAmount).toBe(10_300);

    const updated = dataOf(
      await t.gql(
        UpdateCartItemDocument,
        { input: { productId: socks.id, quantity: 4 } },
        member.token,
      ),
    ).updateCartItem.cart;
    expect(updated.items.map((i) => i.quantity)).toEqual([5, 4]);
    expect(updated.totalAmount).toBe(10_000 + 1_200);

    const removed = dataOf(
      await t.gql(RemoveFromCartDocument, { input: { productId: boots.id } }, member.token),
    ).removeFromCart.cart;
    expect(removed.items.map((i) => i.product.id)).toEqual([socks.id]);
    expect(
      errorCode(
        await t.gql(RemoveFromCartDocument, { input: { productId: boots.id } }, member.token),
      ),
    ).toBe('NOT_FOUND');

    const cleared = dataOf(await t.gql(ClearCartDocument, {}, member.token)).clearCart.cart;
    expect(cleared).toEqual({ items: [], totalQuantity: 0, totalAmount: 0 });
    expect(await storedLines(member)).toEqual([]);
  });

  it('holds the purchase limit and the line maximum, also across repeated adds', async () => {
    const member = await createMember(t.app);
    const limited = await createProduct(t, admin, { purchaseLimit: 2 });
    dataOf(
      await t.gql(
        AddToCartDocument,
        { input: { productId: limited.id, quantity: 2 } },
        member.token,
      ),
    );
    const over = await t.gql(
      AddToCartDocument,
      { input: { productId: limited.id, quantity: 1 } },
      member.token,
    );
    expect(over.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'quantity',
    });
    const setOver = await t.gql(
      UpdateCartItemDocument,
      { input: { productId: limited.id, quantity: 3 } },
      member.token,
    );
    expect(setOver.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'quantity',
    });

    const plain = await createProduct(t, admin, { price: MAX_PRICE });
    dataOf(
      await t.gql(
        AddToCartDocument,
        { input: { productId: plain.id, quantity: 1000 } },
        member.token,
      ),
    );
    const beyond = await t.gql(
      AddToCartDocument,
      { input: { productId: plain.id, quantity: 1 } },
      member.token,
    );
    expect(beyond.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'quantity',
    });
    // Totals beyond 32 bits still come out exactly (Money).
    const cart = dataOf(await t.gql(CartDocument, {}, member.token)).cart;
    expect(cart.totalAmount).toBe(2 * 1000 + MAX_PRICE * 1000);
    expect(await storedLines(member)).toEqual([
      [Number(limited.id), 2],
      [Number(plain.id), 1000],
    ]);
  });

  it('concurrent adds of one product by one member all count, and the limit still holds', async () => {
    const member = await createMember(t.app);
    const product = await createProduct(t, admin, { purchaseLimit: 15 });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.gql(AddToCartDocument, { input: { productId: product.id } }, member.token),
      ),
    );
    const ok = results.filter((r) => !r.errors).length;
    expect(ok).toBe(15);
    expect(results.filter((r) => errorCode(r) === 'BAD_USER_INPUT')).toHaveLength(5);
    expect(await storedLines(member)).toEqual([[Number(product.id), 15]]);
  });

  it('refuses unknown and deleted products', async () => {
    const member = await createMember(t.app);
    const product = await createProduct(t, admin);
    dataOf(await t.gql(AddToCartDocument, { input: { productId: product.id } }, member.token));
    expect(
      errorCode(await t.gql(AddToCartDocument, { input: { productId: '987654' } }, member.token)),
    ).toBe('NOT_FOUND');

    await t.app.orm.em
      .fork()
      .nativeUpdate(Product, { id: Number(product.id) }, { deletedAt: new Date() });
    expect(
      errorCode(await t.gql(AddToCartDocument, { input: { productId: product.id } }, member.token)),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(
        await t.gql(
          UpdateCartItemDocument,
          { input: { productId: product.id, quantity: 2 } },
          member.token,
        ),
      ),
    ).toBe('NOT_FOUND');
    // A deleted product drops out of the cart view and its totals.
    expect(dataOf(await t.gql(CartDocument, {}, member.token)).cart).toEqual({
      items: [],
      totalQuantity: 0,
      totalAmount: 0,
    });
    expect(await storedLines(member)).toEqual([[Number(product.id), 1]]);
  });

  it('bad input gets coded errors naming the field, and nothing stored changes', async () => {
    const member = await createMember(t.app);
    const product = await createProduct(t, admin);
    dataOf(
      await t.gql(
        AddToCartDocument,
        { input: { productId: product.id, quantity: 2 } },
        member.token,
      ),
    );
    const before = await storedLines(member);

    const cases: [Record<string, unknown>, string][] = [
      [{ productId: product.id, quantity: 0 }, 'quantity'],
      [{ productId: product.id, quantity: -1 }, 'quantity'],
      [{ productId: product.id, quantity: 1001 }, 'quantity'],
      [{ productId: product.id, quantity: 2 ** 31 }, 'quantity'],
      [{ productId: product.id, quantity: 2 ** 53 }, 'quantity'],
      [{ productId: product.id, quantity: 1.5 }, 'quantity'],
      [{ productId: 'abc', quantity: 1 }, 'productId'],
      [{ productId: '-3', quantity: 1 }, 'productId'],
      [{ productId: '1'.repeat(30), quantity: 1 }, 'productId'],
    ];
    for (const [input, field] of cases) {
      for (const doc of [AddToCartDocument, UpdateCartItemDocument]) {
        const res = await gqlRequest(t.url, doc, { input } as never, member.token);
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
    }
    const removeBad = await t.gql(
      RemoveFromCartDocument,
      { input: { productId: 'x1' } },
      member.token,
    );
    expect(removeBad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'productId',
    });
    expect(await storedLines(member)).toEqual(before);
  });
});
