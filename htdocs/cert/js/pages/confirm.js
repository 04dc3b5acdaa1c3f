// 信息确认并下载会员证: the data the certificate will carry, an explicit
// confirmation, then POST /me/certificate (confirm=1, X-CSRF-Token). The PDF
// arrives as a blob and is saved through an <a download> with the server's
// file name.
import { apiUrl, postForFile } from '../api.js';
import { byId, el, fill, showNotice, clearNotice } from '../dom.js';
import { startMemberPage } from '../layout.js';
import { contactsButton } from '../contacts.js';
import { certificateData, fieldOf } from '../member.js';
import { nextStep } from '../steps.js';
import { fillDataList } from '../data-list.js';
import { clearFieldErrors, setFieldError } from '../forms.js';

const member = await startMemberPage('certificate');
const notice = byId('confirm-notice');
const form = byId('confirm-form');
const check = byId('confirm-check');
const submit = byId('confirm-download');

function showBlocked(step) {
  showNotice(notice, 'warn', step.message, ...step.details,
    step.href ? el('a', { href: step.href }, step.actionLabel) : null,
    step.contacts ? contactsButton() : null);
}

function saveFile({ blob, filename }) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the download reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

async function onConfirm(event) {
  event.preventDefault();
  clearNotice(notice);
  clearFieldErrors(form);
  if (!check.checked) {
    setFieldError(check, '请先勾选确认以上信息无误');
    check.focus();
    return;
  }
  submit.disabled = true;
  submit.textContent = '正在生成会员证…';
  try {
    const file = await postForFile('/me/certificate', new URLSearchParams({ confirm: '1' }),
      `certificate-${member.member_no}.pdf`);
    saveFile(file);
    showNotice(notice, 'ok', `会员证已下载：${file.filename}`, '如浏览器未自动保存，请检查下载设置后重试。');
  } catch (error) {
    const step = error.error.next_step ? nextStep({ ...member, next_step: error.error.next_step }) : null;
    showNotice(notice, 'error', error.message,
      step && step.href ? el('a', { href: step.href }, step.actionLabel) : null);
  } finally {
    submit.disabled = false;
    submit.textContent = '信息确认并下载会员证';
  }
  notice.focus();
}

if (member.next_step === 'download') {
  const name = fieldOf(member, 'name');
  fillDataList(byId('cert-data'), certificateData(member));
  fill(byId('cert-photo'), el('img', {
    src: apiUrl('/me/photo'), alt: `${name ? name.value : ''}的证件照片`, width: 178, height: 220,
  }));
  byId('confirm-card').hidden = false;
  form.addEventListener('submit', onConfirm);
} else {
  showBlocked(nextStep(member));
}
