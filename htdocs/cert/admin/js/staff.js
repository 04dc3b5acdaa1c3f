// What every staff page shares: the staff API client, the frame (header,
// navigation, logout) and the session check. Staff pages live at
// /cert/admin/ beside the member portal and use its styles and helpers.
import { createClient } from '../../js/api.js';
import { el } from '../../js/dom.js';
import { pageTabs, prependFrame } from '../../js/frame.js';

export const staffApi = createClient('/cert/admin/api');

const LOGIN_PAGE = 'index.html';

const STAFF_PAGES = [
  { id: 'review', href: 'review.html', label: '现场审核' },
  { id: 'members', href: 'members.html', label: '会员信息' },
  { id: 'audit', href: 'audit.html', label: '操作日志' },
];

const BRAND = { home: 'review.html', emblem: '../img/emblem.svg', sub: '会员电子证书 · 注协工作人员' };

async function logout() {
  try {
    await staffApi.postJson('/logout', {});
  } finally {
    window.location.assign(LOGIN_PAGE);
  }
}

function sessionArea(staff) {
  const institute = staff.institute ? staff.institute.name : '';
  return el('div', { class: 'session' },
    el('span', { class: 'session__member' }, `${institute} ${staff.login}`),
    el('button', { type: 'button', class: 'btn', on: { click: logout } }, '退出登录'));
}

function frame(sessionNode, nav) {
  const main = document.querySelector('main');
  prependFrame(main, BRAND, sessionNode, nav);
  return main;
}

export function startStaffLoginPage() {
  frame(null, null);
}

// A signed-in staff page: resolves with GET /session's document; without a
// session it goes to the login page.
export async function startStaffPage(active) {
  let staff;
  try {
    staff = await staffApi.getJson('/session');
  } catch (error) {
    if (error.status === 401) {
      window.location.replace(`${LOGIN_PAGE}?login=required`);
    } else {
      frame(null, null).replaceChildren(el('div', { class: 'notice notice--error', role: 'alert' }, error.message));
    }
    return new Promise(() => {});
  }
  staffApi.setCsrfToken(staff.csrf_token);
  frame(sessionArea(staff), pageTabs(STAFF_PAGES, active));
  return staff;
}

// Unix seconds as local date and time.
export function when(seconds) {
  return new Date(seconds * 1000).toLocaleString('zh-CN', { hour12: false });
}
