import type { RequestContext, Viewer } from '../../context';
import { CartItem } from '../../entities/cart-item.entity';
import { Product } from '../../entities/product.entity';
import { BadUserInputError, NotFoundError } from '../../errors';
import { requireListed } from './listing';
import { retryOnDeadlock } from '../common/retry-deadlock';

/** Largest quantity of one product a cart line may hold (the product's own limit may be lower). */
export const MAX_LINE_QUANTITY = 1_000;
/** Most distinct products one cart may hold. */
export const MAX_CART_LINES = 100;

export interface CartView {
  items: { product: Product; quantity: number; unitPrice: number; lineTotal: number }[];
  totalQuantity: number;
  totalAmount: number;
}

/**
 * Members' carts: one line per product, quantities within 1…MAX_LINE_QUANTITY and the product's
 * purchase limit, totals from current prices. Throws NOT_FOUND for unknown or deleted products
 * (and for lines not in the cart), BAD_USER_INPUT on `quantity` for limits; a refused call
 * changes nothing.
 */
export class CartService {
  async view(ctx: RequestContext, viewer: Viewer): Promise<CartView> {
    const lines = await ctx.em.find(
      CartItem,
      { user: viewer.userId, product: { deletedAt: null } },
      { populate: ['product'], orderBy: { id: 'asc' } },
    );
    const items = lines.map((line) => ({
      product: line.product,
      quantity: line.quantity,
      unitPrice: line.product.price,
      lineTotal: line.product.price * line.quantity,
    }));
    return {
      items,
      totalQuantity: items.reduce((sum, i) => sum + i.quantity, 0),
      totalAmount: items.reduce((sum, i) => sum + i.lineTotal, 0),
    };
  }

  /** Adds units to the product's line (creating it), atomically under concurrent adds. */
  async add(
    ctx: RequestContext,
    viewer: Viewer,
    productId: number,
    quantity: number,
  ): Promise<CartView> {
    checkQuantity(quantity);
    await retryOnDeadlock(() =>
      ctx.em.transactional(async (em) => {
        const product = await requireListed(em, productId);
        await em.execute(
          `insert into cart_items (user_id, product_id, quantity, created_at, updated_at)
         values (?, ?, ?, now(3), now(3))
         on duplicate key update quantity = quantity + ?, updated_at = now(3)`,
          [viewer.userId, productId, quantity, quantity],
          'run',
        );
        // The line is locked by the upsert until commit; a total over a limit rolls it back.
        const [line] = await em.execute<{ quantity: number }[]>(
          'select quantity from cart_items where user_id = ? and product_id = ? for update',
          [viewer.userId, productId],
        );
        checkLimit(product, Number(line!.quantity));
        const [lines] = await em.execute<{ n: number }[]>(
          'select count(*) as n from cart_items where user_id = ?',
          [viewer.userId],
        );
        if (Number(lines!.n) > MAX_CART_LINES) {
          throw new BadUserInputError(
            `A cart holds at most ${MAX_CART_LINES} products`,
            'productId',
          );
        }
      }),
    );
    return this.view(ctx, viewer);
  }

  /** Sets the quantity of a line already in the cart. */
  async setQuantity(
    ctx: RequestContext,
    viewer: Viewer,
    productId: number,
    quantity: number,
  ): Promise<CartView> {
    checkQuantity(quantity);
    await ctx.em.transactional(async (em) => {
      const product = await requireListed(em, productId);
      checkLimit(product, quantity);
      const line = await em.findOne(CartItem, { user: viewer.userId, product: productId });
      if (!line) throw new NotFoundError('Cart item for product', productId);
      line.quantity = quantity;
    });
    return this.view(ctx, viewer);
  }

  async remove(ctx: RequestContext, viewer: Viewer, productId: number): Promise<CartView> {
    const removed = await ctx.em.nativeDelete(CartItem, {
      user: viewer.userId,
      product: productId,
    });
    if (removed === 0) throw new NotFoundError('Cart item for product', productId);
    return this.view(ctx, viewer);
  }

  async clear(ctx: RequestContext, viewer: Viewer): Promise<CartView> {
    await ctx.em.nativeDelete(CartItem, { user: viewer.userId });
    return this.view(ctx, viewer);
  }
}

function checkQuantity(quantity: number) {
  if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
    throw new BadUserInputError(`quantity must be between 1 and ${MAX_LINE_QUANTITY}`, 'quantity');
  }
}

function checkLimit(product: Product, quantity: number) {
  if (quantity > MAX_LINE_QUANTITY) {
    throw new BadUserInputError(`A cart line holds at most ${MAX_LINE_QUANTITY} units`, 'quantity');
  }
  if (product.purchaseLimit != null && quantity > product.purchaseLimit) {
    throw new BadUserInputError(
      `At most ${product.purchaseLimit} per member for this product`,
      'quantity',
    );
  }
}
