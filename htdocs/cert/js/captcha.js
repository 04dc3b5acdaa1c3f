// The login and recovery captcha: GET /captcha answers a captcha_id and the
// image as a data: URL; the form sends captcha_id and the typed captcha back.
// A captcha is single-use, so the form reloads it after every refused try.
import { getJson } from './api.js';
import { byId } from './dom.js';

export class Captcha {
  constructor(image, refreshButton, input) {
    this.image = image;
    this.input = input;
    this.id = '';
    refreshButton.addEventListener('click', () => this.reload());
  }

  async reload() {
    this.input.value = '';
    try {
      const captcha = await getJson('/captcha');
      this.id = captcha.captcha_id;
      this.image.src = captcha.image;
      this.image.alt = '验证码图片';
    } catch {
      this.id = '';
      this.image.removeAttribute('src');
      this.image.alt = '验证码加载失败，点击重试';
    }
  }

  // The members a login or recovery request carries.
  fields() {
    return { captcha_id: this.id, captcha: this.input.value.trim() };
  }

  // The refusals that are about the captcha, for a form's errorInputs.
  errorInputs() {
    return { captcha_required: this.input, captcha_invalid: this.input };
  }
}

// The page's captcha (#captcha-image, #captcha-refresh, #captcha), loaded at once.
export function startCaptcha() {
  const captcha = new Captcha(byId('captcha-image'), byId('captcha-refresh'), byId('captcha'));
  captcha.reload();
  return captcha;
}
