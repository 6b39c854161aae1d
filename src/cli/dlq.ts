import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createKafka } from '../clients/kafka';
import { KAFKA_TOPICS } from '../clients/topics';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { PaymentDeadLetters } from '../services/payments/dead-letters';

const { paymentCompleted, paymentCompletedDlq } = KAFKA_TOPICS;
const USAGE = `usage: npm run dlq -- list
       npm run dlq -- replay (--all | --at <partition>:<offset> [--at ...])
  list    prints each message on ${paymentCompletedDlq} as one JSON line (partition, offset,
          reason, source topic/partition/offset, key, value)
  replay  sends the chosen messages back to ${paymentCompleted}, where the order writer reads
          them again (a message still unreadable comes back to the dead-letter topic)`;

/** Operator command for the payment dead-letter topic: list and replay. */
async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      at: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command] = positionals;
  if (values.help || (command !== 'list' && command !== 'replay')) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  const logger = createLogger({ ...config, log: { level: 'warn' } });
  const letters = new PaymentDeadLetters(createKafka(config.kafka, logger), config.kafka);
  if (command === 'list') {
    for (const letter of await letters.list()) console.log(JSON.stringify(letter));
    return;
  }
  const at = new Set(values.at ?? []);
  if (!values.all && !at.size) {
    console.log(USAGE);
    process.exit(2);
  }
  const sent = await letters.replay(
    (d) => values.all === true || at.has(`${d.partition}:${d.offset}`),
  );
  console.log(`replayed ${sent} message(s) to ${paymentCompleted}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
