// 小程序登录界面: 用户类型 (picker), 用户名 = member number, 密码, 验证码 and
// 忘记密码？ below it -> POST /login; the token goes to wx storage and the
// member to the home page. Refusals are shown under the form as the API
// words them.
const api = require('../../utils/api.js');
const { loadCaptcha, captchaFields } = require('../../utils/captcha.js');
const { inputBehavior } = require('../../utils/form.js');

const USER_TYPES = [
  { value: 'practicing', label: '执业会员' },
  { value: 'non_practicing', label: '非执业会员' },
];

// What must be typed, checked before a request.
const REQUIRED = [
  ['memberNo', '请输入用户名'],
  ['password', '请输入密码'],
  ['captcha', '请输入验证码'],
];

Component({
  behaviors: [inputBehavior],
  data: {
    userTypes: USER_TYPES,
    userTypeIndex: 1,
    memberNo: '',
    password: '',
    captcha: '',
    captchaId: '',
    captchaImage: '',
    captchaFailed: false,
    notice: '',
    error: '',
    busy: false,
  },
  methods: {
    onLoad(query) {
      if (query && query.expired) {
        this.setData({ notice: '登录已过期，请重新登录' });
      } else if (api.hasToken()) {
        wx.reLaunch({ url: '/pages/home/home' });
        return;
      }
      loadCaptcha(this);
    },
    onUserType(event) {
      this.setData({ userTypeIndex: Number(event.detail.value) });
    },
    onRefreshCaptcha() {
      loadCaptcha(this);
    },
    onForgot() {
      wx.navigateTo({ url: '/pages/forgot/forgot' });
    },
    onLogin() {
      const missing = REQUIRED.find(([name]) => !this.data[name].trim());
      if (missing) {
        this.setData({ error: missing[1] });
        return;
      }
      this.setData({ error: '', busy: true });
      api.postJson('/login', {
        user_type: USER_TYPES[this.data.userTypeIndex].value,
        member_no: this.data.memberNo.trim(),
        password: this.data.password,
        ...captchaFields(this),
      }).then((answer) => {
        api.saveToken(answer.token);
        wx.reLaunch({ url: '/pages/home/home' });
      }, (error) => {
        this.setData({ error: error.message, busy: false });
        loadCaptcha(this);
      });
    },
  },
});
