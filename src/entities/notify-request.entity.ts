import { Entity, ManyToOne, Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Product } from './product.entity';
import { User } from './user.entity';

export enum NotifyEvent {
  SALE_START = 'SALE_START',
  RESTOCK = 'RESTOCK',
}
registerEnumType(NotifyEvent, {
  name: 'NotifyEvent',
  description: 'What a member asks to be mailed about: the sale opening, or a sold-out restock.',
});

/**
 * A member's standing request to be mailed when a product's sale starts or it is restocked.
 * One row per member and product; `saleStartSentFor` is the sale start already announced (a
 * moved start is announced again), `lastSentAt` puts those not mailed lately first on a restock.
 */
@ObjectType('NotifyRequest', { description: 'A product the viewer asked to be told about.' })
@Entity({ tableName: 'notify_requests' })
@Unique({ properties: ['user', 'product'] })
export class NotifyRequest {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Field(() => Product)
  @ManyToOne(() => Product, { deleteRule: 'cascade' })
  product!: Product;

  @Property({ type: 'boolean' })
  saleStart: boolean & Opt = false;

  @Property({ type: 'boolean' })
  restock: boolean & Opt = false;

  @Property({ type: 'datetime', length: 3, nullable: true })
  saleStartSentFor?: Date | null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastSentAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Field(() => [NotifyEvent], { description: 'The events the viewer is told of.' })
  get events(): NotifyEvent[] {
    return [
      ...(this.saleStart ? [NotifyEvent.SALE_START] : []),
      ...(this.restock ? [NotifyEvent.RESTOCK] : []),
    ];
  }
}
