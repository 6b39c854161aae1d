import { EmailToken } from './email-token.entity';
import { MailOutbox } from './mail-outbox.entity';
import { Order, OrderItem, OrderStatusChange } from './order.entity';
import { Product } from './product.entity';
import { RefreshToken, Session } from './session.entity';
import { User } from './user.entity';

/** Every entity the ORM knows; a new entity is added here and gets a migration. */
export const entities = [
  User,
  Session,
  RefreshToken,
  EmailToken,
  MailOutbox,
  Product,
  Order,
  OrderItem,
  OrderStatusChange,
];
