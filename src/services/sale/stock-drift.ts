import type { EntityManager } from '@mikro-orm/mysql';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../logger';
import type { SaleStore } from './sale-store';
import type { StockService } from './stock.service';

/**
 * Repairs a live counter that disagrees with MySQL. The counter is a cache of MySQL stock −
 * live holds − paid units not yet written; when a paid payment is refused by the order writer's
 * stock guard, that proves the counter was too high (a lost Redis write, a racing sync). The
 * counter is then rebuilt from MySQL rather than credited, so the drift is never resold; the
 * drift found is counted (`sale_stock_drift_repairs_total`, `sale_stock_drift_units_total`) and
 * logged with its product, for an operator to see.
 */
export class StockDriftRepair {
  private readonly repairs: Counter;
  private readonly units: Counter;

  constructor(
    private readonly store: SaleStore,
    private readonly stock: StockService,
    registry: Registry,
    private readonly logger: Logger,
  ) {
    this.repairs = new Counter({
      name: 'sale_stock_drift_repairs_total',
      help: 'Live stock counters found to disagree with MySQL and rebuilt from it',
      registers: [registry],
    });
    this.units = new Counter({
      name: 'sale_stock_drift_units_total',
      help: 'Units by which repaired live counters disagreed with MySQL (absolute)',
      registers: [registry],
    });
  }

  /**
   * Rebuilds product `productId`'s counter from MySQL. `released` units were just taken out of
   * its "paid, not yet written" entries without being credited back: a counter that was right
   * gains exactly them. Returns the drift found (counter − truth; 0 when it was right).
   */
  async repair(em: EntityManager, productId: number, released: number, why: string) {
    const before = await this.store.remaining(productId);
    const after = await this.stock.reconcile(em, productId, true);
    if (before === null || after === null) return 0;
    const drift = before + released - after;
    if (drift !== 0) {
      this.repairs.inc();
      this.units.inc(Math.abs(drift));
      this.logger.error(
        { productId, drift, counter: before + released, rebuilt: after, why },
        'live stock counter disagreed with MySQL: rebuilt from MySQL',
      );
    }
    return drift;
  }
}
