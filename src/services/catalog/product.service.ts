import DataLoader from 'dataloader';
import { raw, type EntityManager, type FilterQuery } from '@mikro-orm/mysql';
import { loader, type RequestContext } from '../../context';
import { Product, SaleState } from '../../entities/product.entity';
import { BadUserInputError } from '../../errors';
import { decodeCursor, toConnection, type Connection } from '../../schema/pagination';
import type { StockService } from '../sale/stock.service';
import type { RoomSettings, WaitingRoomService } from '../sale/waiting-room.service';
import { requireListed, saleStateOf } from './listing';

export enum ProductSort {
  NEWEST = 'NEWEST',
  PRICE_ASC = 'PRICE_ASC',
  PRICE_DESC = 'PRICE_DESC',
  LIKES = 'LIKES',
}

export interface ProductFields {
  name: string;
  description?: string | null;
  price: number;
  saleStartsAt?: Date | null;
  saleEndsAt?: Date | null;
  purchaseLimit?: number | null;
}

export interface NewProduct extends ProductFields {
  stock: number;
  waitingRoom?: RoomSettings | null;
}

export interface ProductQuery {
  first: number;
  after?: string | null;
  sort: ProductSort;
  saleState?: SaleState | null;
  text?: string | null;
  /** Whether to count the matching rows (only when the client asked for totalCount). */
  withTotal?: boolean;
}

type SortKey = 'id' | 'price' | 'likeCount';
const SORTS: Record<ProductSort, { key: SortKey; dir: 'asc' | 'desc' }> = {
  // Ids grow with creation time, so newest first is id descending.
  [ProductSort.NEWEST]: { key: 'id', dir: 'desc' },
  [ProductSort.PRICE_ASC]: { key: 'price', dir: 'asc' },
  [ProductSort.PRICE_DESC]: { key: 'price', dir: 'desc' },
  [ProductSort.LIKES]: { key: 'likeCount', dir: 'desc' },
};

const REMAINING_LOADER = 'product.remainingStock';

/** InnoDB's shortest indexed word (innodb_ft_min_token_size) and its default stopwords. */
const MIN_WORD = 3;
const STOPWORDS = new Set(
  'a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www'.split(
    ' ',
  ),
);
/** Told of units added to a product once they are on sale (its lifecycle frame and notices). */
export interface RestockListener {
  restocked(em: EntityManager, productId: number, units: number): Promise<void>;
}

/** `%`, `_` and `\` match themselves in a LIKE pattern built from user text. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The catalog: admin writes (create, update, restock through the stock counters) and member
 * reads with keyset pagination. Throws NOT_FOUND for unknown or deleted products and
 * BAD_USER_INPUT (with `field`) for invalid windows or cursors.
 */
export class ProductService {
  constructor(
    private readonly stock: StockService,
    private readonly rooms?: WaitingRoomService,
    private readonly restocks?: RestockListener,
  ) {}

  async create(ctx: RequestContext, input: NewProduct): Promise<Product> {
    checkWindow(input.saleStartsAt ?? null, input.saleEndsAt ?? null);
    const product = ctx.em.create(Product, {
      name: checkName(input.name),
      description: input.description ?? '',
      price: input.price,
      stock: input.stock,
      saleStartsAt: input.saleStartsAt ?? null,
      saleEndsAt: input.saleEndsAt ?? null,
      purchaseLimit: input.purchaseLimit ?? null,
    });
    await ctx.em.flush();
    // The live counter exists from the start (overwriting any left under a reused id), so the
    // first buyer never waits for a rebuild.
    await this.stock.sync(ctx.em, product.id);
    if (input.waitingRoom) await this.rooms?.configure(ctx.em, product.id, input.waitingRoom);
    await this.stock.invalidate(product.id);
    return product;
  }

  async update(
    ctx: RequestContext,
    id: number,
    changes: { [K in keyof ProductFields]?: ProductFields[K] | null } & {
      waitingRoom?: RoomSettings | null;
    },
  ): Promise<Product> {
    const product = await requireListed(ctx.em, id);
    const startsAt =
      changes.saleStartsAt === undefined ? product.saleStartsAt : changes.saleStartsAt;
    const endsAt = changes.saleEndsAt === undefined ? product.saleEndsAt : changes.saleEndsAt;
    checkWindow(startsAt ?? null, endsAt ?? null);
    // null leaves a required field as it is; it clears only the nullable ones below.
    if (changes.name != null) product.name = checkName(changes.name);
    if (changes.description != null) product.description = changes.description;
    if (changes.price != null) product.price = changes.price;
    if (changes.purchaseLimit !== undefined) product.purchaseLimit = changes.purchaseLimit;
    product.saleStartsAt = startsAt ?? null;
    product.saleEndsAt = endsAt ?? null;
    await ctx.em.flush();
    // A room follows the sale window: its settings go to Redis again (or it is created/removed).
    if (changes.waitingRoom !== undefined)
      await this.rooms?.configure(ctx.em, product.id, changes.waitingRoom);
    else await this.rooms?.mirror(ctx.em, product.id);
    // The reservation script reads window, limit and price from a cache of the product.
    await this.stock.invalidate(product.id);
    return product;
  }

  /** Adds (or with a negative figure removes) units in MySQL and the live counter together. */
  async restock(ctx: RequestContext, id: number, quantity: number): Promise<Product> {
    await requireListed(ctx.em, id);
    await this.stock.adjust(ctx.em, id, quantity);
    ctx.loaders.delete(REMAINING_LOADER);
    if (quantity > 0) await this.restocks?.restocked(ctx.em, id, quantity);
    return (await ctx.em.findOne(Product, id, { refresh: true }))!;
  }

  /** A listed product (not deleted), or null. */
  find(ctx: RequestContext, id: number): Promise<Product | null> {
    return ctx.em.findOne(Product, { id, deletedAt: null });
  }

  /**
   * One page of listed products. Keyset pagination on (sort key, id): rows added while a client
   * pages never shift later pages, so no product is skipped or repeated.
   */
  async list(ctx: RequestContext, query: ProductQuery): Promise<Connection<Product>> {
    const { key, dir } = SORTS[query.sort];
    const now = new Date();
    // Built per query: a raw fragment (the full-text match) is used up by the query it is in.
    const filters = (): FilterQuery<Product>[] => [
      { deletedAt: null },
      ...(query.text?.trim() ? [textFilter(query.text.trim())] : []),
      ...(query.saleState ? [saleStateFilter(query.saleState, now)] : []),
    ];
    const page = filters();
    if (query.after) {
      const [sort, value, id] = decodeCursor(query.after, 3);
      if (sort !== query.sort || !Number.isSafeInteger(value) || !Number.isSafeInteger(id)) {
        throw new BadUserInputError('Cursor does not belong to this sort order', 'after');
      }
      const beyond = dir === 'asc' ? '$gt' : '$lt';
      page.push({ $or: [{ [key]: { [beyond]: value } }, { [key]: value, id: { [beyond]: id } }] });
    }
    const rows = await ctx.em.find(
      Product,
      { $and: page },
      { orderBy: key === 'id' ? { id: dir } : { [key]: dir, id: dir }, limit: query.first + 1 },
    );
    const totalCount =
      query.withTotal === false ? 0 : await ctx.em.count(Product, { $and: filters() });
    return toConnection(rows, query.first, totalCount, (p) => [query.sort, p[key], p.id]);
  }

  /** Live remaining units, batched per request into one counter read. */
  remainingStock(ctx: RequestContext, productId: number): Promise<number> {
    return loader(
      ctx,
      REMAINING_LOADER,
      () => new DataLoader<number, number>((ids) => this.stock.remaining(ctx.em, [...ids])),
    ).load(productId);
  }

  async saleState(ctx: RequestContext, product: Product): Promise<SaleState> {
    const remaining = await this.remainingStock(ctx, product.id);
    return saleStateOf(product, remaining, remaining <= 0 && (await this.stock.held(product.id)));
  }
}

/**
 * Text search through the FULLTEXT index on (name, description): every word of 3 or more
 * characters must start a word of the product (boolean mode, prefix match), which the index
 * answers; the whole text must then also appear as typed (LIKE), checked only on those rows.
 * Throws BAD_USER_INPUT (field `text`) when no word is long enough to use the index.
 */
function textFilter(text: string): FilterQuery<Product> {
  const words = [...new Set(text.toLowerCase().split(/[^\p{L}\p{N}_]+/u))].filter(
    (w) => w.length >= MIN_WORD && !STOPWORDS.has(w),
  );
  if (words.length === 0) {
    throw new BadUserInputError(
      `Search text needs a word of at least ${MIN_WORD} letters or digits`,
      'text',
    );
  }
  const pattern = `%${escapeLike(text)}%`;
  const match = raw(
    (alias) => `match (${alias}.\`name\`, ${alias}.\`description\`) against (? in boolean mode)`,
    [words.map((w) => `+${w}*`).join(' ')],
  );
  return {
    [match]: [],
    $or: [{ name: { $like: pattern } }, { description: { $like: pattern } }],
  } as FilterQuery<Product>;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new BadUserInputError('name must not be blank', 'name');
  return trimmed;
}

function checkWindow(startsAt: Date | null, endsAt: Date | null) {
  if (startsAt && endsAt && endsAt <= startsAt) {
    throw new BadUserInputError('saleEndsAt must be after saleStartsAt', 'saleEndsAt');
  }
}

/**
 * SQL for a sale state. The window decides UPCOMING and ENDED; inside it, LIVE and SOLD_OUT split
 * on the durable MySQL stock (the live Redis figure cannot be filtered and paged in SQL).
 */
function saleStateFilter(state: SaleState, now: Date): FilterQuery<Product> {
  const open: FilterQuery<Product>[] = [
    { $or: [{ saleStartsAt: null }, { saleStartsAt: { $lte: now } }] },
    { $or: [{ saleEndsAt: null }, { saleEndsAt: { $gt: now } }] },
  ];
  switch (state) {
    case SaleState.UPCOMING:
      return { saleStartsAt: { $gt: now } };
    case SaleState.ENDED:
      return { saleEndsAt: { $lte: now } };
    case SaleState.LIVE:
      return { $and: [...open, { stock: { $gt: 0 } }] };
    case SaleState.SOLD_OUT:
      return { $and: [...open, { stock: 0 }] };
    case SaleState.ALL_IN_CARTS:
      // Holds are live Redis state: MySQL cannot tell; such products list as LIVE.
      return { id: 0 };
  }
}
