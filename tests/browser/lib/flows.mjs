// The member portal's flows end to end, in Chromium against a real httpd
// with the module, as a member clicks through them at one device size.
// desktop.test.mjs and mobile.test.mjs run them, each on a database of its
// own (each member compares a photo only once).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startServer } from './server.mjs';
import { inspect, launchBrowser, newPage } from './browser.mjs';
import { startSmsGateway } from './sms-gateway.mjs';
import {
  INCOMPLETE, MATCH, NO_MATCH, ONE_CHANCE, PHOTO_REQUIREMENTS, testConf,
} from './guide.mjs';
import { MATCHING_PHOTO, NON_MATCHING_PHOTO, badPhoto, pdfText } from './files.mjs';

const PASSWORD = 'Demo@2026';

// The answer of the next captcha the page loads (call before the action
// that loads it); onPage: only one loaded by a page whose URL has that text.
function nextCaptchaAnswer(page, onPage = '') {
  return page.waitForResponse((response) => response.url().endsWith('/cert/api/captcha')
    && response.frame().url().includes(onPage))
    .then((response) => {
      const answer = response.headers()['x-captcha-answer'];
      assert.ok(answer, 'the test httpd sends X-Captcha-Answer (CicpaCertCaptchaTestHeader On)');
      return answer;
    });
}

// The visible text of a locator, once it is visible.
async function visibleText(locator) {
  await locator.waitFor({ state: 'visible' });
  return (await locator.innerText()).trim();
}

function dialog(page) {
  return page.getByRole('dialog');
}

// Whether an <img> shows a picture within a few seconds (its src may be set
// only after the page's own request).
async function imageLoaded(locator) {
  await locator.waitFor({ state: 'visible' });
  const img = await locator.elementHandle();
  return locator.page().waitForFunction((node) => node.complete && node.naturalWidth > 0, img, { timeout: 5000 })
    .then(() => true, () => false);
}

export function portalTests(device, { comparison }) {
  describe(`member portal at ${device.viewport.width}×${device.viewport.height} (${device.name})`, () => {
    let gateway;
    let server;
    let browser;
    let portal;
    const downloads = () => path.join(server.root, 'downloads');

    before(async () => {
      gateway = await startSmsGateway();
      server = await startServer(device.name, testConf(gateway));
      browser = await launchBrowser();
      portal = `${server.url}/cert/`;
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
      await gateway?.close();
    });

    // Runs a test in a fresh browser context (no cookies).
    async function withPage(run) {
      const page = await newPage(browser, device);
      try {
        await run(page);
      } finally {
        await page.context().close();
      }
    }

    async function login(page, memberNo, password = PASSWORD) {
      const answer = nextCaptchaAnswer(page);
      await page.goto(portal);
      await page.getByLabel('用户名').fill(memberNo);
      await page.getByLabel('密码', { exact: true }).fill(password);
      await page.getByLabel('验证码', { exact: true }).fill(await answer);
      await Promise.all([
        page.waitForURL('**/certificate.html'),
        page.getByRole('button', { name: '登录', exact: true }).click(),
      ]);
    }

    // On 信息确认并下载会员证: checks the preview, confirms, saves the PDF
    // and returns its text.
    async function confirmAndDownload(page, expected, shotName) {
      await page.waitForURL('**/confirm.html');
      const data = await visibleText(page.locator('#cert-data'));
      for (const text of expected) {
        assert.ok(data.includes(text), `the confirmation shows ${text}`);
      }
      assert.ok(await imageLoaded(page.locator('#cert-photo img')), 'the photo on the preview loads');
      if (shotName) {
        await inspect(page, shotName, assert);
      }
      const downloadButton = page.getByRole('button', { name: '信息确认并下载会员证' });
      await downloadButton.click();
      assert.equal(await visibleText(page.locator('#confirm-check-error')), '请先勾选确认以上信息无误');
      await page.getByLabel('本人已核对以上信息，确认无误').check();
      const [download] = await Promise.all([page.waitForEvent('download'), downloadButton.click()]);
      const file = path.join(downloads(), `${device.name}-${download.suggestedFilename()}`);
      await download.saveAs(file);
      assert.match(await visibleText(page.locator('#confirm-notice')), /会员证已下载/);
      return { name: download.suggestedFilename(), text: pdfText(file) };
    }

    test('login page: user type, labelled fields, captcha with refresh, errors inline', () => withPage(async (page) => {
      let answer = nextCaptchaAnswer(page);
      const response = await page.goto(portal);
      assert.match(response.headers()['content-security-policy'], /script-src 'self'; style-src 'self';.*frame-ancestors 'none'/);
      assert.equal(await page.getByRole('radio', { name: '非执业会员' }).isChecked(), true);
      assert.equal(await page.getByRole('radio', { name: '执业会员', exact: true }).isChecked(), false);
      await answer;
      assert.ok(await imageLoaded(page.locator('#captcha-image')), 'the captcha image loads');
      await inspect(page, 'login', assert);

      await page.getByRole('button', { name: '登录', exact: true }).click();
      assert.equal(await visibleText(page.locator('#member_no-error')), '请输入用户名');
      assert.equal(await page.getByLabel('用户名').getAttribute('aria-invalid'), 'true');

      const oldImage = await page.locator('#captcha-image').getAttribute('src');
      answer = nextCaptchaAnswer(page);
      await page.getByRole('button', { name: '看不清，换一张验证码' }).click();
      const fresh = await answer;
      await page.waitForFunction((old) => document.getElementById('captcha-image').getAttribute('src') !== old, oldImage);

      await page.getByLabel('用户名').fill('110000000001');
      await page.getByLabel('密码', { exact: true }).fill('Wrong@2026');
      await page.getByLabel('验证码', { exact: true }).fill(fresh);
      answer = nextCaptchaAnswer(page); // a refused login gets a new captcha
      await page.getByRole('button', { name: '登录', exact: true }).click();
      assert.equal(await visibleText(page.locator('#password-error')), '用户名或密码错误');
      await answer;
      await inspect(page, 'login-error', assert);
    }));

    test('member with a photo: keyboard login, data and photo, confirm and download the PDF, logout', () => withPage(async (page) => {
      const answer = nextCaptchaAnswer(page);
      await page.goto(portal);
      const focused = () => page.evaluate(() => document.activeElement.id);
      for (let i = 0; i < 10 && await focused() !== 'member_no'; i++) {
        await page.keyboard.press('Tab');
      }
      assert.equal(await focused(), 'member_no', 'Tab reaches 用户名');
      await page.keyboard.type('110000000001');
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'password');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'captcha');
      await page.keyboard.type(await answer);
      await Promise.all([page.waitForURL('**/certificate.html'), page.keyboard.press('Enter')]);

      const data = await visibleText(page.locator('#member-data'));
      assert.match(data, /张明远/);
      assert.match(data, /北京注册会计师协会/);
      assert.match(data, /1\*{16}3/, 'the ID number is shown masked');
      assert.ok(await imageLoaded(page.locator('#photo-frame img')), 'the photo on file loads');
      assert.match(await visibleText(page.locator('#step-text')), /信息确认无误后，可以下载会员证/);
      await inspect(page, 'certificate', assert);

      await page.getByRole('button', { name: '信息确认并下载会员证' }).click();
      const pdf = await confirmAndDownload(page,
        ['张明远', '非执业会员', '110000000001', '110000150001', '2015-06-30', '北京注册会计师协会'], 'confirm');
      assert.equal(pdf.name, '会员证-张明远-110000000001.pdf');
      for (const text of ['中国注册会计师协会会员证', '张明远', '110000000001', '110000150001']) {
        assert.ok(pdf.text.includes(text), `the PDF carries ${text}`);
      }
      await inspect(page, 'confirm-downloaded', assert);

      await Promise.all([page.waitForURL('**/index.html'), page.getByRole('button', { name: '退出登录' }).click()]);
      await page.goto(`${portal}certificate.html`);
      await page.waitForURL('**/index.html?login=required');
      assert.match(await visibleText(page.locator('#login-notice')), /请先登录/);
    }));

    test(`member without a photo: pre-check lists every problem, one comparison (${comparison})`, () => withPage(async (page) => {
      await login(page, '110000000002');
      assert.match(await visibleText(dialog(page)), /没有查询到照片信息/);
      await inspect(page, 'certificate-no-photo', assert);
      assert.equal(await page.evaluate(() => document.activeElement.textContent), '确定', 'the prompt takes the focus');
      await page.keyboard.press('Enter');
      await dialog(page).waitFor({ state: 'detached' });
      assert.match(await visibleText(page.locator('#photo-frame')), /没有查询到照片信息/);
      assert.match(await visibleText(page.locator('#photo-caption')), /剩余上传对比机会：1 次/);

      await page.getByRole('link', { name: '上传照片' }).click();
      await page.waitForURL('**/photo.html');
      const rules = await visibleText(page.locator('.requirements'));
      assert.ok(rules.includes(PHOTO_REQUIREMENTS), 'the guide\'s photo requirements, verbatim');
      assert.ok(rules.includes(ONE_CHANCE), 'the guide\'s one-chance warning, verbatim');

      await page.getByLabel('选择照片文件').setInputFiles(badPhoto(server.root));
      const check = page.locator('#check-result');
      await check.getByText('照片不符合以下要求').waitFor();
      const problems = await check.locator('li').allInnerTexts();
      assert.ok(problems.length >= 3, `every problem is listed: ${problems.join(' / ')}`);
      assert.ok(problems.some((p) => p.includes('照片像素须为178×220')), 'the pixel size problem');
      assert.ok(problems.some((p) => p.includes('10-20K')), 'the file size problem');
      assert.ok(await imageLoaded(page.locator('#preview-frame img')), 'the chosen file is previewed');
      const upload = page.getByRole('button', { name: '确认上传' });
      assert.equal(await upload.isDisabled(), true, 'a photo with problems cannot be uploaded');
      await inspect(page, 'photo-problems', assert);

      const photo = comparison === 'match' ? MATCHING_PHOTO : NON_MATCHING_PHOTO;
      await page.getByLabel('选择照片文件').setInputFiles(photo);
      await check.getByText('照片格式检查通过').waitFor();
      assert.equal(await upload.isEnabled(), true);
      await upload.click();
      assert.match(await visibleText(dialog(page)), /每人仅有一次上传对比机会/);
      await inspect(page, 'photo-confirm', assert);
      await dialog(page).getByRole('button', { name: '确认上传' }).click();

      const result = dialog(page).filter({ hasText: comparison === 'match' ? MATCH : NO_MATCH });
      await result.waitFor();
      if (comparison === 'match') {
        await inspect(page, 'photo-match', assert);
        await Promise.all([page.waitForURL('**/certificate.html'), result.getByRole('button', { name: '确定' }).click()]);
        assert.ok(await imageLoaded(page.locator('#photo-frame img')), 'the compared photo is now on file');
        await page.getByRole('button', { name: '信息确认并下载会员证' }).click();
        const pdf = await confirmAndDownload(page, ['李晓雯', '110000000002', '110000120002']);
        assert.ok(pdf.text.includes('李晓雯'), 'the PDF carries the member\'s name');
        return;
      }
      assert.match(await result.innerText(), /北京注册会计师协会，咨询电话：010-60001100/);
      await inspect(page, 'photo-no-match', assert);
      await result.getByRole('button', { name: '点击此处查看咨询电话' }).click();
      const contacts = dialog(page).filter({ hasText: '咨询电话' }).filter({ has: page.getByRole('table') });
      assert.match(await visibleText(contacts.getByRole('table')), /上海市注册会计师协会/);
      await inspect(page, 'contacts', assert);
      await contacts.getByRole('button', { name: '确定' }).click();
      await Promise.all([page.waitForURL('**/certificate.html'), result.getByRole('button', { name: '确定' }).click()]);
      assert.match(await visibleText(page.locator('#step-text')), new RegExp(NO_MATCH));
      assert.match(await visibleText(page.locator('#photo-frame')), /照片待现场审核/);
      await inspect(page, 'certificate-onsite-review', assert);
      await page.goto(`${portal}photo.html`);
      assert.match(await visibleText(page.locator('#state-notice')), new RegExp(NO_MATCH));
      assert.equal(await page.getByLabel('选择照片文件').isDisabled(), true, 'the one chance is used');
    }));

    test('member with a missing required field: prompt, basic information form, save, download', () => withPage(async (page) => {
      await login(page, '110000000003');
      assert.match(await visibleText(page.locator('#member-data')), /手机号码\s*未填写（必填）/);
      await page.getByRole('button', { name: '信息确认并下载会员证' }).click();
      assert.match(await visibleText(dialog(page)), new RegExp(INCOMPLETE.replace(/\./g, '\\.')));
      await inspect(page, 'certificate-incomplete', assert);
      await Promise.all([page.waitForURL('**/profile.html'), dialog(page).getByRole('button', { name: '确定' }).click()]);

      const mobile = page.getByLabel('手机号码');
      assert.equal(await mobile.getAttribute('required'), '', '手机号码 is required');
      assert.match(await page.locator('label[for="field-mobile"]').innerText(), /手机号码\s*\*/);
      const name = page.getByLabel('姓名');
      assert.equal(await name.getAttribute('readonly'), '', 'staff-only fields are read-only');
      assert.equal(await name.inputValue(), '王建国');
      assert.match(await page.locator('#field-name-hint').textContent(), /如需修改请联系所属注协/);
      assert.match(await name.getAttribute('aria-describedby'), /field-name-hint/);
      await inspect(page, 'profile', assert);

      const workUnit = page.getByLabel('工作单位');
      const save = page.getByRole('button', { name: '保存', exact: true });
      await workUnit.fill('');
      await mobile.fill('12345');
      await save.click();
      assert.equal(await visibleText(page.locator('#field-work_unit-error')), '工作单位为必填项，不能为空');
      await workUnit.fill('上海建国审计事务所');
      await save.click();
      const mobileError = await visibleText(page.locator('#field-mobile-error'));
      assert.ok(mobileError.length > 0, 'the server\'s message for 手机号码 is shown beside it');
      assert.equal(await mobile.getAttribute('aria-invalid'), 'true');
      assert.match(await visibleText(page.locator('#profile-notice')), /信息填写有误/);
      await inspect(page, 'profile-errors', assert);

      await mobile.fill('13700137003');
      await save.click();
      assert.match(await visibleText(page.locator('#profile-notice')), /基本信息已保存/);
      await page.getByRole('link', { name: '信息确认并下载会员证' }).click();
      const pdf = await confirmAndDownload(page, ['王建国', '310000160003', '上海市注册会计师协会']);
      assert.ok(pdf.text.includes('王建国'), 'the PDF carries the member\'s name');
    }));

    test('forgot password: identity and captcha, code by SMS, new password, login with it', () => withPage(async (page) => {
      await page.goto(portal);
      const captcha = nextCaptchaAnswer(page, 'forgot-password.html');
      await Promise.all([page.waitForURL('**/forgot-password.html'), page.getByRole('link', { name: '忘记密码？' }).click()]);
      const answer = await captcha;
      await inspect(page, 'forgot-password', assert);
      await page.getByLabel('用户名').fill('110000000001');
      await page.getByLabel('证件号码').fill('110101199003071233');
      await page.getByLabel('验证码', { exact: true }).fill(answer);
      await page.getByRole('button', { name: '获取验证码' }).click();
      assert.match(await visibleText(page.locator('#forgot-notice')), /已发送至：手机 138\*\*\*\*8001/);
      const code = gateway.codeFor('13800138001');
      assert.match(code, /^\d{6}$/);

      await page.getByLabel('收到的验证码').fill(code);
      await page.getByLabel('新密码', { exact: true }).fill('abcdefgh');
      await page.getByLabel('确认新密码').fill('abcdefgh');
      await page.getByRole('button', { name: '重置密码' }).click();
      assert.ok((await visibleText(page.locator('#new_password-error'))).length > 0, 'a weak password is refused beside its field');
      await inspect(page, 'forgot-password-code', assert);

      await page.getByLabel('新密码', { exact: true }).fill('Cicpa#2026ok');
      await page.getByLabel('确认新密码').fill('Cicpa#2026ok');
      await page.getByRole('button', { name: '重置密码' }).click();
      assert.match(await visibleText(page.locator('#forgot-notice')), /密码已重置/);
      await login(page, '110000000001', 'Cicpa#2026ok');
    }));

    test('httpd logged no error', () => {
      assert.deepEqual(server.seriousErrors(), []);
    });
  });
}
