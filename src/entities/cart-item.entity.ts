import { Entity, ManyToOne, Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Product } from './product.entity';
import { User } from './user.entity';

/**
 * One line of a member's cart: a product and a quantity, one line per (member, product). Prices
 * are never stored here; line and cart totals come from the product's current price.
 */
@Entity({ tableName: 'cart_items' })
@Unique({ properties: ['user', 'product'] })
export class CartItem {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @ManyToOne(() => Product, { deleteRule: 'cascade' })
  product!: Product;

  @Property({ type: 'integer', unsigned: true })
  quantity!: number;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
