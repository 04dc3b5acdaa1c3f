// 点击此处查看咨询电话: the institutes' consultation numbers (GET /contacts,
// no session needed) in a dialog.
import { getJson } from './api.js';
import { el } from './dom.js';
import { alertDialog } from './dialog.js';

const CONTACTS_LABEL = '点击此处查看咨询电话';

function contactsTable(institutes) {
  return el('div', { class: 'contacts-scroll', tabindex: '0', role: 'region', 'aria-label': '各注协咨询电话' },
    el('table', { class: 'contacts-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '注协'), el('th', { scope: 'col' }, '咨询电话'))),
      el('tbody', {}, institutes.map((institute) => el('tr', {},
        el('th', { scope: 'row' }, institute.name),
        el('td', {}, institute.phone
          ? el('a', { href: `tel:${institute.phone.replace(/[^0-9+]/g, '')}` }, institute.phone)
          : '—'))))));
}

async function showContacts() {
  let details;
  try {
    const { institutes } = await getJson('/contacts');
    details = [contactsTable(institutes)];
  } catch (error) {
    details = [error.message];
  }
  await alertDialog('咨询电话', '如需现场审核或修改信息，请联系所属注协：', { details });
}

// A link-styled button that opens the list.
export function contactsButton() {
  return el('button', { type: 'button', class: 'link-button', on: { click: showContacts } }, CONTACTS_LABEL);
}

// Wires the buttons the page's static HTML marks with data-contacts.
export function bindContactsButtons() {
  for (const button of document.querySelectorAll('[data-contacts]')) {
    button.addEventListener('click', showContacts);
  }
}

// "所属注协：北京注册会计师协会，咨询电话：010-…" from an API institute
// object ({name, phone}); null without one.
export function instituteContact(institute) {
  if (!institute || !institute.name) {
    return null;
  }
  return institute.phone
    ? `所属注协：${institute.name}，咨询电话：${institute.phone}`
    : `所属注协：${institute.name}`;
}
