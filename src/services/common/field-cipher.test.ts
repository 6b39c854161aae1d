import { randomBytes } from 'node:crypto';
import { FieldCipher } from './field-cipher';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(randomBytes(32));

  it('round-trips text and never stores it in clear', () => {
    const stored = cipher.encrypt('010-1234-5678');
    expect(stored).not.toContain('1234');
    expect(cipher.decrypt(stored)).toBe('010-1234-5678');
  });

  it('uses a fresh IV for every value', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('rejects a tampered value', () => {
    const [v, iv, tag, data] = cipher.encrypt('Seoul').split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
  });

  it('rejects a value encrypted under another key', () => {
    const other = new FieldCipher(randomBytes(32));
    expect(() => cipher.decrypt(other.encrypt('x'))).toThrow();
  });
});
