// 工作人员登录: 账号, 密码 and the captcha (the members' one) → POST /login
// of the staff API, then the review queue.
import { byId } from '../../js/dom.js';
import { startLoginForm } from '../../js/login-form.js';
import { staffApi, startStaffLoginPage } from './staff.js';

startStaffLoginPage();

const login = byId('login');
const password = byId('password');

startLoginForm({
  credentials: [login, password],
  errorInputs: { missing_credentials: login, invalid_credentials: password },
  send: (captchaFields) => staffApi.postJson('/login', {
    login: login.value.trim(), password: password.value, ...captchaFields,
  }),
  landing: 'review.html',
});
