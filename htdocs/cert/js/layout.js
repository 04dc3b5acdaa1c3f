// The member pages' frame (frame.js's skip link, header and tabs, and a footer) and
// the start of a page: public pages (login, password recovery) or member
// pages, which need a session and load the member (GET /me) first.
import { getJson, postJson, setCsrfToken } from './api.js';
import { el } from './dom.js';
import { pageTabs, prependFrame } from './frame.js';

const LOGIN_PAGE = 'index.html';

const MEMBER_PAGES = [
  { id: 'certificate', href: 'certificate.html', label: '会员电子证书' },
  { id: 'profile', href: 'profile.html', label: '基本信息' },
];

const BRAND = { home: 'certificate.html', emblem: 'img/emblem.svg', sub: '行业管理信息系统 · 会员电子证书' };

function footer() {
  return el('footer', { class: 'site-footer' },
    el('div', { class: 'site-footer__inner' }, '中国注册会计师协会 行业管理信息系统'));
}

async function logout() {
  try {
    await postJson('/logout');
  } finally {
    window.location.assign(LOGIN_PAGE);
  }
}

// Signed in by the portal: its own sign-out ends the session, not ours.
function sessionArea(member) {
  return el('div', { class: 'session' },
    el('span', { class: 'session__member' }, `${member.user_type_label} ${member.member_no}`),
    member.signed_in_by === 'portal'
      ? null
      : el('button', { type: 'button', class: 'btn', on: { click: logout } }, '退出登录'));
}

function frame(main, sessionNode, nav) {
  prependFrame(main, BRAND, sessionNode, nav);
  document.body.append(footer());
}

// A page anyone may open.
export function startPublicPage() {
  frame(document.querySelector('main'), null, null);
}

// A member page: resolves with the GET /me document. Without a session it
// goes to the login page; on another failure it says so and never resolves.
export async function startMemberPage(active) {
  const main = document.querySelector('main');
  let member;
  try {
    member = await getJson('/me');
  } catch (error) {
    if (error.status === 401) {
      window.location.replace(`${LOGIN_PAGE}?login=required`);
    } else {
      frame(main, null, null);
      main.replaceChildren(el('div', { class: 'notice notice--error', role: 'alert' }, error.message));
    }
    return new Promise(() => {});
  }
  setCsrfToken(member.csrf_token);
  frame(main, sessionArea(member), pageTabs(MEMBER_PAGES, active));
  return member;
}
