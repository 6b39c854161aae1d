// The drop page's and notify me's operations (typed by npm run codegen, like documents.ts).
import { graphql } from './gql';

export const RoomFrameFragment = graphql(`
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
`);

export const DropDocument = graphql(`
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
`);

export const MyTicketDocument = graphql(`
  query ShopMyTicket($id: ID!) {
    myWaitingRoomTicket(productId: $id) {
      ticket
      admitted
      admissionExpiresAt
      admissionUsed
    }
  }
`);

export const JoinRoomDocument = graphql(`
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
`);

export const RoomSubscriptionDocument = graphql(`
  subscription ShopWaitingRoom($id: ID!) {
    waitingRoom(productId: $id) {
      ...ShopRoomFrame
    }
  }
`);

export const DrawDocument = graphql(`
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
`);

export const MyNotificationsDocument = graphql(`
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
`);

export const NotifyMeDocument = graphql(`
  mutation ShopNotifyMe($input: NotifyMeInput!) {
    notifyMe(input: $input) {
      id
      events
    }
  }
`);

export const CancelNotifyMeDocument = graphql(`
  mutation ShopCancelNotifyMe($productId: ID!) {
    cancelNotifyMe(input: { productId: $productId })
  }
`);
