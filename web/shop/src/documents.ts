// Every operation the storefront sends, typed by GraphQL Code Generator (npm run codegen) from
// schema.graphql: a breaking schema change fails the storefront's type check.
import { graphql } from './gql';

export const LoginDocument = graphql(`
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
`);

export const SignUpDocument = graphql(`
  mutation ShopSignUp($input: SignUpInput!) {
    signUp(input: $input) {
      accepted
    }
  }
`);

export const ResendVerificationDocument = graphql(`
  mutation ShopResendVerification($input: EmailInput!) {
    resendVerificationEmail(input: $input) {
      accepted
    }
  }
`);

export const LogoutDocument = graphql(`
  mutation ShopLogout {
    logout {
      endedSessions
    }
  }
`);

export const RequestPasswordResetDocument = graphql(`
  mutation ShopRequestPasswordReset($input: EmailInput!) {
    requestPasswordReset(input: $input) {
      accepted
    }
  }
`);

export const ProductsDocument = graphql(`
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
`);

export const ProductDocument = graphql(`
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
`);

export const PurchaseDocument = graphql(`
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
`);

export const PayDocument = graphql(`
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
`);

export const MyOrdersDocument = graphql(`
  query ShopMyOrders($first: Int!) {
    myOrders(first: $first) {
      edges {
        node {
          ...ShopOrder
        }
      }
    }
  }
`);

export const OrderDocument = graphql(`
  query ShopOrder($id: ID!) {
    order(id: $id) {
      ...ShopOrder
    }
  }
`);

export const OrderFragment = graphql(`
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
`);

export const OrderStatusChangedDocument = graphql(`
  subscription ShopOrderStatusChanged {
    orderStatusChanged {
      orderId
      from
      to
      at
    }
  }
`);

export const CancelOrderDocument = graphql(`
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
`);

export const RequestReturnDocument = graphql(`
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
`);
