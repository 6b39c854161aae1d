import DataLoader from 'dataloader';
import type { QueryResult } from '@mikro-orm/mysql';
import { loader, type RequestContext, type Viewer } from '../../context';
import { Product } from '../../entities/product.entity';
import { ProductLike } from '../../entities/product-like.entity';
import { BadUserInputError, NotFoundError } from '../../errors';
import { decodeCursor, toConnection, type Connection } from '../../schema/pagination';
import { retryOnDeadlock } from '../common/retry-deadlock';

const LIKED_LOADER = 'like.likedByViewer';

export interface LikeResult {
  product: Product;
  liked: boolean;
}

/**
 * Likes: one row per (member, product) under a unique key, and a count per product in
 * `product_like_counts`, moved by the rows each call changed in the same transaction, so the
 * count always equals the rows. Neither touches the product row (no lock, no foreign-key check):
 * the order writer locks it to take stock, and a flood of likes must not queue in front of it.
 * Idempotent; NOT_FOUND for unknown or deleted products.
 */
export class LikeService {
  like(ctx: RequestContext, viewer: Viewer, productId: number): Promise<LikeResult> {
    return this.change(ctx, viewer, productId, true);
  }

  unlike(ctx: RequestContext, viewer: Viewer, productId: number): Promise<LikeResult> {
    return this.change(ctx, viewer, productId, false);
  }

  private async change(
    ctx: RequestContext,
    viewer: Viewer,
    productId: number,
    liked: boolean,
  ): Promise<LikeResult> {
    await retryOnDeadlock(() =>
      ctx.em.transactional(async (em) => {
        // A plain (consistent, lock-free) read: products are soft-deleted, never removed.
        const found = await em.execute<{ id: number }[]>(
          'select id from products where id = ? and deleted_at is null',
          [productId],
        );
        if (found.length === 0) throw new NotFoundError('Product', productId);
        const changed = liked
          ? await em.execute<QueryResult>(
              'insert ignore into product_likes (user_id, product_id, created_at) values (?, ?, now(3))',
              [viewer.userId, productId],
              'run',
            )
          : await em.execute<QueryResult>(
              'delete from product_likes where user_id = ? and product_id = ?',
              [viewer.userId, productId],
              'run',
            );
        if (changed.affectedRows === 0) return;
        // Calls on one product queue on its count row, after their own like rows: one order.
        await em.execute(
          liked
            ? 'insert into product_like_counts (product_id, like_count) values (?, ?) on duplicate key update like_count = like_count + values(like_count)'
            : 'update product_like_counts set like_count = like_count - ? where product_id = ?',
          liked ? [productId, changed.affectedRows] : [changed.affectedRows, productId],
          'run',
        );
      }),
    );
    ctx.loaders.delete(LIKED_LOADER);
    const product = await ctx.em.findOne(Product, productId, { refresh: true });
    if (!product) throw new NotFoundError('Product', productId);
    return { product, liked };
  }

  /** Whether the viewer likes the product; batched per request into one query. */
  likedByViewer(ctx: RequestContext, productId: number): Promise<boolean> {
    const viewer = ctx.viewer;
    if (!viewer) return Promise.resolve(false);
    return loader(
      ctx,
      LIKED_LOADER,
      () =>
        new DataLoader<number, boolean>(async (ids) => {
          const rows = await ctx.em.execute<{ product_id: number }[]>(
            `select product_id from product_likes where user_id = ? and product_id in (${ids.map(() => '?').join(', ')})`,
            [viewer.userId, ...ids],
          );
          const liked = new Set(rows.map((r) => Number(r.product_id)));
          return ids.map((id) => liked.has(id));
        }),
    ).load(productId);
  }

  /** The viewer's likes of listed products, most recent first. */
  async myLikes(
    ctx: RequestContext,
    viewer: Viewer,
    page: { first: number; after?: string | null },
  ): Promise<Connection<ProductLike>> {
    const where = { user: viewer.userId, product: { deletedAt: null } };
    let before = {};
    if (page.after) {
      const [id] = decodeCursor(page.after, 1);
      if (!Number.isSafeInteger(id)) throw new BadUserInputError('Malformed cursor', 'after');
      before = { id: { $lt: id as number } };
    }
    const rows = await ctx.em.find(
      ProductLike,
      { ...where, ...before },
      { populate: ['product'], orderBy: { id: 'desc' }, limit: page.first + 1 },
    );
    const totalCount = await ctx.em.count(ProductLike, where);
    return toConnection(rows, page.first, totalCount, (like) => [like.id]);
  }
}
