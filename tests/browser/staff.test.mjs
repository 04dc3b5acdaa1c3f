// The staff's pages in Chromium: a member's comparison fails, a Beijing
// staff member logs in at /cert/admin/, opens the review queue, sees the
// uploaded photo and the comparison record, approves — and the member's
// next step becomes the download; then the member's record and the audit
// trail. Every page passes the same checks as the portal's (axe, CSP).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startServer } from './lib/server.mjs';
import { DESKTOP, inspect, launchBrowser, newPage } from './lib/browser.mjs';
import { NON_MATCHING_PHOTO } from './lib/files.mjs';

const MEMBER = '110000000002';
const STAFF = 'bj-review';
const STAFF_PASSWORD = 'Staff#2026x';

// The member's side, as the portal would do it: login with the test
// captcha answer, then the upload whose comparison fails.
async function memberLogin(url) {
  const captcha = await fetch(`${url}/cert/api/captcha`);
  const { captcha_id: captchaId } = await captcha.json();
  const login = await fetch(`${url}/cert/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ member_no: MEMBER, password: 'Demo@2026', captcha_id: captchaId,
      captcha: captcha.headers.get('x-captcha-answer') }),
  });
  assert.equal(login.status, 200);
  return { Authorization: `Bearer ${(await login.json()).token}` };
}

async function failComparison(url, auth) {
  const body = new FormData();
  body.append('photo', new Blob([fs.readFileSync(NON_MATCHING_PHOTO)], { type: 'image/jpeg' }), 'photo.jpg');
  const r = await fetch(`${url}/cert/api/me/photo`, { method: 'POST', headers: auth, body });
  assert.equal((await r.json()).result, 'no_match');
}

function nextCaptchaAnswer(page) {
  return page.waitForResponse((response) => response.url().endsWith('/cert/api/captcha'))
    .then((response) => response.headers()['x-captcha-answer']);
}

describe('staff review page (desktop)', () => {
  let server;
  let browser;
  let auth;

  before(async () => {
    server = await startServer('staff', 'CicpaCertCaptcha On\nCicpaCertCaptchaTestHeader On\n');
    execFileSync(path.join(ROOT, 'cicpa-admin'), ['-d', 'sqlite3', '-p', path.join(server.root, 'db', 'cicpa.db'),
      'create-staff', STAFF, '11'], { input: `${STAFF_PASSWORD}\n` });
    auth = await memberLogin(server.url);
    await failComparison(server.url, auth);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('login, the queue, the uploaded photo and the comparison, approve', async () => {
    const page = await newPage(browser, DESKTOP);
    const answer = nextCaptchaAnswer(page);
    await page.goto(`${server.url}/cert/admin/`);
    await inspect(page, 'staff-login', assert);
    await page.getByLabel('账号').fill(STAFF);
    await page.getByLabel('密码').fill(STAFF_PASSWORD);
    await page.getByLabel('验证码', { exact: true }).fill(await answer);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/review\.html$/);

    const entry = page.getByRole('button', { name: new RegExp(MEMBER) });
    await entry.waitFor();
    assert.match(await entry.innerText(), /照片比对不成功/);
    await entry.click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const img = document.getElementById('upload-image');
      return img.complete && img.naturalWidth > 0;
    });
    const record = await page.locator('#detail-data').innerText();
    assert.match(record, /比对不成功/);
    assert.match(record, /\*{4,}/, 'the ID number is masked');
    await inspect(page, 'staff-review', assert);

    await page.getByRole('button', { name: '本人核验无误，通过此照片' }).click();
    await page.getByText(`${MEMBER}：已通过`).waitFor();
    assert.equal(await page.locator('#queue-empty').isVisible(), true);
    await inspect(page, 'staff-review-done', assert);

    const me = await (await fetch(`${server.url}/cert/api/me`, { headers: auth })).json();
    assert.equal(me.next_step, 'download');

    await page.getByRole('link', { name: '会员信息' }).click();
    await page.getByLabel('会员编号、姓名或证件号码（精确匹配）').fill(MEMBER);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('button', { name: '查看' }).click();
    await page.locator('#record').waitFor({ state: 'visible' });
    assert.match(await page.locator('#record-data').innerText(), /已有照片/);
    await inspect(page, 'staff-members', assert);

    await page.getByRole('link', { name: '操作日志' }).click();
    await page.getByRole('cell', { name: 'photo_review_approved' }).waitFor();
    await inspect(page, 'staff-audit', assert);
    assert.deepEqual(server.seriousErrors(), []);
  });
});
