// Debian's Chromium driven by playwright-core (no browser download), and the
// checks every page gets: a screenshot, axe-core, no CSP violation or
// script error, and at the mobile size touch-sized controls and no sideways
// scrolling.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { OUT } from './server.mjs';

const CHROMIUM = process.env.CICPA_CHROMIUM || '/usr/bin/chromium';
// playwright gives every launch a fresh temporary --user-data-dir of its own
// (it refuses one in args), so no profile state carries over between runs.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export const DESKTOP = { name: 'desktop', viewport: { width: 1366, height: 768 } };
export const MOBILE = {
  name: 'mobile', viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true,
};

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TOUCH_MIN = 44;
// Screenshots are numbered per device in the order the flows take them.
const shotCounts = new Map();

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// A page of a new context at the device's size. page.problems collects what
// must never happen: CSP violations (Chromium reports them on the console)
// and uncaught script errors.
export async function newPage(browser, device) {
  const { name, ...options } = device;
  const context = await browser.newContext({ ...options, locale: 'zh-CN', acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) {
      page.problems.push(`CSP: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => page.problems.push(`script error: ${error.message}`));
  page.device = device;
  return page;
}

// axe-core in the page (page.evaluate runs outside the page's CSP, which
// would refuse an injected <script>); returns every violation.
function axeViolations(page) {
  return page.evaluate(async (source) => {
    if (!window.axe) {
      (0, eval)(source); // eslint-disable-line no-eval
    }
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, AXE_SOURCE);
}

function serious(violations) {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

// Visible controls smaller than 44×44 CSS pixels (a checkbox, radio or
// file input counts by its label, which is what a finger hits).
function smallTouchTargets(page) {
  return page.evaluate((min) => {
    const controls = document.querySelectorAll('a[href], button, input, select, textarea');
    const small = [];
    for (const control of controls) {
      const target = ['checkbox', 'radio', 'file'].includes(control.type) ? control.labels[0] : control;
      const box = target.getBoundingClientRect();
      const visible = box.width > 0 && box.height > 0 && !target.classList.contains('skip-link');
      if (visible && (box.width < min || box.height < min)) {
        small.push(`${target.tagName.toLowerCase()}${target.id ? `#${target.id}` : ''} "${target.textContent.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return small;
  }, TOUCH_MIN);
}

function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// Screenshot (OUT/screenshots/<device>/NN-name.png), axe's whole report
// beside it (NN-name.axe.json; serious and critical violations fail) and
// the checks above.
export async function inspect(page, name, assert) {
  const dir = path.join(OUT, 'screenshots', page.device.name);
  fs.mkdirSync(dir, { recursive: true });
  const count = (shotCounts.get(page.device.name) || 0) + 1;
  shotCounts.set(page.device.name, count);
  const file = path.join(dir, `${String(count).padStart(2, '0')}-${name}`);
  await page.screenshot({ path: `${file}.png`, fullPage: true });
  const violations = await axeViolations(page);
  fs.writeFileSync(`${file}.axe.json`, JSON.stringify(violations, null, 2));
  assert.deepEqual(serious(violations), [], `axe on ${name}`);
  if (page.device.isMobile) {
    assert.deepEqual(await smallTouchTargets(page), [], `touch targets on ${name}`);
    assert.ok(await sidewaysOverflow(page) <= 0, `${name} scrolls sideways at ${page.device.viewport.width}px`);
  }
  assert.deepEqual(page.problems, [], `CSP or script errors on ${name}`);
}
