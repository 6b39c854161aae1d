// Builds the storefront and the <rocket-stock> widget with esbuild into dist/web, which the API
// serves at /shop and /widget. Prints the widget's gzipped size and fails above its budget.
//
//   node scripts/build-web.js            # minified, as served
const { build } = require('esbuild');
const { cpSync, mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'dist', 'web');
/** The widget, graphql-ws's client included, must stay under this many gzipped bytes. */
const WIDGET_BUDGET = 10 * 1024;

async function buildWeb({ quiet = false } = {}) {
  const common = {
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: 'warning',
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: [join(ROOT, 'web', 'widget', 'rocket-stock.ts')],
      outfile: join(OUT, 'widget', 'rocket-stock.js'),
    }),
    build({
      ...common,
      entryPoints: [join(ROOT, 'web', 'shop', 'src', 'main.ts')],
      outfile: join(OUT, 'shop', 'app.js'),
    }),
    // The widget's demo page's script (no inline script: a strict CSP allows the page).
    build({
      ...common,
      entryPoints: [join(ROOT, 'web', 'widget', 'demo.ts')],
      outfile: join(OUT, 'widget', 'demo.js'),
    }),
    // The proof of work of joining a room: altcha-lib's solver in a Web Worker, as a file (a
    // strict CSP refuses a worker made from a blob or an inline script).
    build({
      ...common,
      entryPoints: [join(ROOT, 'node_modules', 'altcha-lib', 'dist', 'worker.js')],
      outfile: join(OUT, 'shop', 'pow-worker.js'),
    }),
    // The operator's view: its own bundle, with uPlot, which shoppers never load.
    build({
      ...common,
      entryPoints: [join(ROOT, 'web', 'shop', 'src', 'operator', 'main.ts')],
      outfile: join(OUT, 'shop', 'operator.js'),
    }),
  ]);
  mkdirSync(join(OUT, 'widget'), { recursive: true });
  cpSync(join(ROOT, 'web', 'widget', 'demo.html'), join(OUT, 'widget', 'index.html'));
  cpSync(join(ROOT, 'web', 'widget', 'demo.css'), join(OUT, 'widget', 'demo.css'));
  cpSync(join(ROOT, 'web', 'shop', 'public'), join(OUT, 'shop'), { recursive: true });
  cpSync(
    join(ROOT, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'),
    join(OUT, 'shop', 'uplot.css'),
  );

  const widget = readFileSync(join(OUT, 'widget', 'rocket-stock.js'));
  const gzipped = gzipSync(widget, { level: 9 }).length;
  if (!quiet) {
    console.log(
      `web: widget rocket-stock.js ${(widget.length / 1024).toFixed(1)} KiB, ` +
        `${(gzipped / 1024).toFixed(2)} KiB gzipped (budget ${WIDGET_BUDGET / 1024} KiB)`,
    );
  }
  if (gzipped > WIDGET_BUDGET) {
    throw new Error(
      `the widget is ${gzipped} bytes gzipped, over its ${WIDGET_BUDGET} byte budget`,
    );
  }
  return { widgetBytes: widget.length, widgetGzipBytes: gzipped };
}

module.exports = { buildWeb };

if (require.main === module) {
  buildWeb().catch((err) => {
    console.error(`web: build failed: ${err.message}`);
    process.exit(1);
  });
}
