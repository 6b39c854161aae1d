import { Entity, Opt, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * How many members like a product, in a row of its own: a like moves this row and never the
 * product's, which the order writer locks to take stock. No foreign key either: checking one
 * would lock the product row (shared) on every write here.
 */
@Entity({ tableName: 'product_like_counts' })
export class ProductLikeCount {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: false })
  productId!: number;

  @Property({ type: 'integer', unsigned: true })
  likeCount: number & Opt = 0;
}
