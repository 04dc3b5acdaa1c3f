// 会员信息: search by member number, name or ID number; one member's record
// (ID number masked), a field edit (the member's own validators), the
// attempts reset and the password clearing, each with a reason; and the
// institutes' consultation phone numbers.
import { byId, clearNotice, el, fill, showNotice } from '../../js/dom.js';
import { clearFieldErrors, markEmptyRequired, setFieldError } from '../../js/forms.js';
import { staffApi, startStaffPage } from './staff.js';

const PHOTO_STATES = { none: '无照片', on_file: '已有照片', awaiting_review: '待现场审核', unavailable: '获取失败' };

await startStaffPage('members');

const notice = byId('members-notice');
let current = null;

function fail(error) {
  showNotice(notice, 'error', error.message,
    ...Object.values((error.error && error.error.fields) || {}).filter((m) => typeof m === 'string'));
}

function memberPath(suffix = '') {
  return `/members/${encodeURIComponent(current)}${suffix}`;
}

function showRecord(member) {
  current = member.member_no;
  byId('record-title').textContent = `会员 ${member.member_no}`;
  fill(byId('record-data'),
    member.fields.map((f) => el('div', { class: 'data-list__item' }, el('dt', {}, f.label), el('dd', {}, f.value))),
    el('div', { class: 'data-list__item' }, el('dt', {}, '照片'), el('dd', {}, PHOTO_STATES[member.photo.status] || member.photo.status)),
    el('div', { class: 'data-list__item' }, el('dt', {}, '剩余比对'), el('dd', {}, String(member.compare_attempts_left))));
  fill(byId('edit-key'), member.fields.map((f) => el('option', { value: f.key }, f.label)));
  byId('record').hidden = false;
}

async function open(memberNo) {
  clearNotice(notice);
  current = memberNo;
  try {
    showRecord(await staffApi.getJson(memberPath()));
  } catch (error) {
    fail(error);
  }
}

function resultRow(m) {
  return el('tr', {}, el('td', {}, m.member_no), el('td', {}, m.name), el('td', {}, m.id_number),
    el('td', {}, m.institute), el('td', {}, PHOTO_STATES[m.photo_status] || m.photo_status),
    el('td', {}, el('button', { type: 'button', class: 'btn', on: { click: () => open(m.member_no) } }, '查看')));
}

byId('search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(event.target);
  clearNotice(notice);
  const q = byId('q');
  if (markEmptyRequired([q], () => '请输入查询内容')) {
    return;
  }
  try {
    const { members } = await staffApi.getJson(`/members?q=${encodeURIComponent(q.value.trim())}`);
    fill(byId('results-body'), members.map(resultRow));
    byId('results').hidden = false;
    if (members.length === 0) {
      showNotice(notice, 'warn', '没有找到该会员（或不属于本注协）');
    }
  } catch (error) {
    fail(error);
  }
});

// A change of the open member; the answer is the record afterwards.
async function change(action, done) {
  clearNotice(notice);
  try {
    showRecord(await action());
    showNotice(notice, 'ok', done);
  } catch (error) {
    fail(error);
  }
}

byId('edit-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = byId('edit-key').value;
  change(() => staffApi.putJson(memberPath('/profile'), { [key]: byId('edit-value').value }), '已保存');
});

function reasonForm(formId, inputId, suffix, done) {
  byId(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(event.target);
    const reason = byId(inputId);
    if (markEmptyRequired([reason], () => '请填写原因')) {
      return;
    }
    change(() => staffApi.postJson(memberPath(suffix), { reason: reason.value.trim() }), done);
  });
}
reasonForm('attempts-form', 'attempts-reason', '/attempts/reset', '已重置照片比对次数');
reasonForm('password-form', 'password-reason', '/password/clear', '已清除密码，会员须通过“忘记密码”重设');

function phoneRow(inst) {
  const id = `phone-${inst.code}`;
  const input = el('input', { class: 'field__input', id, type: 'text', maxlength: 100, value: inst.phone,
    'aria-label': `${inst.name}咨询电话` });
  const save = async () => {
    try {
      await staffApi.putJson(`/institutes/${encodeURIComponent(inst.code)}`, { phone: input.value });
      showNotice(notice, 'ok', `${inst.name}咨询电话已保存`);
    } catch (error) {
      fail(error);
    }
  };
  return el('tr', {}, el('td', {}, inst.name), el('td', {}, input),
    el('td', {}, el('button', { type: 'button', class: 'btn', on: { click: save } }, '保存')));
}

const { institutes } = await staffApi.getJson('/institutes');
fill(byId('phones-body'), institutes.map(phoneRow));
