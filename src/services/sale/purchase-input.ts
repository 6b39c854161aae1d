import { BadUserInputError } from '../../errors';
import type { PurchaseItem } from './reservation.types';

/** Largest quantity of one product in one purchase. */
export const MAX_UNITS_PER_ITEM = 1000;
/** Most lines (products) in one purchase. */
export const MAX_PURCHASE_LINES = 20;
/** A purchase's idempotency key: 1 to 100 printable ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,100}$/;

/** Validates lines, merges repeated products and sorts by product id (a canonical input). */
export function normaliseItems(items: PurchaseItem[]): PurchaseItem[] {
  if (!Array.isArray(items) || items.length === 0)
    throw new BadUserInputError('Nothing to purchase', 'items');
  if (items.length > MAX_PURCHASE_LINES)
    throw new BadUserInputError(`At most ${MAX_PURCHASE_LINES} lines per purchase`, 'items');
  const merged = new Map<number, number>();
  for (const { productId, quantity } of items) {
    if (!Number.isSafeInteger(productId) || productId <= 0 || productId > 4_294_967_295) {
      throw new BadUserInputError('Unknown product id', 'productId');
    }
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > MAX_UNITS_PER_ITEM) {
      throw new BadUserInputError(
        `Quantity must be between 1 and ${MAX_UNITS_PER_ITEM}`,
        'quantity',
      );
    }
    merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  }
  const result = [...merged].map(([productId, quantity]) => ({ productId, quantity }));
  if (result.some((i) => i.quantity > MAX_UNITS_PER_ITEM)) {
    throw new BadUserInputError(`Quantity must be between 1 and ${MAX_UNITS_PER_ITEM}`, 'quantity');
  }
  return result.sort((a, b) => a.productId - b.productId);
}
