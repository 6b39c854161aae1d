/** The watchers' client process: W graphql-ws sockets on one product's `stockChanged`. */
import WebSocket from 'ws';
import { now, SOCKETS_PER_ADDRESS, SUBSCRIBE } from './settings';

export interface WatcherStats {
  sockets: number;
  open: number;
  frames: number;
  bytes: number;
  /** Epoch ms at which each socket got the frame with nothing left (absent: never). */
  soldOutAt: number[];
  cpuSeconds: number;
}

export function watcherProcess() {
  let sockets: WebSocket[] = [];
  let frames = 0;
  let bytes = 0;
  let soldOutAt: number[] = [];
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const stats = (): WatcherStats => ({
    sockets: sockets.length,
    open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    frames,
    bytes,
    soldOutAt: soldOutAt.filter((t) => t > 0),
    cpuSeconds: cpu(),
  });

  async function connect(url: string, n: number, productId: number | null, addresses: string[]) {
    frames = 0;
    bytes = 0;
    soldOutAt = new Array<number>(n).fill(0);
    let firsts = 0;
    let next = 0;
    let retries = 0;
    // A socket refused or dropped before its first frame tries again with backoff, as the
    // widget does; `retries` counts those attempts.
    const open = (i: number, attempt = 0): Promise<void> =>
      new Promise<void>((resolve) => {
        let settled = false;
        const retry = () => {
          if (settled) return;
          settled = true;
          if (attempt >= 6) return resolve();
          retries++;
          setTimeout(() => void open(i, attempt + 1).then(resolve), 100 * 2 ** attempt);
        };
        const socket = new WebSocket(url, productId === null ? undefined : 'graphql-transport-ws', {
          localAddress: addresses[Math.floor(i / SOCKETS_PER_ADDRESS)],
          perMessageDeflate: false,
        });
        sockets[i] = socket;
        let first = true;
        socket.on('error', retry);
        socket.on('close', retry);
        socket.on('open', () => {
          if (productId === null) {
            settled = true;
            return resolve();
          }
          socket.send('{"type":"connection_init"}');
        });
        socket.on('message', (data: Buffer) => {
          const text = data.toString();
          if (productId !== null && text.includes('"connection_ack"')) {
            socket.send(
              JSON.stringify({
                id: '1',
                type: 'subscribe',
                payload: { query: SUBSCRIBE, variables: { productId: String(productId) } },
              }),
            );
            return;
          }
          if (first) {
            // The current value at subscribe: the socket is ready; not counted as a sale frame.
            first = false;
            settled = true;
            firsts++;
            return resolve();
          }
          frames++;
          bytes += data.length;
          // The frame that says nothing is left to buy: ALL_IN_CARTS while the last holds are
          // unpaid (this benchmark's buyers do not pay), SOLD_OUT once they are.
          if (soldOutAt[i] === 0 && /"remaining":0[,}]/.test(text)) soldOutAt[i] = now();
        });
      });
    // A few hundred handshakes at once: more only queues SYNs.
    await Promise.all(
      Array.from({ length: Math.min(500, n) }, async () => {
        while (next < n) await open(next++);
      }),
    );
    return {
      firsts,
      retries,
      open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    };
  }

  process.on(
    'message',
    (msg: { cmd: string; url?: string; n?: number; productId?: number; addresses?: string[] }) => {
      void (async () => {
        if (msg.cmd === 'connect') {
          const r = await connect(msg.url!, msg.n!, msg.productId ?? null, msg.addresses!);
          process.send!({ cmd: 'connected', ...r });
        } else if (msg.cmd === 'stats') {
          process.send!({ cmd: 'stats', ...stats() });
        } else if (msg.cmd === 'reset') {
          frames = 0;
          bytes = 0;
          process.send!({ cmd: 'reset' });
        } else if (msg.cmd === 'close') {
          for (const s of sockets) s.terminate();
          sockets = [];
          process.send!({ cmd: 'closed' });
        }
      })();
    },
  );
}
