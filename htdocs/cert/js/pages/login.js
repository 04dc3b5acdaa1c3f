// 会员登录: user type, 用户名 (member number), 密码, captcha → POST /login,
// then the 会员电子证书 page. Errors are shown inline, never as alerts.
import { postJson } from '../api.js';
import { byId, showNotice, clearNotice } from '../dom.js';
import { startPublicPage } from '../layout.js';
import { Captcha } from '../captcha.js';
import { clearFieldErrors, markEmptyRequired, setFieldError } from '../forms.js';

startPublicPage();

const form = byId('login-form');
const notice = byId('login-notice');
const submit = byId('login-submit');
const memberNo = byId('member_no');
const password = byId('password');
const captchaInput = byId('captcha');
const captcha = new Captcha(byId('captcha-image'), byId('captcha-refresh'), captchaInput);
captcha.reload();

if (new URLSearchParams(window.location.search).get('login') === 'required') {
  showNotice(notice, 'warn', '请先登录（会话不存在或已过期）');
}

// Which input an error code is about, so the message appears beside it.
const ERROR_INPUT = {
  missing_credentials: memberNo,
  invalid_credentials: password,
  password_not_set: password,
  captcha_required: captchaInput,
  captcha_invalid: captchaInput,
};

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearNotice(notice);
  clearFieldErrors(form);
  const empty = markEmptyRequired([memberNo, password, captchaInput]);
  if (empty) {
    empty.focus();
    return;
  }
  submit.disabled = true;
  submit.textContent = '正在登录…';
  try {
    await postJson('/login', {
      user_type: form.elements.user_type.value,
      member_no: memberNo.value.trim(),
      password: password.value,
      ...captcha.fields(),
    });
    window.location.assign('certificate.html');
  } catch (error) {
    const input = ERROR_INPUT[error.code];
    if (input) {
      setFieldError(input, error.message);
      input.focus();
    } else {
      showNotice(notice, 'error', error.message);
    }
    captcha.reload();
    submit.disabled = false;
    submit.textContent = '登录';
  }
});
