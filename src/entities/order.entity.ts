import {
  BigIntType,
  Collection,
  Entity,
  Enum,
  Index,
  ManyToOne,
  OneToMany,
  Opt,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../schema/money.scalar';
import { BaseEntity } from './base.entity';
import { Product } from './product.entity';
import { User } from './user.entity';

export enum OrderStatus {
  PLACED = 'PLACED',
  SHIPPING = 'SHIPPING',
  DELIVERED = 'DELIVERED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  RETURN_REQUESTED = 'RETURN_REQUESTED',
  RETURNED = 'RETURNED',
}
registerEnumType(OrderStatus, { name: 'OrderStatus' });

/**
 * An order, written by the order writer from a completed payment (one per payment id).
 * `nextTransitionAt` is when the scheduler applies the next automatic status; `version` guards
 * every status change against a racing one.
 */
@ObjectType('Order')
@Entity({ tableName: 'orders' })
@Index({ properties: ['status', 'nextTransitionAt'] })
@Index({ properties: ['user', 'id'] })
@Index({ properties: ['user', 'placedAt', 'id'] })
export class Order extends BaseEntity {
  @ManyToOne(() => User)
  user!: User;

  @Unique()
  @Property({ type: 'string', length: 64 })
  paymentId!: string;

  // One order per reservation, held by the database (a lost Redis write cannot make a second).
  @Field(() => ID)
  @Unique()
  @Property({ type: 'string', length: 64 })
  reservationId!: string;

  @Field(() => OrderStatus)
  @Enum({ items: () => OrderStatus, type: 'string', length: 20 })
  status: OrderStatus & Opt = OrderStatus.PLACED;

  @Field(() => Money, { description: 'Total in minor currency units.' })
  @Property({ type: new BigIntType('number'), unsigned: true })
  totalAmount!: number;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  placedAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  nextTransitionAt?: Date | null;

  @Property({ type: 'integer', unsigned: true })
  version: number & Opt = 1;

  @OneToMany(() => OrderItem, (item) => item.order)
  items = new Collection<OrderItem>(this);

  @OneToMany(() => OrderStatusChange, (change) => change.order, { orderBy: { id: 'asc' } })
  history = new Collection<OrderStatusChange>(this);
}

@ObjectType('OrderItem')
@Entity({ tableName: 'order_items' })
export class OrderItem {
  @Field(() => ID)
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => Order, { deleteRule: 'cascade' })
  order!: Order;

  @ManyToOne(() => Product)
  product!: Product;

  @Field(() => Int)
  @Property({ type: 'integer', unsigned: true })
  quantity!: number;

  @Field(() => Money, { description: 'Price of one unit when the order was paid, minor units.' })
  @Property({ type: new BigIntType('number'), unsigned: true })
  unitPrice!: number;
}

/**
 * One step of an order's status history. A row is also the outbox of its `order.status-changed`
 * Kafka event: `publishedAt` stays null until the broker has acknowledged it.
 */
@ObjectType('OrderStatusChange')
@Entity({ tableName: 'order_status_changes' })
@Index({ properties: ['publishedAt', 'recordedAt'] })
export class OrderStatusChange {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => Order, { deleteRule: 'cascade' })
  order!: Order;

  @Field(() => OrderStatus, { nullable: true })
  @Enum({ items: () => OrderStatus, type: 'string', length: 20, nullable: true })
  from?: OrderStatus | null;

  @Field(() => OrderStatus)
  @Enum({ items: () => OrderStatus, type: 'string', length: 20 })
  to!: OrderStatus;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  at!: Date;

  @Field({ description: 'SYSTEM (scheduler or order writer), OWNER or ADMIN.' })
  @Property({ type: 'string', length: 16 })
  actor!: string;

  // When the row was written (`at` is when the step took effect, which may be earlier).
  @Property({ type: 'datetime', length: 3 })
  recordedAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  publishedAt?: Date | null;

  // The event's outbox bookkeeping (see OrderStatusNotifier): tries, lease or backoff, last error.
  @Property({ type: 'integer', unsigned: true })
  attempts: number & Opt = 0;

  @Property({ type: 'datetime', length: 3, nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError?: string | null;
}
