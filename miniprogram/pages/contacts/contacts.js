// 点击此处查看咨询电话: the institutes' consultation numbers (GET /contacts,
// no session needed); a tap calls the number.
const api = require('../../utils/api.js');

Component({
  data: {
    institutes: [],
    error: '',
  },
  methods: {
    onLoad() {
      api.getJson('/contacts').then(
        (answer) => this.setData({ institutes: answer.institutes }),
        (error) => this.setData({ error: error.message }),
      );
    },
    onCall(event) {
      const { phone } = event.currentTarget.dataset;
      if (phone) {
        wx.makePhoneCall({ phoneNumber: phone.replace(/[^0-9+-]/g, '') });
      }
    },
  },
});
