// The README's pictures of the mini-program: each screen the tests saved
// (lib/device.mjs snapshot: page, data, open prompt) is rendered from the
// virtual tree of WeChat's own WXML compiler (wcc) with the page's data,
// styled by app.wxss and the page's WXSS (rpx at a 375 px wide phone),
// inside a phone frame with WeChat's navigation bar, modal and action
// sheet, and photographed in Debian's Chromium (playwright-core).
// Usage: node screenshots.mjs OUT_DIR (after run.sh).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { MINIPROGRAM } from './lib/device.mjs';
import { OUT } from '../browser/lib/server.mjs';

const require = createRequire(import.meta.url);
const { wxmlToJs } = require('miniprogram-compiler');
// eslint-disable-next-line no-new-func
const gwx = new Function(wxmlToJs(MINIPROGRAM))();

const escapeHtml = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function attrs(node, extra = '') {
  const cls = node.attr && node.attr.class ? ` class="${escapeHtml(node.attr.class)}"` : '';
  return `${cls}${extra}`;
}

// wcc's virtual node -> HTML, each built-in component as its look-alike.
function html(node) {
  if (typeof node === 'string') {
    return escapeHtml(node);
  }
  const inner = (node.children || []).map(html).join('');
  const a = node.attr || {};
  switch (node.tag) {
    case 'wx-input': {
      const shown = a.value ? escapeHtml(a.password ? '•'.repeat(String(a.value).length) : a.value)
        : `<span class="wx-placeholder">${escapeHtml(a.placeholder || '')}</span>`;
      return `<div${attrs(node, '')} data-wx="input">${shown}</div>`;
    }
    case 'wx-image':
      return `<img${attrs(node)} src="${escapeHtml(a.src || '')}" style="object-fit:cover">`;
    case 'wx-button':
      return `<div${attrs(node)} data-wx="button"${a.disabled ? ' data-disabled' : ''}>${inner}</div>`;
    case 'wx-text':
      return `<span${attrs(node)}>${inner}</span>`;
    default:
      return `<div${attrs(node)}>${inner}</div>`;
  }
}

function css(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return text.replace(/(-?\d*\.?\d+)rpx/g, (m, n) => `${Number(n) / 2}px`)
    .replace(/env\(safe-area-inset-bottom\)/g, '34px')
    .replace(/^page\s*\{/m, '.wx-page {');
}

const FRAME_CSS = `
* { box-sizing: border-box; }
body { margin: 0; width: 375px; height: 812px; font-family: "WenQuanYi Micro Hei", sans-serif; overflow: hidden; }
.status { height: 44px; background: #a61b1b; color: #fff; font-size: 14px; display: flex; align-items: center; justify-content: space-between; padding: 0 20px; }
.navbar { height: 44px; background: #a61b1b; color: #fff; display: flex; align-items: center; justify-content: center; font-size: 17px; position: relative; }
.navbar .back { position: absolute; left: 12px; font-size: 24px; }
.capsule { position: absolute; right: 8px; width: 87px; height: 32px; border: 1px solid rgba(255,255,255,.5); border-radius: 16px; display: flex; align-items: center; justify-content: space-around; font-size: 14px; }
.viewport { position: relative; height: 724px; overflow: hidden; }
.wx-page { min-height: 724px; }
[data-wx="input"] { display: flex; align-items: center; }
.wx-placeholder { color: #999; }
[data-wx="button"] { display: flex; align-items: center; justify-content: center; width: 100%; background: #f8f8f8; color: #000; border-radius: 5px; font-size: 18px; border: 1px solid rgba(0,0,0,.1); }
[data-wx="button"][data-disabled] { opacity: .45; }
.bar { position: absolute !important; }
.mask { position: absolute; inset: 0; background: rgba(0,0,0,.6); display: flex; align-items: center; justify-content: center; }
.modal { width: 300px; background: #fff; border-radius: 12px; text-align: center; overflow: hidden; }
.modal__title { font-weight: bold; font-size: 17px; padding: 28px 24px 0; }
.modal__content { color: #555; font-size: 15px; padding: 12px 24px 28px; white-space: pre-wrap; line-height: 1.5; }
.modal__buttons { display: flex; border-top: 1px solid #eee; }
.modal__button { flex: 1; height: 52px; line-height: 52px; font-size: 17px; font-weight: bold; color: #576b95; }
.modal__button--cancel { color: #000; border-right: 1px solid #eee; font-weight: normal; }
.sheet { position: absolute; left: 0; right: 0; bottom: 0; background: #f7f7f7; border-radius: 12px 12px 0 0; overflow: hidden; padding-bottom: 34px; }
.sheet__item { background: #fff; height: 56px; line-height: 56px; text-align: center; font-size: 17px; border-bottom: 1px solid #eee; }
.sheet__cancel { margin-top: 8px; }
`;

function promptHtml(prompt) {
  if (!prompt) {
    return '';
  }
  if (prompt.kind === 'actionSheet') {
    return `<div class="mask" style="align-items:flex-end"><div class="sheet">${prompt.itemList.map((item) => `<div class="sheet__item">${escapeHtml(item)}</div>`).join('')}<div class="sheet__item sheet__cancel">取消</div></div></div>`;
  }
  const cancel = prompt.showCancel === false ? ''
    : `<div class="modal__button modal__button--cancel">${escapeHtml(prompt.cancelText || '取消')}</div>`;
  return `<div class="mask"><div class="modal">${prompt.title ? `<div class="modal__title">${escapeHtml(prompt.title)}</div>` : ''}`
    + `<div class="modal__content">${escapeHtml(prompt.content)}</div>`
    + `<div class="modal__buttons">${cancel}<div class="modal__button">${escapeHtml(prompt.confirmText || '确定')}</div></div></div></div>`;
}

function screenHtml(screen) {
  const tree = gwx(`${screen.route}.wxml`)(screen.data, {}, {});
  const body = (tree.children || []).map(html).join('');
  const first = ['pages/login/login', 'pages/home/home'].includes(screen.route);
  return `<!doctype html><html><head><meta charset="utf-8"><style>${FRAME_CSS}${css(path.join(MINIPROGRAM, 'app.wxss'))}`
    + `${css(path.join(MINIPROGRAM, `${screen.route}.wxss`))}</style></head><body>`
    + '<div class="status"><span>9:41</span><span>●●● 100%</span></div>'
    + `<div class="navbar">${first ? '' : '<span class="back">‹</span>'}${escapeHtml(screen.title)}<span class="capsule">··· ◎</span></div>`
    + `<div class="viewport"><div class="wx-page">${body}</div>${promptHtml(screen.prompt)}</div></body></html>`;
}

const outDir = process.argv[2];
const screensDir = path.join(OUT, 'screens');
fs.mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
for (const file of fs.readdirSync(screensDir).filter((f) => f.endsWith('.json')).sort()) {
  const screen = JSON.parse(fs.readFileSync(path.join(screensDir, file), 'utf8'));
  await page.setContent(screenHtml(screen));
  await page.screenshot({ path: path.join(outDir, file.replace(/\.json$/, '.png')) });
}
await browser.close();
