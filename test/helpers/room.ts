import { createHash } from 'node:crypto';
import { dataOf, gqlRequest } from './gql-client';
import type { Member } from './members';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;

export const JOIN_ROOM = `mutation($input: JoinWaitingRoomInput!) { joinWaitingRoom(input: $input) {
  __typename
  ... on WaitingRoomTicket { ticket position admitted admissionExpiresAt minSeconds maxSeconds }
  ... on PreQueueEntry { entryId entrants seedCommit }
  ... on WaitingRoomClosed { code reason }
  ... on ChallengeRequired { code challenge { algorithm challenge salt signature maxNumber expiresAt } }
  ... on ChallengeFailedError { code reason } } }`;

/** Solves an ALTCHA (SHA-256) challenge by brute force, as the widget does; the payload. */
export function solve(c: {
  algorithm: string;
  challenge: string;
  salt: string;
  signature: string;
  maxNumber: number;
}): string {
  for (let n = 0; n <= c.maxNumber; n++) {
    if (
      createHash('sha256')
        .update(c.salt + n)
        .digest('hex') === c.challenge
    ) {
      const payload = {
        algorithm: c.algorithm,
        challenge: c.challenge,
        number: n,
        salt: c.salt,
        signature: c.signature,
      };
      return Buffer.from(JSON.stringify(payload)).toString('base64');
    }
  }
  throw new Error('challenge has no solution');
}

/** joinWaitingRoom, once with `proof` (or none). */
export async function joinOnce(
  url: string,
  productId: number,
  m: Member,
  proof?: string,
): Promise<Any> {
  const res = await gqlRequest<Any, Any>(
    url,
    JOIN_ROOM,
    { input: { productId: String(productId), proof } },
    m.token,
  );
  return dataOf(res).joinWaitingRoom;
}

/** joinWaitingRoom as a client does: solving the proof of work when asked. */
export async function joinRoom(url: string, productId: number, m: Member): Promise<Any> {
  const first = await joinOnce(url, productId, m);
  if (first.__typename !== 'ChallengeRequired') return first;
  return joinOnce(url, productId, m, solve(first.challenge));
}
