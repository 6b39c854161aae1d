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
