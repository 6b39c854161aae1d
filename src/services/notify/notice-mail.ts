import type { MailBody } from '../mail/mail.service';

export type NoticeKind = 'SALE_START' | 'RESTOCK';

export interface NoticeLinks {
  /** The drop's page (its pre-queue), where the member joins the line. */
  drop: string;
  /** One-click unsubscribe (RFC 8058): a GET shows a button, a POST unsubscribes. */
  unsubscribe: string;
}

/** Subject and body of a notice mail, with the List-Unsubscribe headers of RFC 2369 and 8058. */
export function noticeMail(
  kind: NoticeKind,
  product: { name: string; saleStartsAt: Date | null },
  links: NoticeLinks,
): { subject: string; body: MailBody } {
  const name = product.name;
  const subject =
    kind === 'SALE_START' ? `The ${name} drop is opening` : `${name} is back in stock`;
  const lead =
    kind === 'SALE_START'
      ? `The sale of ${name} opens${product.saleStartsAt ? ` at ${product.saleStartsAt.toISOString()}` : ''}. Join the line on the drop page: everyone who is in line before it opens has the same chance, however early this mail reached them.`
      : `${name} was restocked. A few of the people who asked are told at a time, so this mail does not mean a unit is kept for you.`;
  const text = `${lead}\n\n${links.drop}\n\nYou asked to be told about ${name}. Stop these mails: ${links.unsubscribe}\n`;
  const html = `<p>${escapeHtml(lead)}</p><p><a href="${escapeHtml(links.drop)}">Go to the drop</a></p><p style="font-size:smaller">You asked to be told about ${escapeHtml(name)}. <a href="${escapeHtml(links.unsubscribe)}">Stop these mails</a></p>`;
  return {
    subject,
    body: {
      text,
      html,
      headers: {
        'List-Unsubscribe': `<${links.unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    },
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
