import { ApiError, request, session, setSession } from './api';
import { LogoutDocument } from './documents';
import { go } from './page';
import { h } from './ui';

/**
 * Ends the session on the server first (its tokens stop working at once), then forgets it here;
 * a sign-out that cannot reach the server still forgets it, and says so.
 */
async function signOut(): Promise<void> {
  let revoked = true;
  try {
    await request(LogoutDocument, {});
  } catch (err) {
    // UNAUTHENTICATED: the session had already ended (expired or revoked elsewhere).
    revoked = err instanceof ApiError && err.code === 'UNAUTHENTICATED';
  }
  setSession(null);
  go(revoked ? '#/signin' : '#/signin/offline');
}

export function renderNav(nav: HTMLElement): void {
  const me = session();
  nav.replaceChildren(
    h('a', { href: '#/products' }, 'Products'),
    ...(me
      ? [
          h('a', { href: '#/orders' }, 'My orders'),
          h('a', { href: '#/notices' }, 'My notices'),
          ...(me.user.role === 'ADMIN' ? [h('a', { href: 'operator.html' }, 'Operator')] : []),
          h('span', { class: 'who' }, me.user.name),
          h('button', { class: 'link', type: 'button', onclick: () => void signOut() }, 'Sign out'),
        ]
      : [h('a', { href: '#/signin' }, 'Sign in'), h('a', { href: '#/signup' }, 'Sign up')]),
  );
}
