// The WeChat mini-program (miniprogram/) through the flows of the user
// guide's section 1, page by page in miniprogram-simulate, its wx.request,
// wx.uploadFile and wx.downloadFile carried out over real HTTP to a real
// httpd with the module on a fresh SQLite database with the demo data (the
// reference face provider, captcha on with its answer in a test header,
// recovery codes through the stand-in SMS gateway). Each test asserts what
// the member sees (texts, prompts, pages) and what the server holds after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startServer } from '../browser/lib/server.mjs';
import { startSmsGateway } from '../browser/lib/sms-gateway.mjs';
import {
  INCOMPLETE, MATCH, NO_MATCH, ONE_CHANCE, PHOTO_REQUIREMENTS, testConf,
} from '../browser/lib/guide.mjs';
import { MATCHING_PHOTO, NON_MATCHING_PHOTO, badPhoto, pdfText } from '../browser/lib/files.mjs';
import { Device, MINIPROGRAM } from './lib/device.mjs';
import { openDb } from './lib/db.mjs';

const require = createRequire(import.meta.url);
const PASSWORD = 'Demo@2026';
const TIMEOUT = { timeout: 120000 }; // a flow that hangs on a prompt that never shows fails, never blocks CI

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// A member's own mini-program, from the login page to 首页.
async function login(device, memberNo, password = PASSWORD) {
  await device.launch();
  assert.equal(device.route, 'pages/login/login');
  await device.pick('#user-type', 1);
  assert.equal(device.text('#user-type-label'), '非执业会员');
  await device.type('#member-no', memberNo);
  await device.type('#password', password);
  await device.type('#captcha', device.lastHeader('/captcha', 'x-captcha-answer'));
  device.snapshot('01-login');
  await device.tap('#login-button');
  assert.equal(device.route, 'pages/home/home', `logged in: ${device.text()}`);
  device.snapshot('02-home');
}

// From 首页: 【会员电子证书】.
async function openCertificatePage(device) {
  assert.match(device.text('#certificate-entry'), /会员电子证书/);
  await device.tap('#certificate-entry');
  assert.equal(device.route, 'pages/certificate/certificate');
  assert.equal(device.title, '会员电子证书');
}

// On 会员电子证书 with nothing missing: 【信息确认并下载会员证】 twice (the
// button on the page, then on the confirmation), the PDF opened with its
// menu. Returns the PDF's text.
async function confirmAndDownload(device, expected) {
  await device.tap('#download-button');
  assert.equal(device.route, 'pages/confirm/confirm');
  assert.equal(device.title, '信息确认并下载会员证');
  const data = device.text('#cert-data');
  for (const text of expected) {
    assert.ok(data.includes(text), `the confirmation shows ${text}: ${data}`);
  }
  assert.match(device.page.instance.data.photoPath, /^wxfile:\/\/tmp\//, 'the photo is shown from its download');
  const opened = device.ui.eventsOf('openDocument').length;
  await device.tap('#download-button');
  assert.equal(device.ui.eventsOf('openDocument').length, opened + 1, 'the certificate is opened');
  const document = device.ui.eventsOf('openDocument').pop();
  assert.equal(document.fileType, 'pdf');
  assert.equal(document.showMenu, true, 'the menu saves or forwards it');
  assert.deepEqual(device.ui.eventsOf('showLoading').pop(), { title: '正在生成会员证', mask: true });
  assert.ok(device.ui.eventsOf('hideLoading').length >= 1);
  const file = device.files.real(document.filePath);
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  assert.match(device.text('#saved-notice'), /会员证已下载：会员证-.*\.pdf/);
  device.snapshot('08-confirm');
  const download = device.network.log.filter((e) => e.url.endsWith('/me/certificate?confirm=1')).pop();
  assert.equal(download.method, 'GET');
  assert.equal(download.bearer, true, 'wx.downloadFile sends the Bearer token');
  assert.equal(download.status, 200);
  return { name: path.basename(file), text: pdfText(file) };
}

function portal(name, comparison) {
  const state = {};
  before(async () => {
    state.gateway = await startSmsGateway();
    state.server = await startServer(name, testConf(state.gateway));
    state.db = openDb(state.server);
    state.devices = 0;
  });
  after(async () => {
    await state.server?.stop();
    await state.gateway?.close();
  });
  state.device = () => {
    state.devices += 1;
    return new Device(`${state.server.url}/cert/api`, path.join(state.server.root, `phone-${state.devices}`));
  };
  state.attemptsUsed = (memberNo) => state.db.rows(
    `SELECT compare_attempts_used AS n FROM members WHERE member_no = '${memberNo}'`)[0].n;
  state.audit = (memberNo, action) => state.db.rows(
    `SELECT detail FROM audit_log WHERE member_no = '${memberNo}' AND action = '${action}' ORDER BY id`);
  state.comparison = comparison;
  return state;
}

describe('the project: app.json, the pages, the compile check, the size', () => {
  const app = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'app.json'), 'utf8'));

  test('every page of app.json has its .js, .json, .wxml and .wxss, and a navigation bar title', () => {
    const titles = {};
    for (const page of app.pages) {
      for (const ext of ['js', 'json', 'wxml', 'wxss']) {
        assert.ok(fs.existsSync(path.join(MINIPROGRAM, `${page}.${ext}`)), `${page}.${ext}`);
      }
      const json = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, `${page}.json`), 'utf8'));
      assert.deepEqual(json.usingComponents, {}, `${page} is a Component-built page`);
      titles[page] = json.navigationBarTitleText;
    }
    assert.deepEqual(titles, {
      'pages/login/login': '登录',
      'pages/forgot/forgot': '忘记密码',
      'pages/home/home': '首页',
      'pages/certificate/certificate': '会员电子证书',
      'pages/photo/photo': '上传照片',
      'pages/confirm/confirm': '信息确认并下载会员证',
      'pages/profile/profile': '完善信息',
      'pages/contacts/contacts': '咨询电话',
    });
    const project = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'project.config.json'), 'utf8'));
    assert.equal(project.compileType, 'miniprogram');
    assert.match(fs.readFileSync(path.join(MINIPROGRAM, 'config.js'), 'utf8'), /apiBase: 'https:\/\//, 'the API base is HTTPS');
  });

  test('WeChat\'s own compilers (wcc, wcsc from miniprogram-compiler) accept every WXML and WXSS file', () => {
    const { wxmlToJs, wxssToJs } = require('miniprogram-compiler');
    // eslint-disable-next-line no-new-func
    const gwx = new Function(wxmlToJs(MINIPROGRAM))();
    // eslint-disable-next-line no-new-func
    const styles = new Function('global', wxssToJs(MINIPROGRAM))({});
    for (const page of app.pages) {
      assert.equal(typeof gwx(`${page}.wxml`), 'function', `${page}.wxml compiles`);
      assert.ok(styles(`${page}.wxss`) !== undefined, `${page}.wxss compiles`);
    }
    assert.ok(styles('app.wxss') !== undefined, 'app.wxss compiles');
  });

  test('the package is far under WeChat\'s 2 MB main-package limit', (t) => {
    let bytes = 0;
    const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        bytes += fs.statSync(full).size;
      }
    });
    walk(MINIPROGRAM);
    t.diagnostic(`miniprogram/ is ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB) before WeChat's minification`);
    assert.ok(bytes < 200 * 1024, `${bytes} bytes`);
  });
});

describe('the mini-program against a real httpd (match path)', () => {
  const env = portal('miniprogram-match', 'match');

  test('login page: the guide\'s fields, the captcha image from the JSON data URI, the API\'s messages', TIMEOUT, async () => {
    const device = env.device();
    await device.launch();
    assert.equal(device.title, '登录');
    const page = device.text();
    for (const text of ['用户类型', '非执业会员', '用户名', '密码', '验证码', '忘记密码？', '登录']) {
      assert.ok(page.includes(text), `the login page shows ${text}`);
    }
    const firstCaptcha = device.page.instance.data.captchaId;
    assert.match(device.page.instance.data.captchaImage, /^data:image\/jpeg;base64,\/9j\//);
    assert.ok(device.has('#captcha-image'));

    await device.tap('#login-button');
    assert.equal(device.text('#login-error'), '请输入用户名');

    await device.pick('#user-type', 0);
    assert.equal(device.text('#user-type-label'), '执业会员');
    await device.pick('#user-type', 1);
    await device.type('#member-no', '110000000001');
    await device.type('#password', 'Wrong@2026');
    await device.type('#captcha', device.lastHeader('/captcha', 'x-captcha-answer'));
    await device.tap('#login-button');
    assert.equal(device.text('#login-error'), '用户名或密码错误', 'the API\'s message as it comes');
    assert.equal(device.route, 'pages/login/login');
    assert.notEqual(device.page.instance.data.captchaId, firstCaptcha, 'a refused login gets a new captcha');
    assert.equal(env.audit('110000000001', 'login_failed').length, 1);

    await device.tap('#captcha-image');
    await device.type('#password', PASSWORD);
    await device.type('#captcha', device.lastHeader('/captcha', 'x-captcha-answer'));
    await device.tap('#login-button');
    assert.equal(device.route, 'pages/home/home');
    assert.equal(device.title, '首页');
    assert.match(device.text(), /张明远，您好/);
    assert.equal(wx.getStorageSync('cicpa_session_token').length > 20, true, 'the token is in wx storage');
    const me = device.network.log.filter((e) => e.url.endsWith('/me')).pop();
    assert.equal(me.bearer, true, 'GET /me carries Authorization: Bearer');
    assert.equal(me.header['set-cookie'], undefined, 'a Bearer request gets no cookie');
  });

  test('member with a photo: 【会员电子证书】, data and photo, 【信息确认并下载会员证】 opens the PDF, 退出登录', TIMEOUT, async () => {
    const device = env.device();
    const issuedBefore = env.audit('110000000001', 'certificate_download').length;
    await login(device, '110000000001');
    await openCertificatePage(device);
    assert.equal(device.ui.open.length, 0, 'no prompt for a member with a photo');
    const data = device.text('#member-data');
    assert.match(data, /张明远/);
    assert.match(data, /北京注册会计师协会/);
    assert.match(data, /1\*{16}3/, 'the ID number is shown masked');
    const photo = device.files.real(device.page.instance.data.photoPath);
    assert.equal(fs.readFileSync(photo).readUInt16BE(0), 0xffd8, 'the photo on file is a JPEG');
    assert.match(device.text('#step'), /信息确认无误后，可以下载会员证/);
    assert.equal(device.has('#upload-button'), false);
    device.snapshot('07-certificate');

    const pdf = await confirmAndDownload(device,
      ['张明远', '非执业会员', '110000000001', '110000150001', '2015-06-30', '北京注册会计师协会']);
    assert.equal(pdf.name, '会员证-张明远-110000000001.pdf');
    for (const text of ['中国注册会计师协会会员证', '张明远', '110000000001', '110000150001']) {
      assert.ok(pdf.text.includes(text), `the PDF carries ${text}`);
    }
    assert.equal(env.audit('110000000001', 'certificate_download').length, issuedBefore + 1);

    await device.router.navigateBack({ delta: 2 });
    await device.idle();
    assert.equal(device.route, 'pages/home/home');
    const token = wx.getStorageSync('cicpa_session_token');
    await device.tap('#logout-button');
    assert.equal(device.route, 'pages/login/login');
    assert.equal(wx.getStorageSync('cicpa_session_token'), '', 'the token is forgotten');
    const after = await fetch(`${env.server.url}/cert/api/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(after.status, 401, 'the session ended on the server');
  });

  test('member without a photo: 没有查询到照片信息, 【上传照片】 (拍照 / 从相册选择), the pre-check lists every problem, one comparison: match', TIMEOUT, async () => {
    const device = env.device();
    await login(device, '110000000002');
    await device.tap('#certificate-entry');
    const prompt = await device.prompt();
    assert.equal(prompt.content, '没有查询到照片信息');
    device.snapshot('03-no-photo');
    assert.equal(prompt.showCancel, false);
    assert.equal(prompt.confirmText, '确定');
    await device.answer(prompt, 'confirm');
    assert.equal(device.text('#photo-empty'), '没有查询到照片信息');
    assert.equal(device.text('#attempts'), '剩余上传对比机会：1 次');

    await device.tap('#upload-button');
    assert.equal(device.route, 'pages/photo/photo');
    assert.equal(device.title, '上传照片');
    const rules = device.text('#requirements').replace(/\s/g, '');
    assert.ok(rules.includes(PHOTO_REQUIREMENTS), 'the guide\'s photo requirements, verbatim');
    assert.ok(rules.includes(ONE_CHANCE), 'the guide\'s one-chance warning, verbatim');

    // A picture that is no ID photo: listed problems, nothing stored or used.
    device.ui.chosen.push(badPhoto(env.server.root));
    await device.tap('#choose-button');
    const sheet = await device.prompt('actionSheet');
    assert.deepEqual(sheet.itemList, ['拍照', '从相册选择']);
    device.snapshot('04-photo-source');
    await device.answer(sheet, 'choose', 1);
    const media = device.ui.eventsOf('chooseMedia').pop();
    assert.deepEqual(media.sourceType, ['album']);
    assert.deepEqual(media.sizeType, ['original'], 'the original file, not a compressed copy');
    assert.match(device.text('#check-result'), /照片不符合以下要求/);
    const problems = device.page.instance.data.problems.map((p) => p.message);
    assert.ok(problems.length >= 3, `every problem is listed: ${problems.join(' / ')}`);
    assert.ok(problems.some((p) => p.includes('照片像素须为178×220')), 'the pixel size problem');
    assert.ok(problems.some((p) => p.includes('10-20K')), 'the file size problem');
    for (const problem of problems) {
      assert.ok(device.text('#check-result').includes(problem), `shown: ${problem}`);
    }
    assert.equal(device.page.instance.data.checked, false, '确认上传 stays disabled');
    device.snapshot('05-photo-problems');
    await device.tap('#upload-button');
    assert.equal(device.ui.open.length, 0, 'a photo with problems is not offered for comparison');
    assert.equal(env.attemptsUsed('110000000002'), 0);

    // The good photo from the camera; the confirmation cancelled once.
    device.ui.chosen.push(MATCHING_PHOTO);
    await device.tap('#choose-button');
    await device.answer(await device.prompt('actionSheet'), 'choose', 0);
    assert.deepEqual(device.ui.eventsOf('chooseMedia').pop().sourceType, ['camera']);
    assert.match(device.text('#check-result'), /照片格式检查通过/);
    await device.tap('#upload-button');
    let confirm = await device.prompt();
    assert.equal(confirm.title, '确认上传');
    assert.match(confirm.content, /每人仅有一次上传对比机会/);
    await device.answer(confirm, 'cancel');
    assert.equal(env.attemptsUsed('110000000002'), 0, 'cancelled: nothing compared');
    assert.equal(env.audit('110000000002', 'photo_comparison').length, 0);

    await device.tap('#upload-button');
    confirm = await device.prompt();
    const loadingsBefore = device.ui.eventsOf('showLoading').length;
    await device.answer(confirm, 'confirm');
    const result = await device.prompt();
    assert.deepEqual(device.ui.eventsOf('showLoading').slice(loadingsBefore), [{ title: '正在比对照片', mask: true }]);
    assert.equal(result.content, MATCH);
    device.snapshot('06-match');
    assert.equal(result.showCancel, false);
    await device.answer(result, 'confirm');
    assert.equal(device.route, 'pages/certificate/certificate', '【确定】 goes back to 会员电子证书');
    assert.equal(device.has('#photo-image'), true, 'the compared photo is now on file');
    assert.equal(device.has('#upload-button'), false);

    const stored = env.db.rows("SELECT sha256 FROM member_photos WHERE member_no = '110000000002'");
    assert.deepEqual(stored, [{ sha256: sha256(MATCHING_PHOTO) }], 'the uploaded photo is the member\'s');
    assert.equal(env.attemptsUsed('110000000002'), 1);
    const audited = env.audit('110000000002', 'photo_comparison');
    assert.equal(audited.length, 1);
    assert.match(audited[0].detail, /"result":"match"/);

    const pdf = await confirmAndDownload(device, ['李晓雯', '110000000002', '110000120002']);
    assert.ok(pdf.text.includes('110000000002'), 'the PDF carries the member number');
    assert.ok(pdf.text.includes('李晓雯'));
  });

  test('member with a required field empty: the prompt, 完善信息, the API\'s field messages, 【保存并提交信息】, download', TIMEOUT, async () => {
    const device = env.device();
    await login(device, '110000000003');
    await device.tap('#certificate-entry');
    const prompt = await device.prompt();
    assert.equal(prompt.content, INCOMPLETE);
    device.snapshot('11-incomplete');
    await device.answer(prompt, 'confirm');
    assert.equal(device.route, 'pages/profile/profile');
    assert.equal(device.title, '完善信息');
    assert.equal(device.text('#profile-notice'), INCOMPLETE);
    assert.match(device.text('#field-mobile'), /手机号码\s*\*/, '手机号码 is marked required');
    assert.match(device.text('#field-name'), /王建国.*此项由所属注协维护，如需修改请联系所属注协/);
    assert.equal(device.has('#input-name'), false, 'staff-only fields cannot be edited');
    assert.match(device.text(), /保存并提交信息/);

    await device.type('#input-work_unit', '');
    await device.type('#input-mobile', '12345');
    await device.tap('#save-button');
    assert.equal(device.text('#error-work_unit'), '工作单位为必填项，不能为空');
    await device.type('#input-work_unit', '上海建国审计事务所');
    await device.tap('#save-button');
    const mobileError = device.text('#error-mobile');
    assert.ok(mobileError.length > 0, `the server's message for 手机号码 is shown under it: ${mobileError}`);
    assert.equal(env.audit('110000000003', 'profile_update').length, 0, 'nothing saved');
    device.snapshot('12-profile');

    await device.type('#input-mobile', '13700137003');
    await device.tap('#save-button');
    const saved = await device.prompt();
    assert.match(saved.content, /基本信息已保存。必填信息已完整/);
    await device.answer(saved, 'confirm');
    assert.equal(device.route, 'pages/certificate/certificate');
    assert.match(device.text('#step'), /信息确认无误后，可以下载会员证/);
    assert.deepEqual(env.db.rows(
      "SELECT value FROM member_fields WHERE member_no = '110000000003' AND field_key = 'mobile'"), [{ value: '13700137003' }]);
    assert.ok(env.audit('110000000003', 'profile_update').some((row) => row.detail.includes('"field":"mobile"')));

    const pdf = await confirmAndDownload(device, ['王建国', '310000160003', '上海市注册会计师协会']);
    assert.ok(pdf.text.includes('110000000003'), 'the PDF carries the member number');
  });

  test('a session ended on the server: the next page goes back to login with 登录已过期', TIMEOUT, async () => {
    const device = env.device();
    await login(device, '110000000003');
    const token = wx.getStorageSync('cicpa_session_token');
    const logout = await fetch(`${env.server.url}/cert/api/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    assert.equal(logout.status, 200);
    await device.tap('#certificate-entry');
    assert.equal(device.route, 'pages/login/login');
    assert.equal(device.text('#login-notice'), '登录已过期，请重新登录');
    assert.equal(wx.getStorageSync('cicpa_session_token'), '', 'the dead token is dropped');
    assert.equal(device.ui.open.length, 0);
  });

  test('忘记密码？: identity and captcha, the code from the SMS gateway, a new password, login with it', TIMEOUT, async () => {
    const device = env.device();
    await device.launch();
    await device.tap('#forgot-link');
    assert.equal(device.route, 'pages/forgot/forgot');
    assert.equal(device.title, '忘记密码');
    await device.type('#member-no', '110000000001');
    await device.type('#id-number', '110101199003071233');
    await device.type('#captcha', device.lastHeader('/captcha', 'x-captcha-answer'));
    await device.tap('#request-button');
    assert.match(device.text('#forgot-notice'), /已发送至：手机 138\*\*\*\*8001/);
    const code = env.gateway.codeFor('13800138001');
    assert.match(code, /^\d{6}$/);
    device.snapshot('13-forgot');

    await device.type('#code', code);
    await device.type('#new-password', 'abcdefgh');
    await device.type('#new-password-again', 'abcdefgh');
    await device.tap('#reset-button');
    assert.ok(device.text('#reset-error').length > 0, 'a weak password is refused with the API\'s message');

    await device.type('#new-password', 'Cicpa#2026ok');
    await device.type('#new-password-again', 'Cicpa#2026ok');
    await device.tap('#reset-button');
    const done = await device.prompt();
    assert.equal(done.content, '密码已重置，请使用新密码登录。');
    await device.answer(done, 'confirm');
    assert.equal(device.route, 'pages/login/login');
    await login(device, '110000000001', 'Cicpa#2026ok');
  });

  test('httpd logged no error', () => {
    assert.deepEqual(env.server.seriousErrors(), []);
  });
});

describe('the mini-program against a real httpd (no-match path)', () => {
  const env = portal('miniprogram-nomatch', 'no_match');

  test('no match: 比对失败 with the institute\'s phone, 咨询电话, on-site review, the chance used', TIMEOUT, async () => {
    const device = env.device();
    await login(device, '110000000002');
    await device.tap('#certificate-entry');
    await device.answer(await device.prompt(), 'confirm');
    await device.tap('#upload-button');
    device.ui.chosen.push(NON_MATCHING_PHOTO);
    await device.tap('#choose-button');
    await device.answer(await device.prompt('actionSheet'), 'choose', 1);
    assert.match(device.text('#check-result'), /照片格式检查通过/);
    await device.tap('#upload-button');
    await device.answer(await device.prompt(), 'confirm');
    const result = await device.prompt();
    assert.equal(result.title, '比对失败');
    assert.equal(result.content, `${NO_MATCH}\n所属注协：北京注册会计师协会，咨询电话：010-60001100`);
    assert.equal(result.cancelText, '咨询电话');
    device.snapshot('09-no-match');
    await device.answer(result, 'cancel');

    assert.equal(device.route, 'pages/contacts/contacts');
    assert.equal(device.title, '咨询电话');
    assert.match(device.text('#contacts'), /上海市注册会计师协会/);
    device.snapshot('10-contacts');
    await device.tap('.contact');
    assert.match(device.ui.eventsOf('makePhoneCall').pop().phoneNumber, /^[0-9+-]+$/);
    await device.router.navigateBack({ delta: 1 });
    await device.idle();

    assert.equal(device.route, 'pages/certificate/certificate');
    assert.equal(device.text('#photo-empty'), '照片待现场审核');
    assert.match(device.text('#step'), new RegExp(`${NO_MATCH}.*北京注册会计师协会，咨询电话：010-60001100.*点击此处查看咨询电话`));
    assert.equal(device.has('#upload-button'), false, 'the one chance is used');
    await device.tap('#download-button');
    const blocked = await device.prompt();
    assert.equal(blocked.content, NO_MATCH);
    await device.answer(blocked, 'confirm');
    assert.equal(device.route, 'pages/certificate/certificate');

    assert.equal(env.attemptsUsed('110000000002'), 1);
    assert.deepEqual(env.db.rows("SELECT sha256 FROM photo_uploads WHERE member_no = '110000000002'"),
      [{ sha256: sha256(NON_MATCHING_PHOTO) }], 'the upload is kept for the on-site review');
    assert.deepEqual(env.db.rows("SELECT 1 FROM member_photos WHERE member_no = '110000000002'"), []);
    const audited = env.audit('110000000002', 'photo_comparison');
    assert.equal(audited.length, 1);
    assert.match(audited[0].detail, /"result":"no_match"/);
  });

  test('a photo on record that cannot be read: 获取照片信息失败 with 【确定】, no certificate', TIMEOUT, async () => {
    env.db.exec("DELETE FROM member_photos WHERE member_no = '110000000001'");
    const device = env.device();
    await login(device, '110000000001');
    await device.tap('#certificate-entry');
    const prompt = await device.prompt();
    assert.equal(prompt.content, '获取照片信息失败');
    assert.equal(prompt.showCancel, false);
    assert.equal(prompt.confirmText, '确定');
    device.snapshot('14-photo-failed');
    await device.answer(prompt, 'confirm');
    assert.equal(device.route, 'pages/certificate/certificate');
    assert.equal(device.text('#photo-empty'), '获取照片信息失败');
    assert.equal(device.text('#step'), '获取照片信息失败，请稍后刷新页面重试。');
    await device.tap('#download-button');
    const blocked = await device.prompt();
    assert.equal(blocked.content, '获取照片信息失败，请稍后刷新页面重试。');
    await device.answer(blocked, 'confirm');
    assert.equal(device.route, 'pages/certificate/certificate', 'no way to a certificate without the photo');
    assert.equal(env.audit('110000000001', 'certificate_download').length, 0);
  });

  test('httpd logged no error', () => {
    assert.deepEqual(env.server.seriousErrors(), []);
  });
});
