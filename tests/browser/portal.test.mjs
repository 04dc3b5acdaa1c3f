// Behind the portal's own sign-in (CicpaCertIdentity httpd): a member signs
// in to the portal (mod_auth_form + mod_session_crypto + mod_authn_dbd, the
// members' table); the certificate pages at /cert/ then skip the module's
// login page, show the member, and offer no sign-out of their own. The
// portal's sign-out sends the pages back to a 401.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from './lib/server.mjs';
import { DESKTOP, inspect, launchBrowser, newPage } from './lib/browser.mjs';

const MEMBER = '110000000001';
const MODULES = execFileSync('apxs', ['-q', 'LIBEXECDIR']).toString().trim();
const LOADS = ['authn_core', 'authn_dbd', 'auth_form', 'authz_user', 'request', 'session',
  'session_cookie', 'session_crypto'].map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so\n`).join('');
const SIGN_IN = `    AuthType form
    AuthName portal
    AuthFormProvider dbd
    AuthDBDUserPWQuery "SELECT password_hash FROM members WHERE member_no = %s"
    Session On
    SessionCookieName portal_session path=/;httponly
    SessionCryptoPassphrase portal-test-passphrase-not-a-secret
`;
const CONF = `${LOADS}
<Location /portal/dologin>
    SetHandler form-login-handler
${SIGN_IN}</Location>
<Location /portal/logout>
    SetHandler form-logout-handler
${SIGN_IN}    SessionMaxAge 1
</Location>
<Location /cert/api>
${SIGN_IN}    Require valid-user
    CicpaCertIdentity httpd
</Location>
`;

describe('member pages behind the portal sign-in (desktop)', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer('portal', CONF);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('signed in to the portal: no second login, no sign-out of ours', async () => {
    const page = await newPage(browser, DESKTOP);
    // The portal's own sign-in form posts here (its cookie joins the page's).
    const signIn = await page.request.post(`${server.url}/portal/dologin`,
      { form: { httpd_username: MEMBER, httpd_password: 'Demo@2026' }, maxRedirects: 0 });
    assert.notEqual(signIn.status(), 401);
    await page.goto(`${server.url}/cert/`);
    await page.waitForURL(/certificate\.html$/);
    await page.getByText(`非执业会员 ${MEMBER}`).waitFor();
    assert.equal(await page.getByRole('button', { name: '退出登录' }).count(), 0);
    assert.equal(await page.locator('#login-form').count(), 0);
    await inspect(page, 'portal-certificate', assert);

    await page.request.get(`${server.url}/portal/logout`, { maxRedirects: 0 });
    const me = await page.request.get(`${server.url}/cert/api/me`);
    assert.equal(me.status(), 401);
    assert.deepEqual(server.seriousErrors(), []);
  });
});
