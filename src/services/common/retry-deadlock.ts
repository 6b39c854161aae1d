import { DeadlockException } from '@mikro-orm/mysql';

/**
 * Runs a transaction again when InnoDB picked it as a deadlock victim (it was rolled back, so a
 * retry is safe). Concurrent first inserts under one unique key can deadlock by design.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof DeadlockException) || attempt >= attempts) throw err;
    }
  }
}
