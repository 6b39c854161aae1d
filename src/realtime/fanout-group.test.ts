import { buildSchema } from 'graphql';
import type { WebSocket } from 'ws';
import { GroupRenderer, type Member } from './fanout-group';

function fakeSocket(bufferedAmount: number) {
  return {
    OPEN: 1,
    readyState: 1,
    bufferedAmount,
    sent: [] as string[],
    closed: undefined as number | undefined,
    send(data: string) {
      this.sent.push(data);
    },
    close(code: number) {
      this.closed = code;
    },
  };
}

describe('GroupRenderer.write', () => {
  const refusals: string[] = [];
  const renderer = new GroupRenderer({
    schema: buildSchema('type Query { x: Int }'),
    createContext: () => ({}),
    formatError: (e) => e.toJSON(),
    metrics: {
      framesSent: { inc: () => undefined },
      bytesSent: { inc: () => undefined },
      refused: { inc: (reason: string) => void refusals.push(reason) },
    } as never,
    logger: { error: () => undefined } as never,
    maxBufferedBytes: 1000,
  });

  it('writes to sockets that keep up and closes (1013) one that stopped reading', () => {
    const quick = fakeSocket(0);
    const stuck = fakeSocket(5000);
    const member = (socket: ReturnType<typeof fakeSocket>): Member => ({
      socket: socket as unknown as WebSocket,
      prefix: '{"id":"1","type":"next","payload":',
      seen: 0,
    });
    renderer.write([member(quick), member(stuck)], '{"data":{}}', 1);
    expect(quick.sent).toEqual(['{"id":"1","type":"next","payload":{"data":{}}}']);
    expect(stuck.sent).toEqual([]);
    expect(stuck.closed).toBe(1013);
    expect(refusals).toEqual(['slow_socket']);
  });
});
