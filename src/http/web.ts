import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express from 'express';
import type { Config } from '../config';
import { graphqlCors } from './cors';

/** dist/web under the project root, from src/http (tests) or dist/src/http (the built app). */
export function webDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'web');
}

/**
 * The storefront at `/shop`, the `<rocket-stock>` widget at `/widget/rocket-stock.js` (its demo
 * page at `/widget/`), both built by `npm run build` into dist/web, and CORS for `/graphql`.
 */
export function webRoutes(app: express.Express, config: Config): void {
  const dir = webDir();
  app.use('/graphql', graphqlCors(config));
  app.use(
    '/widget',
    express.static(join(dir, 'widget'), {
      maxAge: '5m',
      setHeaders: (res) => {
        // Other sites' pages load the script, also those that isolate themselves (COEP).
        res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        res.setHeader('Access-Control-Allow-Origin', '*');
      },
    }),
  );
  app.use('/shop', express.static(join(dir, 'shop'), { maxAge: 0 }));
  app.get('/', (_req, res) => res.redirect('/shop/'));
  app.use(['/widget', '/shop'], (_req, res) => {
    res
      .status(404)
      .type('text')
      .send(
        existsSync(dir)
          ? 'Not found'
          : 'The web app is not built: run `npm run build` (or build:web).',
      );
  });
}
