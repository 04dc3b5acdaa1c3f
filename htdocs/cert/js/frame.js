// The frame the member and staff pages share: a skip link to <main>, the
// header with the brand and the session area, and the page tabs. Each
// portal's login page is the index.html beside its pages.
import { el } from './dom.js';

// brand: { home (the page the brand links to once signed in), emblem, sub }.
function header(brand, sessionNode) {
  return el('header', { class: 'site-header' },
    el('div', { class: 'site-header__inner' },
      el('a', { class: 'brand', href: sessionNode ? brand.home : 'index.html' },
        el('img', { class: 'brand__emblem', src: brand.emblem, alt: '', width: 44, height: 44 }),
        el('span', { class: 'brand__text' },
          el('span', { class: 'brand__name' }, '中国注册会计师协会'),
          el('span', { class: 'brand__sub' }, brand.sub))),
      sessionNode));
}

// pages: [{ id, href, label }]; active: the id of the page shown.
export function pageTabs(pages, active) {
  return el('nav', { class: 'tabs', 'aria-label': '主导航' },
    el('div', { class: 'tabs__inner' }, pages.map((page) => el('a', {
      class: 'tabs__link', href: page.href, 'aria-current': page.id === active ? 'page' : null,
    }, page.label))));
}

// Puts the skip link, the header and nav (if any) before main.
export function prependFrame(main, brand, sessionNode, nav) {
  main.id = 'main';
  main.tabIndex = -1;
  const top = [el('a', { class: 'skip-link', href: '#main' }, '跳到主要内容'), header(brand, sessionNode), nav];
  document.body.prepend(...top.filter(Boolean));
}
