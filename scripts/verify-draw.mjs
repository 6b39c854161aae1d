/* global process, console, fetch */
// Recomputes a waiting room's draw from public data alone: `node verify-draw.mjs <productId> [url]`
// (url: the GraphQL endpoint, default $GRAPHQL_URL or http://localhost:4000/graphql). No packages.
import { createHash, createHmac } from 'node:crypto';

const [productId, url = process.env.GRAPHQL_URL ?? 'http://localhost:4000/graphql'] =
  process.argv.slice(2);
const query = `query($p: ID!) { waitingRoomDraw(productId: $p) {
  scheme seedCommit entriesRoot entries seed order late lateHash } }`;
const res = await fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables: { p: productId } }),
});
const d = (await res.json()).data?.waitingRoomDraw;
if (!d?.seed) throw new Error('the draw is not revealed yet (the seed comes when the room closes)');
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const key = sha256(`${d.seed}|${d.entriesRoot}`);
const rank = (id) => createHmac('sha256', key).update(id).digest('hex');
const byRank = [...d.order].sort((a, b) =>
  rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : a < b ? -1 : 1,
);
let chain = '';
d.late.forEach((id, i) => {
  chain = createHash('sha1')
    .update(`${chain}|${d.order.length + 1 + i}|${id}`)
    .digest('hex');
});
const checks = {
  commitment: sha256(`${d.scheme}|${productId}|${d.seed}`) === d.seedCommit,
  root: sha256([...d.order].sort().join('\n')) === d.entriesRoot && d.order.length === d.entries,
  order: byRank.every((id, i) => id === d.order[i]),
  lateChain: chain === (d.lateHash ?? ''),
};
console.log(JSON.stringify({ productId, ...checks }, null, 2));
const ok = Object.values(checks).every(Boolean);
console.log(ok ? 'the draw verifies' : 'the draw does NOT verify');
process.exit(ok ? 0 : 1);
