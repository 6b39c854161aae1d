import { Entity, Index, Opt, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from './base.entity';

export enum SaleState {
  UPCOMING = 'UPCOMING',
  LIVE = 'LIVE',
  /** No free unit, but some are held in carts (unpaid) and may come back. */
  ALL_IN_CARTS = 'ALL_IN_CARTS',
  SOLD_OUT = 'SOLD_OUT',
  ENDED = 'ENDED',
}
registerEnumType(SaleState, {
  name: 'SaleState',
  description: 'Where a product is in its sale window.',
  valuesConfig: {
    ALL_IN_CARTS: {
      description:
        'No free unit, but some are held in carts (unpaid reservations) and may come back; SOLD_OUT once none is held.',
    },
  },
});

/**
 * A product. `stock` is the durable MySQL figure (units not yet sold by a written order); the
 * live figure buyers race for is the Redis counter, exposed as `remainingStock`.
 */
@ObjectType('Product')
@Entity({ tableName: 'products' })
@Index({ properties: ['saleStartsAt', 'saleEndsAt'] })
export class Product extends BaseEntity {
  @Field()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  description: string & Opt = '';

  @Field(() => Int, { description: 'Price in minor currency units.' })
  @Index()
  @Property({ type: 'integer', unsigned: true })
  price!: number;

  @Field(() => Int, { description: 'Durable stock: units not yet sold by a written order.' })
  @Property({ type: 'integer', unsigned: true })
  stock!: number;

  @Field(() => Date, { nullable: true, description: 'UTC instant the sale opens; null: open now.' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  saleStartsAt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'UTC instant the sale closes; null: no end.' })
  @Property({ type: 'datetime', length: 3, nullable: true })
  saleEndsAt?: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Lifetime units one member may buy; null: no limit.',
  })
  @Property({ type: 'integer', unsigned: true, nullable: true })
  purchaseLimit?: number | null;

  @Field(() => Int, { description: 'How many members like the product.' })
  @Index()
  @Property({ type: 'integer', unsigned: true })
  likeCount: number & Opt = 0;

  @Property({ type: 'datetime', length: 3, nullable: true })
  deletedAt?: Date | null;
}
