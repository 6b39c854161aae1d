import type { EntityManager } from '@mikro-orm/mysql';
import type { Logger } from '../../logger';
import type { DropLifecycle } from './drop-lifecycle';
import type { NoticeService } from './notice.service';

/**
 * What a restock sets off once its units are on sale: the RESTOCKED lifecycle frame and the
 * capped restock notices. The restock itself has committed by then, so a failure here is logged,
 * not thrown (the watcher still announces the state change on its next look).
 */
export class RestockAnnouncer {
  constructor(
    private readonly lifecycle: DropLifecycle,
    private readonly notices: NoticeService,
    private readonly logger: Logger,
  ) {}

  async restocked(em: EntityManager, productId: number, units: number): Promise<void> {
    if (units <= 0) return;
    try {
      await this.lifecycle.restocked(em, productId);
      await this.notices.restocked(em, productId, units);
    } catch (err) {
      this.logger.error({ err, productId, units }, 'restock announcement failed');
    }
  }
}
