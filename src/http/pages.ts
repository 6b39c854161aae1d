/** The small page a verification link opens in a browser. */
export function verifyEmailPage(ok: boolean, email?: string): string {
  const text = ok
    ? `Your email address ${escape(email ?? '')} is verified. You can log in now.`
    : 'This verification link is invalid, used or expired. Ask for a new one from the app.';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rocket Mart</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>Rocket Mart</h1><p>${text}</p></body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
