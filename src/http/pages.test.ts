import { resetPasswordForm, verifyEmailForm, verifyEmailPage } from './pages';

describe('mail pages', () => {
  it('carry the token in a form that POSTs, escaped, and no script', () => {
    const html = verifyEmailForm('a"><script>x</script>');
    expect(html).toContain('<form method="post" action="/verify-email">');
    expect(html).toContain('value="a&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
    expect(html).not.toMatch(/<script|style=|\son[a-z]+=/);
    expect(resetPasswordForm('t', '<b>')).toContain('&#60;b&#62;');
    expect(verifyEmailPage(true, '<x@y>')).toContain('&#60;x@y&#62; is verified');
  });
});
