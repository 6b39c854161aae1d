import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { Config } from '../config';
import { SocketRegistry } from './sockets';

function fakeSocket(bufferedAmount: number) {
  return Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    bufferedAmount,
    closed: undefined as number | undefined,
    close(code: number) {
      this.closed = code;
      this.readyState = 2;
    },
  });
}

describe('SocketRegistry.shedIfBacklogged', () => {
  const refusals: string[] = [];
  const registry = new SocketRegistry(
    { maxBufferedBytes: 1000, maxConnectionsPerAddress: 10 } as Config['realtime'],
    {
      sockets: { inc: () => undefined, dec: () => undefined },
      subscriptions: { inc: () => undefined, dec: () => undefined },
      refused: { inc: (reason: string) => void refusals.push(reason) },
    } as never,
  );

  it('leaves a socket that keeps up and closes (1013) one whose client stopped reading', () => {
    const quick = fakeSocket(1000);
    const stuck = fakeSocket(1001);
    expect(registry.shedIfBacklogged(quick as unknown as WebSocket)).toBe(false);
    expect(quick.closed).toBeUndefined();
    expect(registry.shedIfBacklogged(stuck as unknown as WebSocket)).toBe(true);
    expect(stuck.closed).toBe(1013);
    expect(refusals).toEqual(['slow_socket']);
    // Closing already: nothing more to do.
    expect(registry.shedIfBacklogged(stuck as unknown as WebSocket)).toBe(false);
  });
});
