// 会员电子证书: the member's data and photo. As the guide says, a member
// whose photo cannot be shown is told so first (没有查询到照片信息 /
// 获取照片信息失败, 【确定】) and then uses 【上传照片】; a member with a
// required field empty is prompted to complete it; 【信息确认并下载会员证】
// leads to the confirmation, or to what must be done first.
const api = require('../../utils/api.js');
const { alertModal } = require('../../utils/ui.js');
const {
  TEXTS, dataRows, fieldValue, instituteContact, nextStep, showFailure,
} = require('../../utils/member.js');

Component({
  data: {
    loaded: false,
    name: '',
    memberNo: '',
    rows: [],
    photoPath: '',
    photoText: '',
    canUpload: false,
    attemptsLeft: 0,
    stepMessage: '',
    stepTone: 'warn',
    stepContact: '',
    showContacts: false,
  },
  methods: {
    onLoad() {
      this.refresh().then((member) => member && this.prompt(member));
    },
    // Back from 上传照片 or 完善信息: show the new state, without the prompts.
    onShow() {
      if (this.member) {
        this.refresh();
      }
    },
    // GET /me (and the photo on file) -> the member, or null on failure.
    refresh() {
      return api.getJson('/me')
        .then((member) => this.loadPhoto(member).then(() => this.show(member)))
        .catch((error) => showFailure(error).then(() => null));
    },
    loadPhoto(member) {
      if (!member.photo.on_file) {
        return Promise.resolve();
      }
      return api.download('/me/photo').then(
        (path) => this.setData({ photoPath: path }),
        (error) => this.setData({ photoPath: '', photoText: error.message }),
      );
    },
    show(member) {
      this.member = member;
      const step = nextStep(member);
      const withInstitute = member.next_step === 'onsite_review' || member.next_step === 'contact_institute';
      let photoText = member.photo.message || TEXTS.noPhoto;
      if (member.next_step === 'onsite_review') {
        photoText = '照片待现场审核';
      }
      this.setData({
        loaded: true,
        name: fieldValue(member, 'name'),
        memberNo: member.member_no,
        rows: dataRows(member),
        photoText: member.photo.on_file ? this.data.photoText : photoText,
        photoPath: member.photo.on_file ? this.data.photoPath : '',
        canUpload: member.next_step === 'upload_photo',
        attemptsLeft: member.compare_attempts_left,
        stepMessage: step.message,
        stepTone: step.ready ? 'ok' : (step.page ? 'warn' : 'error'),
        stepContact: withInstitute ? instituteContact(member.institute) : '',
        showContacts: withInstitute,
      });
      return member;
    },
    // The guide's prompts on opening the page.
    prompt(member) {
      const note = member.photo.review_note ? `\n注协审核意见：${member.photo.review_note}` : '';
      const photoPrompt = member.photo.message ? alertModal(member.photo.message + note) : Promise.resolve();
      return photoPrompt.then(() => {
        if (member.next_step !== 'complete_profile') {
          return null;
        }
        return alertModal(TEXTS.incomplete).then(() => wx.navigateTo({ url: '/pages/profile/profile' }));
      });
    },
    onUpload() {
      wx.navigateTo({ url: '/pages/photo/photo' });
    },
    onContacts() {
      wx.navigateTo({ url: '/pages/contacts/contacts' });
    },
    onDownload() {
      const step = nextStep(this.member);
      if (step.ready) {
        wx.navigateTo({ url: step.page });
        return;
      }
      alertModal(step.message).then(() => {
        if (step.page) {
          wx.navigateTo({ url: step.page });
        }
      });
    },
  },
});
