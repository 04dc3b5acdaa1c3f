// 上传照片: the guide's requirements and one-chance warning, a preview of the
// chosen file, the free pre-check (POST /photo/check) listing every problem,
// then, after one more confirmation, the upload and its one paid comparison
// (POST /me/photo) and the guide's result prompt.
import { postJson } from '../api.js';
import { byId, el, fill, showNotice, clearNotice } from '../dom.js';
import { startMemberPage } from '../layout.js';
import { alertDialog, confirmDialog } from '../dialog.js';
import { bindContactsButtons, contactsButton, instituteContact } from '../contacts.js';
import { NO_MATCH_MESSAGE } from '../steps.js';

const member = await startMemberPage('certificate');
bindContactsButtons();

const fileInput = byId('photo-file');
const checkResult = byId('check-result');
const uploadButton = byId('upload-button');
const previewFrame = byId('preview-frame');
const previewMeta = byId('preview-meta');
let chosen = null;       // the File that passed the pre-check
let previewUrl = null;   // its blob: URL, revoked when replaced
let checkCount = 0;      // pre-checks started: only the latest one's answer counts

byId('attempts-left').textContent = `${member.compare_attempts_left} 次`;

function photoForm(file) {
  const form = new FormData();
  form.append('photo', file, file.name);
  return form;
}

function showPreview(file) {
  if (previewUrl) {
    URL.revokeObjectURL(previewUrl);
  }
  previewUrl = URL.createObjectURL(file);
  byId('preview').classList.remove('preview--empty');
  previewFrame.classList.add('photo-frame--filled');
  fill(previewFrame, el('img', { src: previewUrl, alt: '所选照片的预览', width: 178, height: 220 }));
  previewMeta.textContent = `${(file.size / 1024).toFixed(1)}K`;
  byId('photo-file-name').textContent = file.name;
}

function showProblems(lead, problems) {
  showNotice(checkResult, 'error', lead,
    el('ul', { class: 'problems' }, problems.map((problem) => el('li', {}, problem.message))));
}

async function onChoose() {
  const thisCheck = ++checkCount;
  chosen = null;
  uploadButton.disabled = true;
  const file = fileInput.files[0];
  if (!file) {
    clearNotice(checkResult);
    return;
  }
  showPreview(file);
  showNotice(checkResult, 'warn', '正在检查照片格式…');
  try {
    const check = await postJson('/photo/check', photoForm(file));
    if (thisCheck !== checkCount) {
      return;
    }
    if (check.ok) {
      chosen = file;
      uploadButton.disabled = false;
      showNotice(checkResult, 'ok', '照片格式检查通过，可以上传比对。请确认是本人近期证件照后再上传。');
    } else {
      showProblems('照片不符合以下要求，请修改后重新选择（检查不消耗比对机会）：', check.problems);
    }
  } catch (error) {
    if (thisCheck === checkCount) {
      showNotice(checkResult, 'error', error.message);
    }
  }
}

// The prompt after a definitive answer, in the guide's words; 【确定】 goes
// back to 会员电子证书, which shows the new state.
async function showResult(result) {
  if (result.result === 'match') {
    await alertDialog('比对成功', result.message, { tone: 'ok' });
  } else {
    await alertDialog('比对结果', result.message, {
      tone: 'error', details: [instituteContact(result.institute), contactsButton()],
    });
  }
  window.location.assign('certificate.html');
}

async function onUpload() {
  const sure = await confirmDialog('确认上传',
    '照片将与公安部照片库对比，每人仅有一次上传对比机会。确定使用这张照片进行比对吗？', '确认上传');
  if (!sure) {
    return;
  }
  uploadButton.disabled = true;
  fileInput.disabled = true;
  showNotice(checkResult, 'warn', '正在上传并比对照片，请稍候，不要关闭页面…');
  try {
    await showResult(await postJson('/me/photo', photoForm(chosen)));
  } catch (error) {
    fileInput.disabled = false;
    if (error.code === 'photo_rejected') {
      showProblems(error.message, error.error.problems || []);
      return;
    }
    showNotice(checkResult, 'error', error.message, instituteContact(error.error.institute));
    uploadButton.disabled = error.status === 409;
  }
}

// A member who has a photo, or whose comparison was used, has nothing to upload.
function showBlockedState() {
  const notice = byId('state-notice');
  if (member.photo.on_file) {
    showNotice(notice, 'ok', '系统中已有您的照片，无需上传。', el('a', { href: 'certificate.html' }, '返回会员电子证书'));
  } else {
    const message = member.next_step === 'onsite_review'
      ? NO_MATCH_MESSAGE : '您的照片比对机会已用完，请联系所属注协进行现场审核。';
    showNotice(notice, 'error', message, instituteContact(member.institute), contactsButton());
  }
  fileInput.disabled = true;
}

if (member.next_step === 'upload_photo' && member.compare_attempts_left > 0) {
  fileInput.addEventListener('change', onChoose);
  uploadButton.addEventListener('click', onUpload);
} else {
  showBlockedState();
}
