import { describe, expect, it } from '@jest/globals';
import { checkProof, mintChallenge, type Challenge } from './room-pow';

// altcha-lib itself (its CommonJS build): the format's reference, and what browsers solve with.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- its type entry is ESM-only
const altcha = require('altcha-lib') as {
  createChallenge(o: {
    hmacKey: string;
    maxNumber: number;
    expires: Date;
    params: Record<string, string>;
  }): Promise<Challenge>;
  verifySolution(payload: string, hmacKey: string, checkExpires?: boolean): Promise<boolean>;
  solveChallenge(
    challenge: string,
    salt: string,
    algorithm?: string,
    max?: number,
  ): { promise: Promise<{ number: number } | null> };
};

const KEY = 'a-room-pow-hmac-key';
const inTwoMinutes = () => String(Math.floor(Date.now() / 1000) + 120);

/** Solves with altcha-lib and returns the base64 payload a browser sends. */
async function solved(c: Challenge, patch: Record<string, unknown> = {}): Promise<string> {
  const solution = await altcha.solveChallenge(c.challenge, c.salt, c.algorithm, c.maxnumber)
    .promise;
  if (!solution) throw new Error('unsolved');
  const payload = { algorithm: c.algorithm, challenge: c.challenge, number: solution.number };
  return Buffer.from(
    JSON.stringify({ ...payload, salt: c.salt, signature: c.signature, ...patch }),
  ).toString('base64');
}

describe('room proof of work (ALTCHA format)', () => {
  it('altcha-lib solves and verifies the challenges we mint', async () => {
    const c = mintChallenge(KEY, 50, { m: '7', p: '3', expires: inTwoMinutes() });
    expect(c).toMatchObject({ algorithm: 'SHA-256', maxnumber: 50 });
    const proof = await solved(c);
    await expect(altcha.verifySolution(proof, KEY)).resolves.toBe(true);
    await expect(altcha.verifySolution(proof, 'another key')).resolves.toBe(false);
    expect(checkProof(proof, KEY, 7, 3)).toMatchObject({ ok: true, signature: c.signature });
  });

  it('we verify altcha-lib’s own challenges, for their member and product only', async () => {
    const c = await altcha.createChallenge({
      hmacKey: KEY,
      maxNumber: 50,
      expires: new Date(Date.now() + 60_000),
      params: { m: '7', p: '3' },
    });
    const proof = await solved(c);
    const ok = checkProof(proof, KEY, 7, 3);
    expect(ok).toMatchObject({ ok: true, signature: c.signature });
    expect(ok.ok && ok.ttlMs).toBeGreaterThan(50_000);
    expect(checkProof(proof, KEY, 8, 3)).toEqual({ ok: false, reason: 'otherMember' });
    expect(checkProof(proof, KEY, 7, 4)).toEqual({ ok: false, reason: 'otherProduct' });
    expect(checkProof(proof, 'another key', 7, 3)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a wrong number, a changed salt, an expired challenge and garbage', async () => {
    const c = mintChallenge(KEY, 20, { m: '7', p: '3', expires: inTwoMinutes() });
    const good = JSON.parse(Buffer.from(await solved(c), 'base64').toString()) as {
      number: number;
    };
    const invalid = { ok: false, reason: 'invalid' };
    expect(checkProof(await solved(c, { number: good.number + 1 }), KEY, 7, 3)).toEqual(invalid);
    expect(checkProof(await solved(c, { number: String(good.number) }), KEY, 7, 3)).toEqual(
      invalid,
    );
    const otherSalt = c.salt.replace('m=7', 'm=8');
    expect(checkProof(await solved(c, { salt: otherSalt }), KEY, 8, 3)).toEqual(invalid);
    expect(checkProof(await solved(c, { algorithm: 'SHA-1' }), KEY, 7, 3)).toEqual(invalid);
    expect(checkProof(await solved(c, { signature: 'zz' }), KEY, 7, 3)).toEqual(invalid);
    for (const junk of ['', 'not base64 json', Buffer.from('null').toString('base64')])
      expect(checkProof(junk, KEY, 7, 3)).toEqual(invalid);
    const old = mintChallenge(KEY, 20, { m: '7', p: '3', expires: '1000' });
    expect(checkProof(await solved(old), KEY, 7, 3)).toEqual({ ok: false, reason: 'expired' });
  });
});
