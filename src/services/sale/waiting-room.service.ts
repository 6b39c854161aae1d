import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/mysql';
import type { Registry } from 'prom-client';
import type { RedisClient } from '../../clients/redis';
import type { Config } from '../../config';
import { WaitingRoom } from '../../entities/waiting-room.entity';
import { BadUserInputError, NotFoundError } from '../../errors';
import { requireListed } from '../catalog/listing';
import { commitOf } from './fair-order';
import { RoomDraw } from './room-draw';
import { RoomPow } from './room-pow';
import { createRoomMetrics, type RoomMetrics } from './room-metrics';
import { positionOf, waitRange } from './room-maths';
import { applySettings, storeConfig } from './room-settings';
import type { JoinOutcome, RoomFrame, RoomSettings } from './room.types';
import type { SaleStore } from './sale-store';
import type { StockService } from './stock.service';

export type { JoinOutcome, RoomSettings } from './room.types';

/**
 * Waiting rooms (docs/waiting-room.md): durable settings in MySQL (`waiting_rooms`) mirrored into
 * the sale store; joins (one ticket per member), the tick that admits cohorts and publishes one
 * frame per room, pause/resume. Admission itself is enforced by reserve.lua.
 */
export class WaitingRoomService {
  readonly metrics: RoomMetrics;
  readonly draw: RoomDraw;
  readonly pow: RoomPow;
  private readonly touching = new Set<number>();

  constructor(
    private readonly store: SaleStore,
    private readonly stock: StockService,
    private readonly cfg: Config['room'],
    registry: Registry,
    redis: RedisClient,
  ) {
    this.metrics = createRoomMetrics(registry);
    this.draw = new RoomDraw(store);
    this.pow = new RoomPow(redis, cfg.pow);
  }

  /** Creates, changes (`settings`) or removes (null) a product's room. */
  async configure(em: EntityManager, productId: number, settings: RoomSettings | null) {
    await requireListed(em, productId);
    const existing = await em.findOne(WaitingRoom, { productId });
    if (settings === null) {
      if (existing) await em.removeAndFlush(existing);
      await this.store.rooms.remove(productId);
      await this.stock.invalidate(productId);
      return null;
    }
    // A new room commits to its draw's seed at once: the commitment is public before any entry.
    const seed = randomBytes(32).toString('hex');
    const room =
      existing ??
      em.create(WaitingRoom, {
        productId,
        ...this.defaults(),
        seed,
        seedCommit: commitOf(productId, seed),
      });
    applySettings(room, settings);
    await em.flush();
    await this.mirror(em, productId);
    return room;
  }

  private defaults() {
    return {
      admissionSeconds: this.cfg.admissionSeconds,
      holdSeconds: this.cfg.holdSeconds,
      maxAdmitPerSecond: this.cfg.maxAdmitPerSecond,
    };
  }

  /** A product's room settings, or null when it sells without a room. */
  find(em: EntityManager, productId: number): Promise<WaitingRoom | null> {
    return em.findOne(WaitingRoom, { productId });
  }

  /**
   * Writes the room's settings and the product's window into the sale store (a new room starts
   * empty; an existing line is kept), drops the cached sale metadata (its room flag and hold) and
   * publishes a frame. False when the product has no room.
   */
  async mirror(em: EntityManager, productId: number): Promise<boolean> {
    const fresh = em.fork();
    const [room, product] = await Promise.all([
      fresh.findOne(WaitingRoom, { productId }),
      requireListed(fresh, productId),
    ]);
    if (!room) return false;
    await this.store.rooms.configure(productId, storeConfig(room, product, this.cfg));
    await this.stock.invalidate(productId);
    await this.store.rooms.tick(productId, 'touch', this.cfg.tickMs);
    return true;
  }

  /**
   * Joins the member to the room: the same place on every device and retry. A new member must
   * bring a proof of work (`proof`, ALTCHA payload) when ROOM_POW is on; a member already in line
   * never solves again.
   */
  async join(
    em: EntityManager,
    userId: number,
    productId: number,
    proof: string | null = null,
  ): Promise<JoinOutcome> {
    let mode: Parameters<SaleStore['rooms']['join']>[2] = 'skip';
    if (this.pow.enabled) {
      if (proof === null) mode = 'need';
      else {
        const check = this.pow.check(proof, userId, productId);
        this.metrics.joins.inc({ result: check.ok ? 'proof' : `proof_${check.reason}` });
        if (!check.ok) return { kind: 'proofFailed', reason: check.reason };
        mode = { signature: check.signature, ttlMs: check.ttlMs };
      }
    }
    for (let attempt = 0; ; attempt++) {
      const entryId = randomBytes(16).toString('hex');
      const reply = await this.store.rooms.join(productId, userId, mode, entryId);
      switch (reply.status) {
        case 'EXISTS':
        case 'TICKET':
          this.metrics.joins.inc({ result: reply.status === 'EXISTS' ? 'existing' : 'ticket' });
          return {
            kind: 'ticket',
            ticket: reply.ticket,
            servedThrough: reply.servedThrough,
            existing: reply.status === 'EXISTS',
          };
        case 'ENTERED':
          this.metrics.joins.inc({ result: 'entry' });
          return {
            kind: 'entered',
            entryId: reply.entryId,
            entrants: reply.entrants,
            seedCommit: reply.seedCommit,
          };
        case 'CLOSED':
          this.metrics.joins.inc({ result: 'closed' });
          return { kind: 'closed', reason: reply.reason };
        case 'NEED_PROOF':
          this.metrics.joins.inc({ result: 'challenge' });
          return {
            kind: 'challenge',
            challenge: await this.pow.mint(userId, productId, reply.queueLength),
          };
        case 'REPLAY':
          this.metrics.joins.inc({ result: 'replay' });
          return { kind: 'proofFailed', reason: 'replayed' };
        case 'NO_ROOM':
          // Redis lost the room (or never had it): rebuild its settings from MySQL once.
          if (attempt > 1 || !(await this.mirror(em, productId)))
            throw new NotFoundError('WaitingRoom', productId);
          break;
        case 'NO_STOCK':
          if (attempt > 1) throw new Error(`no live stock counter for product ${productId}`);
          await this.stock.remaining(em.fork(), [productId]);
      }
    }
  }

  /** Gives up the member's place; false when the member held none. */
  async leave(userId: number, productId: number): Promise<boolean> {
    return (await this.store.rooms.leave(productId, userId)) > 0;
  }

  /** The member's ticket with position and wait range, or null when the member has none. */
  async ticketOf(em: EntityManager, userId: number, productId: number) {
    const [t, frame] = await Promise.all([
      this.store.rooms.ticketOf(productId, userId),
      this.snapshot(em, productId),
    ]);
    if (t.ticket === null) return null;
    const servedThrough = Math.max(t.servedThrough, frame.servedThrough);
    const position = positionOf(t.ticket, servedThrough);
    return {
      productId,
      ticket: t.ticket,
      position,
      admitted: position === 0,
      admissionExpiresAt: t.admissionEndsAt === null ? null : new Date(t.admissionEndsAt),
      admissionUsed: t.used,
      beyondCutoff: frame.cutoffTicket != null && t.ticket > frame.cutoffTicket,
      ...waitRange(position, frame),
      frame,
    };
  }

  /** The room's current frame (NOT_FOUND for a product without a room). */
  async snapshot(em: EntityManager, productId: number): Promise<RoomFrame> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const reply = await this.store.rooms.tick(productId, 'snapshot', this.cfg.tickMs);
      if (reply.status === 'FRAME') return reply.frame;
      if (reply.status === 'NO_STOCK') await this.stock.remaining(em.fork(), [productId]);
      else if (reply.status === 'MISSING' && !(await this.mirror(em, productId))) break;
    }
    throw new NotFoundError('WaitingRoom', productId);
  }

  /** One tick of every room (the worker; the script's lock keeps it to one per interval). */
  async tickAll(em: EntityManager): Promise<number> {
    let admitted = 0;
    for (const productId of await this.store.rooms.roomProducts()) {
      const end = this.metrics.tickSeconds.startTimer();
      try {
        const reply = await this.store.rooms.tick(productId, 'tick', this.cfg.tickMs);
        this.metrics.ticks.inc({ outcome: reply.status.toLowerCase() });
        if (reply.status === 'FRAME' || reply.status === 'SAME') {
          admitted += reply.admitted;
          this.metrics.admitted.inc(reply.admitted);
          this.metrics.admittedNotBought.inc(reply.lapsed);
          if (reply.status === 'FRAME') {
            this.metrics.queueLength.set({ product: productId }, reply.frame.queueLength);
            // At the sale start a pre-queue room waits for its draw's tickets.
            if (reply.frame.state === 'SEALING') await this.seal(em, productId);
          }
        } else if (reply.status === 'NO_STOCK') {
          await this.stock.remaining(em.fork(), [productId]);
        } else if (reply.status === 'MISSING') {
          await this.mirror(em, productId).catch(() => undefined);
        }
      } finally {
        end();
      }
    }
    return admitted;
  }

  /** Writes the draw's tickets of a frozen pre-queue and records its root (idempotent). */
  async seal(em: EntityManager, productId: number): Promise<void> {
    const fresh = em.fork();
    const room = await this.find(fresh, productId);
    if (!room) return;
    const { root, count } = await this.draw.seal(productId, room.seed);
    room.entriesRoot = root;
    room.entriesCount = count;
    await fresh.flush();
    await this.store.rooms.tick(productId, 'touch', this.cfg.tickMs);
  }

  /** The room's public draw (NOT_FOUND without a room). */
  async audit(em: EntityManager, productId: number) {
    const room = await this.find(em, productId);
    if (!room) throw new NotFoundError('WaitingRoom', productId);
    return this.draw.audit(room, (await this.snapshot(em, productId)).state);
  }

  /** Publishes an urgent frame if the room's state changed (after a sell-out or a release). */
  touch(productId: number): void {
    if (this.touching.has(productId)) return;
    this.touching.add(productId);
    void this.store.rooms
      .tick(productId, 'touch', this.cfg.tickMs)
      .catch(() => undefined)
      .finally(() => this.touching.delete(productId));
  }

  /** Pauses (with the operator's reason) or resumes (null) a room; answers its frame. */
  async setPaused(em: EntityManager, productId: number, reason: string | null): Promise<RoomFrame> {
    const room = await this.find(em, productId);
    if (!room) throw new NotFoundError('WaitingRoom', productId);
    if (reason !== null && !reason.trim())
      throw new BadUserInputError('Give the reason shown to people in line', 'reason');
    room.pausedReason = reason === null ? null : reason.trim();
    await em.flush();
    if (!(await this.store.rooms.exists(productId))) await this.mirror(em, productId);
    await this.store.rooms.setPaused(productId, room.pausedReason ?? '');
    await this.store.rooms.tick(productId, 'touch', this.cfg.tickMs);
    return this.snapshot(em, productId);
  }

  /** The operator's view: the frame plus how many members hold tickets. */
  async status(em: EntityManager, productId: number) {
    const room = await this.find(em, productId);
    if (!room) throw new NotFoundError('WaitingRoom', productId);
    const [frame, counts] = await Promise.all([
      this.snapshot(em, productId),
      this.store.rooms.counts(productId),
    ]);
    return { room, frame, ...counts };
  }
}
