/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation ShopLogin($input: LoginInput!) {\n    login(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        name\n        email\n        role\n      }\n    }\n  }\n": typeof types.ShopLoginDocument,
    "\n  mutation ShopSignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accepted\n    }\n  }\n": typeof types.ShopSignUpDocument,
    "\n  mutation ShopResendVerification($input: EmailInput!) {\n    resendVerificationEmail(input: $input) {\n      accepted\n    }\n  }\n": typeof types.ShopResendVerificationDocument,
    "\n  mutation ShopLogout {\n    logout {\n      endedSessions\n    }\n  }\n": typeof types.ShopLogoutDocument,
    "\n  mutation ShopRequestPasswordReset($input: EmailInput!) {\n    requestPasswordReset(input: $input) {\n      accepted\n    }\n  }\n": typeof types.ShopRequestPasswordResetDocument,
    "\n  query ShopProducts($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          price\n          saleState\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ShopProductsDocument,
    "\n  query ShopProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      saleEndsAt\n      waitingRoom {\n        mode\n      }\n    }\n  }\n": typeof types.ShopProductDocument,
    "\n  mutation ShopPurchase($input: PurchaseInput!) {\n    purchase(input: $input) {\n      __typename\n      ... on Reservation {\n        id\n        holdExpiresAt\n        totalAmount\n      }\n      ... on SoldOutError {\n        message\n        remaining\n      }\n      ... on PurchaseLimitExceededError {\n        message\n        remainingAllowance\n      }\n      ... on SaleNotActiveError {\n        code\n        message\n        saleStartsAt\n        saleEndsAt\n      }\n      ... on NotAdmittedError {\n        message\n      }\n      ... on AdmissionExpiredError {\n        message\n      }\n      ... on TooManyHoldsError {\n        message\n      }\n    }\n  }\n": typeof types.ShopPurchaseDocument,
    "\n  mutation ShopPay($input: PayInput!) {\n    pay(input: $input) {\n      __typename\n      ... on Payment {\n        id\n        amount\n      }\n      ... on PaymentDeclinedError {\n        message\n      }\n      ... on PaymentInProgressError {\n        message\n      }\n      ... on ReservationExpiredError {\n        message\n        status\n      }\n    }\n  }\n": typeof types.ShopPayDocument,
    "\n  query ShopMyOrders($first: Int!) {\n    myOrders(first: $first) {\n      edges {\n        node {\n          ...ShopOrder\n        }\n      }\n    }\n  }\n": typeof types.ShopMyOrdersDocument,
    "\n  query ShopOrder($id: ID!) {\n    order(id: $id) {\n      ...ShopOrder\n    }\n  }\n": typeof types.ShopOrderDocument,
    "\n  fragment ShopOrder on Order {\n    id\n    status\n    placedAt\n    totalAmount\n    nextStatuses\n    reservationId\n    payment {\n      status\n      refundAmount\n      refundedAt\n    }\n    items {\n      quantity\n      unitPrice\n      product {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ShopOrderFragmentDoc,
    "\n  subscription ShopOrderStatusChanged {\n    orderStatusChanged {\n      orderId\n      from\n      to\n      at\n    }\n  }\n": typeof types.ShopOrderStatusChangedDocument,
    "\n  mutation ShopCancelOrder($input: CancelOrderInput!) {\n    cancelOrder(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": typeof types.ShopCancelOrderDocument,
    "\n  mutation ShopRequestReturn($input: RequestReturnInput!) {\n    requestReturn(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": typeof types.ShopRequestReturnDocument,
    "\n  fragment ShopRoomFrame on WaitingRoomFrame {\n    version\n    state\n    mode\n    serverTime\n    opensAt\n    preQueueOpensAt\n    servedThrough\n    queueLength\n    remaining\n    inCarts\n    cutoffTicket\n    nextReturnAt\n    admitPerMinuteLow\n    admitPerMinuteHigh\n    admissionSeconds\n    holdSeconds\n    pausedReason\n    entrants\n  }\n": typeof types.ShopRoomFrameFragmentDoc,
    "\n  query ShopDrop($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      waitingRoom {\n        mode\n      }\n    }\n    waitingRoom(productId: $id) {\n      ...ShopRoomFrame\n    }\n  }\n": typeof types.ShopDropDocument,
    "\n  query ShopMyTicket($id: ID!) {\n    myWaitingRoomTicket(productId: $id) {\n      ticket\n      admitted\n      admissionExpiresAt\n      admissionUsed\n    }\n  }\n": typeof types.ShopMyTicketDocument,
    "\n  mutation ShopJoinRoom($input: JoinWaitingRoomInput!) {\n    joinWaitingRoom(input: $input) {\n      __typename\n      ... on WaitingRoomTicket {\n        ticket\n        admitted\n        admissionExpiresAt\n      }\n      ... on PreQueueEntry {\n        entryId\n        entrants\n        seedCommit\n      }\n      ... on WaitingRoomClosed {\n        reason\n        message\n      }\n      ... on ChallengeRequired {\n        challenge {\n          algorithm\n          challenge\n          salt\n          signature\n          maxNumber\n        }\n      }\n      ... on ChallengeFailedError {\n        reason\n        message\n      }\n    }\n  }\n": typeof types.ShopJoinRoomDocument,
    "\n  subscription ShopWaitingRoom($id: ID!) {\n    waitingRoom(productId: $id) {\n      ...ShopRoomFrame\n    }\n  }\n": typeof types.ShopWaitingRoomDocument,
    "\n  query ShopDraw($id: ID!) {\n    waitingRoomDraw(productId: $id) {\n      scheme\n      seedCommit\n      entries\n      entriesRoot\n      seed\n      order\n      late\n      lateHash\n    }\n  }\n": typeof types.ShopDrawDocument,
    "\n  query ShopMyNotifications {\n    myNotifications {\n      id\n      events\n      createdAt\n      product {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ShopMyNotificationsDocument,
    "\n  mutation ShopNotifyMe($input: NotifyMeInput!) {\n    notifyMe(input: $input) {\n      id\n      events\n    }\n  }\n": typeof types.ShopNotifyMeDocument,
    "\n  mutation ShopCancelNotifyMe($productId: ID!) {\n    cancelNotifyMe(input: { productId: $productId })\n  }\n": typeof types.ShopCancelNotifyMeDocument,
    "\n  query ShopOperatorSnapshot($productId: ID!) {\n    operatorSnapshot(productId: $productId) {\n      at\n      productId\n      remaining\n      inCarts\n      paidAwaitingOrder\n      orderLagMs\n      purchases\n      pays\n      paid\n      refusals {\n        reason\n        count\n      }\n      queue {\n        waiting\n        admitted\n        paused\n        pauseReason\n      }\n    }\n  }\n": typeof types.ShopOperatorSnapshotDocument,
    "\n  mutation ShopPauseRoom($input: PauseWaitingRoomInput!) {\n    pauseWaitingRoom(input: $input) {\n      state\n      pausedReason\n    }\n  }\n": typeof types.ShopPauseRoomDocument,
    "\n  mutation ShopResumeRoom($productId: ID!) {\n    resumeWaitingRoom(productId: $productId) {\n      state\n      pausedReason\n    }\n  }\n": typeof types.ShopResumeRoomDocument,
};
const documents: Documents = {
    "\n  mutation ShopLogin($input: LoginInput!) {\n    login(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        name\n        email\n        role\n      }\n    }\n  }\n": types.ShopLoginDocument,
    "\n  mutation ShopSignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accepted\n    }\n  }\n": types.ShopSignUpDocument,
    "\n  mutation ShopResendVerification($input: EmailInput!) {\n    resendVerificationEmail(input: $input) {\n      accepted\n    }\n  }\n": types.ShopResendVerificationDocument,
    "\n  mutation ShopLogout {\n    logout {\n      endedSessions\n    }\n  }\n": types.ShopLogoutDocument,
    "\n  mutation ShopRequestPasswordReset($input: EmailInput!) {\n    requestPasswordReset(input: $input) {\n      accepted\n    }\n  }\n": types.ShopRequestPasswordResetDocument,
    "\n  query ShopProducts($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          price\n          saleState\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ShopProductsDocument,
    "\n  query ShopProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      saleEndsAt\n      waitingRoom {\n        mode\n      }\n    }\n  }\n": types.ShopProductDocument,
    "\n  mutation ShopPurchase($input: PurchaseInput!) {\n    purchase(input: $input) {\n      __typename\n      ... on Reservation {\n        id\n        holdExpiresAt\n        totalAmount\n      }\n      ... on SoldOutError {\n        message\n        remaining\n      }\n      ... on PurchaseLimitExceededError {\n        message\n        remainingAllowance\n      }\n      ... on SaleNotActiveError {\n        code\n        message\n        saleStartsAt\n        saleEndsAt\n      }\n      ... on NotAdmittedError {\n        message\n      }\n      ... on AdmissionExpiredError {\n        message\n      }\n      ... on TooManyHoldsError {\n        message\n      }\n    }\n  }\n": types.ShopPurchaseDocument,
    "\n  mutation ShopPay($input: PayInput!) {\n    pay(input: $input) {\n      __typename\n      ... on Payment {\n        id\n        amount\n      }\n      ... on PaymentDeclinedError {\n        message\n      }\n      ... on PaymentInProgressError {\n        message\n      }\n      ... on ReservationExpiredError {\n        message\n        status\n      }\n    }\n  }\n": types.ShopPayDocument,
    "\n  query ShopMyOrders($first: Int!) {\n    myOrders(first: $first) {\n      edges {\n        node {\n          ...ShopOrder\n        }\n      }\n    }\n  }\n": types.ShopMyOrdersDocument,
    "\n  query ShopOrder($id: ID!) {\n    order(id: $id) {\n      ...ShopOrder\n    }\n  }\n": types.ShopOrderDocument,
    "\n  fragment ShopOrder on Order {\n    id\n    status\n    placedAt\n    totalAmount\n    nextStatuses\n    reservationId\n    payment {\n      status\n      refundAmount\n      refundedAt\n    }\n    items {\n      quantity\n      unitPrice\n      product {\n        id\n        name\n      }\n    }\n  }\n": types.ShopOrderFragmentDoc,
    "\n  subscription ShopOrderStatusChanged {\n    orderStatusChanged {\n      orderId\n      from\n      to\n      at\n    }\n  }\n": types.ShopOrderStatusChangedDocument,
    "\n  mutation ShopCancelOrder($input: CancelOrderInput!) {\n    cancelOrder(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": types.ShopCancelOrderDocument,
    "\n  mutation ShopRequestReturn($input: RequestReturnInput!) {\n    requestReturn(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": types.ShopRequestReturnDocument,
    "\n  fragment ShopRoomFrame on WaitingRoomFrame {\n    version\n    state\n    mode\n    serverTime\n    opensAt\n    preQueueOpensAt\n    servedThrough\n    queueLength\n    remaining\n    inCarts\n    cutoffTicket\n    nextReturnAt\n    admitPerMinuteLow\n    admitPerMinuteHigh\n    admissionSeconds\n    holdSeconds\n    pausedReason\n    entrants\n  }\n": types.ShopRoomFrameFragmentDoc,
    "\n  query ShopDrop($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      waitingRoom {\n        mode\n      }\n    }\n    waitingRoom(productId: $id) {\n      ...ShopRoomFrame\n    }\n  }\n": types.ShopDropDocument,
    "\n  query ShopMyTicket($id: ID!) {\n    myWaitingRoomTicket(productId: $id) {\n      ticket\n      admitted\n      admissionExpiresAt\n      admissionUsed\n    }\n  }\n": types.ShopMyTicketDocument,
    "\n  mutation ShopJoinRoom($input: JoinWaitingRoomInput!) {\n    joinWaitingRoom(input: $input) {\n      __typename\n      ... on WaitingRoomTicket {\n        ticket\n        admitted\n        admissionExpiresAt\n      }\n      ... on PreQueueEntry {\n        entryId\n        entrants\n        seedCommit\n      }\n      ... on WaitingRoomClosed {\n        reason\n        message\n      }\n      ... on ChallengeRequired {\n        challenge {\n          algorithm\n          challenge\n          salt\n          signature\n          maxNumber\n        }\n      }\n      ... on ChallengeFailedError {\n        reason\n        message\n      }\n    }\n  }\n": types.ShopJoinRoomDocument,
    "\n  subscription ShopWaitingRoom($id: ID!) {\n    waitingRoom(productId: $id) {\n      ...ShopRoomFrame\n    }\n  }\n": types.ShopWaitingRoomDocument,
    "\n  query ShopDraw($id: ID!) {\n    waitingRoomDraw(productId: $id) {\n      scheme\n      seedCommit\n      entries\n      entriesRoot\n      seed\n      order\n      late\n      lateHash\n    }\n  }\n": types.ShopDrawDocument,
    "\n  query ShopMyNotifications {\n    myNotifications {\n      id\n      events\n      createdAt\n      product {\n        id\n        name\n      }\n    }\n  }\n": types.ShopMyNotificationsDocument,
    "\n  mutation ShopNotifyMe($input: NotifyMeInput!) {\n    notifyMe(input: $input) {\n      id\n      events\n    }\n  }\n": types.ShopNotifyMeDocument,
    "\n  mutation ShopCancelNotifyMe($productId: ID!) {\n    cancelNotifyMe(input: { productId: $productId })\n  }\n": types.ShopCancelNotifyMeDocument,
    "\n  query ShopOperatorSnapshot($productId: ID!) {\n    operatorSnapshot(productId: $productId) {\n      at\n      productId\n      remaining\n      inCarts\n      paidAwaitingOrder\n      orderLagMs\n      purchases\n      pays\n      paid\n      refusals {\n        reason\n        count\n      }\n      queue {\n        waiting\n        admitted\n        paused\n        pauseReason\n      }\n    }\n  }\n": types.ShopOperatorSnapshotDocument,
    "\n  mutation ShopPauseRoom($input: PauseWaitingRoomInput!) {\n    pauseWaitingRoom(input: $input) {\n      state\n      pausedReason\n    }\n  }\n": types.ShopPauseRoomDocument,
    "\n  mutation ShopResumeRoom($productId: ID!) {\n    resumeWaitingRoom(productId: $productId) {\n      state\n      pausedReason\n    }\n  }\n": types.ShopResumeRoomDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopLogin($input: LoginInput!) {\n    login(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        name\n        email\n        role\n      }\n    }\n  }\n"): typeof import('./graphql').ShopLoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopSignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accepted\n    }\n  }\n"): typeof import('./graphql').ShopSignUpDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopResendVerification($input: EmailInput!) {\n    resendVerificationEmail(input: $input) {\n      accepted\n    }\n  }\n"): typeof import('./graphql').ShopResendVerificationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopLogout {\n    logout {\n      endedSessions\n    }\n  }\n"): typeof import('./graphql').ShopLogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopRequestPasswordReset($input: EmailInput!) {\n    requestPasswordReset(input: $input) {\n      accepted\n    }\n  }\n"): typeof import('./graphql').ShopRequestPasswordResetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopProducts($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          price\n          saleState\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): typeof import('./graphql').ShopProductsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      saleEndsAt\n      waitingRoom {\n        mode\n      }\n    }\n  }\n"): typeof import('./graphql').ShopProductDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopPurchase($input: PurchaseInput!) {\n    purchase(input: $input) {\n      __typename\n      ... on Reservation {\n        id\n        holdExpiresAt\n        totalAmount\n      }\n      ... on SoldOutError {\n        message\n        remaining\n      }\n      ... on PurchaseLimitExceededError {\n        message\n        remainingAllowance\n      }\n      ... on SaleNotActiveError {\n        code\n        message\n        saleStartsAt\n        saleEndsAt\n      }\n      ... on NotAdmittedError {\n        message\n      }\n      ... on AdmissionExpiredError {\n        message\n      }\n      ... on TooManyHoldsError {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').ShopPurchaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopPay($input: PayInput!) {\n    pay(input: $input) {\n      __typename\n      ... on Payment {\n        id\n        amount\n      }\n      ... on PaymentDeclinedError {\n        message\n      }\n      ... on PaymentInProgressError {\n        message\n      }\n      ... on ReservationExpiredError {\n        message\n        status\n      }\n    }\n  }\n"): typeof import('./graphql').ShopPayDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopMyOrders($first: Int!) {\n    myOrders(first: $first) {\n      edges {\n        node {\n          ...ShopOrder\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ShopMyOrdersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopOrder($id: ID!) {\n    order(id: $id) {\n      ...ShopOrder\n    }\n  }\n"): typeof import('./graphql').ShopOrderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ShopOrder on Order {\n    id\n    status\n    placedAt\n    totalAmount\n    nextStatuses\n    reservationId\n    payment {\n      status\n      refundAmount\n      refundedAt\n    }\n    items {\n      quantity\n      unitPrice\n      product {\n        id\n        name\n      }\n    }\n  }\n"): typeof import('./graphql').ShopOrderFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ShopOrderStatusChanged {\n    orderStatusChanged {\n      orderId\n      from\n      to\n      at\n    }\n  }\n"): typeof import('./graphql').ShopOrderStatusChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopCancelOrder($input: CancelOrderInput!) {\n    cancelOrder(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').ShopCancelOrderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopRequestReturn($input: RequestReturnInput!) {\n    requestReturn(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').ShopRequestReturnDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ShopRoomFrame on WaitingRoomFrame {\n    version\n    state\n    mode\n    serverTime\n    opensAt\n    preQueueOpensAt\n    servedThrough\n    queueLength\n    remaining\n    inCarts\n    cutoffTicket\n    nextReturnAt\n    admitPerMinuteLow\n    admitPerMinuteHigh\n    admissionSeconds\n    holdSeconds\n    pausedReason\n    entrants\n  }\n"): typeof import('./graphql').ShopRoomFrameFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopDrop($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      waitingRoom {\n        mode\n      }\n    }\n    waitingRoom(productId: $id) {\n      ...ShopRoomFrame\n    }\n  }\n"): typeof import('./graphql').ShopDropDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopMyTicket($id: ID!) {\n    myWaitingRoomTicket(productId: $id) {\n      ticket\n      admitted\n      admissionExpiresAt\n      admissionUsed\n    }\n  }\n"): typeof import('./graphql').ShopMyTicketDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopJoinRoom($input: JoinWaitingRoomInput!) {\n    joinWaitingRoom(input: $input) {\n      __typename\n      ... on WaitingRoomTicket {\n        ticket\n        admitted\n        admissionExpiresAt\n      }\n      ... on PreQueueEntry {\n        entryId\n        entrants\n        seedCommit\n      }\n      ... on WaitingRoomClosed {\n        reason\n        message\n      }\n      ... on ChallengeRequired {\n        challenge {\n          algorithm\n          challenge\n          salt\n          signature\n          maxNumber\n        }\n      }\n      ... on ChallengeFailedError {\n        reason\n        message\n      }\n    }\n  }\n"): typeof import('./graphql').ShopJoinRoomDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ShopWaitingRoom($id: ID!) {\n    waitingRoom(productId: $id) {\n      ...ShopRoomFrame\n    }\n  }\n"): typeof import('./graphql').ShopWaitingRoomDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopDraw($id: ID!) {\n    waitingRoomDraw(productId: $id) {\n      scheme\n      seedCommit\n      entries\n      entriesRoot\n      seed\n      order\n      late\n      lateHash\n    }\n  }\n"): typeof import('./graphql').ShopDrawDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopMyNotifications {\n    myNotifications {\n      id\n      events\n      createdAt\n      product {\n        id\n        name\n      }\n    }\n  }\n"): typeof import('./graphql').ShopMyNotificationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopNotifyMe($input: NotifyMeInput!) {\n    notifyMe(input: $input) {\n      id\n      events\n    }\n  }\n"): typeof import('./graphql').ShopNotifyMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopCancelNotifyMe($productId: ID!) {\n    cancelNotifyMe(input: { productId: $productId })\n  }\n"): typeof import('./graphql').ShopCancelNotifyMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ShopOperatorSnapshot($productId: ID!) {\n    operatorSnapshot(productId: $productId) {\n      at\n      productId\n      remaining\n      inCarts\n      paidAwaitingOrder\n      orderLagMs\n      purchases\n      pays\n      paid\n      refusals {\n        reason\n        count\n      }\n      queue {\n        waiting\n        admitted\n        paused\n        pauseReason\n      }\n    }\n  }\n"): typeof import('./graphql').ShopOperatorSnapshotDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopPauseRoom($input: PauseWaitingRoomInput!) {\n    pauseWaitingRoom(input: $input) {\n      state\n      pausedReason\n    }\n  }\n"): typeof import('./graphql').ShopPauseRoomDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShopResumeRoom($productId: ID!) {\n    resumeWaitingRoom(productId: $productId) {\n      state\n      pausedReason\n    }\n  }\n"): typeof import('./graphql').ShopResumeRoomDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
