// 上传照片: the guide's requirements and one-chance warning, 【上传照片】
// with its options (拍照 or 从相册选择), the free pre-check (POST
// /photo/check) listing every problem, then after one more confirmation the
// upload and its one paid comparison (POST /me/photo) under wx.showLoading,
// and the guide's 比对成功 / 比对失败 prompt.
const api = require('../../utils/api.js');
const { alertModal, confirmModal, chooseAction } = require('../../utils/ui.js');
const { TEXTS, instituteContact, showFailure } = require('../../utils/member.js');

const SOURCES = [
  { label: '拍照', sourceType: 'camera' },
  { label: '从相册选择', sourceType: 'album' },
];
const CHECK_PASSED = '照片格式检查通过，可以上传比对。请确认是本人近期证件照后再上传。';
const CHECK_FAILED = '照片不符合以下要求，请修改后重新选择（检查不消耗比对机会）：';

function chooseImage(sourceType) {
  return new Promise((resolve) => {
    wx.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: [sourceType],
      // The original file: a compressed copy would break the 10-20K and
      // 178×220 rules the comparison needs.
      sizeType: ['original'],
      camera: 'front',
      success: (res) => resolve(res.tempFiles[0] || null),
      fail: () => resolve(null),
    });
  });
}

Component({
  data: {
    texts: TEXTS,
    attemptsLeft: 0,
    blocked: '',
    blockedTone: 'error',
    contact: '',
    filePath: '',
    fileSize: '',
    checked: false,
    checkMessage: '',
    checkTone: 'warn',
    problems: [],
    busy: false,
  },
  methods: {
    onLoad() {
      api.getJson('/me').then((member) => this.show(member), showFailure);
    },
    show(member) {
      this.member = member;
      let blocked = '';
      if (member.photo.on_file) {
        blocked = '系统中已有您的照片，无需上传。';
      } else if (member.next_step === 'onsite_review') {
        blocked = TEXTS.noMatch;
      } else if (member.next_step !== 'upload_photo' || member.compare_attempts_left < 1) {
        blocked = '您的照片比对机会已用完，请联系所属注协进行现场审核。';
      }
      this.setData({
        attemptsLeft: member.compare_attempts_left,
        blocked,
        blockedTone: member.photo.on_file ? 'ok' : 'error',
        contact: blocked && !member.photo.on_file ? instituteContact(member.institute) : '',
      });
    },
    onContacts() {
      wx.navigateTo({ url: '/pages/contacts/contacts' });
    },
    onChoose() {
      chooseAction(SOURCES.map((source) => source.label))
        .then((index) => (index < 0 ? null : chooseImage(SOURCES[index].sourceType)))
        .then((file) => file && this.check(file));
    },
    showProblems(message, problems) {
      this.setData({ checked: false, checkTone: 'error', checkMessage: message, problems });
    },
    // The free pre-check: nothing stored, no attempt used.
    check(file) {
      this.setData({
        filePath: file.tempFilePath,
        fileSize: `${(file.size / 1024).toFixed(1)}K`,
        checked: false,
        checkTone: 'warn',
        checkMessage: '正在检查照片格式…',
        problems: [],
      });
      return api.uploadPhoto('/photo/check', file.tempFilePath).then((answer) => {
        if (answer.ok) {
          this.setData({ checked: true, checkTone: 'ok', checkMessage: CHECK_PASSED });
        } else {
          this.showProblems(CHECK_FAILED, answer.problems);
        }
      }, (error) => this.showProblems(error.message, []));
    },
    onUpload() {
      if (!this.data.checked || this.data.busy) { // only a photo that passed the pre-check, once
        return;
      }
      confirmModal({
        title: '确认上传',
        content: '照片将与公安部照片库对比，每人仅有一次上传对比机会。确定使用这张照片进行比对吗？',
        confirmText: '确认上传',
      }).then((sure) => sure && this.compare());
    },
    compare() {
      this.setData({ busy: true });
      wx.showLoading({ title: '正在比对照片', mask: true });
      return api.uploadPhoto('/me/photo', this.data.filePath).then((result) => {
        wx.hideLoading();
        this.setData({ busy: false });
        return this.showResult(result);
      }, (error) => {
        wx.hideLoading();
        this.setData({ busy: false });
        if (error.code === 'photo_rejected') {
          this.showProblems(error.message, error.error.problems || []);
          return null;
        }
        return showFailure(error).then(() => this.onLoad());
      });
    },
    // The guide's prompt; 【确定】 goes back to 会员电子证书, which shows the
    // new state. After a no-match the member may first open the phone list.
    showResult(result) {
      if (result.result === 'match') {
        return alertModal(result.message, '比对成功').then(() => wx.navigateBack({ delta: 1 }));
      }
      if (result.result !== 'no_match') { // onsite_review: kept for the institute, nothing compared
        return alertModal(result.message).then(() => wx.navigateBack({ delta: 1 }));
      }
      const contact = instituteContact(result.institute);
      return confirmModal({
        title: '比对失败',
        content: contact ? `${result.message}\n${contact}` : result.message,
        confirmText: '确定',
        cancelText: '咨询电话',
      }).then((ok) => {
        if (ok) {
          wx.navigateBack({ delta: 1 });
        } else {
          wx.redirectTo({ url: '/pages/contacts/contacts' });
        }
      });
    },
  },
});
