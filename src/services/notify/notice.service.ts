import type { EntityManager } from '@mikro-orm/mysql';
import type { Config } from '../../config';
import { SaleState } from '../../entities/product.entity';
import type { Logger } from '../../logger';
import { saleStateOf, requireListed } from '../catalog/listing';
import type { MailService } from '../mail/mail.service';
import type { StockService } from '../sale/stock.service';
import { noticeMail, type NoticeKind } from './notice-mail';
import type { DueDrop, NotifyRequests, Recipient } from './notify-requests';
import type { UnsubscribeTokens } from './unsubscribe-token';

/** Requests mailed per transaction: a drop with many requesters is sent in several rounds. */
const BATCH = 500;
const TOPIC_PREFIX = 'notify:';
const DAY_MS = 86_400_000;

/**
 * Sends notify-me notices through the mail outbox: a product's sale start (`saleStartLead`
 * before it opens, linking into its pre-queue) and its restocks (at most `restockMultiple` mails
 * per unit restocked, those not mailed lately first). Sends are spaced at `ratePerSecond`, and
 * a drop's pending notices expire when it sells out, ends or is deleted.
 */
export class NoticeService {
  constructor(
    private readonly config: Pick<Config, 'notify' | 'publicUrl'>,
    private readonly mail: MailService,
    private readonly requests: NotifyRequests,
    private readonly tokens: UnsubscribeTokens,
    private readonly stock: StockService,
    private readonly logger: Logger,
  ) {}

  /** The page of a drop a notice links to (the storefront's drop page, its pre-queue). */
  dropUrl(productId: number): string {
    return this.mail.url(`/shop/#/drop/${productId}`);
  }

  /** Mails one batch of due sale-start notices; returns how many. Safe on several workers. */
  async sendSaleStarts(rootEm: EntityManager): Promise<number> {
    const em = rootEm.fork();
    const drops = await this.requests.dueSaleStarts(em, this.config.notify.saleLeadSeconds);
    let sent = 0;
    for (const drop of drops) {
      sent += await em.transactional(async (tem) => {
        const recipients = await this.requests.claimSaleStart(tem, drop.id, BATCH);
        await this.enqueue(tem, 'SALE_START', drop, recipients);
        await this.requests.markSaleStartSent(
          tem,
          recipients.map((r) => r.id),
        );
        return recipients.length;
      });
    }
    return sent;
  }

  /**
   * After `units` were added to a live sale: mails up to `units × restockMultiple` of the
   * product's restock requesters. Nothing while the sale is upcoming (its start notice covers
   * it) or over. Returns how many were mailed.
   */
  async restocked(rootEm: EntityManager, productId: number, units: number): Promise<number> {
    if (units <= 0) return 0;
    const em = rootEm.fork();
    const product = await requireListed(em, productId);
    const [remaining] = await this.stock.remaining(em, [productId]);
    if (saleStateOf(product, remaining!) !== SaleState.LIVE) return 0;
    const cap = Math.max(1, Math.floor(units * this.config.notify.restockMultiple));
    const drop: DueDrop = {
      id: product.id,
      name: product.name,
      sale_starts_at: product.saleStartsAt ?? null,
      sale_ends_at: product.saleEndsAt ?? null,
    };
    return em.transactional(async (tem) => {
      const recipients = await this.requests.claimRestock(tem, productId, cap);
      await this.enqueue(tem, 'RESTOCK', drop, recipients);
      await this.requests.markSent(
        tem,
        recipients.map((r) => r.id),
      );
      return recipients.length;
    });
  }

  /** Expires the pending notices of drops sold out (or all in carts), ended or deleted; returns how many. */
  async expireLapsed(rootEm: EntityManager): Promise<number> {
    const em = rootEm.fork();
    let expired = 0;
    for (const topic of await this.mail.pendingTopics(em, TOPIC_PREFIX)) {
      const productId = Number(topic.slice(TOPIC_PREFIX.length));
      const state = await this.stock
        .level(em, productId)
        .then((level) => level.saleState)
        .catch(() => SaleState.ENDED); // deleted or unknown: nothing left to buy
      // Every unit in a cart counts as sold out here: a mail now would find nothing to buy.
      if (
        state === SaleState.SOLD_OUT ||
        state === SaleState.ALL_IN_CARTS ||
        state === SaleState.ENDED
      ) {
        const n = await this.mail.expireTopic(em, topic);
        if (n) this.logger.info({ productId, expired: n, state }, 'notices expired');
        expired += n;
      }
    }
    return expired;
  }

  /** Adds a notice per recipient to the outbox, spaced `1 / ratePerSecond` after the last one. */
  private async enqueue(
    em: EntityManager,
    kind: NoticeKind,
    drop: DueDrop,
    recipients: Recipient[],
  ): Promise<void> {
    if (!recipients.length) return;
    const gapMs = 1000 / this.config.notify.ratePerSecond;
    const last = await this.mail.lastScheduled(em, TOPIC_PREFIX);
    const first = Math.max(Date.now(), last ? last.getTime() + gapMs : 0);
    const endsAt = drop.sale_ends_at ? new Date(drop.sale_ends_at) : null;
    const product = {
      name: drop.name,
      saleStartsAt: drop.sale_starts_at ? new Date(drop.sale_starts_at) : null,
    };
    recipients.forEach((r, i) => {
      const { subject, body } = noticeMail(kind, product, {
        drop: this.dropUrl(drop.id),
        unsubscribe: this.mail.url(`/unsubscribe?token=${this.tokens.sign(r.id)}`),
      });
      const expiresAt = endsAt ?? new Date(Date.now() + DAY_MS);
      this.mail.enqueue(em, r.email, subject, body, expiresAt, {
        topic: `${TOPIC_PREFIX}${drop.id}`,
        notBefore: new Date(first + i * gapMs),
      });
    });
    await em.flush();
  }
}
