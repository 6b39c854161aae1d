import { UnsubscribeTokens } from './unsubscribe-token';

describe('UnsubscribeTokens', () => {
  const tokens = new UnsubscribeTokens('a secret of at least thirty-two characters');

  it('names the request it was signed for', () => {
    expect(tokens.verify(tokens.sign(42))).toBe(42);
  });

  it('refuses a token for another request, another secret, or a malformed one', () => {
    const [, mac] = tokens.sign(42).split('.');
    expect(tokens.verify(`43.${mac}`)).toBeNull();
    expect(
      new UnsubscribeTokens('another secret, also long enough!!').verify(tokens.sign(42)),
    ).toBeNull();
    for (const bad of ['', '42', '42.', 'x.y', `42.${mac}x`, `-1.${mac}`])
      expect(tokens.verify(bad)).toBeNull();
  });
});
