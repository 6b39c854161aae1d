import type { Config } from '../../config';
import type { Product } from '../../entities/product.entity';
import { WaitingRoom, WaitingRoomMode } from '../../entities/waiting-room.entity';
import { BadUserInputError } from '../../errors';
import { perTick } from './room-maths';
import type { RoomConfig, RoomSettings } from './room.types';

/**
 * An admin's settings applied to a room: omitted fields keep their value. BAD_USER_INPUT for a
 * RAFFLE room without a pre-queue.
 */
export function applySettings(room: WaitingRoom, settings: RoomSettings): void {
  if (settings.mode != null) room.mode = settings.mode;
  if (settings.preQueueOpensAt !== undefined) room.preQueueOpensAt = settings.preQueueOpensAt;
  if (settings.admissionSeconds != null) room.admissionSeconds = settings.admissionSeconds;
  if (settings.holdSeconds != null) room.holdSeconds = settings.holdSeconds;
  if (settings.maxAdmitPerSecond != null) room.maxAdmitPerSecond = settings.maxAdmitPerSecond;
  if (room.mode === WaitingRoomMode.RAFFLE && !room.preQueueOpensAt)
    throw new BadUserInputError('A RAFFLE room needs a pre-queue', 'preQueueOpensAt');
}

/**
 * What the sale store keeps of a room (room-store.ts): its settings, its product's window and
 * limit, and the configured admission constants. BAD_USER_INPUT when the pre-queue would open
 * after the sale starts.
 */
export function storeConfig(room: WaitingRoom, product: Product, cfg: Config['room']): RoomConfig {
  if (room.preQueueOpensAt && product.saleStartsAt && room.preQueueOpensAt > product.saleStartsAt)
    throw new BadUserInputError(
      'The pre-queue must open before the sale starts',
      'preQueueOpensAt',
    );
  return {
    mode: room.mode,
    preQueueOpensAt: room.preQueueOpensAt ?? null,
    startsAt: product.saleStartsAt ?? null,
    endsAt: product.saleEndsAt ?? null,
    admissionSeconds: room.admissionSeconds,
    graceSeconds: cfg.graceSeconds,
    holdSeconds: room.holdSeconds,
    maxAdmitPerTick: perTick(room.maxAdmitPerSecond, cfg.tickMs),
    payRate: cfg.payRate,
    fMax: cfg.fMax,
    pausedReason: room.pausedReason ?? null,
    purchaseLimit: product.purchaseLimit ?? cfg.defaultPurchaseLimit,
    seedCommit: room.seedCommit,
  };
}
