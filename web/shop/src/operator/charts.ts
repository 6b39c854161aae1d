// The operator's charts: uPlot line charts over the last two minutes of one-second polls.
import uPlot from 'uplot';
import type { ShopOperatorSnapshotQuery } from '../gql/graphql';
import { h } from '../ui';

type Snapshot = ShopOperatorSnapshotQuery['operatorSnapshot'];

/** Points kept: two minutes of one-second polls. */
const WINDOW = 120;

/** The refusal reasons charted, each its own line (fixed, so colours keep their meaning). */
export const REASONS = [
  'SOLD_OUT',
  'PURCHASE_LIMIT_EXCEEDED',
  'SALE_NOT_STARTED',
  'SALE_ENDED',
  'PAYMENT_DECLINED',
  'RESERVATION_EXPIRED',
  'PAYMENT_IN_PROGRESS',
] as const;

const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0f766e', '#4b5563'];

interface ChartSpec {
  title: string;
  unit: string;
  series: string[];
  /** Shown only while this holds (the room's chart, until the drop has a room). */
  shows?: (now: Snapshot) => boolean;
  /** This chart's values from a snapshot and the one before it (rates need both). */
  values: (now: Snapshot, before: Snapshot | undefined, seconds: number) => (number | null)[];
}

const rate = (now: number, before: number | undefined, seconds: number) =>
  before === undefined || seconds <= 0 ? null : Math.max(0, (now - before) / seconds);

const refused = (s: Snapshot | undefined, reason: string) =>
  s?.refusals.find((r) => r.reason === reason)?.count;

export const CHARTS: ChartSpec[] = [
  {
    // Filled once the waiting room reports its figures (queue is null until then).
    title: 'Waiting room',
    unit: 'members',
    shows: (s) => s.queue != null,
    series: ['waiting', 'admitted/s'],
    values: (s, b, t) => [
      s.queue?.waiting ?? null,
      s.queue ? rate(s.queue.admitted, b?.queue?.admitted, t) : null,
    ],
  },
  {
    title: 'Units',
    unit: 'units',
    series: ['remaining', 'in carts', 'paid, order not written'],
    values: (s) => [s.remaining ?? null, s.inCarts, s.paidAwaitingOrder],
  },
  {
    title: 'Calls per second',
    unit: '/s',
    series: ['purchases/s', 'pays/s', 'paid/s'],
    values: (s, b, t) => [
      rate(s.purchases, b?.purchases, t),
      rate(s.pays, b?.pays, t),
      rate(s.paid, b?.paid, t),
    ],
  },
  {
    title: 'Paid → order lag',
    unit: 'ms',
    series: ['lag (latest 50 orders)'],
    values: (s) => [s.orderLagMs ?? null],
  },
  {
    title: 'Refusals per second by reason',
    unit: '/s',
    series: [...REASONS],
    values: (s, b, t) => REASONS.map((r) => rate(refused(s, r) ?? 0, b && (refused(b, r) ?? 0), t)),
  },
];

/** One chart: its figure (uPlot's canvas, with a text summary for screen readers) and data. */
export class Chart {
  readonly element: HTMLElement;
  private readonly plot: uPlot;
  private readonly data: (number | null)[][];
  private readonly summary: HTMLElement;

  constructor(
    private readonly spec: ChartSpec,
    width: number,
  ) {
    this.data = [[], ...spec.series.map(() => [])];
    this.summary = h('p', { class: 'chart-now' });
    const plotBox = h('div', { 'aria-hidden': 'true' });
    this.element = h(
      'figure',
      { class: 'chart' },
      h('figcaption', {}, spec.title),
      plotBox,
      this.summary,
    );
    this.plot = new uPlot(
      {
        width,
        height: 180,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [
          { stroke: '#374151', space: 80, values: (_u, ticks) => ticks.map(clock) },
          { stroke: '#374151', label: spec.unit, size: 60 },
        ],
        series: [
          {},
          ...spec.series.map((label, i) => ({
            label,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            // Lines that often coincide (pays and paid) stay apart by their dashes.
            dash: i === 2 ? [6, 4] : undefined,
            spanGaps: false,
          })),
        ],
      },
      this.data as uPlot.AlignedData,
      plotBox,
    );
  }

  push(now: Snapshot, before: Snapshot | undefined, seconds: number): void {
    this.element.hidden = this.spec.shows ? !this.spec.shows(now) : false;
    const values = this.spec.values(now, before, seconds);
    this.data[0]!.push(Date.parse(now.at) / 1000);
    values.forEach((v, i) => this.data[i + 1]!.push(v));
    if (this.data[0]!.length > WINDOW) for (const column of this.data) column.shift();
    this.plot.setData(this.data as uPlot.AlignedData);
    this.summary.textContent = this.spec.series
      .map((label, i) => `${label}: ${format(values[i] ?? null)}`)
      .join(' · ');
  }

  destroy(): void {
    this.plot.destroy();
  }
}

/** A tick of the time axis (seconds since the epoch) as the local time of day. */
const clock = (seconds: number) =>
  new Date(seconds * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

const format = (v: number | null) =>
  v === null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(1);
