// 忘记密码: first the member number, ID number and captcha (POST
// /password/forgot sends a one-time code to the mobile and/or e-mail on
// file), then the code and a new password (POST /password/reset).
import { postJson } from '../api.js';
import { byId, el, showNotice, clearNotice } from '../dom.js';
import { startPublicPage } from '../layout.js';
import { Captcha } from '../captcha.js';
import { clearFieldErrors, markEmptyRequired, setFieldError } from '../forms.js';

startPublicPage();

const notice = byId('forgot-notice');
const requestForm = byId('request-form');
const resetForm = byId('reset-form');
const memberNo = byId('member_no');
const idNumber = byId('id_number');
const captchaInput = byId('captcha');
const code = byId('code');
const newPassword = byId('new_password');
const newPasswordAgain = byId('new_password_again');
const captcha = new Captcha(byId('captcha-image'), byId('captcha-refresh'), captchaInput);
captcha.reload();

// Which input an error code is about, so its message appears beside it.
const ERROR_INPUT = {
  captcha_required: captchaInput,
  captcha_invalid: captchaInput,
  invalid_code: code,
  weak_password: newPassword,
};

function showError(error) {
  const input = ERROR_INPUT[error.code];
  if (input) {
    setFieldError(input, error.message);
    input.focus();
  } else {
    showNotice(notice, 'error', error.message);
    notice.focus();
  }
}

// Runs one step: checks the required inputs, disables the button while the
// request runs and shows its error; resolves with the answer or null.
async function runStep(form, inputs, button, request) {
  clearNotice(notice);
  clearFieldErrors(form);
  const empty = markEmptyRequired(inputs);
  if (empty) {
    empty.focus();
    return null;
  }
  button.disabled = true;
  try {
    return await request();
  } catch (error) {
    showError(error);
    return null;
  } finally {
    button.disabled = false;
  }
}

requestForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await runStep(requestForm, [memberNo, idNumber, captchaInput], byId('request-submit'),
    () => postJson('/password/forgot', {
      member_no: memberNo.value.trim(), id_number: idNumber.value.trim(), ...captcha.fields(),
    }));
  if (!answer) {
    captcha.reload();
    return;
  }
  // The answer is the same whether or not the numbers matched; it lists
  // the (masked) destinations only when a code was sent.
  const channel = { sms: '手机', email: '电子邮箱' };
  showNotice(notice, 'ok', answer.message,
    answer.destinations.length > 0
      ? `已发送至：${answer.destinations.map((d) => `${channel[d.channel] || d.channel} ${d.to}`).join('、')}`
      : null);
  byId('reset-card').hidden = false;
  code.focus();
});

resetForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (newPassword.value && newPasswordAgain.value && newPassword.value !== newPasswordAgain.value) {
    clearFieldErrors(resetForm);
    setFieldError(newPasswordAgain, '两次输入的新密码不一致');
    newPasswordAgain.focus();
    return;
  }
  const answer = await runStep(resetForm, [code, newPassword, newPasswordAgain], byId('reset-submit'),
    () => postJson('/password/reset', {
      member_no: memberNo.value.trim(), code: code.value.trim(), new_password: newPassword.value,
    }));
  if (!answer) {
    return;
  }
  byId('request-card').hidden = true;
  byId('reset-card').hidden = true;
  showNotice(notice, 'ok', '密码已重置，请使用新密码登录。',
    el('a', { href: 'index.html' }, '返回登录'));
  notice.focus();
});
