import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token of a notice's one-click unsubscribe link: the request id and an HMAC of it, so the
 * link works without login and without a stored token, and cannot be forged for another request.
 */
export class UnsubscribeTokens {
  constructor(private readonly secret: string) {}

  sign(requestId: number): string {
    return `${requestId}.${this.mac(requestId)}`;
  }

  /** The request id a token names, or null when the token is malformed or forged. */
  verify(token: string): number | null {
    const match = /^(\d{1,10})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!match) return null;
    const id = Number(match[1]);
    const expected = Buffer.from(this.mac(id));
    const given = Buffer.from(match[2]!);
    return timingSafeEqual(expected, given) ? id : null;
  }

  private mac(requestId: number): string {
    return createHmac('sha256', this.secret)
      .update(`notify-unsubscribe:${requestId}`)
      .digest('base64url')
      .slice(0, 22);
  }
}
