import { CartItem } from './cart-item.entity';
import { EmailToken } from './email-token.entity';
import { MailOutbox } from './mail-outbox.entity';
import { NotifyRequest } from './notify-request.entity';
import { Order, OrderItem, OrderStatusChange } from './order.entity';
import { Payment } from './payment.entity';
import { Product } from './product.entity';
import { ProductLike } from './product-like.entity';
import { ProductLikeCount } from './product-like-count.entity';
import { RefreshToken, Session } from './session.entity';
import { User } from './user.entity';
import { WaitingRoom } from './waiting-room.entity';

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
  Payment,
  ProductLike,
  ProductLikeCount,
  CartItem,
  WaitingRoom,
  NotifyRequest,
];
