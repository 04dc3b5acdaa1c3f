// 忘记密码: first the member number, ID number and captcha (POST
// /password/forgot sends a one-time code to the mobile and/or e-mail on
// file), then the code and a new password (POST /password/reset).
import { postJson } from '../api.js';
import { byId, el, showNotice } from '../dom.js';
import { startPublicPage } from '../layout.js';
import { startCaptcha } from '../captcha.js';
import { clearFieldErrors, setFieldError, submitStep } from '../forms.js';

startPublicPage();

const notice = byId('forgot-notice');
const requestForm = byId('request-form');
const resetForm = byId('reset-form');
const memberNo = byId('member_no');
const idNumber = byId('id_number');
const code = byId('code');
const newPassword = byId('new_password');
const newPasswordAgain = byId('new_password_again');
const captcha = startCaptcha();

// Which input an error code is about, so its message appears beside it.
const ERROR_INPUT = {
  ...captcha.errorInputs(),
  invalid_code: code,
  weak_password: newPassword,
};

// One step of the page: a submit of form whose refusal is shown beside its
// input or in the page's notice; resolves with the answer or null.
function runStep(form, inputs, button, request) {
  return submitStep({ form, notice, inputs, errorInputs: ERROR_INPUT, button, request });
}

requestForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await runStep(requestForm, [memberNo, idNumber, captcha.input], byId('request-submit'),
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
