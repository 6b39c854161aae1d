/**
 * Group commit: work items that arrive while the database is busy are written together, in one
 * statement (or one transaction), and each caller awaits the write of its own item.
 *
 * Up to `concurrency` writes run at once. An item that arrives while a write slot is free goes
 * out on the next turn of the event loop, with whatever else arrived by then; one that arrives
 * while every slot is busy waits for the next free slot and goes with everything that queued
 * meanwhile (at most `maxBatch` items per write). So an idle server writes at once, and a busy
 * one writes fewer, larger batches. A write that throws rejects every caller of its batch; a
 * write that returns an `ItemFailure` for an item rejects only that item's caller.
 */
/** The result of one item whose write failed alone: its caller is rejected with `error`. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    /** Writes a batch; returns one result per item, in order. */
    private readonly write: (items: T[]) => Promise<(R | ItemFailure)[]>,
    private readonly options: { maxBatch: number; concurrency: number },
  ) {}

  /** Queues `item` for the next batch; settles with its own result once that batch is written. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.concurrency || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length && this.running < this.options.concurrency) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    }
  }

  private async run(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.write(batch.map((b) => b.item));
      batch.forEach((b, i) => {
        const result = results[i];
        if (result instanceof ItemFailure) b.reject(result.error);
        else b.resolve(result);
      });
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
