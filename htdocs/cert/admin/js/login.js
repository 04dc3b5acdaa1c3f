// 工作人员登录: 账号, 密码 and the captcha (the members' one) → POST /login
// of the staff API, then the review queue.
import { byId, clearNotice, showNotice } from '../../js/dom.js';
import { Captcha } from '../../js/captcha.js';
import { clearFieldErrors, markEmptyRequired, setFieldError } from '../../js/forms.js';
import { staffApi, startStaffLoginPage } from './staff.js';

startStaffLoginPage();

const form = byId('login-form');
const notice = byId('login-notice');
const submit = byId('login-submit');
const login = byId('login');
const password = byId('password');
const captchaInput = byId('captcha');
const captcha = new Captcha(byId('captcha-image'), byId('captcha-refresh'), captchaInput);
captcha.reload();

if (new URLSearchParams(window.location.search).get('login') === 'required') {
  showNotice(notice, 'warn', '请先登录（会话不存在或已过期）');
}

const ERROR_INPUT = {
  missing_credentials: login,
  invalid_credentials: password,
  captcha_required: captchaInput,
  captcha_invalid: captchaInput,
};

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearNotice(notice);
  clearFieldErrors(form);
  const empty = markEmptyRequired([login, password, captchaInput]);
  if (empty) {
    empty.focus();
    return;
  }
  submit.disabled = true;
  try {
    await staffApi.postJson('/login', {
      login: login.value.trim(), password: password.value, ...captcha.fields(),
    });
    window.location.assign('review.html');
  } catch (error) {
    const input = ERROR_INPUT[error.code];
    if (input) {
      setFieldError(input, error.message);
      input.focus();
    } else {
      showNotice(notice, 'error', error.message);
    }
    captcha.reload();
  } finally {
    submit.disabled = false;
  }
});
