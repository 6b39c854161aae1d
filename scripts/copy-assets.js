// tsc copies no Lua; the built app reads its scripts beside the compiled lua/index.js.
const { cpSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const from = join(__dirname, '..', 'src', 'lua');
const to = join(__dirname, '..', 'dist', 'src', 'lua');
for (const file of readdirSync(from).filter((f) => f.endsWith('.lua'))) {
  cpSync(join(from, file), join(to, file));
}
