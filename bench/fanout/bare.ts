/** The bare `ws` server process: pre-serialised frames of the same size, the floor of a send. */
import { WebSocketServer } from 'ws';

export function bareProcess() {
  const port = Number(process.env.BARE_PORT);
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
  wss.on('listening', () => process.send!({ cmd: 'listening' }));
  process.on('message', (msg: { cmd: string; frame?: string; frames?: number }) => {
    void (async () => {
      if (msg.cmd !== 'blast') return;
      const clients = [...wss.clients];
      const idle = process.cpuUsage();
      await new Promise((r) => setTimeout(r, 500));
      const idleCpu = process.cpuUsage(idle);
      const before = process.cpuUsage();
      for (let f = 0; f < msg.frames!; f++) {
        for (const c of clients) c.send(msg.frame!);
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 400));
      const used = process.cpuUsage(before);
      // Idle CPU over the same 0.5 s as the sends' waits, taken away.
      const idleShare = ((idleCpu.user + idleCpu.system) / 0.5) * (msg.frames! * 0.1 + 0.4);
      const seconds = Math.max(0, used.user + used.system - idleShare) / 1e6;
      process.send!({ cmd: 'blasted', sends: clients.length * msg.frames!, cpuSeconds: seconds });
    })();
  });
}
