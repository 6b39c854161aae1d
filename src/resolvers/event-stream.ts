import type { AppPubSub } from '../clients/pubsub';

/**
 * A subscription's event stream: `first` (e.g. the current value), then the source's events that
 * `keep` accepts. Unlike an async generator, `return` reaches the source at once even while a
 * `next` is waiting, so a client that unsubscribes never leaves a Redis subscription behind.
 */
export function eventStream<T>(
  source: AsyncIterator<T>,
  keep: (event: T) => boolean,
  first: T[] = [],
): AsyncIterableIterator<T> {
  const pending = [...first];
  const stream: AsyncIterableIterator<T> = {
    async next() {
      const head = pending.shift();
      if (head !== undefined) return { value: head, done: false };
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    async return() {
      pending.length = 0;
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await stream.return!();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

/**
 * A versioned public topic's stream: `current()` first, then every newer frame published on
 * `routingKey`/`id`. It listens before reading the current frame, so a frame published meanwhile
 * is not lost; what `current` throws (e.g. NOT_FOUND) is thrown with nothing left subscribed.
 */
export async function currentThenNewer<T extends { version: number }>(
  pubSub: AppPubSub,
  routingKey: string,
  id: number,
  current: () => Promise<T>,
): Promise<AsyncIterableIterator<T>> {
  const source = await pubSub.subscribeReady<T>(routingKey, id);
  let first: T;
  try {
    first = await current();
  } catch (err) {
    await source.return?.();
    throw err;
  }
  let version = first.version;
  return eventStream(
    source,
    (frame) => {
      if (frame.version <= version) return false;
      version = frame.version;
      return true;
    },
    [first],
  );
}
