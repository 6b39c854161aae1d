import { GroupCommit } from './group-commit';

/** A write that records its batches and settles each one when the test says so. */
function recorder() {
  const batches: number[][] = [];
  const gates: { open: () => void; fail: (err: Error) => void }[] = [];
  const write = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      gates.push({ open: () => resolve(items.map((i) => `row ${i}`)), fail: reject });
    });
  };
  return { batches, gates, write };
}

/** A few turns of the event loop: enough for a settled write to free its slot and the next to start. */
const turn = async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe('GroupCommit', () => {
  it('writes the items of one turn in one batch, each caller getting its own result', async () => {
    const { batches, gates, write } = recorder();
    const group = new GroupCommit(write, { maxBatch: 100, concurrency: 1 });
    const results = Promise.all([1, 2, 3].map((i) => group.submit(i)));
    await turn();
    expect(batches).toEqual([[1, 2, 3]]);
    gates[0].open();
    expect(await results).toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('queues items while every write slot is busy and sends them together, at most maxBatch each', async () => {
    const { batches, gates, write } = recorder();
    const group = new GroupCommit(write, { maxBatch: 3, concurrency: 1 });
    const first = group.submit(0);
    await turn();
    const later = [1, 2, 3, 4].map((i) => group.submit(i));
    await turn();
    expect(batches).toEqual([[0]]);
    gates[0].open();
    await first;
    await turn();
    expect(batches).toEqual([[0], [1, 2, 3]]);
    gates[1].open();
    await turn();
    expect(batches).toEqual([[0], [1, 2, 3], [4]]);
    gates[2].open();
    expect(await Promise.all(later)).toEqual(['row 1', 'row 2', 'row 3', 'row 4']);
  });

  it('fails every caller of a failed batch, and only those', async () => {
    const { batches, gates, write } = recorder();
    const group = new GroupCommit(write, { maxBatch: 100, concurrency: 2 });
    const a = [1, 2].map((i) => group.submit(i));
    await turn();
    const b = group.submit(3);
    await turn();
    expect(batches).toEqual([[1, 2], [3]]);
    gates[0].fail(new Error('deadlock'));
    gates[1].open();
    const settled = await Promise.allSettled([...a, b]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toEqual(new Error('deadlock'));
  });
});
