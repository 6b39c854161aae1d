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
    "\n  query ShopProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      saleEndsAt\n    }\n  }\n": typeof types.ShopProductDocument,
    "\n  mutation ShopPurchase($input: PurchaseInput!) {\n    purchase(input: $input) {\n      __typename\n      ... on Reservation {\n        id\n        holdExpiresAt\n        totalAmount\n      }\n      ... on SoldOutError {\n        message\n        remaining\n      }\n      ... on PurchaseLimitExceededError {\n        message\n        remainingAllowance\n      }\n      ... on SaleNotActiveError {\n        code\n        message\n        saleStartsAt\n        saleEndsAt\n      }\n      ... on NotAdmittedError {\n        message\n      }\n      ... on AdmissionExpiredError {\n        message\n      }\n      ... on TooManyHoldsError {\n        message\n      }\n    }\n  }\n": typeof types.ShopPurchaseDocument,
    "\n  mutation ShopPay($input: PayInput!) {\n    pay(input: $input) {\n      __typename\n      ... on Payment {\n        id\n        amount\n      }\n      ... on PaymentDeclinedError {\n        message\n      }\n      ... on PaymentInProgressError {\n        message\n      }\n      ... on ReservationExpiredError {\n        message\n        status\n      }\n    }\n  }\n": typeof types.ShopPayDocument,
    "\n  query ShopMyOrders($first: Int!) {\n    myOrders(first: $first) {\n      edges {\n        node {\n          ...ShopOrder\n        }\n      }\n    }\n  }\n": typeof types.ShopMyOrdersDocument,
    "\n  query ShopOrder($id: ID!) {\n    order(id: $id) {\n      ...ShopOrder\n    }\n  }\n": typeof types.ShopOrderDocument,
    "\n  fragment ShopOrder on Order {\n    id\n    status\n    placedAt\n    totalAmount\n    nextStatuses\n    reservationId\n    payment {\n      status\n      refundAmount\n      refundedAt\n    }\n    items {\n      quantity\n      unitPrice\n      product {\n        id\n        name\n      }\n    }\n  }\n": typeof types.ShopOrderFragmentDoc,
    "\n  subscription ShopOrderStatusChanged {\n    orderStatusChanged {\n      orderId\n      from\n      to\n      at\n    }\n  }\n": typeof types.ShopOrderStatusChangedDocument,
    "\n  mutation ShopCancelOrder($input: CancelOrderInput!) {\n    cancelOrder(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": typeof types.ShopCancelOrderDocument,
    "\n  mutation ShopRequestReturn($input: RequestReturnInput!) {\n    requestReturn(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": typeof types.ShopRequestReturnDocument,
    "\n  query ShopOperatorSnapshot($productId: ID!) {\n    operatorSnapshot(productId: $productId) {\n      at\n      productId\n      remaining\n      inCarts\n      paidAwaitingOrder\n      orderLagMs\n      purchases\n      pays\n      paid\n      refusals {\n        reason\n        count\n      }\n      queue {\n        waiting\n        admitted\n        paused\n        pauseReason\n      }\n    }\n  }\n": typeof types.ShopOperatorSnapshotDocument,
};
const documents: Documents = {
    "\n  mutation ShopLogin($input: LoginInput!) {\n    login(input: $input) {\n      accessToken\n      accessTokenExpiresAt\n      user {\n        id\n        name\n        email\n        role\n      }\n    }\n  }\n": types.ShopLoginDocument,
    "\n  mutation ShopSignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      accepted\n    }\n  }\n": types.ShopSignUpDocument,
    "\n  mutation ShopResendVerification($input: EmailInput!) {\n    resendVerificationEmail(input: $input) {\n      accepted\n    }\n  }\n": types.ShopResendVerificationDocument,
    "\n  mutation ShopLogout {\n    logout {\n      endedSessions\n    }\n  }\n": types.ShopLogoutDocument,
    "\n  mutation ShopRequestPasswordReset($input: EmailInput!) {\n    requestPasswordReset(input: $input) {\n      accepted\n    }\n  }\n": types.ShopRequestPasswordResetDocument,
    "\n  query ShopProducts($first: Int!, $after: String) {\n    products(first: $first, after: $after) {\n      edges {\n        node {\n          id\n          name\n          price\n          saleState\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ShopProductsDocument,
    "\n  query ShopProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      saleEndsAt\n    }\n  }\n": types.ShopProductDocument,
    "\n  mutation ShopPurchase($input: PurchaseInput!) {\n    purchase(input: $input) {\n      __typename\n      ... on Reservation {\n        id\n        holdExpiresAt\n        totalAmount\n      }\n      ... on SoldOutError {\n        message\n        remaining\n      }\n      ... on PurchaseLimitExceededError {\n        message\n        remainingAllowance\n      }\n      ... on SaleNotActiveError {\n        code\n        message\n        saleStartsAt\n        saleEndsAt\n      }\n      ... on NotAdmittedError {\n        message\n      }\n      ... on AdmissionExpiredError {\n        message\n      }\n      ... on TooManyHoldsError {\n        message\n      }\n    }\n  }\n": types.ShopPurchaseDocument,
    "\n  mutation ShopPay($input: PayInput!) {\n    pay(input: $input) {\n      __typename\n      ... on Payment {\n        id\n        amount\n      }\n      ... on PaymentDeclinedError {\n        message\n      }\n      ... on PaymentInProgressError {\n        message\n      }\n      ... on ReservationExpiredError {\n        message\n        status\n      }\n    }\n  }\n": types.ShopPayDocument,
    "\n  query ShopMyOrders($first: Int!) {\n    myOrders(first: $first) {\n      edges {\n        node {\n          ...ShopOrder\n        }\n      }\n    }\n  }\n": types.ShopMyOrdersDocument,
    "\n  query ShopOrder($id: ID!) {\n    order(id: $id) {\n      ...ShopOrder\n    }\n  }\n": types.ShopOrderDocument,
    "\n  fragment ShopOrder on Order {\n    id\n    status\n    placedAt\n    totalAmount\n    nextStatuses\n    reservationId\n    payment {\n      status\n      refundAmount\n      refundedAt\n    }\n    items {\n      quantity\n      unitPrice\n      product {\n        id\n        name\n      }\n    }\n  }\n": types.ShopOrderFragmentDoc,
    "\n  subscription ShopOrderStatusChanged {\n    orderStatusChanged {\n      orderId\n      from\n      to\n      at\n    }\n  }\n": types.ShopOrderStatusChangedDocument,
    "\n  mutation ShopCancelOrder($input: CancelOrderInput!) {\n    cancelOrder(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": types.ShopCancelOrderDocument,
    "\n  mutation ShopRequestReturn($input: RequestReturnInput!) {\n    requestReturn(input: $input) {\n      __typename\n      ... on Order {\n        ...ShopOrder\n      }\n      ... on InvalidOrderTransitionError {\n        message\n      }\n    }\n  }\n": types.ShopRequestReturnDocument,
    "\n  query ShopOperatorSnapshot($productId: ID!) {\n    operatorSnapshot(productId: $productId) {\n      at\n      productId\n      remaining\n      inCarts\n      paidAwaitingOrder\n      orderLagMs\n      purchases\n      pays\n      paid\n      refusals {\n        reason\n        count\n      }\n      queue {\n        waiting\n        admitted\n        paused\n        pauseReason\n      }\n    }\n  }\n": types.ShopOperatorSnapshotDocument,
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
export function graphql(source: "\n  query ShopProduct($id: ID!) {\n    serverTime\n    product(id: $id) {\n      id\n      name\n      description\n      price\n      purchaseLimit\n      saleState\n      saleStartsAt\n      saleEndsAt\n    }\n  }\n"): typeof import('./graphql').ShopProductDocument;
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
export function graphql(source: "\n  query ShopOperatorSnapshot($productId: ID!) {\n    operatorSnapshot(productId: $productId) {\n      at\n      productId\n      remaining\n      inCarts\n      paidAwaitingOrder\n      orderLagMs\n      purchases\n      pays\n      paid\n      refusals {\n        reason\n        count\n      }\n      queue {\n        waiting\n        admitted\n        paused\n        pauseReason\n      }\n    }\n  }\n"): typeof import('./graphql').ShopOperatorSnapshotDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
