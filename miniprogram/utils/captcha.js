// The login and 忘记密码 captcha: GET /captcha answers a captcha_id and the
// picture as a data: URI (an <image> shows it as it is); the form sends
// captcha_id and the typed characters back. Single-use: reloaded after
// every refused try.
const api = require('./api.js');

function loadCaptcha(page) {
  page.setData({ captcha: '', captchaId: '', captchaFailed: false });
  return api.getJson('/captcha').then(
    (answer) => page.setData({ captchaId: answer.captcha_id, captchaImage: answer.image }),
    () => page.setData({ captchaImage: '', captchaFailed: true }),
  );
}

function captchaFields(page) {
  return { captcha_id: page.data.captchaId, captcha: page.data.captcha.trim() };
}

module.exports = { loadCaptcha, captchaFields };
