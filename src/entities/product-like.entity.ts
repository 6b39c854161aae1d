import { Entity, ManyToOne, Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Product } from './product.entity';
import { User } from './user.entity';

/**
 * One member's like of one product. The unique key allows a single like per pair; the product's
 * count (ProductLikeCount) is changed in the same transaction as the row, so the two never drift.
 * No foreign key to the product: checking it would lock the product row (see LikeService).
 */
@ObjectType('ProductLike', { description: 'A product the viewer likes, and when they liked it.' })
@Entity({ tableName: 'product_likes' })
@Unique({ properties: ['user', 'product'] })
export class ProductLike {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field(() => Product)
  @ManyToOne(() => Product, { createForeignKeyConstraint: false })
  product!: Product;

  @Field(() => Date, { name: 'likedAt' })
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();
}
