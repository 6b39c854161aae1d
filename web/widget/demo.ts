// The demo page's own script (a file, not inline, so a strict CSP allows it): shows the product
// of ?product= in both widgets and the snippet that embeds it.
const params = new URLSearchParams(location.search);
const id = params.get('product') || '1';
(document.getElementById('product') as HTMLInputElement).value = id;
for (const el of document.querySelectorAll('rocket-stock')) el.setAttribute('product-id', id);
const api = new URL('/graphql', location.href);
api.protocol = api.protocol.replace('http', 'ws');
document.getElementById('snippet')!.textContent =
  `<script src="${new URL('rocket-stock.js', location.href).href}" defer></script>\n` +
  `<rocket-stock product-id="${id}" endpoint="${api.href}"></rocket-stock>`;
