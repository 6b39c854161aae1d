/** What one API process counted for one product since it started. */
export interface DropCounts {
  /** purchase calls that named the product, whatever their answer. */
  purchases: number;
  /** pay calls for a reservation of the product, whatever their answer. */
  pays: number;
  /** pay calls that charged. */
  paid: number;
  /** Refused purchases and pays by reason (SOLD_OUT, PURCHASE_LIMIT_EXCEEDED, PAYMENT_DECLINED…). */
  refusals: Map<string, number>;
}

/** Beyond this many products the oldest counted one is forgotten (bounded memory). */
const MAX_PRODUCTS = 1000;

/**
 * Per-product counts of purchase and pay answers in this process, for the operator's live view
 * (the client turns two polls into rates). Counting is a few map operations on the request's
 * path; nothing goes to Redis. With several API processes each counts its own share.
 */
export class DropCounters {
  private readonly byProduct = new Map<number, DropCounts>();

  private counts(productId: number): DropCounts {
    let counts = this.byProduct.get(productId);
    if (!counts) {
      if (this.byProduct.size >= MAX_PRODUCTS) {
        this.byProduct.delete(this.byProduct.keys().next().value!);
      }
      counts = { purchases: 0, pays: 0, paid: 0, refusals: new Map() };
      this.byProduct.set(productId, counts);
    }
    return counts;
  }

  private refuse(counts: DropCounts, reason: string): void {
    counts.refusals.set(reason, (counts.refusals.get(reason) ?? 0) + 1);
  }

  /** A purchase's answer: `refusal` is its error code, or undefined when it reserved. */
  purchase(productIds: readonly number[], refusal?: string): void {
    for (const productId of new Set(productIds)) {
      const counts = this.counts(productId);
      counts.purchases++;
      if (refusal) this.refuse(counts, refusal);
    }
  }

  /** A pay's answer for a reservation of `productId`: `refusal` unless it charged. */
  pay(productId: number, refusal?: string): void {
    const counts = this.counts(productId);
    counts.pays++;
    if (refusal) this.refuse(counts, refusal);
    else counts.paid++;
  }

  of(productId: number): DropCounts {
    return this.byProduct.get(productId) ?? { purchases: 0, pays: 0, paid: 0, refusals: new Map() };
  }
}
