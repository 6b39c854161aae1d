/**
 * The watchers' process of `npm run bench:room` (forked by room.bench.ts): W graphql-ws sockets
 * subscribed to `waitingRoom` of one product, spread over the realtime ports given. It records,
 * for every frame, the delay from the frame's serverTime to its arrival (same machine clock), and
 * when each socket first saw ALL_IN_CARTS and SOLD_OUT.
 */
import WebSocket from 'ws';

const SUBSCRIBE = `subscription($p: ID!) { waitingRoom(productId: $p) { version state serverTime servedThrough } }`;

interface Start {
  cmd: 'start';
  ports: number[];
  productId: number;
  watchers: number;
}

const delays: number[] = [];
let allInCartsAt: number[] = [];
let soldOutAt: number[] = [];
const sockets: WebSocket[] = [];

function open(i: number, port: number, productId: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
      perMessageDeflate: false,
    });
    sockets[i] = socket;
    let ready = false;
    socket.on('error', () => !ready && resolve());
    socket.on('open', () => socket.send('{"type":"connection_init"}'));
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.includes('"connection_ack"')) {
        const payload = { query: SUBSCRIBE, variables: { p: String(productId) } };
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
        return;
      }
      const at = Date.now();
      const frame = (JSON.parse(text) as { payload?: { data?: { waitingRoom?: Frame } } }).payload
        ?.data?.waitingRoom;
      if (!frame) return;
      if (!ready) {
        ready = true;
        resolve();
      } else delays.push(at - Date.parse(frame.serverTime));
      if (frame.state === 'ALL_IN_CARTS' && !allInCartsAt[i]) allInCartsAt[i] = at;
      if (frame.state === 'SOLD_OUT' && !soldOutAt[i]) soldOutAt[i] = at;
    });
  });
}

interface Frame {
  version: number;
  state: string;
  serverTime: string;
  servedThrough: number;
}

process.on('message', (msg: Start | { cmd: 'report' } | { cmd: 'stop' }) => {
  void (async () => {
    if (msg.cmd === 'start') {
      allInCartsAt = new Array<number>(msg.watchers).fill(0);
      soldOutAt = new Array<number>(msg.watchers).fill(0);
      for (let i = 0; i < msg.watchers; i += 200) {
        const batch = [];
        for (let j = i; j < Math.min(msg.watchers, i + 200); j++)
          batch.push(open(j, msg.ports[j % msg.ports.length]!, msg.productId));
        await Promise.all(batch);
      }
      process.send!({ cmd: 'started', open: sockets.filter((s) => s.readyState === 1).length });
    } else if (msg.cmd === 'report') {
      process.send!({
        cmd: 'report',
        delays,
        allInCartsAt: allInCartsAt.filter((t) => t > 0),
        soldOutAt: soldOutAt.filter((t) => t > 0),
      });
    } else {
      for (const s of sockets) s.terminate();
      process.exit(0);
    }
  })();
});
