// The login form of members (index.html) and staff (admin/index.html):
// #login-form with #login-notice, #login-submit and the captcha. A refused
// login shows its message beside the input it is about and loads a new
// captcha (each is single-use); an accepted one goes on to the landing page.
import { byId, showNotice } from './dom.js';
import { startCaptcha } from './captcha.js';
import { submitStep } from './forms.js';

// credentials: the inputs besides the captcha; errorInputs: error code →
// input; send(captchaFields) posts the login; busyLabel: the button's text
// while it runs (optional).
export function startLoginForm({ credentials, errorInputs, send, landing, busyLabel }) {
  const form = byId('login-form');
  const notice = byId('login-notice');
  const captcha = startCaptcha();

  if (new URLSearchParams(window.location.search).get('login') === 'required') {
    showNotice(notice, 'warn', '请先登录（会话不存在或已过期）');
  }

  async function sendWithCaptcha() {
    try {
      return await send(captcha.fields());
    } catch (error) {
      captcha.reload();
      throw error;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await submitStep({
      form,
      notice,
      inputs: [...credentials, captcha.input],
      errorInputs: { ...errorInputs, ...captcha.errorInputs() },
      button: byId('login-submit'),
      busyLabel,
      request: sendWithCaptcha,
    });
    if (answer) {
      window.location.assign(landing);
    }
  });
}
