import {
  execute,
  getOperationAST,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import type { WebSocket } from 'ws';
import { queueIterator, type ChannelSubscriber } from '../clients/pubsub';
import type { Logger } from '../logger';
import type { RealtimeMetrics } from './metrics';

/** A frame of a public topic: every frame of one channel has a higher version than the last. */
export interface VersionedFrame {
  version: number;
}

/**
 * A subscription field whose events are the same for everyone (no viewer in them), so one
 * execution per frame serves every socket that asked the same operation.
 */
export interface PublicTopic<
  A = Record<string, unknown>,
  F extends VersionedFrame = VersionedFrame,
> {
  /** The Redis channel of the field's arguments. */
  channel(args: A): string;
  /** The current frame for a new subscriber; throws (e.g. NOT_FOUND) to refuse the subscription. */
  current(args: A): Promise<F>;
  /** A frame that ends the topic's story (e.g. SOLD_OUT): sent at once, whatever the budget. */
  isFinal(frame: F): boolean;
}

/** A topic of any argument type, as the hub stores it. */
export type AnyTopic = PublicTopic<never, VersionedFrame>;
type CallableTopic = PublicTopic<unknown, VersionedFrame>;

export interface FanoutOptions {
  schema: GraphQLSchema;
  /** Root subscription field name → its public topic. */
  topics: Record<string, AnyTopic>;
  /** A Redis connection of its own: it is put in subscriber mode. */
  subscriber: ChannelSubscriber;
  /** Context of the one execution per frame: no viewer. */
  createContext: () => unknown;
  formatError: (error: GraphQLError) => GraphQLFormattedError;
  /** Socket writes per second this process aims to stay under; frames are spaced to fit. */
  sendBudget: number;
  metrics: RealtimeMetrics;
  logger: Logger;
}

/** What `prepare` found in an operation: a public subscription, and where its frames come from. */
export interface FanoutPlan {
  topic: AnyTopic;
  args: Record<string, unknown>;
  channel: string;
  key: string;
}

interface Member {
  socket: WebSocket;
  /** `{"id":"<id>","type":"next","payload":` — a frame's bytes follow it, then `}`. */
  prefix: string;
  /** The version this member already has (its first frame); older frames skip it. */
  seen: number;
}

interface Group {
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

interface Channel {
  name: string;
  topic: AnyTopic;
  /** The field arguments of the channel (to read its current frame again). */
  args: Record<string, unknown>;
  groups: Map<string, Group>;
  members: number;
  ready: Promise<unknown>;
  lastSentVersion: number;
  lastSentAt: number;
  /** The newest frame sent on this channel. */
  lastFrame?: VersionedFrame;
  /** The current frame being read for new members (one read serves everyone joining meanwhile). */
  reading?: Promise<VersionedFrame>;
  pending?: { frame: VersionedFrame; receivedAt: number };
  timer?: NodeJS.Timeout;
}

/**
 * Fans public subscription frames out per frame, not per watcher: sockets that sent the same
 * operation (document, operation name and variables) form a group, each frame is executed and
 * serialised once per group, and the same bytes are written to every member's socket with only
 * the subscription id spliced in. Frames arrive over Redis pub/sub, so any number of processes
 * can serve watchers. Under the send budget a channel's frames are spaced so that writes per
 * second stay within it (newest frame wins); a final frame is sent at once.
 */
export class FanoutHub {
  private readonly channels = new Map<string, Channel>();
  private members = 0;
  private closed = false;
  /** Executions of public operations since start (one per group per frame). */
  executions = 0;

  constructor(private readonly options: FanoutOptions) {
    options.subscriber.onMessage((channel, message) => this.onMessage(channel, message));
    // Frames published while the subscriber was reconnecting (or its shard failing over) are
    // lost: catch up on each channel.
    options.subscriber.onResubscribed(() => void this.catchUp());
  }

  private async catchUp(): Promise<void> {
    for (const channel of this.channels.values()) {
      try {
        const frame = await (channel.topic as CallableTopic).current(channel.args);
        if (this.channels.get(channel.name) === channel) this.onFrame(channel, frame);
      } catch (err) {
        this.options.logger.warn({ err, channel: channel.name }, 'catch-up after reconnect failed');
      }
    }
  }

  /** Subscribed sockets across every public channel of this process. */
  get watchers(): number {
    return this.members;
  }

  /**
   * The public topic an operation subscribes to, or undefined when it is not a public
   * subscription (a query, a mutation or a per-member subscription). Variables are coerced as
   * execution would; an operation that does not coerce is left to the ordinary path.
   */
  plan(args: ExecutionArgs): FanoutPlan | undefined {
    const operation = getOperationAST(args.document, args.operationName);
    if (operation?.operation !== 'subscription') return undefined;
    const type = args.schema.getSubscriptionType();
    if (!type) return undefined;
    const coerced = getVariableValues(
      args.schema,
      operation.variableDefinitions ?? [],
      (args.variableValues ?? {}) as Record<string, unknown>,
    );
    if (coerced.errors) return undefined;
    const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
    for (const d of args.document.definitions)
      if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
    const fields = collectFields(
      args.schema,
      fragments,
      coerced.coerced,
      type,
      operation.selectionSet,
    );
    if (fields.size !== 1) return undefined;
    const [nodes] = fields.values();
    const name = nodes[0].name.value;
    const topic = this.options.topics[name];
    const def = type.getFields()[name];
    if (!topic || !def) return undefined;
    const fieldArgs = getArgumentValues(def, nodes[0], coerced.coerced);
    const channel = (topic as CallableTopic).channel(fieldArgs);
    const key = JSON.stringify([
      channel,
      args.operationName ?? null,
      args.variableValues ?? null,
      documentKey(args.document),
    ]);
    return { topic, args: fieldArgs, channel, key };
  }

  /**
   * Adds a socket's subscription `id` to its group and sends it the current frame. Throws what
   * the topic's `current` throws (e.g. NOT_FOUND); nothing is left behind then. The returned
   * iterator yields nothing (frames bypass it); its `return` removes the member.
   */
  async join(
    plan: FanoutPlan,
    args: ExecutionArgs,
    socket: WebSocket,
    id: string,
  ): Promise<AsyncIterableIterator<ExecutionResult>> {
    const channel = this.channelOf(plan);
    const member: Member = {
      socket,
      prefix: `{"id":${JSON.stringify(id)},"type":"next","payload":`,
      seen: Infinity,
    };
    let group = channel.groups.get(plan.key);
    if (!group) {
      group = {
        key: plan.key,
        document: args.document,
        operationName: args.operationName,
        variableValues: args.variableValues as Record<string, unknown> | null | undefined,
        members: new Set(),
        queue: Promise.resolve(),
      };
      channel.groups.set(plan.key, group);
    }
    // A member from now on, so no frame published after the current one is read can miss it;
    // frames are held back from it (seen = ∞) until it has the current one.
    group.members.add(member);
    channel.members++;
    this.members++;
    this.options.metrics.subscriptions.inc({ kind: 'public' });
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      this.leave(channel, group, member);
    };
    try {
      await channel.ready;
      const read = (channel.reading ??= (plan.topic as CallableTopic)
        .current(plan.args)
        .finally(() => (channel.reading = undefined)));
      const current = await read;
      await this.enqueue(group, async () => {
        // The channel may have sent a newer frame while the current one was read: send that.
        const last = channel.lastFrame;
        const first = last && last.version > current.version ? last : current;
        const json = await this.render(group, first);
        member.seen = first.version - 1;
        this.write([member], json, first.version);
      });
    } catch (err) {
      leave();
      throw err;
    }
    return queueIterator<ExecutionResult>(leave).iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const channel of this.channels.values()) clearTimeout(channel.timer);
    this.channels.clear();
  }

  private channelOf(plan: FanoutPlan): Channel {
    let channel = this.channels.get(plan.channel);
    if (!channel) {
      channel = {
        name: plan.channel,
        topic: plan.topic,
        args: plan.args,
        groups: new Map(),
        members: 0,
        ready: this.options.subscriber.subscribe(plan.channel),
        lastSentVersion: 0,
        lastSentAt: 0,
      };
      this.channels.set(plan.channel, channel);
    }
    return channel;
  }

  private leave(channel: Channel, group: Group, member: Member): void {
    if (!group.members.delete(member)) return;
    channel.members--;
    this.members--;
    this.options.metrics.subscriptions.dec({ kind: 'public' });
    if (group.members.size === 0) channel.groups.delete(group.key);
    if (channel.members === 0 && this.channels.get(channel.name) === channel) {
      this.channels.delete(channel.name);
      clearTimeout(channel.timer);
      void this.options.subscriber.unsubscribe(channel.name).catch(() => undefined);
    }
  }

  private onMessage(name: string, message: string): void {
    const channel = this.channels.get(name);
    if (!channel || this.closed) return;
    let frame: VersionedFrame;
    try {
      frame = JSON.parse(message) as VersionedFrame;
    } catch {
      return;
    }
    this.onFrame(channel, frame);
  }

  private onFrame(channel: Channel, frame: VersionedFrame): void {
    if (!(frame.version > channel.lastSentVersion)) return;
    const receivedAt = performance.now();
    const final = channel.topic.isFinal(frame);
    const spacing = (1000 * this.members) / this.options.sendBudget;
    const due = channel.lastSentAt + spacing;
    if (final || receivedAt >= due) {
      clearTimeout(channel.timer);
      channel.timer = undefined;
      channel.pending = undefined;
      this.send(channel, frame, receivedAt);
      return;
    }
    // Within the budget's spacing: keep the newest frame for when the channel is due.
    if (!channel.pending || channel.pending.frame.version < frame.version)
      channel.pending = { frame, receivedAt };
    channel.timer ??= setTimeout(() => {
      channel.timer = undefined;
      const pending = channel.pending;
      channel.pending = undefined;
      if (pending && pending.frame.version > channel.lastSentVersion)
        this.send(channel, pending.frame, pending.receivedAt);
    }, due - receivedAt);
  }

  private send(channel: Channel, frame: VersionedFrame, receivedAt: number): void {
    channel.lastSentVersion = frame.version;
    channel.lastSentAt = performance.now();
    channel.lastFrame = frame;
    for (const group of channel.groups.values()) {
      void this.enqueue(group, async () => {
        const json = await this.render(group, frame);
        this.write(group.members, json, frame.version);
        this.options.metrics.fanoutDelay.observe((performance.now() - receivedAt) / 1000);
      });
    }
  }

  private enqueue(group: Group, task: () => Promise<void>): Promise<void> {
    const run = group.queue.then(task);
    group.queue = run.catch((err: unknown) => {
      this.options.logger.error({ err }, 'fan-out of a frame failed');
    });
    return run;
  }

  /** The serialised payload of a frame for a group: executed once per (group, version). */
  private async render(group: Group, frame: VersionedFrame): Promise<string> {
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

  private write(members: Iterable<Member>, json: string, version: number): void {
    let frames = 0;
    let bytes = 0;
    const suffix = `${json}}`;
    for (const member of members) {
      if (member.seen >= version) continue;
      member.seen = version;
      if (member.socket.readyState !== member.socket.OPEN) continue;
      const data = member.prefix + suffix;
      member.socket.send(data);
      frames++;
      bytes += data.length;
    }
    this.options.metrics.framesSent.inc(frames);
    this.options.metrics.bytesSent.inc(bytes);
  }
}

/** Documents are keyed by their source text when parsed from one, else by identity. */
const documentIds = new WeakMap<DocumentNode, string>();
let nextDocumentId = 0;
function documentKey(document: DocumentNode): string {
  const source = document.loc?.source.body;
  if (source !== undefined) return source;
  let id = documentIds.get(document);
  if (!id) {
    id = `#${nextDocumentId++}`;
    documentIds.set(document, id);
  }
  return id;
}
