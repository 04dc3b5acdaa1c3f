// The login and recovery captcha: GET /captcha answers a captcha_id and the
// image as a data: URL; the form sends captcha_id and the typed captcha back.
// A captcha is single-use, so the form reloads it after every refused try.
import { getJson } from './api.js';

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
}
