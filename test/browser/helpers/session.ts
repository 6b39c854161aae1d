/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import type { Member } from '../../helpers/members';

/**
 * Signs the storefront in as a member made by createMembers (their passwords never verify) by
 * storing the session as the sign-in page would, then opens `hash`.
 */
export async function signInAs(
  page: Page,
  shop: string,
  member: Member,
  hash: string,
  role = 'USER',
): Promise<void> {
  await page.goto(`${shop}#/signin`);
  await page.evaluate(
    ([session]) => localStorage.setItem('rocket-mart.session', session!),
    [
      JSON.stringify({
        accessToken: member.token,
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        user: { id: String(member.id), name: `Member ${member.id}`, email: member.email, role },
      }),
    ],
  );
  await page.goto(`${shop}${hash}`);
}
