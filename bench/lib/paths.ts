/** Where the built benchmarks find the app and the results, from dist/bench/lib. */
import { join } from 'node:path';

/** dist/ of the build (the benchmarks run as compiled JavaScript). */
export const DIST = join(__dirname, '..', '..');
/** The project root, where bench/results lives. */
export const ROOT = join(DIST, '..');
/** The app's entry point that every server under test runs. */
export const MAIN_JS = join(DIST, 'src', 'main.js');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');
/** The built file of a benchmark module, e.g. `benchFile('floor.js')`. */
export const benchFile = (name: string) => join(DIST, 'bench', name);
