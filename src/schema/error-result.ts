import { Field, InterfaceType, registerEnumType } from 'type-graphql';

/** Codes of expected business outcomes returned as data (never thrown). */
export enum ErrorResultCode {
  SOLD_OUT = 'SOLD_OUT',
  SALE_NOT_STARTED = 'SALE_NOT_STARTED',
  SALE_ENDED = 'SALE_ENDED',
  PURCHASE_LIMIT_EXCEEDED = 'PURCHASE_LIMIT_EXCEEDED',
  PAYMENT_DECLINED = 'PAYMENT_DECLINED',
  RESERVATION_EXPIRED = 'RESERVATION_EXPIRED',
  PAYMENT_IN_PROGRESS = 'PAYMENT_IN_PROGRESS',
  INVALID_ORDER_TRANSITION = 'INVALID_ORDER_TRANSITION',
  RATE_LIMITED = 'RATE_LIMITED',
  NOT_ADMITTED = 'NOT_ADMITTED',
  ADMISSION_EXPIRED = 'ADMISSION_EXPIRED',
  ROOM_CLOSED = 'ROOM_CLOSED',
  CHALLENGE_REQUIRED = 'CHALLENGE_REQUIRED',
  CHALLENGE_FAILED = 'CHALLENGE_FAILED',
  HOLDS_CAPPED = 'HOLDS_CAPPED',
}
registerEnumType(ErrorResultCode, {
  name: 'ErrorCode',
  description: 'Expected business outcomes a client branches on.',
});

/** Implemented by every error member of a result union. */
@InterfaceType()
export abstract class ErrorResult {
  @Field(() => ErrorResultCode)
  code!: ErrorResultCode;

  @Field()
  message!: string;
}
