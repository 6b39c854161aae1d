import {
  execute,
  type DocumentNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { WebSocket } from 'ws';
import type { Logger } from '../logger';
import type { VersionedFrame } from './fanout-plan';
import type { RealtimeMetrics } from './metrics';

export interface Member {
  socket: WebSocket;
  /** `{"id":"<id>","type":"next","payload":` — a frame's bytes follow it, then `}`. */
  prefix: string;
  /** The version this member already has (its first frame); older frames skip it. */
  seen: number;
}

export interface Group {
  key: string;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  members: Set<Member>;
  /** The last rendered frame: its version and its serialised payload. */
  rendered?: { version: number; json: string };
  /** Renders and sends one after another, so a member never gets an older frame after a newer. */
  queue: Promise<void>;
}

const DEFAULT_MAX_BUFFERED = 256 * 1024;

/**
 * What a group of sockets receives: each frame executed and serialised once per group (and
 * version), then the same bytes written to every member with only its subscription id spliced
 * in. A group's renders and writes run one after another, so no member gets an older frame after
 * a newer one.
 */
export class GroupRenderer {
  /** Executions of public operations since start (one per group per frame). */
  executions = 0;

  constructor(
    private readonly options: {
      schema: GraphQLSchema;
      createContext: () => unknown;
      formatError: (error: GraphQLError) => GraphQLFormattedError;
      metrics: RealtimeMetrics;
      logger: Logger;
      maxBufferedBytes?: number;
    },
  ) {}

  /** Runs `task` after the group's earlier tasks; a failure is logged, the queue goes on. */
  enqueue(group: Group, task: () => Promise<void>): Promise<void> {
    const run = group.queue.then(task);
    group.queue = run.catch((err: unknown) => {
      this.options.logger.error({ err }, 'fan-out of a frame failed');
    });
    return run;
  }

  /** The serialised payload of a frame for a group: executed once per (group, version). */
  async render(group: Group, frame: VersionedFrame): Promise<string> {
    if (group.rendered?.version === frame.version) return group.rendered.json;
    this.executions++;
    this.options.metrics.executions.inc();
    const result = await execute({
      schema: this.options.schema,
      document: group.document,
      operationName: group.operationName,
      variableValues: group.variableValues,
      rootValue: frame,
      contextValue: this.options.createContext(),
    });
    const json = JSON.stringify(
      result.errors
        ? { ...result, errors: result.errors.map((e) => this.options.formatError(e)) }
        : result,
    );
    if (!group.rendered || group.rendered.version < frame.version)
      group.rendered = { version: frame.version, json };
    return json;
  }

  write(members: Iterable<Member>, json: string, version: number): void {
    let frames = 0;
    let bytes = 0;
    const suffix = `${json}}`;
    for (const member of members) {
      if (member.seen >= version) continue;
      member.seen = version;
      if (member.socket.readyState !== member.socket.OPEN) continue;
      // Backpressure: a socket that stopped reading would hold every later frame in memory.
      // Closed with 1013 (try again later): its client reconnects and gets the current frame.
      if (member.socket.bufferedAmount > (this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED)) {
        this.options.metrics.refused.inc('slow_socket');
        member.socket.close(1013, 'Too slow to read its frames');
        continue;
      }
      const data = member.prefix + suffix;
      member.socket.send(data);
      frames++;
      bytes += data.length;
    }
    this.options.metrics.framesSent.inc(frames);
    this.options.metrics.bytesSent.inc(bytes);
  }
}
