import { graphql } from '../gql';

export const OperatorSnapshotDocument = graphql(`
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
`);

export const PauseRoomDocument = graphql(`
  mutation ShopPauseRoom($input: PauseWaitingRoomInput!) {
    pauseWaitingRoom(input: $input) {
      state
      pausedReason
    }
  }
`);

export const ResumeRoomDocument = graphql(`
  mutation ShopResumeRoom($productId: ID!) {
    resumeWaitingRoom(productId: $productId) {
      state
      pausedReason
    }
  }
`);
