// 操作日志: the audit trail of the staff's scope, filtered by member, staff
// account, action and dates (GET /audit).
import { byId, el, fill, showNotice } from '../../js/dom.js';
import { staffApi, startStaffPage, when } from './staff.js';

await startStaffPage('audit');

const form = byId('audit-form');

async function load() {
  const query = new URLSearchParams();
  for (const name of ['member_no', 'staff', 'action', 'from', 'to']) {
    const value = form.elements[name].value.trim();
    if (value) {
      query.set(name, value);
    }
  }
  try {
    const { entries } = await staffApi.getJson(`/audit?${query}`);
    fill(byId('entries'), entries.map((e) => el('tr', {}, el('td', {}, when(e.at)), el('td', {}, e.actor),
      el('td', {}, e.member_no || ''), el('td', {}, e.action), el('td', {}, e.detail), el('td', {}, e.client_ip))));
  } catch (error) {
    showNotice(byId('audit-notice'), 'error', error.message);
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});
await load();
