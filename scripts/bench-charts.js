// Draws the benchmark charts of docs/benchmarks.md from bench/results/*.json into docs/charts/
// as plain SVG (no browser, no dependency; the same results always give the same bytes, so CI
// can regenerate them and fail on a difference).
//
//   npm run docs:charts
//
// - purchase-throughput.svg: purchase requests/s (10-unit blast), pay/s and orders/s (128
//   clients) of each *-purchase.json, by run;
// - fanout-delay.svg: SOLD_OUT delay after the last purchase (p50, p99) by watchers, per
//   *-fanout.json;
// - room-admission.svg, only when a *-room.json exists: members admitted over time. It reads the
//   file's `admission` array of `{ seconds, admitted }` (cumulative), or that of each `runs[]`.
const {
  readdirSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
  rmSync,
  existsSync,
} = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const resultsDir = join(root, 'bench', 'results');
const outDir = join(root, 'docs', 'charts');
const W = 720;
const H = 360;
const M = { top: 48, right: 24, bottom: 64, left: 72 };
const COLORS = ['#1f5fbf', '#d9480f', '#2b8a3e', '#862e9c', '#495057'];

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v) =>
  Math.abs(v) >= 1000
    ? v.toLocaleString('en-US', { maximumFractionDigits: 0 })
    : String(Number(v.toFixed(1)));

/** A "nice" upper bound and step for an axis from 0 to `max`. */
function niceScale(max) {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  return { top: Math.ceil(max / step) * step, step };
}

/** The chart's frame (title, axes, grid, legend) around what `body` draws with the y scale. */
function frame({ title, yLabel, xLabel, series }, body) {
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v != null)));
  const { top, step } = niceScale(max);
  const legend = series.map((s) => s.name);
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const y = (v) => M.top + plotH - (v / top) * plotH;
  const grid = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    grid.push(
      `<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dee2e6"/>`,
      `<text x="${M.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  const keys = legend
    .map(
      (name, i) =>
        `<rect x="${M.left + i * 170}" y="${H - 22}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${M.left + i * 170 + 18}" y="${H - 12}">${esc(name)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="12" role="img" aria-label="${esc(title)}">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    `<text x="${M.left + plotW / 2}" y="${H - 34}" text-anchor="middle">${esc(xLabel)}</text>`,
    ...grid,
    body({ y, plotW, plotH }),
    keys,
    '</svg>',
    '',
  ].join('\n');
}

/** Grouped bars: one group per category, one bar per series (missing values are left out). */
function barChart(chart) {
  const { categories, series } = chart;
  return frame(chart, ({ y, plotW }) => {
    const groupW = plotW / categories.length;
    const barW = (groupW * 0.8) / series.length;
    const out = [];
    categories.forEach((cat, c) => {
      const x0 = M.left + c * groupW + groupW * 0.1;
      series.forEach((s, i) => {
        const v = s.values[c];
        if (v == null) return;
        const x = x0 + i * barW;
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(`${s.name}, ${cat}: ${fmt(v)}`)}</title></rect>`,
          `<text x="${(x + barW / 2 - 1).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`,
        );
      });
      out.push(
        `<text x="${(x0 + groupW * 0.4).toFixed(1)}" y="${(y(0) + 16).toFixed(1)}" text-anchor="middle">${esc(cat)}</text>`,
      );
    });
    return out.join('\n');
  });
}

/** Lines over categorical x positions (evenly spaced), one per series. */
function lineChart(chart) {
  const { categories, series } = chart;
  return frame(chart, ({ y, plotW }) => {
    // Inset so the first and last labels stay inside the plot.
    const pad = 36;
    const x = (i) =>
      M.left +
      pad +
      (categories.length === 1
        ? (plotW - 2 * pad) / 2
        : (i / (categories.length - 1)) * (plotW - 2 * pad));
    const out = categories.map(
      (cat, i) =>
        `<text x="${x(i).toFixed(1)}" y="${(y(0) + 16).toFixed(1)}" text-anchor="middle">${esc(cat)}</text>`,
    );
    series.forEach((s, k) => {
      const color = COLORS[k % COLORS.length];
      const pts = s.values
        .map((v, i) => (v == null ? null : [x(i), y(Math.max(0, v)), v]))
        .filter(Boolean);
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`,
      );
      for (const [a, b, v] of pts)
        out.push(
          `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3.5" fill="${color}"><title>${esc(`${s.name}: ${fmt(v)}`)}</title></circle>`,
        );
    });
    return out.join('\n');
  });
}

const files = (suffix) =>
  existsSync(resultsDir)
    ? readdirSync(resultsDir)
        .filter((f) => f.endsWith(`-${suffix}.json`))
        .sort()
    : [];
const read = (f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8'));
const dateOf = (f) => f.slice(0, 10);

function purchaseChart() {
  const runs = files('purchase').map((f) => ({ f, d: read(f) }));
  return barChart({
    title: 'Purchase benchmark by run (10,000 members, 2 cores)',
    yLabel: 'per second',
    xLabel: 'run (bench/results/<date>-purchase.json)',
    categories: runs.map((r) => dateOf(r.f)),
    series: [
      { name: 'purchase requests/s', values: runs.map((r) => r.d.run1?.tps ?? null) },
      { name: 'pay/s (128 clients)', values: runs.map((r) => r.d.run2?.pay?.rps ?? null) },
      { name: 'orders written/s', values: runs.map((r) => r.d.run2?.ordersPerSecond ?? null) },
    ],
  });
}

function fanoutChart() {
  const runs = files('fanout').map((f) => ({ f, d: read(f) }));
  const watchers = [...new Set(runs.flatMap((r) => r.d.runs.map((x) => x.watchers)))].sort(
    (a, b) => a - b,
  );
  const at = (r, w, q) => r.d.runs.find((x) => x.watchers === w)?.soldOutDelayMs?.[q] ?? null;
  return lineChart({
    title: 'Fan-out: SOLD_OUT after the last purchase, by watchers',
    yLabel: 'delay, ms',
    xLabel: 'watchers',
    categories: watchers.map((w) => w.toLocaleString('en-US')),
    series: runs.flatMap((r) => [
      { name: `p50 (${dateOf(r.f)})`, values: watchers.map((w) => at(r, w, 'p50')) },
      { name: `p99 (${dateOf(r.f)})`, values: watchers.map((w) => at(r, w, 'p99')) },
    ]),
  });
}

function roomChart() {
  const runs = files('room').flatMap((f) => {
    const d = read(f);
    const sets = d.admission ? [{ name: dateOf(f), admission: d.admission }] : [];
    for (const [i, r] of (d.runs ?? []).entries())
      if (r.admission) sets.push({ name: `${dateOf(f)} #${i + 1}`, admission: r.admission });
    return sets;
  });
  if (!runs.length) return null;
  const seconds = [...new Set(runs.flatMap((r) => r.admission.map((p) => p.seconds)))].sort(
    (a, b) => a - b,
  );
  return lineChart({
    title: 'Waiting room: members admitted over time',
    yLabel: 'admitted (cumulative)',
    xLabel: 'seconds since the room opened',
    categories: seconds.map(String),
    series: runs.map((r) => ({
      name: r.name,
      values: seconds.map((s) => r.admission.find((p) => p.seconds === s)?.admitted ?? null),
    })),
  });
}

mkdirSync(outDir, { recursive: true });
const charts = {
  'purchase-throughput.svg': purchaseChart(),
  'fanout-delay.svg': fanoutChart(),
  'room-admission.svg': roomChart(),
};
for (const [name, svg] of Object.entries(charts)) {
  const file = join(outDir, name);
  if (svg) writeFileSync(file, svg);
  else rmSync(file, { force: true });
  console.log(`${svg ? 'wrote  ' : 'skipped'} docs/charts/${name}`);
}
