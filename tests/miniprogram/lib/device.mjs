// A phone running the mini-program (miniprogram/): miniprogram-simulate
// renders each page (its WXML compiled by WeChat's own wcc, from the
// miniprogram-compiler package) into a jsdom document, the router keeps
// WeChat's page stack and calls the page lifecycles, and wx is lib/wx.mjs.
// The test plays the member: it types, taps, and answers each prompt
// (wx.showModal, wx.showActionSheet) as it appears.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { JSDOM } from 'jsdom';
import { OUT, ROOT } from '../../browser/lib/server.mjs';
import { createWx, finish } from './wx.mjs';

const require = createRequire(import.meta.url);
const jsdom = new JSDOM('<!doctype html><html><head></head><body></body></html>');
globalThis.window = jsdom.window;
globalThis.document = jsdom.window.document;
// j-component dispatches CustomEvents on jsdom nodes: jsdom's, not node's own.
globalThis.Event = jsdom.window.Event;
globalThis.CustomEvent = jsdom.window.CustomEvent;
// wcsc's compiled WXSS reads navigator.userAgent (node 20 has no navigator).
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = jsdom.window.navigator;
}
const simulate = require('miniprogram-simulate');

export const MINIPROGRAM = path.join(ROOT, 'miniprogram');
const config = require(path.join(MINIPROGRAM, 'config.js'));
const APP = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, 'app.json'), 'utf8'));

// Local files as the mini-program sees them: wxfile:// paths.
class Files {
  constructor(dir) {
    this.dir = dir;
    this.count = 0;
    this.userDataPath = 'wxfile://usr';
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'usr'), { recursive: true });
  }

  real(wxPath) {
    const match = /^wxfile:\/\/(tmp|usr)\/([^/]+)$/.exec(wxPath);
    if (!match) {
      throw new Error(`not a local file path: ${wxPath}`);
    }
    return path.join(this.dir, match[1], match[2]);
  }

  saveTemp(bytes, ext = '') {
    this.count += 1;
    const wxPath = `wxfile://tmp/${this.count}${ext}`;
    fs.writeFileSync(this.real(wxPath), bytes);
    return wxPath;
  }
}

function parseUrl(url) {
  const [route, query = ''] = url.replace(/^\//, '').split('?');
  if (!APP.pages.includes(route)) {
    throw new Error(`no such page in app.json: ${route}`);
  }
  return { route, query: Object.fromEntries(new URLSearchParams(query)) };
}

// WeChat's page stack: each page a rendered Component-built page whose
// lifecycles (onLoad, onShow, onHide, onUnload) are its methods.
class Router {
  constructor() {
    this.stack = [];
  }

  get top() {
    return this.stack[this.stack.length - 1];
  }

  call(page, hook, ...args) {
    const fn = page && page.comp.instance[hook];
    if (typeof fn === 'function') {
      fn.apply(page.comp.instance, args);
    }
  }

  push(url) {
    const { route, query } = parseUrl(url);
    const id = simulate.load(path.join(MINIPROGRAM, route), { rootPath: MINIPROGRAM });
    const comp = simulate.render(id);
    comp.attach(document.createElement('div'));
    const page = { route, query, comp };
    this.stack.push(page);
    this.call(page, 'onLoad', query);
    this.call(page, 'onShow');
  }

  navigateTo({ url }) {
    this.call(this.top, 'onHide');
    this.push(url);
  }

  redirectTo({ url }) {
    this.call(this.stack.pop(), 'onUnload');
    this.push(url);
  }

  reLaunch({ url }) {
    while (this.stack.length > 0) {
      this.call(this.stack.pop(), 'onUnload');
    }
    this.push(url);
  }

  navigateBack({ delta = 1 }) {
    for (let i = 0; i < delta && this.stack.length > 1; i++) {
      this.call(this.stack.pop(), 'onUnload');
    }
    this.call(this.top, 'onShow');
  }
}

// The native UI: prompts wait for the test's answer; the rest is recorded.
class Ui {
  constructor() {
    this.open = [];
    this.waiting = [];
    this.events = [];
    this.chosen = [];
  }

  prompt(kind, options) {
    const prompt = { kind, ...options };
    const answer = (ok, res) => {
      this.open.splice(this.open.indexOf(prompt), 1);
      finish(options, ok, res);
    };
    if (kind === 'modal') {
      prompt.confirm = () => answer(true, { confirm: true, cancel: false });
      prompt.cancel = () => answer(true, { confirm: false, cancel: true });
    } else {
      prompt.choose = (tapIndex) => answer(true, { tapIndex });
      prompt.cancel = () => answer(false, { errMsg: 'showActionSheet:fail cancel' });
    }
    this.open.push(prompt);
    this.events.push({ kind, options });
    const waiter = this.waiting.shift();
    if (waiter) {
      waiter(prompt);
    }
  }

  // The next prompt (already open or the next one to open).
  next() {
    const shown = this.open.find((prompt) => !prompt.taken);
    if (shown) {
      shown.taken = true;
      return Promise.resolve(shown);
    }
    return new Promise((resolve) => this.waiting.push((prompt) => {
      prompt.taken = true;
      resolve(prompt);
    }));
  }

  record(kind, options) {
    this.events.push({ kind, options });
    finish(options, true, { errMsg: `${kind}:ok` });
  }

  eventsOf(kind) {
    return this.events.filter((event) => event.kind === kind).map((event) => event.options);
  }

  // wx.chooseMedia hands over the file the test put in the album (chosen),
  // or fails as a cancelled picker does.
  chooseMedia(options) {
    this.events.push({ kind: 'chooseMedia', options });
    const file = this.chosen.shift();
    if (!file) {
      finish(options, false, { errMsg: 'chooseMedia:fail cancel' });
      return;
    }
    const bytes = fs.readFileSync(file);
    const tempFilePath = this.files.saveTemp(bytes, '.jpg');
    finish(options, true, { type: 'image', tempFiles: [{ tempFilePath, size: bytes.length, fileType: 'image' }] });
  }
}

// A phone with the mini-program pointed at apiBase; its files in dir.
export class Device {
  constructor(apiBase, dir) {
    config.apiBase = apiBase;
    this.files = new Files(dir);
    this.network = { pending: 0, log: [] };
    this.ui = new Ui();
    this.ui.files = this.files;
    this.router = new Router();
    globalThis.wx = createWx(this);
  }

  // Opens the mini-program on its first page (app.json).
  launch() {
    this.router.reLaunch({ url: `/${APP.pages[0]}` });
    return this.idle();
  }

  // Resolves once no request is in flight and the page's reactions to the
  // last answers have run (a few event-loop turns without network).
  async idle() {
    for (let quiet = 0; quiet < 3;) {
      await new Promise((resolve) => setImmediate(resolve));
      quiet = this.network.pending === 0 ? quiet + 1 : 0;
    }
  }

  get route() {
    return this.router.top.route;
  }

  get page() {
    return this.router.top.comp;
  }

  // The page's navigation bar title (its .json, else app.json's window).
  get title() {
    const json = JSON.parse(fs.readFileSync(path.join(MINIPROGRAM, `${this.route}.json`), 'utf8'));
    return json.navigationBarTitleText || APP.window.navigationBarTitleText;
  }

  find(selector) {
    const node = this.page.querySelector(selector);
    if (!node) {
      throw new Error(`${this.route}: nothing matches ${selector}`);
    }
    return node;
  }

  has(selector) {
    return Boolean(this.page.querySelector(selector));
  }

  text(selector) {
    const node = selector ? this.find(selector) : this.page;
    return node.dom.textContent.replace(/\s+/g, ' ').trim();
  }

  async tap(selector) {
    this.find(selector).dispatchEvent('tap');
    await this.idle();
  }

  async type(selector, value) {
    this.find(selector).dispatchEvent('input', { detail: { value } });
    await this.idle();
  }

  async pick(selector, value) {
    this.find(selector).dispatchEvent('change', { detail: { value } });
    await this.idle();
  }

  // The next modal / action sheet; fails the test if another kind shows.
  async prompt(kind = 'modal') {
    const prompt = await this.ui.next();
    if (prompt.kind !== kind) {
      throw new Error(`expected a ${kind}, got a ${prompt.kind}: ${prompt.content || prompt.itemList}`);
    }
    return prompt;
  }

  async answer(prompt, how, ...args) {
    prompt[how](...args);
    await this.idle();
  }

  // The screen as the member sees it now, for the README's screenshots
  // (screenshots.mjs renders it): the page's route, title and data (local
  // pictures inlined), the open prompt and whether a loading toast is up.
  snapshot(name) {
    const inline = (key, value) => {
      if (typeof value === 'string' && value.startsWith('wxfile://')) {
        const bytes = fs.readFileSync(this.files.real(value));
        return bytes.readUInt16BE(0) === 0xffd8 ? `data:image/jpeg;base64,${bytes.toString('base64')}` : value;
      }
      return value;
    };
    const prompt = this.ui.open[0];
    const screen = {
      route: this.route,
      title: this.title,
      data: this.page.instance.data,
      prompt: prompt && { kind: prompt.kind, title: prompt.title, content: prompt.content, showCancel: prompt.showCancel,
        confirmText: prompt.confirmText, cancelText: prompt.cancelText, itemList: prompt.itemList },
    };
    const dir = path.join(OUT, 'screens');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(screen, inline));
  }

  // The header of the latest answer to a URL ending with suffix.
  lastHeader(suffix, name) {
    const entry = [...this.network.log].reverse().find((e) => e.url.endsWith(suffix));
    return entry && entry.header[name];
  }
}
