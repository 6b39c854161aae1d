/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** An amount of money in minor currency units (e.g. cents): a whole number from 0 to 2^53 - 1, sent as a JSON number. */
  Money: { input: number; output: number; }
};

/** Accepted. Deliberately the same for every email address. */
export type AcceptedPayload = {
  __typename?: 'AcceptedPayload';
  accepted: Scalars['Boolean']['output'];
};

export type AddToCartInput = {
  productId: Scalars['ID']['input'];
  /** Units to add to the line (1 to 1000); the line may not exceed the product's purchase limit. */
  quantity?: Scalars['Int']['input'];
};

/** The member was admitted but did not start a purchase within the admission window; the place went to the next in line. */
export type AdmissionExpiredError = ErrorResult & {
  __typename?: 'AdmissionExpiredError';
  code: ErrorCode;
  expiredAt: Scalars['DateTime']['output'];
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
};

/** Tokens of a session: send `accessToken` as `Authorization: Bearer …`. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  accessToken: Scalars['String']['output'];
  accessTokenExpiresAt: Scalars['DateTime']['output'];
  /** Opaque; good for one `refreshToken` call, which returns a new one. */
  refreshToken: Scalars['String']['output'];
  refreshTokenExpiresAt: Scalars['DateTime']['output'];
  user: User;
};

export type CancelNotifyMeInput = {
  productId: Scalars['ID']['input'];
};

export type CancelOrderInput = {
  /** An order of the viewer’s, still PLACED. */
  orderId: Scalars['ID']['input'];
};

/** The cancelled order, or why it cannot be cancelled. */
export type CancelOrderResult = InvalidOrderTransitionError | Order;

/** The viewer’s cart. Totals are computed from current prices, never stored. */
export type Cart = {
  __typename?: 'Cart';
  items: Array<CartItem>;
  /** Sum of the line totals, in minor units. */
  totalAmount: Scalars['Money']['output'];
  totalQuantity: Scalars['Int']['output'];
};

/** One product in the cart, priced at its current price. */
export type CartItem = {
  __typename?: 'CartItem';
  /** unitPrice × quantity, in minor units. */
  lineTotal: Scalars['Money']['output'];
  product: Product;
  quantity: Scalars['Int']['output'];
  /** The product’s current price, in minor units. */
  unitPrice: Scalars['Money']['output'];
};

export type CartPayload = {
  __typename?: 'CartPayload';
  cart: Cart;
};

/** The proof was refused: reason invalid, expired, replayed (already used), otherMember or otherProduct. Ask for a new challenge (join without proof). */
export type ChallengeFailedError = ErrorResult & {
  __typename?: 'ChallengeFailedError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
};

/** Joining needs a proof of work: solve `challenge` and join again with the proof. */
export type ChallengeRequired = ErrorResult & {
  __typename?: 'ChallengeRequired';
  challenge: PowChallenge;
  code: ErrorCode;
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
};

export type ChangePasswordInput = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};

export type CreateProductInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  /** Price in minor currency units, at most 100000000. */
  price: Scalars['Money']['input'];
  /** Lifetime units per member, 1 to 1000; null: none. */
  purchaseLimit?: InputMaybe<Scalars['Int']['input']>;
  /** UTC instant the sale closes; null: no end. */
  saleEndsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** UTC instant the sale opens; null: open now. */
  saleStartsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Units for sale. */
  stock: Scalars['Int']['input'];
  /** Sell through a waiting room (see docs/waiting-room.md); null: no room. */
  waitingRoom?: InputMaybe<WaitingRoomInput>;
};

/** A change in a drop’s sale: opened, restocked, sold out, ended or moved. */
export type DropEvent =
  | 'RESTOCKED'
  | 'SALE_ENDED'
  | 'SALE_OPENED'
  | 'SALE_RESCHEDULED'
  | 'SOLD_OUT';

/** A change in a drop’s sale, for everyone watching it. */
export type DropLifecycle = {
  __typename?: 'DropLifecycle';
  at: Scalars['DateTime']['output'];
  /** What happened; null in the first frame when nothing has happened yet. */
  event?: Maybe<DropEvent>;
  productId: Scalars['ID']['output'];
  /** Live remaining units when the event happened. */
  remaining: Scalars['Int']['output'];
  saleState: SaleState;
  /** Per product, only grows. */
  version: Scalars['Int']['output'];
};

export type EmailInput = {
  email: Scalars['String']['input'];
};

/** Expected business outcomes a client branches on. */
export type ErrorCode =
  | 'ADMISSION_EXPIRED'
  | 'CHALLENGE_FAILED'
  | 'CHALLENGE_REQUIRED'
  | 'HOLDS_CAPPED'
  | 'INVALID_ORDER_TRANSITION'
  | 'NOT_ADMITTED'
  | 'PAYMENT_DECLINED'
  | 'PAYMENT_IN_PROGRESS'
  | 'PURCHASE_LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'RESERVATION_EXPIRED'
  | 'ROOM_CLOSED'
  | 'SALE_ENDED'
  | 'SALE_NOT_STARTED'
  | 'SOLD_OUT';

export type ErrorResult = {
  code: ErrorCode;
  message: Scalars['String']['output'];
};

/** The order’s status does not allow this change now: cancel after shipping, return outside the window, a change another request already made. */
export type InvalidOrderTransitionError = ErrorResult & {
  __typename?: 'InvalidOrderTransitionError';
  code: ErrorCode;
  /** The order’s status when the change was refused. */
  from: OrderStatus;
  message: Scalars['String']['output'];
  /** The status asked for. */
  to: OrderStatus;
};

export type JoinWaitingRoomInput = {
  productId: Scalars['ID']['input'];
  /** The solved ChallengeRequired.challenge (base64 ALTCHA payload). */
  proof?: InputMaybe<Scalars['String']['input']>;
};

export type JoinWaitingRoomResult = ChallengeFailedError | ChallengeRequired | PreQueueEntry | WaitingRoomClosed | WaitingRoomTicket;

/** The product after the call, and whether the viewer now likes it. */
export type LikePayload = {
  __typename?: 'LikePayload';
  /** The viewer’s like state after this call. */
  liked: Scalars['Boolean']['output'];
  product: Product;
};

export type LikeProductInput = {
  productId: Scalars['ID']['input'];
};

export type LoginInput = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};

export type LogoutPayload = {
  __typename?: 'LogoutPayload';
  /** How many sessions were ended. */
  endedSessions: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Adds units of a product; adding it again adds to its line. */
  addToCart: CartPayload;
  /** Stops every notice of this product to the viewer; false when none was asked. */
  cancelNotifyMe: Scalars['Boolean']['output'];
  /** Cancels a placed order before it ships; its stock goes back at once. */
  cancelOrder: CancelOrderResult;
  /** Needs the current password; ends the other sessions. */
  changePassword: UserPayload;
  clearCart: CartPayload;
  /** Admin only. Creates a product and its live stock counter. */
  createProduct: ProductPayload;
  /** Takes a place in line: one ticket per account, the same on every device and retry. WaitingRoomClosed once the room takes no one (paused, every unit in carts, sold out, ended). */
  joinWaitingRoom: JoinWaitingRoomResult;
  /** Gives up the viewer’s place; false when the viewer held none. */
  leaveWaitingRoom: Scalars['Boolean']['output'];
  /** Idempotent: liking a liked product changes nothing. */
  likeProduct: LikePayload;
  /** Verified accounts only. */
  login: AuthPayload;
  /** Ends the current session at once. */
  logout: LogoutPayload;
  /** Ends every session of the member at once. */
  logoutAll: LogoutPayload;
  /** Mail me when this product’s sale starts (a few minutes ahead, with a link into its line) or when it is restocked. Idempotent; replaces the events asked for earlier. NOT_FOUND for an unknown product. */
  notifyMe: NotifyRequest;
  /** Admin only. Pauses a room: nobody is admitted or joins; every frame shows why. */
  pauseWaitingRoom: WaitingRoomFrame;
  /** Pays a held reservation; the order follows from the payment event. */
  pay: PayResult;
  /** Reserves units (one product, or several lines such as the cart’s) until paid or the hold expires. */
  purchase: PurchaseResult;
  /** Rotates the refresh token; an old one revokes its session. */
  refreshToken: AuthPayload;
  removeFromCart: CartPayload;
  /** Mails a reset link if the account exists. */
  requestPasswordReset: AcceptedPayload;
  /** Asks to return a delivered order inside the return window; its stock goes back when it is RETURNED. */
  requestReturn: RequestReturnResult;
  resendVerificationEmail: AcceptedPayload;
  /** Sets a new password and ends every session. */
  resetPassword: UserPayload;
  /** Admin only. Adds units to durable and live stock together, also during a sale. */
  restockProduct: ProductPayload;
  /** Admin only. Resumes a paused room. */
  resumeWaitingRoom: WaitingRoomFrame;
  /** Creates an unverified account and mails a verification link; for an address that has an account, answers the same and mails its owner. */
  signUp: AcceptedPayload;
  /** Rebuilds a product’s live counter from MySQL stock minus live holds and unwritten paid units. */
  syncStock: StockLevel;
  /** Idempotent: unliking a product not liked changes nothing. */
  unlikeProduct: LikePayload;
  /** Sets the quantity of a product already in the cart. */
  updateCartItem: CartPayload;
  /** Admin only. Changes details, price, sale window or limit. */
  updateProduct: ProductPayload;
  updateProfile: UserPayload;
  verifyEmail: UserPayload;
};


export type MutationAddToCartArgs = {
  input: AddToCartInput;
};


export type MutationCancelNotifyMeArgs = {
  input: CancelNotifyMeInput;
};


export type MutationCancelOrderArgs = {
  input: CancelOrderInput;
};


export type MutationChangePasswordArgs = {
  input: ChangePasswordInput;
};


export type MutationCreateProductArgs = {
  input: CreateProductInput;
};


export type MutationJoinWaitingRoomArgs = {
  input: JoinWaitingRoomInput;
};


export type MutationLeaveWaitingRoomArgs = {
  productId: Scalars['ID']['input'];
};


export type MutationLikeProductArgs = {
  input: LikeProductInput;
};


export type MutationLoginArgs = {
  input: LoginInput;
};


export type MutationNotifyMeArgs = {
  input: NotifyMeInput;
};


export type MutationPauseWaitingRoomArgs = {
  input: PauseWaitingRoomInput;
};


export type MutationPayArgs = {
  input: PayInput;
};


export type MutationPurchaseArgs = {
  input: PurchaseInput;
};


export type MutationRefreshTokenArgs = {
  input: RefreshTokenInput;
};


export type MutationRemoveFromCartArgs = {
  input: RemoveFromCartInput;
};


export type MutationRequestPasswordResetArgs = {
  input: EmailInput;
};


export type MutationRequestReturnArgs = {
  input: RequestReturnInput;
};


export type MutationResendVerificationEmailArgs = {
  input: EmailInput;
};


export type MutationResetPasswordArgs = {
  input: ResetPasswordInput;
};


export type MutationRestockProductArgs = {
  input: RestockProductInput;
};


export type MutationResumeWaitingRoomArgs = {
  productId: Scalars['ID']['input'];
};


export type MutationSignUpArgs = {
  input: SignUpInput;
};


export type MutationSyncStockArgs = {
  input: SyncStockInput;
};


export type MutationUnlikeProductArgs = {
  input: LikeProductInput;
};


export type MutationUpdateCartItemArgs = {
  input: UpdateCartItemInput;
};


export type MutationUpdateProductArgs = {
  input: UpdateProductInput;
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};


export type MutationVerifyEmailArgs = {
  input: VerifyEmailInput;
};

/** The product sells through a waiting room and the member is not admitted yet (ticket above servedThrough), holds no ticket (ticket null: join first), or the room is paused. Nothing was reserved. */
export type NotAdmittedError = ErrorResult & {
  __typename?: 'NotAdmittedError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  /** ticket − servedThrough, when in line. */
  position?: Maybe<Scalars['Int']['output']>;
  productId: Scalars['ID']['output'];
  /** Every ticket up to this one is admitted. */
  servedThrough: Scalars['Int']['output'];
  /** The member’s ticket; null: not in line. */
  ticket?: Maybe<Scalars['Int']['output']>;
};

/** What a member asks to be mailed about: the sale opening, or a sold-out restock. */
export type NotifyEvent =
  | 'RESTOCK'
  | 'SALE_START';

export type NotifyMeInput = {
  /** What to be mailed about; replaces the events asked for earlier. */
  events: Array<NotifyEvent>;
  productId: Scalars['ID']['input'];
};

/** A product the viewer asked to be told about. */
export type NotifyRequest = {
  __typename?: 'NotifyRequest';
  createdAt: Scalars['DateTime']['output'];
  /** The events the viewer is told of. */
  events: Array<NotifyEvent>;
  id: Scalars['ID']['output'];
  product: Product;
};

/** The waiting room’s figures for a drop. */
export type OperatorQueue = {
  __typename?: 'OperatorQueue';
  /** Members admitted to buy so far. */
  admitted: Scalars['Int']['output'];
  pauseReason?: Maybe<Scalars['String']['output']>;
  paused: Scalars['Boolean']['output'];
  /** Members waiting in line. */
  waiting: Scalars['Int']['output'];
};

/** Refused purchase or pay answers of one reason. */
export type OperatorRefusals = {
  __typename?: 'OperatorRefusals';
  count: Scalars['Int']['output'];
  /** The answer’s code: SOLD_OUT, PURCHASE_LIMIT_EXCEEDED, PAYMENT_DECLINED… */
  reason: Scalars['String']['output'];
};

/** A drop as its operator watches it, polled each second. Units are live (Redis); counts are cumulative since this API process started (two polls give a rate). */
export type OperatorSnapshot = {
  __typename?: 'OperatorSnapshot';
  at: Scalars['DateTime']['output'];
  /** Units held by live reservations, not paid yet. */
  inCarts: Scalars['Int']['output'];
  /** Payment to written order, averaged over the product’s latest 50 orders, ms. */
  orderLagMs?: Maybe<Scalars['Float']['output']>;
  /** pay calls that charged (this process). */
  paid: Scalars['Int']['output'];
  /** Units paid whose order is not written yet. */
  paidAwaitingOrder: Scalars['Int']['output'];
  /** pay calls for the product’s reservations (this process). */
  pays: Scalars['Int']['output'];
  productId: Scalars['ID']['output'];
  /** purchase calls for the product (this process). */
  purchases: Scalars['Int']['output'];
  /** The waiting room’s figures; null while the product has no room. */
  queue?: Maybe<OperatorQueue>;
  /** Refusals by reason (this process). */
  refusals: Array<OperatorRefusals>;
  /** Units left; null before the sale’s counter exists. */
  remaining?: Maybe<Scalars['Int']['output']>;
};

export type Order = {
  __typename?: 'Order';
  createdAt: Scalars['DateTime']['output'];
  /** Every status the order went through, oldest first. */
  history: Array<OrderStatusChange>;
  id: Scalars['ID']['output'];
  items: Array<OrderItem>;
  /** The statuses the owner may move the order to now: CANCELLED while placed, RETURN_REQUESTED inside the return window. */
  nextStatuses: Array<OrderStatus>;
  /** When the next automatic status change is due (for DELIVERED: the end of the return window). */
  nextTransitionAt?: Maybe<Scalars['DateTime']['output']>;
  /** The order’s payment: PAID, then REFUNDING and REFUNDED after a cancel or return. */
  payment: OrderPayment;
  placedAt: Scalars['DateTime']['output'];
  reservationId: Scalars['ID']['output'];
  status: OrderStatus;
  /** Total in minor currency units. */
  totalAmount: Scalars['Money']['output'];
};

export type OrderConnection = {
  __typename?: 'OrderConnection';
  edges: Array<OrderEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type OrderEdge = {
  __typename?: 'OrderEdge';
  cursor: Scalars['String']['output'];
  node: Order;
};

export type OrderItem = {
  __typename?: 'OrderItem';
  id: Scalars['ID']['output'];
  product: Product;
  quantity: Scalars['Int']['output'];
  /** Price of one unit when the order was paid, minor units. */
  unitPrice: Scalars['Money']['output'];
};

/** The payment of an order, and its refund once one is owed. */
export type OrderPayment = {
  __typename?: 'OrderPayment';
  /** Charged, minor units. */
  amount: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  paidAt?: Maybe<Scalars['DateTime']['output']>;
  /** Refunded (or being refunded), minor units. */
  refundAmount?: Maybe<Scalars['Int']['output']>;
  refundReason?: Maybe<RefundReason>;
  /** When the refund was owed. */
  refundRequestedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the provider gave the money back. */
  refundedAt?: Maybe<Scalars['DateTime']['output']>;
  status: PaymentStatus;
};

export type OrderStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'DELIVERED'
  | 'PLACED'
  | 'RETURNED'
  | 'RETURN_REQUESTED'
  | 'SHIPPING';

export type OrderStatusChange = {
  __typename?: 'OrderStatusChange';
  /** SYSTEM (scheduler or order writer), OWNER or ADMIN. */
  actor: Scalars['String']['output'];
  at: Scalars['DateTime']['output'];
  from?: Maybe<OrderStatus>;
  to: OrderStatus;
};

/** A status change of one of the viewer’s orders. */
export type OrderStatusChangedEvent = {
  __typename?: 'OrderStatusChangedEvent';
  at: Scalars['DateTime']['output'];
  from?: Maybe<OrderStatus>;
  orderId: Scalars['ID']['output'];
  to: OrderStatus;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type PauseWaitingRoomInput = {
  productId: Scalars['ID']['input'];
  /** Shown to everyone in line (1 to 500 characters). */
  reason: Scalars['String']['input'];
};

export type PayInput = {
  reservationId: Scalars['ID']['input'];
};

export type PayResult = Payment | PaymentDeclinedError | PaymentInProgressError | ReservationExpiredError;

/** A completed payment; the order follows asynchronously (see Reservation.orderId). */
export type Payment = {
  __typename?: 'Payment';
  amount: Scalars['Money']['output'];
  id: Scalars['ID']['output'];
  paidAt: Scalars['DateTime']['output'];
  reservation: Reservation;
};

/** The provider’s ledger of charges and refunds reconciled with payments and orders. */
export type PaymentAuditReport = {
  __typename?: 'PaymentAuditReport';
  charges: Scalars['Int']['output'];
  discrepancies: Array<PaymentDiscrepancy>;
  /** Every discrepancy found (the list holds at most `first`). */
  discrepancyCount: Scalars['Int']['output'];
  /** Charges still being settled (payment pending, refund on its way, order not written yet); not discrepancies. */
  inFlight: Scalars['Int']['output'];
  orders: Scalars['Int']['output'];
  payments: Scalars['Int']['output'];
  /** Products whose live units were compared with MySQL stock. */
  products: Scalars['Int']['output'];
  refunds: Scalars['Int']['output'];
};

/** The charge was declined; the reservation’s units went back. */
export type PaymentDeclinedError = ErrorResult & {
  __typename?: 'PaymentDeclinedError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  reservationId: Scalars['ID']['output'];
};

/** One charge, refund or order that does not add up. */
export type PaymentDiscrepancy = {
  __typename?: 'PaymentDiscrepancy';
  detail: Scalars['String']['output'];
  kind: PaymentDiscrepancyKind;
  orderId?: Maybe<Scalars['ID']['output']>;
  paymentId?: Maybe<Scalars['ID']['output']>;
  /** The product, for UNITS_MISMATCH. */
  productId?: Maybe<Scalars['ID']['output']>;
  reservationId?: Maybe<Scalars['ID']['output']>;
};

/** A way the promise “every charge ends as exactly one order or one refund” is broken. */
export type PaymentDiscrepancyKind =
  | 'AMOUNT_MISMATCH'
  | 'CHARGED_WITHOUT_ORDER_OR_REFUND'
  | 'DOUBLE_CHARGE'
  | 'ORDER_WITHOUT_CHARGE'
  | 'REFUNDED_BUT_ORDERED'
  | 'STUCK_PENDING'
  | 'STUCK_REFUNDING'
  | 'TOLD_PAID_REFUNDED_NO_ORDER'
  | 'UNITS_MISMATCH';

/** Another payment of this reservation is being charged; ask again (or watch reservationChanged) for its outcome. No second charge is made. */
export type PaymentInProgressError = ErrorResult & {
  __typename?: 'PaymentInProgressError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  reservationId: Scalars['ID']['output'];
};

/** PAID: charged. REFUNDING: its refund is owed and on its way to the provider. REFUNDED: the money went back. (PENDING, DECLINED and VOID belong to attempts that never made an order.) */
export type PaymentStatus =
  | 'DECLINED'
  | 'PAID'
  | 'PENDING'
  | 'REFUNDED'
  | 'REFUNDING'
  | 'VOID';

/** An ALTCHA proof-of-work challenge (altcha-lib / altcha widget, SHA-256): find `number` ≤ maxNumber with SHA-256(salt + number) = challenge, then send base64(JSON {algorithm, challenge, number, salt, signature}) as JoinWaitingRoomInput.proof. Bound to the viewer and the product; single use; expires at expiresAt. */
export type PowChallenge = {
  __typename?: 'PowChallenge';
  algorithm: Scalars['String']['output'];
  challenge: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  /** The cost: grows with the queue length. */
  maxNumber: Scalars['Int']['output'];
  salt: Scalars['String']['output'];
  signature: Scalars['String']['output'];
};

/** An entry of the pre-queue: its ticket comes from the draw at the sale start (see waitingRoomDraw). */
export type PreQueueEntry = {
  __typename?: 'PreQueueEntry';
  /** Entries so far. */
  entrants: Scalars['Int']['output'];
  /** The member’s receipt, checkable in the published draw. */
  entryId: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  /** The commitment to the draw’s seed, published before the pre-queue. */
  seedCommit: Scalars['String']['output'];
};

export type Product = {
  __typename?: 'Product';
  createdAt: Scalars['DateTime']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** How many members like the product. */
  likeCount: Scalars['Int']['output'];
  /** Whether the viewer likes the product; false when signed out. */
  likedByMe: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  /** Price in minor currency units. */
  price: Scalars['Money']['output'];
  /** Lifetime units one member may buy; null: no limit. */
  purchaseLimit?: Maybe<Scalars['Int']['output']>;
  /** Live units left (the Redis counter, rebuilt from MySQL if missing). */
  remainingStock: Scalars['Int']['output'];
  /** UTC instant the sale closes; null: no end. */
  saleEndsAt?: Maybe<Scalars['DateTime']['output']>;
  /** UTC instant the sale opens; null: open now. */
  saleStartsAt?: Maybe<Scalars['DateTime']['output']>;
  saleState: SaleState;
  /** Durable stock: units not yet sold by a written order. */
  stock: Scalars['Int']['output'];
  waitingRoom?: Maybe<WaitingRoomSettings>;
};

export type ProductConnection = {
  __typename?: 'ProductConnection';
  edges: Array<ProductEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ProductEdge = {
  __typename?: 'ProductEdge';
  cursor: Scalars['String']['output'];
  node: Product;
};

export type ProductFilter = {
  /** UPCOMING and ENDED follow the sale window. LIVE and SOLD_OUT also split on the durable MySQL stock, which trails the live counter while reservations are unpaid. */
  saleState?: InputMaybe<SaleState>;
  /** Searches name and description (case-insensitive): each word of 3 or more characters must start a word there, and the whole text must appear as typed. Needs one such word. */
  text?: InputMaybe<Scalars['String']['input']>;
};

/** A product the viewer likes, and when they liked it. */
export type ProductLike = {
  __typename?: 'ProductLike';
  likedAt: Scalars['DateTime']['output'];
  product: Product;
};

export type ProductLikeConnection = {
  __typename?: 'ProductLikeConnection';
  edges: Array<ProductLikeEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ProductLikeEdge = {
  __typename?: 'ProductLikeEdge';
  cursor: Scalars['String']['output'];
  node: ProductLike;
};

export type ProductPayload = {
  __typename?: 'ProductPayload';
  product: Product;
};

/** Order of `products`; ties are broken by id so pages never overlap. */
export type ProductSort =
  /** Most liked first. */
  | 'LIKES'
  /** Most recently created first. */
  | 'NEWEST'
  /** Cheapest first. */
  | 'PRICE_ASC'
  /** Most expensive first. */
  | 'PRICE_DESC';

/** Either productId and quantity, or items (e.g. the cart’s lines). */
export type PurchaseInput = {
  /** Client-chosen key (1 to 100 printable ASCII characters): a retry with the same key and input returns the same reservation. */
  idempotencyKey: Scalars['String']['input'];
  /** 1 to 20 lines; not together with productId. */
  items?: InputMaybe<Array<PurchaseItemInput>>;
  productId?: InputMaybe<Scalars['ID']['input']>;
  /** Units of productId, 1 to 1000; 1 when omitted. */
  quantity?: InputMaybe<Scalars['Int']['input']>;
};

export type PurchaseItemInput = {
  productId: Scalars['ID']['input'];
  /** 1 to 1000. */
  quantity: Scalars['Int']['input'];
};

export type PurchaseLimitExceededError = ErrorResult & {
  __typename?: 'PurchaseLimitExceededError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  /** Units this member may still buy of the product. */
  remainingAllowance: Scalars['Int']['output'];
};

export type PurchaseResult = AdmissionExpiredError | NotAdmittedError | PurchaseLimitExceededError | Reservation | SaleNotActiveError | SoldOutError | TooManyHoldsError;

export type Query = {
  __typename?: 'Query';
  /** The viewer’s cart, priced at current prices. */
  cart: Cart;
  /** The signed-in member. */
  me: User;
  /** Products the viewer likes, most recently liked first. */
  myLikes: ProductLikeConnection;
  /** Products the viewer asked to be told about, newest first. */
  myNotifications: Array<NotifyRequest>;
  /** The viewer’s orders, newest first. */
  myOrders: OrderConnection;
  /** The viewer’s ticket (any device); null when the viewer is not in line. */
  myWaitingRoomTicket?: Maybe<WaitingRoomTicket>;
  /** Admins: a drop’s live figures for the operator’s view, meant to be polled each second. */
  operatorSnapshot: OperatorSnapshot;
  /** One order; its owner and admins only (NOT_FOUND for anyone else). */
  order: Order;
  /** Admins: reconciles the provider’s charges and refunds with payments, orders and live units and lists the discrepancies. */
  paymentAudit: PaymentAuditReport;
  /** A listed product; null when unknown or deleted. */
  product?: Maybe<Product>;
  /** Listed products, one page at a time. */
  products: ProductConnection;
  /** One of the viewer’s reservations (NOT_FOUND for anyone else’s). */
  reservation: Reservation;
  /** The server clock, so client countdowns agree with it. */
  serverTime: Scalars['DateTime']['output'];
  /** The room’s current frame (public). NOT_FOUND for a product without a room. */
  waitingRoom: WaitingRoomFrame;
  /** The room’s draw, public: anyone can recompute the order (npm run verify:draw). */
  waitingRoomDraw: WaitingRoomDraw;
  /** Admin only. A room’s settings, frame and counts. */
  waitingRoomStatus: WaitingRoomStatus;
};


export type QueryMyLikesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
};


export type QueryMyOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  status?: InputMaybe<Array<OrderStatus>>;
};


export type QueryMyWaitingRoomTicketArgs = {
  productId: Scalars['ID']['input'];
};


export type QueryOperatorSnapshotArgs = {
  productId: Scalars['ID']['input'];
};


export type QueryOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPaymentAuditArgs = {
  first?: Scalars['Int']['input'];
  graceSeconds?: Scalars['Int']['input'];
  stuckSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProductFilter>;
  first?: Scalars['Int']['input'];
  sort?: ProductSort;
};


export type QueryReservationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWaitingRoomArgs = {
  productId: Scalars['ID']['input'];
};


export type QueryWaitingRoomDrawArgs = {
  productId: Scalars['ID']['input'];
};


export type QueryWaitingRoomStatusArgs = {
  productId: Scalars['ID']['input'];
};

export type RefreshTokenInput = {
  refreshToken: Scalars['String']['input'];
};

/** CANCELLED or RETURNED order; UNPLACEABLE: the payment could not become an order. */
export type RefundReason =
  | 'CANCELLED'
  | 'RETURNED'
  | 'UNPLACEABLE';

export type RemoveFromCartInput = {
  productId: Scalars['ID']['input'];
};

export type RequestReturnInput = {
  /** An order of the viewer’s, DELIVERED and inside the return window. */
  orderId: Scalars['ID']['input'];
};

/** The order, now RETURN_REQUESTED, or why it cannot be returned. */
export type RequestReturnResult = InvalidOrderTransitionError | Order;

/** Units held for a member until paid or until the hold expires. */
export type Reservation = {
  __typename?: 'Reservation';
  createdAt: Scalars['DateTime']['output'];
  holdExpiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  items: Array<ReservationItem>;
  /** The order, once the order writer has written it. */
  orderId?: Maybe<Scalars['ID']['output']>;
  paymentId?: Maybe<Scalars['ID']['output']>;
  status: ReservationStatus;
  /** Minor units. */
  totalAmount: Scalars['Money']['output'];
};

/** The reservation is no longer held (expired or released). */
export type ReservationExpiredError = ErrorResult & {
  __typename?: 'ReservationExpiredError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  reservationId: Scalars['ID']['output'];
  status: ReservationStatus;
};

export type ReservationItem = {
  __typename?: 'ReservationItem';
  productId: Scalars['ID']['output'];
  quantity: Scalars['Int']['output'];
  /** Price of one unit when reserved, minor units. */
  unitPrice: Scalars['Money']['output'];
};

/** HELD until paid or released; PAYING while one payment attempt is being charged; EXPIRED, DECLINED and CANCELLED gave their units back; REFUNDED: paid, but the payment could not become an order, so it was refunded and its units went back. */
export type ReservationStatus =
  | 'CANCELLED'
  | 'DECLINED'
  | 'EXPIRED'
  | 'HELD'
  | 'PAID'
  | 'PAYING'
  | 'REFUNDED';

export type ResetPasswordInput = {
  newPassword: Scalars['String']['input'];
  /** The token from the password-reset mail. */
  token: Scalars['String']['input'];
};

export type RestockProductInput = {
  productId: Scalars['ID']['input'];
  /** Units to add to durable and live stock; negative removes. */
  quantity: Scalars['Int']['input'];
};

/** What a member may do. */
export type Role =
  | 'ADMIN'
  | 'USER';

/** The sale has not started (SALE_NOT_STARTED) or has ended (SALE_ENDED). */
export type SaleNotActiveError = ErrorResult & {
  __typename?: 'SaleNotActiveError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  saleEndsAt?: Maybe<Scalars['DateTime']['output']>;
  saleStartsAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Where a product is in its sale window. */
export type SaleState =
  /** No free unit, but some are held in carts (unpaid reservations) and may come back; SOLD_OUT once none is held. */
  | 'ALL_IN_CARTS'
  | 'ENDED'
  | 'LIVE'
  | 'SOLD_OUT'
  | 'UPCOMING';

export type SignUpInput = {
  /** Trimmed and lower-cased; must be unique. */
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  /** 8 to 128 characters. */
  password: Scalars['String']['input'];
};

export type SoldOutError = ErrorResult & {
  __typename?: 'SoldOutError';
  code: ErrorCode;
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  /** Units still available (fewer than asked for). */
  remaining: Scalars['Int']['output'];
};

/** Live stock of a product. */
export type StockLevel = {
  __typename?: 'StockLevel';
  productId: Scalars['ID']['output'];
  remaining: Scalars['Int']['output'];
  saleState: SaleState;
  soldOut: Scalars['Boolean']['output'];
  /** Version of the frame: per product, only grows. A jump of more than one, or a lower value after a reconnect, means frames were missed. */
  version: Scalars['Int']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** A drop’s sale opening, restocks, selling out and end, for anyone: the last event at once, then each new one. NOT_FOUND for an unknown or unlisted product. */
  dropLifecycle: DropLifecycle;
  /** Every status change of the viewer’s own orders. */
  orderStatusChanged: OrderStatusChangedEvent;
  /** Changes of one of the viewer’s reservations (paid, expired, declined). */
  reservationChanged: Reservation;
  /** Live remaining units of a product: the current value at once, then at most one frame per STOCK_FRAME_MS (fewer under the realtime send budget); the last frame is the final value. NOT_FOUND for an unknown or unlisted product. */
  stockChanged: StockLevel;
  /** A waiting room, live and public: the current frame at once, then one frame per tick (ROOM_TICK_MS) and an urgent one on every state change. The websocket server fans it out (one execution per frame, the same bytes to every watcher). */
  waitingRoom: WaitingRoomFrame;
};


export type SubscriptionDropLifecycleArgs = {
  productId: Scalars['ID']['input'];
};


export type SubscriptionReservationChangedArgs = {
  id: Scalars['ID']['input'];
};


export type SubscriptionStockChangedArgs = {
  productId: Scalars['ID']['input'];
};


export type SubscriptionWaitingRoomArgs = {
  productId: Scalars['ID']['input'];
};

export type SyncStockInput = {
  productId: Scalars['ID']['input'];
};

/** The member already holds the most unpaid reservations allowed (SALE_MAX_OPEN_HOLDS): pay or cancel one first. */
export type TooManyHoldsError = ErrorResult & {
  __typename?: 'TooManyHoldsError';
  code: ErrorCode;
  maxOpenHolds: Scalars['Int']['output'];
  message: Scalars['String']['output'];
  /** When the earliest open hold ends at the latest. */
  nextReleaseAt: Scalars['DateTime']['output'];
  openHolds: Scalars['Int']['output'];
};

export type UpdateCartItemInput = {
  productId: Scalars['ID']['input'];
  /** New quantity of the line, 1 to 1000 and within the purchase limit. */
  quantity: Scalars['Int']['input'];
};

/** Only the fields given change; null clears a nullable field. */
export type UpdateProductInput = {
  /** null leaves it unchanged. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** null leaves it unchanged. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** null leaves it unchanged; at most 100000000. */
  price?: InputMaybe<Scalars['Money']['input']>;
  productId: Scalars['ID']['input'];
  purchaseLimit?: InputMaybe<Scalars['Int']['input']>;
  saleEndsAt?: InputMaybe<Scalars['DateTime']['input']>;
  saleStartsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Creates or changes the waiting room; null removes it; omitted leaves it. */
  waitingRoom?: InputMaybe<WaitingRoomInput>;
};

export type UpdateProfileInput = {
  /** Stored encrypted; null clears it. */
  address?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** Stored encrypted; null clears it. */
  phone?: InputMaybe<Scalars['String']['input']>;
};

export type User = {
  __typename?: 'User';
  /** Owner and admins only. */
  address?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  email: Scalars['String']['output'];
  emailVerified: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** Owner and admins only. */
  phone?: Maybe<Scalars['String']['output']>;
  role: Role;
};

export type UserPayload = {
  __typename?: 'UserPayload';
  user: User;
};

export type VerifyEmailInput = {
  /** The token from the verification link. */
  token: Scalars['String']['input'];
};

/** The room takes no new members: reason NOT_OPEN, PAUSED, ALL_IN_CARTS, SOLD_OUT, ENDED or ENTRIES_CLOSED (RAFFLE after the pre-queue). */
export type WaitingRoomClosed = ErrorResult & {
  __typename?: 'WaitingRoomClosed';
  code: ErrorCode;
  message: Scalars['String']['output'];
  productId: Scalars['ID']['output'];
  reason: Scalars['String']['output'];
};

/** The public draw of a room (scripts/verify-draw.mjs recomputes it): the commitment always, root and count from the seal, seed, order and late log once the room has closed. */
export type WaitingRoomDraw = {
  __typename?: 'WaitingRoomDraw';
  entries?: Maybe<Scalars['Int']['output']>;
  entriesRoot?: Maybe<Scalars['String']['output']>;
  /** Late joiners’ entry ids (N+1…). */
  late?: Maybe<Array<Scalars['String']['output']>>;
  lateHash?: Maybe<Scalars['String']['output']>;
  /** Entry ids in ticket order (1..N). */
  order?: Maybe<Array<Scalars['String']['output']>>;
  productId: Scalars['ID']['output'];
  scheme: Scalars['String']['output'];
  seed?: Maybe<Scalars['String']['output']>;
  seedCommit: Scalars['String']['output'];
};

/** One frame of a waiting room, the same for every watcher: each client computes its own position as ticket − servedThrough. */
export type WaitingRoomFrame = {
  __typename?: 'WaitingRoomFrame';
  /** How long an admitted member has to start a purchase. */
  admissionSeconds: Scalars['Int']['output'];
  /** Smoothed admissions per minute. */
  admitPerMinute: Scalars['Float']['output'];
  admitPerMinuteHigh: Scalars['Float']['output'];
  /** Lower and upper recent admission rates: a wait range is position ÷ admitPerMinuteHigh … position ÷ admitPerMinuteLow minutes. */
  admitPerMinuteLow: Scalars['Float']['output'];
  /** ALL_IN_CARTS: tickets above this are unlikely to be served (every unit is in a cart; only unpaid holds can come back). */
  cutoffTicket?: Maybe<Scalars['Int']['output']>;
  /** Pre-queue entries so far; after the seal, N. */
  entrants: Scalars['Int']['output'];
  /** After the seal: root of the entries. */
  entriesRoot?: Maybe<Scalars['String']['output']>;
  /** How long a reservation made through the room holds. */
  holdSeconds: Scalars['Int']['output'];
  /** Units held in carts (unpaid reservations). */
  inCarts: Scalars['Int']['output'];
  /** The last ticket given out. */
  lastTicket: Scalars['Int']['output'];
  /** Chain hash of the late joins so far. */
  lateHash?: Maybe<Scalars['String']['output']>;
  mode: WaitingRoomMode;
  /** ALL_IN_CARTS: the earliest hold expiry. */
  nextReturnAt?: Maybe<Scalars['DateTime']['output']>;
  /** The sale start (admission starts then). */
  opensAt?: Maybe<Scalars['DateTime']['output']>;
  pausedReason?: Maybe<Scalars['String']['output']>;
  preQueueOpensAt?: Maybe<Scalars['DateTime']['output']>;
  productId: Scalars['ID']['output'];
  /** Members still waiting (left members excluded). */
  queueLength: Scalars['Int']['output'];
  /** Free units. */
  remaining: Scalars['Int']['output'];
  /** Every ticket up to this one is admitted. */
  servedThrough: Scalars['Int']['output'];
  /** Redis time of the frame. */
  serverTime: Scalars['DateTime']['output'];
  state: WaitingRoomState;
  /** This frame changed the state (sent at once). */
  urgent: Scalars['Boolean']['output'];
  /** Only grows; a gap or a lower value after reconnect: refetch. */
  version: Scalars['Int']['output'];
};

/** A product’s waiting room (admin). Omitted fields keep their value, or the configured default for a new room. */
export type WaitingRoomInput = {
  /** Seconds an admitted member has to start a purchase (10 to 3600). */
  admissionSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Seconds a reservation made through the room holds its units (30 to 3600). */
  holdSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Most admissions per second (1 to 10000). */
  maxAdmitPerSecond?: InputMaybe<Scalars['Int']['input']>;
  mode?: InputMaybe<WaitingRoomMode>;
  /** When members may start joining (before saleStartsAt); null: at the sale start. */
  preQueueOpensAt?: InputMaybe<Scalars['DateTime']['input']>;
};

/** How a room orders its line. */
export type WaitingRoomMode =
  /** First come, first served (joins are numbered as they arrive). */
  | 'FIFO'
  /** Entries only before the sale starts (the pre-queue). */
  | 'RAFFLE';

/** A product’s waiting-room settings. */
export type WaitingRoomSettings = {
  __typename?: 'WaitingRoomSettings';
  admissionSeconds: Scalars['Int']['output'];
  holdSeconds: Scalars['Int']['output'];
  maxAdmitPerSecond: Scalars['Int']['output'];
  mode: WaitingRoomMode;
  pausedReason?: Maybe<Scalars['String']['output']>;
  preQueueOpensAt?: Maybe<Scalars['DateTime']['output']>;
};

export type WaitingRoomState =
  /** No free unit, but some are held in carts and may come back (see cutoffTicket). */
  | 'ALL_IN_CARTS'
  /** Final: the sale window is over. */
  | 'ENDED'
  /** Admitting members while free units remain. */
  | 'OPEN'
  /** An operator paused the room; pausedReason says why. */
  | 'PAUSED'
  /** Entries before the sale starts (the draw orders them); nobody is admitted yet. */
  | 'PREQUEUE'
  /** Not open for joining yet. */
  | 'SCHEDULED'
  /** The sale started: the entries are frozen and being ordered. */
  | 'SEALING'
  /** Final: no free unit and no hold left. */
  | 'SOLD_OUT';

/** A room as the operator sees it. */
export type WaitingRoomStatus = {
  __typename?: 'WaitingRoomStatus';
  /** Tickets given out (including members who left). */
  entries: Scalars['Int']['output'];
  frame: WaitingRoomFrame;
  /** Members who left before their turn. */
  left: Scalars['Int']['output'];
  settings: WaitingRoomSettings;
};

/** The viewer’s place in a room: bound to the account, any device. */
export type WaitingRoomTicket = {
  __typename?: 'WaitingRoomTicket';
  /** Once admitted: start a purchase before. */
  admissionExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** A reservation was made with this admission. */
  admissionUsed: Scalars['Boolean']['output'];
  admitted: Scalars['Boolean']['output'];
  /** ALL_IN_CARTS and the ticket is past cutoffTicket: unlikely served. */
  beyondCutoff: Scalars['Boolean']['output'];
  frame: WaitingRoomFrame;
  /** Wait range, upper bound; null: unknown. */
  maxSeconds?: Maybe<Scalars['Int']['output']>;
  /** Wait range, lower bound in seconds. */
  minSeconds?: Maybe<Scalars['Int']['output']>;
  /** ticket − servedThrough; 0 once admitted. */
  position: Scalars['Int']['output'];
  productId: Scalars['ID']['output'];
  ticket: Scalars['Int']['output'];
};

export type ShopLoginMutationVariables = Exact<{
  input: LoginInput;
}>;


export type ShopLoginMutation = { __typename?: 'Mutation', login: { __typename?: 'AuthPayload', accessToken: string, accessTokenExpiresAt: string, user: { __typename?: 'User', id: string, name: string, email: string, role: Role } } };

export type ShopSignUpMutationVariables = Exact<{
  input: SignUpInput;
}>;


export type ShopSignUpMutation = { __typename?: 'Mutation', signUp: { __typename?: 'AcceptedPayload', accepted: boolean } };

export type ShopResendVerificationMutationVariables = Exact<{
  input: EmailInput;
}>;


export type ShopResendVerificationMutation = { __typename?: 'Mutation', resendVerificationEmail: { __typename?: 'AcceptedPayload', accepted: boolean } };

export type ShopLogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type ShopLogoutMutation = { __typename?: 'Mutation', logout: { __typename?: 'LogoutPayload', endedSessions: number } };

export type ShopRequestPasswordResetMutationVariables = Exact<{
  input: EmailInput;
}>;


export type ShopRequestPasswordResetMutation = { __typename?: 'Mutation', requestPasswordReset: { __typename?: 'AcceptedPayload', accepted: boolean } };

export type ShopProductsQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ShopProductsQuery = { __typename?: 'Query', products: { __typename?: 'ProductConnection', edges: Array<{ __typename?: 'ProductEdge', node: { __typename?: 'Product', id: string, name: string, price: number, saleState: SaleState } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ShopProductQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ShopProductQuery = { __typename?: 'Query', serverTime: string, product?: { __typename?: 'Product', id: string, name: string, description: string, price: number, purchaseLimit?: number | null, saleState: SaleState, saleStartsAt?: string | null, saleEndsAt?: string | null, waitingRoom?: { __typename?: 'WaitingRoomSettings', mode: WaitingRoomMode } | null } | null };

export type ShopPurchaseMutationVariables = Exact<{
  input: PurchaseInput;
}>;


export type ShopPurchaseMutation = { __typename?: 'Mutation', purchase: { __typename: 'AdmissionExpiredError', message: string } | { __typename: 'NotAdmittedError', message: string } | { __typename: 'PurchaseLimitExceededError', message: string, remainingAllowance: number } | { __typename: 'Reservation', id: string, holdExpiresAt: string, totalAmount: number } | { __typename: 'SaleNotActiveError', code: ErrorCode, message: string, saleStartsAt?: string | null, saleEndsAt?: string | null } | { __typename: 'SoldOutError', message: string, remaining: number } | { __typename: 'TooManyHoldsError', message: string } };

export type ShopPayMutationVariables = Exact<{
  input: PayInput;
}>;


export type ShopPayMutation = { __typename?: 'Mutation', pay: { __typename: 'Payment', id: string, amount: number } | { __typename: 'PaymentDeclinedError', message: string } | { __typename: 'PaymentInProgressError', message: string } | { __typename: 'ReservationExpiredError', message: string, status: ReservationStatus } };

export type ShopMyOrdersQueryVariables = Exact<{
  first: Scalars['Int']['input'];
}>;


export type ShopMyOrdersQuery = { __typename?: 'Query', myOrders: { __typename?: 'OrderConnection', edges: Array<{ __typename?: 'OrderEdge', node: { __typename?: 'Order', id: string, status: OrderStatus, placedAt: string, totalAmount: number, nextStatuses: Array<OrderStatus>, reservationId: string, payment: { __typename?: 'OrderPayment', status: PaymentStatus, refundAmount?: number | null, refundedAt?: string | null }, items: Array<{ __typename?: 'OrderItem', quantity: number, unitPrice: number, product: { __typename?: 'Product', id: string, name: string } }> } }> } };

export type ShopOrderQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ShopOrderQuery = { __typename?: 'Query', order: { __typename?: 'Order', id: string, status: OrderStatus, placedAt: string, totalAmount: number, nextStatuses: Array<OrderStatus>, reservationId: string, payment: { __typename?: 'OrderPayment', status: PaymentStatus, refundAmount?: number | null, refundedAt?: string | null }, items: Array<{ __typename?: 'OrderItem', quantity: number, unitPrice: number, product: { __typename?: 'Product', id: string, name: string } }> } };

export type ShopOrderFragment = { __typename?: 'Order', id: string, status: OrderStatus, placedAt: string, totalAmount: number, nextStatuses: Array<OrderStatus>, reservationId: string, payment: { __typename?: 'OrderPayment', status: PaymentStatus, refundAmount?: number | null, refundedAt?: string | null }, items: Array<{ __typename?: 'OrderItem', quantity: number, unitPrice: number, product: { __typename?: 'Product', id: string, name: string } }> };

export type ShopOrderStatusChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ShopOrderStatusChangedSubscription = { __typename?: 'Subscription', orderStatusChanged: { __typename?: 'OrderStatusChangedEvent', orderId: string, from?: OrderStatus | null, to: OrderStatus, at: string } };

export type ShopCancelOrderMutationVariables = Exact<{
  input: CancelOrderInput;
}>;


export type ShopCancelOrderMutation = { __typename?: 'Mutation', cancelOrder: { __typename: 'InvalidOrderTransitionError', message: string } | { __typename: 'Order', id: string, status: OrderStatus, placedAt: string, totalAmount: number, nextStatuses: Array<OrderStatus>, reservationId: string, payment: { __typename?: 'OrderPayment', status: PaymentStatus, refundAmount?: number | null, refundedAt?: string | null }, items: Array<{ __typename?: 'OrderItem', quantity: number, unitPrice: number, product: { __typename?: 'Product', id: string, name: string } }> } };

export type ShopRequestReturnMutationVariables = Exact<{
  input: RequestReturnInput;
}>;


export type ShopRequestReturnMutation = { __typename?: 'Mutation', requestReturn: { __typename: 'InvalidOrderTransitionError', message: string } | { __typename: 'Order', id: string, status: OrderStatus, placedAt: string, totalAmount: number, nextStatuses: Array<OrderStatus>, reservationId: string, payment: { __typename?: 'OrderPayment', status: PaymentStatus, refundAmount?: number | null, refundedAt?: string | null }, items: Array<{ __typename?: 'OrderItem', quantity: number, unitPrice: number, product: { __typename?: 'Product', id: string, name: string } }> } };

export type ShopRoomFrameFragment = { __typename?: 'WaitingRoomFrame', version: number, state: WaitingRoomState, mode: WaitingRoomMode, serverTime: string, opensAt?: string | null, preQueueOpensAt?: string | null, servedThrough: number, queueLength: number, remaining: number, inCarts: number, cutoffTicket?: number | null, nextReturnAt?: string | null, admitPerMinuteLow: number, admitPerMinuteHigh: number, admissionSeconds: number, holdSeconds: number, pausedReason?: string | null, entrants: number };

export type ShopDropQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ShopDropQuery = { __typename?: 'Query', serverTime: string, product?: { __typename?: 'Product', id: string, name: string, description: string, price: number, purchaseLimit?: number | null, saleState: SaleState, saleStartsAt?: string | null, waitingRoom?: { __typename?: 'WaitingRoomSettings', mode: WaitingRoomMode } | null } | null, waitingRoom: { __typename?: 'WaitingRoomFrame', version: number, state: WaitingRoomState, mode: WaitingRoomMode, serverTime: string, opensAt?: string | null, preQueueOpensAt?: string | null, servedThrough: number, queueLength: number, remaining: number, inCarts: number, cutoffTicket?: number | null, nextReturnAt?: string | null, admitPerMinuteLow: number, admitPerMinuteHigh: number, admissionSeconds: number, holdSeconds: number, pausedReason?: string | null, entrants: number } };

export type ShopMyTicketQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ShopMyTicketQuery = { __typename?: 'Query', myWaitingRoomTicket?: { __typename?: 'WaitingRoomTicket', ticket: number, admitted: boolean, admissionExpiresAt?: string | null, admissionUsed: boolean } | null };

export type ShopJoinRoomMutationVariables = Exact<{
  input: JoinWaitingRoomInput;
}>;


export type ShopJoinRoomMutation = { __typename?: 'Mutation', joinWaitingRoom: { __typename: 'ChallengeFailedError', reason: string, message: string } | { __typename: 'ChallengeRequired', challenge: { __typename?: 'PowChallenge', algorithm: string, challenge: string, salt: string, signature: string, maxNumber: number } } | { __typename: 'PreQueueEntry', entryId: string, entrants: number, seedCommit: string } | { __typename: 'WaitingRoomClosed', reason: string, message: string } | { __typename: 'WaitingRoomTicket', ticket: number, admitted: boolean, admissionExpiresAt?: string | null } };

export type ShopWaitingRoomSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ShopWaitingRoomSubscription = { __typename?: 'Subscription', waitingRoom: { __typename?: 'WaitingRoomFrame', version: number, state: WaitingRoomState, mode: WaitingRoomMode, serverTime: string, opensAt?: string | null, preQueueOpensAt?: string | null, servedThrough: number, queueLength: number, remaining: number, inCarts: number, cutoffTicket?: number | null, nextReturnAt?: string | null, admitPerMinuteLow: number, admitPerMinuteHigh: number, admissionSeconds: number, holdSeconds: number, pausedReason?: string | null, entrants: number } };

export type ShopDrawQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ShopDrawQuery = { __typename?: 'Query', waitingRoomDraw: { __typename?: 'WaitingRoomDraw', scheme: string, seedCommit: string, entries?: number | null, entriesRoot?: string | null, seed?: string | null, order?: Array<string> | null, late?: Array<string> | null, lateHash?: string | null } };

export type ShopMyNotificationsQueryVariables = Exact<{ [key: string]: never; }>;


export type ShopMyNotificationsQuery = { __typename?: 'Query', myNotifications: Array<{ __typename?: 'NotifyRequest', id: string, events: Array<NotifyEvent>, createdAt: string, product: { __typename?: 'Product', id: string, name: string } }> };

export type ShopNotifyMeMutationVariables = Exact<{
  input: NotifyMeInput;
}>;


export type ShopNotifyMeMutation = { __typename?: 'Mutation', notifyMe: { __typename?: 'NotifyRequest', id: string, events: Array<NotifyEvent> } };

export type ShopCancelNotifyMeMutationVariables = Exact<{
  productId: Scalars['ID']['input'];
}>;


export type ShopCancelNotifyMeMutation = { __typename?: 'Mutation', cancelNotifyMe: boolean };

export type ShopOperatorSnapshotQueryVariables = Exact<{
  productId: Scalars['ID']['input'];
}>;


export type ShopOperatorSnapshotQuery = { __typename?: 'Query', operatorSnapshot: { __typename?: 'OperatorSnapshot', at: string, productId: string, remaining?: number | null, inCarts: number, paidAwaitingOrder: number, orderLagMs?: number | null, purchases: number, pays: number, paid: number, refusals: Array<{ __typename?: 'OperatorRefusals', reason: string, count: number }>, queue?: { __typename?: 'OperatorQueue', waiting: number, admitted: number, paused: boolean, pauseReason?: string | null } | null } };

export type ShopPauseRoomMutationVariables = Exact<{
  input: PauseWaitingRoomInput;
}>;


export type ShopPauseRoomMutation = { __typename?: 'Mutation', pauseWaitingRoom: { __typename?: 'WaitingRoomFrame', state: WaitingRoomState, pausedReason?: string | null } };

export type ShopResumeRoomMutationVariables = Exact<{
  productId: Scalars['ID']['input'];
}>;


export type ShopResumeRoomMutation = { __typename?: 'Mutation', resumeWaitingRoom: { __typename?: 'WaitingRoomFrame', state: WaitingRoomState, pausedReason?: string | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const ShopOrderFragmentDoc = new TypedDocumentString(`
    fragment ShopOrder on Order {
  id
  status
  placedAt
  totalAmount
  nextStatuses
  reservationId
  payment {
    status
    refundAmount
    refundedAt
  }
  items {
    quantity
    unitPrice
    product {
      id
      name
    }
  }
}
    `, {"fragmentName":"ShopOrder"}) as unknown as TypedDocumentString<ShopOrderFragment, unknown>;
export const ShopRoomFrameFragmentDoc = new TypedDocumentString(`
    fragment ShopRoomFrame on WaitingRoomFrame {
  version
  state
  mode
  serverTime
  opensAt
  preQueueOpensAt
  servedThrough
  queueLength
  remaining
  inCarts
  cutoffTicket
  nextReturnAt
  admitPerMinuteLow
  admitPerMinuteHigh
  admissionSeconds
  holdSeconds
  pausedReason
  entrants
}
    `, {"fragmentName":"ShopRoomFrame"}) as unknown as TypedDocumentString<ShopRoomFrameFragment, unknown>;
export const ShopLoginDocument = new TypedDocumentString(`
    mutation ShopLogin($input: LoginInput!) {
  login(input: $input) {
    accessToken
    accessTokenExpiresAt
    user {
      id
      name
      email
      role
    }
  }
}
    `) as unknown as TypedDocumentString<ShopLoginMutation, ShopLoginMutationVariables>;
export const ShopSignUpDocument = new TypedDocumentString(`
    mutation ShopSignUp($input: SignUpInput!) {
  signUp(input: $input) {
    accepted
  }
}
    `) as unknown as TypedDocumentString<ShopSignUpMutation, ShopSignUpMutationVariables>;
export const ShopResendVerificationDocument = new TypedDocumentString(`
    mutation ShopResendVerification($input: EmailInput!) {
  resendVerificationEmail(input: $input) {
    accepted
  }
}
    `) as unknown as TypedDocumentString<ShopResendVerificationMutation, ShopResendVerificationMutationVariables>;
export const ShopLogoutDocument = new TypedDocumentString(`
    mutation ShopLogout {
  logout {
    endedSessions
  }
}
    `) as unknown as TypedDocumentString<ShopLogoutMutation, ShopLogoutMutationVariables>;
export const ShopRequestPasswordResetDocument = new TypedDocumentString(`
    mutation ShopRequestPasswordReset($input: EmailInput!) {
  requestPasswordReset(input: $input) {
    accepted
  }
}
    `) as unknown as TypedDocumentString<ShopRequestPasswordResetMutation, ShopRequestPasswordResetMutationVariables>;
export const ShopProductsDocument = new TypedDocumentString(`
    query ShopProducts($first: Int!, $after: String) {
  products(first: $first, after: $after) {
    edges {
      node {
        id
        name
        price
        saleState
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<ShopProductsQuery, ShopProductsQueryVariables>;
export const ShopProductDocument = new TypedDocumentString(`
    query ShopProduct($id: ID!) {
  serverTime
  product(id: $id) {
    id
    name
    description
    price
    purchaseLimit
    saleState
    saleStartsAt
    saleEndsAt
    waitingRoom {
      mode
    }
  }
}
    `) as unknown as TypedDocumentString<ShopProductQuery, ShopProductQueryVariables>;
export const ShopPurchaseDocument = new TypedDocumentString(`
    mutation ShopPurchase($input: PurchaseInput!) {
  purchase(input: $input) {
    __typename
    ... on Reservation {
      id
      holdExpiresAt
      totalAmount
    }
    ... on SoldOutError {
      message
      remaining
    }
    ... on PurchaseLimitExceededError {
      message
      remainingAllowance
    }
    ... on SaleNotActiveError {
      code
      message
      saleStartsAt
      saleEndsAt
    }
    ... on NotAdmittedError {
      message
    }
    ... on AdmissionExpiredError {
      message
    }
    ... on TooManyHoldsError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ShopPurchaseMutation, ShopPurchaseMutationVariables>;
export const ShopPayDocument = new TypedDocumentString(`
    mutation ShopPay($input: PayInput!) {
  pay(input: $input) {
    __typename
    ... on Payment {
      id
      amount
    }
    ... on PaymentDeclinedError {
      message
    }
    ... on PaymentInProgressError {
      message
    }
    ... on ReservationExpiredError {
      message
      status
    }
  }
}
    `) as unknown as TypedDocumentString<ShopPayMutation, ShopPayMutationVariables>;
export const ShopMyOrdersDocument = new TypedDocumentString(`
    query ShopMyOrders($first: Int!) {
  myOrders(first: $first) {
    edges {
      node {
        ...ShopOrder
      }
    }
  }
}
    fragment ShopOrder on Order {
  id
  status
  placedAt
  totalAmount
  nextStatuses
  reservationId
  payment {
    status
    refundAmount
    refundedAt
  }
  items {
    quantity
    unitPrice
    product {
      id
      name
    }
  }
}`) as unknown as TypedDocumentString<ShopMyOrdersQuery, ShopMyOrdersQueryVariables>;
export const ShopOrderDocument = new TypedDocumentString(`
    query ShopOrder($id: ID!) {
  order(id: $id) {
    ...ShopOrder
  }
}
    fragment ShopOrder on Order {
  id
  status
  placedAt
  totalAmount
  nextStatuses
  reservationId
  payment {
    status
    refundAmount
    refundedAt
  }
  items {
    quantity
    unitPrice
    product {
      id
      name
    }
  }
}`) as unknown as TypedDocumentString<ShopOrderQuery, ShopOrderQueryVariables>;
export const ShopOrderStatusChangedDocument = new TypedDocumentString(`
    subscription ShopOrderStatusChanged {
  orderStatusChanged {
    orderId
    from
    to
    at
  }
}
    `) as unknown as TypedDocumentString<ShopOrderStatusChangedSubscription, ShopOrderStatusChangedSubscriptionVariables>;
export const ShopCancelOrderDocument = new TypedDocumentString(`
    mutation ShopCancelOrder($input: CancelOrderInput!) {
  cancelOrder(input: $input) {
    __typename
    ... on Order {
      ...ShopOrder
    }
    ... on InvalidOrderTransitionError {
      message
    }
  }
}
    fragment ShopOrder on Order {
  id
  status
  placedAt
  totalAmount
  nextStatuses
  reservationId
  payment {
    status
    refundAmount
    refundedAt
  }
  items {
    quantity
    unitPrice
    product {
      id
      name
    }
  }
}`) as unknown as TypedDocumentString<ShopCancelOrderMutation, ShopCancelOrderMutationVariables>;
export const ShopRequestReturnDocument = new TypedDocumentString(`
    mutation ShopRequestReturn($input: RequestReturnInput!) {
  requestReturn(input: $input) {
    __typename
    ... on Order {
      ...ShopOrder
    }
    ... on InvalidOrderTransitionError {
      message
    }
  }
}
    fragment ShopOrder on Order {
  id
  status
  placedAt
  totalAmount
  nextStatuses
  reservationId
  payment {
    status
    refundAmount
    refundedAt
  }
  items {
    quantity
    unitPrice
    product {
      id
      name
    }
  }
}`) as unknown as TypedDocumentString<ShopRequestReturnMutation, ShopRequestReturnMutationVariables>;
export const ShopDropDocument = new TypedDocumentString(`
    query ShopDrop($id: ID!) {
  serverTime
  product(id: $id) {
    id
    name
    description
    price
    purchaseLimit
    saleState
    saleStartsAt
    waitingRoom {
      mode
    }
  }
  waitingRoom(productId: $id) {
    ...ShopRoomFrame
  }
}
    fragment ShopRoomFrame on WaitingRoomFrame {
  version
  state
  mode
  serverTime
  opensAt
  preQueueOpensAt
  servedThrough
  queueLength
  remaining
  inCarts
  cutoffTicket
  nextReturnAt
  admitPerMinuteLow
  admitPerMinuteHigh
  admissionSeconds
  holdSeconds
  pausedReason
  entrants
}`) as unknown as TypedDocumentString<ShopDropQuery, ShopDropQueryVariables>;
export const ShopMyTicketDocument = new TypedDocumentString(`
    query ShopMyTicket($id: ID!) {
  myWaitingRoomTicket(productId: $id) {
    ticket
    admitted
    admissionExpiresAt
    admissionUsed
  }
}
    `) as unknown as TypedDocumentString<ShopMyTicketQuery, ShopMyTicketQueryVariables>;
export const ShopJoinRoomDocument = new TypedDocumentString(`
    mutation ShopJoinRoom($input: JoinWaitingRoomInput!) {
  joinWaitingRoom(input: $input) {
    __typename
    ... on WaitingRoomTicket {
      ticket
      admitted
      admissionExpiresAt
    }
    ... on PreQueueEntry {
      entryId
      entrants
      seedCommit
    }
    ... on WaitingRoomClosed {
      reason
      message
    }
    ... on ChallengeRequired {
      challenge {
        algorithm
        challenge
        salt
        signature
        maxNumber
      }
    }
    ... on ChallengeFailedError {
      reason
      message
    }
  }
}
    `) as unknown as TypedDocumentString<ShopJoinRoomMutation, ShopJoinRoomMutationVariables>;
export const ShopWaitingRoomDocument = new TypedDocumentString(`
    subscription ShopWaitingRoom($id: ID!) {
  waitingRoom(productId: $id) {
    ...ShopRoomFrame
  }
}
    fragment ShopRoomFrame on WaitingRoomFrame {
  version
  state
  mode
  serverTime
  opensAt
  preQueueOpensAt
  servedThrough
  queueLength
  remaining
  inCarts
  cutoffTicket
  nextReturnAt
  admitPerMinuteLow
  admitPerMinuteHigh
  admissionSeconds
  holdSeconds
  pausedReason
  entrants
}`) as unknown as TypedDocumentString<ShopWaitingRoomSubscription, ShopWaitingRoomSubscriptionVariables>;
export const ShopDrawDocument = new TypedDocumentString(`
    query ShopDraw($id: ID!) {
  waitingRoomDraw(productId: $id) {
    scheme
    seedCommit
    entries
    entriesRoot
    seed
    order
    late
    lateHash
  }
}
    `) as unknown as TypedDocumentString<ShopDrawQuery, ShopDrawQueryVariables>;
export const ShopMyNotificationsDocument = new TypedDocumentString(`
    query ShopMyNotifications {
  myNotifications {
    id
    events
    createdAt
    product {
      id
      name
    }
  }
}
    `) as unknown as TypedDocumentString<ShopMyNotificationsQuery, ShopMyNotificationsQueryVariables>;
export const ShopNotifyMeDocument = new TypedDocumentString(`
    mutation ShopNotifyMe($input: NotifyMeInput!) {
  notifyMe(input: $input) {
    id
    events
  }
}
    `) as unknown as TypedDocumentString<ShopNotifyMeMutation, ShopNotifyMeMutationVariables>;
export const ShopCancelNotifyMeDocument = new TypedDocumentString(`
    mutation ShopCancelNotifyMe($productId: ID!) {
  cancelNotifyMe(input: {productId: $productId})
}
    `) as unknown as TypedDocumentString<ShopCancelNotifyMeMutation, ShopCancelNotifyMeMutationVariables>;
export const ShopOperatorSnapshotDocument = new TypedDocumentString(`
    query ShopOperatorSnapshot($productId: ID!) {
  operatorSnapshot(productId: $productId) {
    at
    productId
    remaining
    inCarts
    paidAwaitingOrder
    orderLagMs
    purchases
    pays
    paid
    refusals {
      reason
      count
    }
    queue {
      waiting
      admitted
      paused
      pauseReason
    }
  }
}
    `) as unknown as TypedDocumentString<ShopOperatorSnapshotQuery, ShopOperatorSnapshotQueryVariables>;
export const ShopPauseRoomDocument = new TypedDocumentString(`
    mutation ShopPauseRoom($input: PauseWaitingRoomInput!) {
  pauseWaitingRoom(input: $input) {
    state
    pausedReason
  }
}
    `) as unknown as TypedDocumentString<ShopPauseRoomMutation, ShopPauseRoomMutationVariables>;
export const ShopResumeRoomDocument = new TypedDocumentString(`
    mutation ShopResumeRoom($productId: ID!) {
  resumeWaitingRoom(productId: $productId) {
    state
    pausedReason
  }
}
    `) as unknown as TypedDocumentString<ShopResumeRoomMutation, ShopResumeRoomMutationVariables>;