// 小程序首页界面: the member's name and number, and 【会员电子证书】.
const api = require('../../utils/api.js');
const { fieldValue, showFailure } = require('../../utils/member.js');

Component({
  data: {
    greeting: '您好',
    memberNo: '',
  },
  methods: {
    onLoad() {
      if (!api.hasToken()) {
        wx.reLaunch({ url: '/pages/login/login' });
        return;
      }
      api.getJson('/me').then((member) => {
        const name = fieldValue(member, 'name');
        this.setData({ greeting: name ? `${name}，您好` : '您好', memberNo: member.member_no });
      }, showFailure);
    },
    onCertificate() {
      wx.navigateTo({ url: '/pages/certificate/certificate' });
    },
    onLogout() {
      const leave = () => {
        api.forgetToken();
        wx.reLaunch({ url: '/pages/login/login' });
      };
      api.postJson('/logout').then(leave, leave);
    },
  },
});
