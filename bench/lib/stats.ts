/** Small statistics shared by the benchmarks. */

/** The item with the median `value` (the upper one of an even count). */
export function median<T>(items: T[], value: (item: T) => number): T {
  return [...items].sort((a, b) => value(a) - value(b))[Math.floor(items.length / 2)];
}

/** The `p` quantile of `values` to 0.1, or null for none. */
export function quantile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1));
}

export const sum = (values: number[]) => Number(values.reduce((a, b) => a + b, 0).toFixed(3));
