/**
 * `<rocket-stock product-id="42" endpoint="wss://shop.example/graphql">` — the live stock of one
 * Rocket Mart product: UPCOMING with a countdown on the server's clock, LIVE with "N left",
 * ALL_IN_CARTS (none free, some held in unpaid carts that may come back), SOLD_OUT or ENDED. The product and the server time come over HTTP, `stockChanged` over one
 * graphql-ws socket shared by the page's widgets. The socket reconnects with backoff; after a
 * reconnect the widget refetches the product and the clock, and the subscription starts again
 * from the current value.
 *
 * Attributes: `product-id` (required), `endpoint` (default: `/graphql` on the script's origin),
 * `thresholds` (counts announced to screen readers, default "100 50 20 10 5 3 2 1").
 * Reflected on the element for styling and tests: `state` and `remaining`.
 * Styling: the CSS custom properties below, and the parts `box`, `label`, `value`, `detail`.
 * Event: `rocket-stock-change` ({ state, remaining }) whenever what it shows changes.
 *
 * Queue view (optional, the attribute `queue`): a line under the stock for a member waiting in a
 * drop's room: place in line and a wait range, then "your turn" with the time left to buy. With
 * `queue="<ticket>"` the widget follows the room's public `waitingRoom` subscription itself (place
 * = ticket − servedThrough; the turn ends at `admitted-until` if given, else at the admitting
 * frame's time plus the room's admission seconds); with a bare `queue` the page calls
 * `showQueue()`. Screen readers hear the place at most once per `announce-every` seconds
 * (default 30) and the turn at once; nothing moves.
 */
import { createClient, type Client } from 'graphql-ws/client';
import { graphql } from './gql';
import type {
  RocketStockProductQuery,
  RocketStockRoomSubscription,
  RocketStockSubscription,
} from './gql/graphql';

const PRODUCT = graphql(`
  query RocketStockProduct($id: ID!) {
    serverTime
    product(id: $id) {
      id
      name
      saleStartsAt
      saleEndsAt
      remainingStock
      saleState
    }
  }
`);

const STOCK = graphql(`
  subscription RocketStock($id: ID!) {
    stockChanged(productId: $id) {
      remaining
      saleState
      version
    }
  }
`);

const ROOM = graphql(`
  subscription RocketStockRoom($id: ID!) {
    waitingRoom(productId: $id) {
      version
      state
      serverTime
      servedThrough
      admitPerMinuteLow
      admitPerMinuteHigh
      admissionSeconds
    }
  }
`);

/**
 * An honest wait range for a place in line from a room frame's fast and slow admission rates
 * (per minute): place ÷ high … place ÷ low minutes, in seconds; NaN where a rate is 0 (unknown).
 */
export function waitRange(
  place: number,
  frame: { admitPerMinuteLow: number; admitPerMinuteHigh: number },
): { waitMinSeconds: number; waitMaxSeconds: number } {
  const { admitPerMinuteLow: low, admitPerMinuteHigh: high } = frame;
  return {
    waitMinSeconds: high > 0 ? (place / high) * 60 : NaN,
    waitMaxSeconds: low > 0 ? (place / low) * 60 : NaN,
  };
}

export type StockState =
  'LOADING' | 'UPCOMING' | 'LIVE' | 'ALL_IN_CARTS' | 'SOLD_OUT' | 'ENDED' | 'UNAVAILABLE';

const DEFAULT_THRESHOLDS = [100, 50, 20, 10, 5, 3, 2, 1];

/** What the queue view shows: waiting with a place and a wait range, or admitted until a time. */
export type QueueStatus =
  { place: number; waitMinSeconds: number; waitMaxSeconds: number } | { admittedUntil: string };
const LABELS: Record<StockState, string> = {
  LOADING: 'Loading…',
  UPCOMING: 'Starts in',
  LIVE: 'Live',
  ALL_IN_CARTS: 'All in carts',
  SOLD_OUT: 'Sold out',
  ENDED: 'Sale ended',
  UNAVAILABLE: 'Unavailable',
};

// The script's own URL, read while it runs: the default endpoint is the API that served it.
const scriptSrc =
  typeof document !== 'undefined' && document.currentScript instanceof HTMLScriptElement
    ? document.currentScript.src
    : '';

const STYLE = `
:host{display:inline-block;font:var(--rocket-stock-font,600 1rem/1.3 system-ui,sans-serif);color:var(--rocket-stock-color,#14213d)}
.box{display:flex;gap:.5em;align-items:baseline;padding:var(--rocket-stock-padding,.4em .8em);border-radius:var(--rocket-stock-radius,.5em);background:var(--rocket-stock-background,#eef2ff);border:1px solid var(--rocket-stock-border,#c7d2fe)}
.label{text-transform:uppercase;font-size:.75em;letter-spacing:.05em}
.value{font-variant-numeric:tabular-nums;font-size:1.25em}
.detail{font-size:.8em}
:host([state=LIVE]) .box{background:var(--rocket-stock-live-background,#dcfce7);border-color:var(--rocket-stock-accent,#16a34a)}
:host([state=ALL_IN_CARTS]) .box,:host([state=SOLD_OUT]) .box,:host([state=ENDED]) .box,:host([state=UNAVAILABLE]) .box{background:var(--rocket-stock-out-background,#f3f4f6);border-color:#d1d5db;color:var(--rocket-stock-out-color,#374151)}
.bump{animation:bump .4s ease-out}
@keyframes bump{from{transform:scale(1.25)}to{transform:none}}
@media (prefers-reduced-motion:reduce){.bump{animation:none}}
.queue{font-size:.85em;margin-top:.3em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** "2d 03:04:05", "03:04:05" or "04:05". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = h || d ? `${two(h)}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
  return d ? `${d}d ${clock}` : clock;
}

/** Randomised exponential backoff: about 0.5 s, 1 s, 2 s … up to 15 s. */
const backoff = (retries: number) =>
  new Promise<void>((resolve) =>
    setTimeout(resolve, Math.min(15_000, 500 * 2 ** retries) * (0.5 + Math.random() / 2)),
  );

/** One socket per endpoint, shared by every widget on the page (a product list shows many). */
const sockets = new Map<string, { client: Client; users: number }>();

function socketFor(url: string): Client {
  let entry = sockets.get(url);
  if (!entry) {
    const client = createClient({
      url,
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      retryWait: backoff,
    });
    entry = { client, users: 0 };
    sockets.set(url, entry);
  }
  entry.users++;
  return entry.client;
}

function releaseSocket(url: string): void {
  const entry = sockets.get(url);
  if (entry && --entry.users === 0) {
    sockets.delete(url);
    void entry.client.dispose();
  }
}

export class RocketStockElement extends HTMLElement {
  static observedAttributes = ['product-id', 'endpoint', 'queue'];

  private readonly root: ShadowRoot;
  private client: Client | undefined;
  private url = '';
  /** Counts starts, so answers for an earlier product-id or endpoint are ignored. */
  private run = 0;
  private cleanup: (() => void)[] = [];
  private tick: ReturnType<typeof setTimeout> | undefined;
  /** Server clock minus local clock, in ms. */
  private offset = 0;
  private startsAt: number | null = null;
  private endsAt: number | null = null;
  private remaining: number | null = null;
  /** None free but some held in carts (the API's ALL_IN_CARTS): they may come back. */
  private held = false;
  /** Whether the sale window and clock are known; until then the state is not. */
  private loaded = false;
  private retryLoad: ReturnType<typeof setTimeout> | undefined;
  /** Highest stock version applied; older or repeated frames are dropped. */
  private version = -1;
  private shown: StockState = 'LOADING';
  private lastAnnounced: string | undefined;
  private announcedBelow = Infinity;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    // A constructed sheet where there is one: a page's CSP without 'unsafe-inline' styles allows it.
    let style = '';
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      this.root.adoptedStyleSheets = [sheet];
    } catch {
      style = `<style>${STYLE}</style>`;
    }
    this.root.innerHTML = `${style}<div class="box" part="box"><span class="label" part="label"></span><span class="value" part="value"></span><span class="detail" part="detail"></span></div><div class="queue" part="queue" hidden></div><span class="sr" role="status" aria-live="polite" aria-atomic="true"></span>`;
  }

  private queueTick: ReturnType<typeof setTimeout> | undefined;
  private queueAnnouncedAt = -Infinity;

  /**
   * Shows a member's place in a drop's room (with the attribute `queue`), or hides it (null).
   * Reflected as the attribute `queue-state`: WAITING or ADMITTED.
   */
  showQueue(status: QueueStatus | null): void {
    clearTimeout(this.queueTick);
    const line = this.root.querySelector<HTMLElement>('.queue')!;
    line.hidden = !status || !this.hasAttribute('queue');
    if (line.hidden) return this.removeAttribute('queue-state');
    let text: string;
    if ('place' in status!) {
      const [lo, hi] = [status.waitMinSeconds, status.waitMaxSeconds].map((s) =>
        Math.max(1, Math.round(s / 60)),
      );
      const wait = Number.isNaN(hi)
        ? Number.isNaN(lo)
          ? ''
          : ` · at least ${lo} min`
        : status.waitMaxSeconds < 60
          ? ' · under 1 min'
          : ` · about ${lo === hi ? lo : `${lo}–${hi}`} min`;
      text = `#${status.place} in line${wait}`;
      this.setAttribute('queue-state', 'WAITING');
      const every = Number(this.getAttribute('announce-every') ?? 30) * 1000;
      if (Date.now() - this.queueAnnouncedAt >= every) this.say(text);
    } else {
      const left = Date.parse(status!.admittedUntil) - (Date.now() + this.offset);
      text = `Your turn — buy within ${formatCountdown(left)}`;
      if (this.getAttribute('queue-state') !== 'ADMITTED') this.say('Your turn to buy');
      this.setAttribute('queue-state', 'ADMITTED');
      if (left > 0) this.queueTick = setTimeout(() => this.showQueue(status), left % 1000 || 1000);
    }
    line.textContent = text;
  }

  private say(text: string): void {
    this.queueAnnouncedAt = Date.now();
    this.lastAnnounced = text;
    this.root.querySelector('.sr')!.textContent = text;
  }

  connectedCallback(): void {
    this.start();
  }

  disconnectedCallback(): void {
    this.stop();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    // Before connectedCallback (an upgrade with attributes) there is nothing to restart yet.
    // A bare `queue` (the page feeds the view) needs no restart; a ticket to follow does.
    const ticket = (v: string | null) => Number(v) > 0;
    if (name === 'queue' && !ticket(old) && !ticket(value)) return;
    if (old !== value && this.client) {
      this.stop();
      this.start();
    }
  }

  private get endpoint(): string {
    const given = this.getAttribute('endpoint');
    const url = new URL(given ?? '/graphql', scriptSrc || location.href);
    url.protocol = url.protocol.replace(/^http/, 'ws');
    return url.href;
  }

  private get thresholds(): number[] {
    const given = this.getAttribute('thresholds');
    const parsed = given
      ?.split(/[\s,]+/)
      .map(Number)
      .filter(Number.isFinite);
    return parsed?.length ? parsed : DEFAULT_THRESHOLDS;
  }

  private start(): void {
    const id = this.getAttribute('product-id');
    if (!id) return this.render('UNAVAILABLE', 'no product-id');
    this.version = -1;
    this.remaining = null;
    this.loaded = false;
    this.render('LOADING');
    const run = ++this.run;
    this.url = this.endpoint;
    const client = (this.client = socketFor(this.url));
    this.cleanup = [
      // A new socket after a lost one: the window or the clock may have moved meanwhile.
      client.on('connected', (_socket, _payload, wasRetry) => {
        if (wasRetry) void this.load(id, run);
      }),
      this.subscribe(id, run),
    ];
    const ticket = Number(this.getAttribute('queue'));
    if (ticket > 0) this.cleanup.push(this.followRoom(id, ticket, run));
    void this.load(id, run);
  }

  private stop(): void {
    this.run++;
    for (const undo of this.cleanup) undo();
    this.cleanup = [];
    if (this.client) releaseSocket(this.url);
    this.client = undefined;
    clearTimeout(this.tick);
    clearTimeout(this.retryLoad);
    clearTimeout(this.queueTick);
  }

  private subscribe(id: string, run: number): () => void {
    return this.client!.subscribe<RocketStockSubscription>(
      { query: STOCK.toString(), variables: { id } },
      {
        next: ({ data, errors }) => {
          // A frame of an earlier product-id or endpoint, delivered after the switch.
          if (run !== this.run) return;
          if (errors?.length) return this.fail(errors[0]!);
          const level = data?.stockChanged;
          // Every frame carries the whole current value, so a gap in versions loses nothing;
          // an older or repeated one (overtaken, e.g. across a reconnect) is stale.
          if (!level || level.version <= this.version) return;
          this.version = level.version;
          this.remaining = level.remaining;
          this.held = level.saleState === 'ALL_IN_CARTS';
          this.update();
        },
        error: (err) => run === this.run && this.fail(err),
        complete: () => undefined,
      },
    );
  }

  /** The room's frames for the member holding `ticket` (the attribute `queue`). */
  private followRoom(id: string, ticket: number, run: number): () => void {
    let version = -1;
    let admittedUntil: string | null = null;
    return this.client!.subscribe<RocketStockRoomSubscription>(
      { query: ROOM.toString(), variables: { id } },
      {
        next: ({ data }) => {
          const f = data?.waitingRoom;
          if (run !== this.run || !f || f.version <= version) return;
          version = f.version;
          if (f.state === 'SOLD_OUT' || f.state === 'ENDED') return this.showQueue(null);
          const place = ticket - f.servedThrough;
          // A paused line or one whose units are all in carts has no wait to estimate.
          const rates = f.state === 'OPEN' ? f : { admitPerMinuteLow: 0, admitPerMinuteHigh: 0 };
          if (place > 0) return this.showQueue({ place, ...waitRange(place, rates) });
          admittedUntil ??=
            this.getAttribute('admitted-until') ??
            new Date(Date.parse(f.serverTime) + f.admissionSeconds * 1000).toISOString();
          this.showQueue({ admittedUntil });
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
  }

  /** The product and the server time, over HTTP (anonymous sockets carry public stock only). */
  private async load(id: string, run: number): Promise<void> {
    try {
      const sentAt = Date.now();
      const res = await fetch(this.url.replace(/^ws/, 'http'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: PRODUCT.toString(), variables: { id } }),
      });
      const body = (await res.json()) as {
        data?: RocketStockProductQuery;
        errors?: { message: string }[];
      };
      if (run !== this.run) return;
      if (body.errors?.length) return this.fail(body.errors);
      const result = body.data!;
      // The answer left the server about halfway through the round trip.
      const receivedAt = Date.now();
      this.offset = Date.parse(result.serverTime) - (sentAt + receivedAt) / 2;
      const product = result.product;
      if (!product) return this.render('UNAVAILABLE', 'unknown product');
      this.startsAt = product.saleStartsAt ? Date.parse(product.saleStartsAt) : null;
      this.endsAt = product.saleEndsAt ? Date.parse(product.saleEndsAt) : null;
      // Frames are newer than this answer once one has arrived.
      if (this.version < 0) {
        this.remaining = product.remainingStock;
        this.held = product.saleState === 'ALL_IN_CARTS';
      }
      this.loaded = true;
      this.update();
    } catch {
      // The API cannot be reached or answers garbage (a proxy's error page): try again soon.
      if (run === this.run) this.retryLoad = setTimeout(() => this.load(id, run), 3000);
    }
  }

  /** A GraphQL error (an unknown product) is final; a closed socket is the client's to retry. */
  private fail(err: unknown): void {
    const first = (Array.isArray(err) ? err[0] : err) as { message?: unknown } | undefined;
    if (typeof first?.message === 'string') this.render('UNAVAILABLE', first.message);
  }

  /** Works out the state on the server's clock; re-runs itself at the next second or the start. */
  private update(): void {
    clearTimeout(this.tick);
    if (this.remaining === null || !this.loaded) return;
    const now = Date.now() + this.offset;
    if (this.startsAt !== null && now < this.startsAt) {
      const left = this.startsAt - now;
      this.render('UPCOMING', `${this.remaining} available`, formatCountdown(left));
      // Wake at the next whole second of the countdown, so it turns LIVE right at the start.
      this.tick = setTimeout(() => this.update(), left % 1000 || 1000);
      return;
    }
    if (this.endsAt !== null && now >= this.endsAt) return this.render('ENDED');
    if (this.endsAt !== null) {
      this.tick = setTimeout(() => this.update(), Math.min(this.endsAt - now, 2 ** 31 - 1));
    }
    if (this.remaining <= 0) {
      return this.held
        ? this.render('ALL_IN_CARTS', 'unpaid units may come back')
        : this.render('SOLD_OUT');
    }
    this.render('LIVE', 'left', String(this.remaining));
  }

  private render(state: StockState, detail = '', value = ''): void {
    const $ = (name: string) => this.root.querySelector(`.${name}`)!;
    const valueEl = $('value');
    if (state === 'LIVE' && valueEl.textContent !== value && this.shown === 'LIVE') {
      valueEl.classList.remove('bump');
      void (valueEl as HTMLElement).offsetWidth; // restarts the animation
      valueEl.classList.add('bump');
    }
    $('label').textContent = LABELS[state];
    valueEl.textContent = value;
    $('detail').textContent = detail;
    const changed = state !== this.shown || this.getAttribute('remaining') !== value;
    this.shown = state;
    this.setAttribute('state', state);
    if (state === 'LIVE' || state === 'UPCOMING') {
      this.setAttribute('remaining', String(this.remaining));
    } else if (state === 'SOLD_OUT' || state === 'ALL_IN_CARTS')
      this.setAttribute('remaining', '0');
    this.announce(state);
    if (changed) {
      this.dispatchEvent(
        new CustomEvent('rocket-stock-change', {
          detail: { state, remaining: this.remaining },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  /** Tells screen readers about state changes and crossed thresholds only, never each frame. */
  private announce(state: StockState): void {
    let text: string | undefined;
    if (state === 'LIVE') {
      const crossed = this.thresholds.filter(
        (t) => this.remaining! <= t && t < this.announcedBelow,
      );
      if (crossed.length) {
        this.announcedBelow = Math.min(...crossed);
        text = `${this.remaining} left`;
      } else if (this.lastAnnounced === undefined || !/left$/.test(this.lastAnnounced)) {
        text = 'Sale is live';
      }
    } else if (state === 'SOLD_OUT') text = 'Sold out';
    else if (state === 'ALL_IN_CARTS') text = 'All in carts';
    else if (state === 'ENDED') text = 'Sale ended';
    else if (state === 'UPCOMING' && this.lastAnnounced === undefined) text = 'Sale not started';
    if (state !== 'LIVE') this.announcedBelow = Infinity;
    if (text === undefined || text === this.lastAnnounced) return;
    this.lastAnnounced = text;
    this.root.querySelector('.sr')!.textContent = text;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('rocket-stock')) {
  customElements.define('rocket-stock', RocketStockElement);
}
