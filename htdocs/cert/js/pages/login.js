// 会员登录: user type, 用户名 (member number), 密码, captcha → POST /login,
// then the 会员电子证书 page. Errors are shown inline, never as alerts.
// Behind the portal's own sign-in (CicpaCertIdentity httpd) the member is
// already signed in: GET /me answers without a login, and the page goes on.
import { getJson, postJson } from '../api.js';
import { byId } from '../dom.js';
import { startPublicPage } from '../layout.js';
import { startLoginForm } from '../login-form.js';

async function signedInByPortal() {
  try {
    return (await getJson('/me')).signed_in_by === 'portal';
  } catch {
    return false; // 401: no session, the login form it is
  }
}

function startLogin() {
  startPublicPage();
  const memberNo = byId('member_no');
  const password = byId('password');
  startLoginForm({
    credentials: [memberNo, password],
    errorInputs: {
      missing_credentials: memberNo,
      invalid_credentials: password,
      password_not_set: password,
    },
    busyLabel: '正在登录…',
    send: (captchaFields) => postJson('/login', {
      user_type: byId('login-form').elements.user_type.value,
      member_no: memberNo.value.trim(),
      password: password.value,
      ...captchaFields,
    }),
    landing: 'certificate.html',
  });
}

if (await signedInByPortal()) {
  window.location.replace('certificate.html');
} else {
  startLogin();
}
