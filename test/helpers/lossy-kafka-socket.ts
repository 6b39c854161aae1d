import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';

/** Kafka's api key of a Produce request. */
const PRODUCE = 0;

/**
 * A kafkajs socket factory whose connections to the real broker can lose answers in transit: the
 * broker gets every request and does its work, but the answers to the next `n` Produce requests
 * (armed by `loseProduceAnswers(n)`, until `stopLosing()`) never reach the client, whose request
 * then times out. This is what a client sees when a connection stalls after the broker stored a
 * send.
 */
export function lossyKafkaSockets(): {
  socketFactory: ISocketFactory;
  loseProduceAnswers(n: number): void;
  stopLosing(): void;
  /** How many answers were lost so far. */
  lost(): number;
} {
  let armed = 0;
  let lost = 0;
  const doomed = new Set<number>();

  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    // kafkajs writes one whole request per write: size, api key, api version, correlation id.
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, 'binary');
      if (armed > 0 && bytes.length >= 12 && bytes.readInt16BE(4) === PRODUCE) {
        armed--;
        doomed.add(bytes.readInt32BE(8));
      }
      return write(chunk, ...rest);
    }) as typeof socket.write;
    // Answers are framed as size, correlation id, body; a doomed one is cut out of the stream.
    const on = socket.on.bind(socket);
    socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
      if (event !== 'data') return on(event, listener);
      let pending = Buffer.alloc(0);
      return on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          const frame = pending.subarray(0, 4 + pending.readInt32BE(0));
          pending = pending.subarray(frame.length);
          if (doomed.delete(frame.readInt32BE(4))) lost++;
          else listener(frame);
        }
      });
    }) as typeof socket.on;
    return socket;
  };

  return {
    socketFactory,
    loseProduceAnswers: (n) => {
      armed += n;
    },
    stopLosing: () => {
      armed = 0;
    },
    lost: () => lost,
  };
}
