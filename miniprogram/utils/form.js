// Text inputs bound to page data: <input data-name="memberNo" bindinput="onInput">.
const inputBehavior = Behavior({
  methods: {
    onInput(event) {
      this.setData({ [event.currentTarget.dataset.name]: event.detail.value });
    },
  },
});

module.exports = { inputBehavior };
