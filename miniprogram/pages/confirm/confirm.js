// 信息确认并下载会员证: the data the certificate will carry and the photo;
// the button downloads the signed PDF (wx.downloadFile, GET
// /me/certificate?confirm=1 with the Bearer token) and opens it with
// wx.openDocument, whose menu saves or forwards it.
const api = require('../../utils/api.js');
const {
  certificateRows, fieldValue, nextStep, showFailure,
} = require('../../utils/member.js');

Component({
  data: {
    ready: false,
    rows: [],
    photoPath: '',
    blocked: '',
    savedNotice: '',
    busy: false,
  },
  methods: {
    onLoad() {
      api.getJson('/me').then((member) => {
        this.member = member;
        const step = nextStep(member);
        if (!step.ready) {
          this.setData({ blocked: step.message });
          return null;
        }
        this.setData({ ready: true, rows: certificateRows(member) });
        return api.download('/me/photo').then((path) => this.setData({ photoPath: path }));
      }).catch(showFailure);
    },
    // The server's own name for the file, kept under the user data path so
    // the opened document and a forwarded copy carry it.
    fileName() {
      const name = fieldValue(this.member, 'name');
      return `会员证-${name ? `${name}-` : ''}${this.member.member_no}.pdf`;
    },
    onDownload() {
      this.setData({ busy: true, savedNotice: '' });
      wx.showLoading({ title: '正在生成会员证', mask: true });
      const target = `${wx.env.USER_DATA_PATH}/${this.fileName()}`;
      api.download('/me/certificate?confirm=1', target).then((filePath) => {
        wx.hideLoading();
        this.setData({ busy: false, savedNotice: `会员证已下载：${this.fileName()}` });
        wx.openDocument({ filePath, fileType: 'pdf', showMenu: true });
      }, (error) => {
        wx.hideLoading();
        this.setData({ busy: false });
        const step = error.error.next_step ? nextStep({ ...this.member, next_step: error.error.next_step }) : null;
        return showFailure(error).then(() => step && step.page && wx.redirectTo({ url: step.page }));
      });
    },
  },
});
