/**
 * The floor of a pay round: what its clients reach when the server does nothing but wait the
 * provider's latency. Two servers, each run by the purchase benchmark in its own process on the
 * port the API had:
 *
 * - `node dist/bench/floor.js`: a bare Node HTTP server that answers every POST after the
 *   latency — the load generator, HTTP and the timer alone;
 * - the API itself, preloaded with this file (`--require dist/bench/floor.js`): every layer of a
 *   request (HTTP, the session check, Apollo, type-graphql, validation) and a `pay` that only
 *   waits the latency and answers a decline.
 *
 * Between them and the real round is what `pay`'s own work costs a client's cycle.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../src/config';
import { PaymentService, type PayOutcome } from '../src/services/payments/payment.service';

const { latencyMs } = loadConfig(process.env).payment;

if (require.main === module) {
  const body = JSON.stringify({ data: { pay: { __typename: 'PaymentDeclinedError' } } });
  http
    .createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        }, latencyMs),
      );
    })
    .listen(Number(process.env.HTTP_PORT), process.env.HTTP_HOST ?? '127.0.0.1');
} else {
  PaymentService.prototype.pay = async (_userId: number, reservationId: string) => {
    await sleep(latencyMs);
    return { kind: 'declined', reservationId, reason: 'floor' } satisfies PayOutcome;
  };
}
