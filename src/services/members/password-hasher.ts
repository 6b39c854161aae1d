import argon2 from 'argon2';
import type { Config } from '../../config';

/** argon2id password hashes; cost from config (OWASP's 19 MiB / 2 passes by default). */
export class PasswordHasher {
  // Verifying against this when the account does not exist keeps login timing identical.
  private dummy: Promise<string> | undefined;

  constructor(private readonly cost: Config['auth']['argon2']) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.cost.memoryCost,
      timeCost: this.cost.timeCost,
    });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (!hash) {
      this.dummy ??= this.hash('not-a-real-password');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    return argon2.verify(hash, password).catch(() => false);
  }
}
