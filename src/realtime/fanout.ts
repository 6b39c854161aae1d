import type {
  ExecutionArgs,
  ExecutionResult,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLSchema,
} from 'graphql';
import type { WebSocket } from 'ws';
import { queueIterator, type ChannelSubscriber } from '../clients/pubsub';
import type { Logger } from '../logger';
import type { RealtimeMetrics } from './metrics';
import { GroupRenderer, type Group, type Member } from './fanout-group';
import {
  planFanout,
  type AnyTopic,
  type CallableTopic,
  type FanoutPlan,
  type VersionedFrame,
} from './fanout-plan';

export type { AnyTopic, FanoutPlan, PublicTopic, VersionedFrame } from './fanout-plan';

export interface FanoutOptions {
  schema: GraphQLSchema;
  /** Root subscription field name → its public topic. */
  topics: Record<string, AnyTopic>;
  /** A Redis connection of its own: it is put in subscriber mode. */
  subscriber: ChannelSubscriber;
  /** Context of the one execution per frame: no viewer. */
  createContext: () => unknown;
  formatError: (error: GraphQLError) => GraphQLFormattedError;
  /** Socket writes per second one channel aims to stay under; its frames are spaced to fit. */
  sendBudget: number;
  /** A socket with more unsent bytes than this is closed (1013) instead of written to. */
  maxBufferedBytes?: number;
  metrics: RealtimeMetrics;
  logger: Logger;
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
 * can serve watchers. Each channel has its own send budget: its frames are spaced so that its
 * writes per second stay within it (newest frame wins), so watchers of one product never slow
 * another's; a final frame is sent at once. A socket that stops reading is closed rather than
 * buffered for (GroupRenderer).
 */
export class FanoutHub {
  private readonly channels = new Map<string, Channel>();
  private members = 0;
  private closed = false;
  private readonly renderer: GroupRenderer;

  constructor(private readonly options: FanoutOptions) {
    this.renderer = new GroupRenderer(options);
    options.subscriber.onMessage((channel, message) => this.onMessage(channel, message));
    // Frames published while the subscriber was reconnecting (or its shard failing over) are
    // lost: catch up on each channel.
    options.subscriber.onResubscribed(() => void this.catchUp());
  }

  /** Executions of public operations since start (one per group per frame). */
  get executions(): number {
    return this.renderer.executions;
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
    return planFanout(args, this.options.topics);
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
      await this.renderer.enqueue(group, async () => {
        // The channel may have sent a newer frame while the current one was read: send that.
        const last = channel.lastFrame;
        const first = last && last.version > current.version ? last : current;
        const json = await this.renderer.render(group, first);
        member.seen = first.version - 1;
        this.renderer.write([member], json, first.version);
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
    // Per channel: a crowd on one product (anonymous watchers are cheap to open) leaves every
    // other product's frames on time.
    const spacing = (1000 * channel.members) / this.options.sendBudget;
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
      void this.renderer.enqueue(group, async () => {
        const json = await this.renderer.render(group, frame);
        this.renderer.write(group.members, json, frame.version);
        this.options.metrics.fanoutDelay.observe((performance.now() - receivedAt) / 1000);
      });
    }
  }
}
