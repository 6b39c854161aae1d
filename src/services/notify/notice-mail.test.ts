import { noticeMail } from './notice-mail';

describe('noticeMail', () => {
  const links = {
    drop: 'https://shop.test/shop/#/drop/7',
    unsubscribe: 'https://shop.test/unsubscribe?token=7.x',
  };

  it('links into the drop and carries the one-click unsubscribe headers (RFC 8058)', () => {
    const { subject, body } = noticeMail(
      'SALE_START',
      { name: 'Rocket <1>', saleStartsAt: null },
      links,
    );
    expect(subject).toBe('The Rocket <1> drop is opening');
    expect(body.text).toContain(links.drop);
    expect(body.text).toContain(links.unsubscribe);
    expect(body.html).toContain('Rocket &#60;1&#62;');
    expect(body.headers).toEqual({
      'List-Unsubscribe': `<${links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});
