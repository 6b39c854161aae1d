import { request } from '../api';
import { ProductsDocument } from '../documents';
import { h, message, money } from '../ui';

export async function productsPage(): Promise<HTMLElement[]> {
  const { products } = await request(ProductsDocument, { first: 50 });
  const list = h('ul', { class: 'products' });
  for (const { node } of products.edges) {
    list.append(
      h(
        'li',
        {},
        h('a', { href: `#/product/${node.id}` }, node.name),
        h('span', { class: 'price' }, money(node.price)),
        h('rocket-stock', { 'product-id': node.id }),
      ),
    );
  }
  return [
    h('h1', {}, 'Products'),
    products.edges.length ? list : message('info', 'Nothing on sale yet.'),
  ];
}
