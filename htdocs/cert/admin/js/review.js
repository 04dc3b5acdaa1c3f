// 现场审核: the queue of members awaiting the on-site review (oldest upload
// first); for one member the uploaded photo, the comparison record and the
// three decisions: approve, replace with a photo taken on site, reject.
import { byId, clearNotice, el, fill, showNotice } from '../../js/dom.js';
import { clearFieldErrors, markEmptyRequired, setFieldError } from '../../js/forms.js';
import { staffApi, startStaffPage, when } from './staff.js';

const REASONS = { no_match: '照片比对不成功', id_type_not_covered: '证件类型无法比对' };
const RESULTS = { match: '比对成功', no_match: '比对不成功' };

await startStaffPage('review');

const notice = byId('review-notice');
const queue = byId('queue');
const detail = byId('detail');
let current = null;

function item(label, value) {
  return el('div', { class: 'data-list__item' }, el('dt', {}, label), el('dd', {}, value));
}

function showMember(member) {
  current = member.member_no;
  const value = (key) => (member.fields.find((f) => f.key === key) || {}).value || '';
  const last = member.comparisons[0];
  byId('detail-title').textContent = `会员 ${member.member_no}`;
  byId('upload-image').src = staffApi.url(`/members/${encodeURIComponent(member.member_no)}/upload`);
  fill(byId('detail-data'),
    item('姓名', value('name')),
    item('证件号码', value('id_number')),
    item('证件类型', value('id_type')),
    item('审核原因', member.upload ? REASONS[member.upload.reason] || member.upload.reason : ''),
    item('上传时间', member.upload ? when(member.upload.uploaded_at) : ''),
    item('比对记录', last ? `${RESULTS[last.result] || last.result}（${last.score}分，${when(last.at)}）` : '无'));
  detail.hidden = false;
}

async function open(memberNo) {
  clearNotice(notice);
  try {
    showMember(await staffApi.getJson(`/members/${encodeURIComponent(memberNo)}`));
  } catch (error) {
    showNotice(notice, 'error', error.message);
  }
}

async function loadQueue() {
  const { members } = await staffApi.getJson('/review');
  fill(queue, members.map((m) => el('li', {},
    el('button', { type: 'button', class: 'btn', on: { click: () => open(m.member_no) } },
      `${m.member_no} ${m.name}`, el('span', {}, REASONS[m.reason] || m.reason)))));
  byId('queue-empty').hidden = members.length > 0;
}

// Runs a decision on the open member, then says what became of them.
async function decide(action, done) {
  try {
    const member = await action();
    detail.hidden = true;
    showNotice(notice, 'ok', `${member.member_no}：${done}`);
    await loadQueue();
  } catch (error) {
    showNotice(notice, 'error', error.message,
      ...(error.error.problems || []).map((p) => p.message));
  }
}

byId('approve').addEventListener('click', () => decide(
  () => staffApi.postJson(`/members/${encodeURIComponent(current)}/approve`, {}), '已通过，会员可以下载会员证'));

byId('replace-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = byId('replace-photo');
  clearFieldErrors(event.target);
  if (input.files.length === 0) {
    setFieldError(input, '请选择现场拍摄的照片');
    return;
  }
  const body = new FormData();
  body.append('photo', input.files[0]);
  decide(() => staffApi.postJson(`/members/${encodeURIComponent(current)}/replace`, body),
    '已使用现场照片，会员可以下载会员证');
});

byId('reject-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const reason = byId('reject-reason');
  clearFieldErrors(event.target);
  if (markEmptyRequired([reason], () => '请填写驳回原因')) {
    return;
  }
  decide(() => staffApi.postJson(`/members/${encodeURIComponent(current)}/reject`, { reason: reason.value.trim() }),
    '已驳回，会员可重新上传照片');
});

await loadQueue();
