// 忘记密码: 用户名 (member number), 证件号码 and 验证码 -> POST /password/forgot
// sends a one-time code to the mobile / e-mail on file; then the code and a
// new password -> POST /password/reset.
const api = require('../../utils/api.js');
const { alertModal } = require('../../utils/ui.js');
const { loadCaptcha, captchaFields } = require('../../utils/captcha.js');
const { inputBehavior } = require('../../utils/form.js');

const CHANNEL = { sms: '手机', email: '电子邮箱' };

Component({
  behaviors: [inputBehavior],
  data: {
    memberNo: '',
    idNumber: '',
    captcha: '',
    captchaId: '',
    captchaImage: '',
    captchaFailed: false,
    code: '',
    newPassword: '',
    newPasswordAgain: '',
    notice: '',
    sentTo: '',
    requestError: '',
    resetError: '',
    codeSent: false,
    done: false,
    busy: false,
  },
  methods: {
    onLoad() {
      loadCaptcha(this);
    },
    onRefreshCaptcha() {
      loadCaptcha(this);
    },
    onRequestCode() {
      if (!this.data.memberNo.trim() || !this.data.idNumber.trim() || !this.data.captcha.trim()) {
        this.setData({ requestError: '请输入用户名、证件号码和验证码' });
        return;
      }
      this.setData({ requestError: '', busy: true });
      api.postJson('/password/forgot', {
        member_no: this.data.memberNo.trim(),
        id_number: this.data.idNumber.trim(),
        ...captchaFields(this),
      }).then((answer) => {
        // The same answer whether or not the numbers matched; it lists the
        // masked destinations only when a code was sent.
        const sentTo = answer.destinations.map((d) => `${CHANNEL[d.channel] || d.channel} ${d.to}`).join('、');
        this.setData({
          busy: false, codeSent: true, notice: answer.message, sentTo: sentTo ? `已发送至：${sentTo}` : '',
        });
        loadCaptcha(this);
      }, (error) => {
        this.setData({ busy: false, requestError: error.message });
        loadCaptcha(this);
      });
    },
    onReset() {
      const { code, newPassword, newPasswordAgain } = this.data;
      if (!code.trim() || !newPassword) {
        this.setData({ resetError: '请输入收到的验证码和新密码' });
        return;
      }
      if (newPassword !== newPasswordAgain) {
        this.setData({ resetError: '两次输入的新密码不一致' });
        return;
      }
      this.setData({ resetError: '', busy: true });
      api.postJson('/password/reset', {
        member_no: this.data.memberNo.trim(), code: code.trim(), new_password: newPassword,
      }).then(() => {
        this.setData({ busy: false, done: true, notice: '', sentTo: '' });
        return alertModal('密码已重置，请使用新密码登录。').then(() => this.onBackToLogin());
      }, (error) => {
        this.setData({ busy: false, resetError: error.message });
      });
    },
    onBackToLogin() {
      wx.reLaunch({ url: '/pages/login/login' });
    },
  },
});
