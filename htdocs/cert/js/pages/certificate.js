// 会员电子证书: the member's data and photo, and the way to the certificate
// (【信息确认并下载会员证】, or first 【上传照片】 / the basic information).
import { apiUrl } from '../api.js';
import { byId, el, fill } from '../dom.js';
import { startMemberPage } from '../layout.js';
import { alertDialog } from '../dialog.js';
import { contactsButton } from '../contacts.js';
import { displayValue, fieldOf, isMissing } from '../member.js';
import { nextStep } from '../steps.js';
import { fillDataList } from '../data-list.js';

const member = await startMemberPage('certificate');
const step = nextStep(member);

function showPhoto() {
  const frame = byId('photo-frame');
  const caption = byId('photo-caption');
  if (member.photo.on_file) {
    const name = fieldOf(member, 'name');
    frame.classList.add('photo-frame--filled');
    fill(frame, el('img', {
      src: apiUrl('/me/photo'), alt: `${name ? name.value : ''}的证件照片`, width: 178, height: 220,
    }));
    return;
  }
  const waiting = member.next_step === 'onsite_review';
  fill(frame, waiting ? '照片待现场审核' : (member.photo.message || '没有查询到照片信息'));
  if (member.next_step === 'upload_photo') {
    caption.textContent = `剩余上传对比机会：${member.compare_attempts_left} 次`;
    caption.hidden = false;
    byId('upload-link').hidden = false;
  }
}

function showData() {
  fillDataList(byId('member-data'), [
    { label: '会员编号', value: member.member_no },
    ...member.fields.map((field) => ({
      label: field.label, value: displayValue(field, member), missing: isMissing(member, field.key),
    })),
  ]);
}

function showStep() {
  fill(byId('step-text'),
    el('p', {}, step.message),
    step.details.filter(Boolean).map((line) => el('p', {}, line)),
    step.contacts ? el('p', {}, contactsButton()) : null);
  byId('download-button').hidden = false;
}

// The guide's button: straight to the confirmation when nothing is missing,
// otherwise its prompt, and 【确定】 leads to what must be done first.
async function onDownload() {
  if (member.next_step === 'download') {
    window.location.assign('confirm.html');
    return;
  }
  await alertDialog('提示', step.message, { details: step.details });
  if (step.href) {
    window.location.assign(step.href);
  }
}

showPhoto();
showData();
showStep();
byId('download-button').addEventListener('click', onDownload);

// As in the guide, a member whose photo cannot be shown is told so first
// (没有查询到照片信息 / 获取照片信息失败, 【确定】).
// A photo the institute turned down at the on-site review says why.
const reviewNote = member.photo.review_note ? [`注协审核意见：${member.photo.review_note}`] : [];
if (member.photo.message) {
  alertDialog('提示', member.photo.message, {
    details: member.next_step === 'upload_photo' ? [...reviewNote, ...step.details] : ['请稍后刷新页面重试。'],
  });
}
