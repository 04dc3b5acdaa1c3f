// 完善信息: the member's fields from GET /me (* required; fields only the
// institute keeps are shown, not editable), 【保存并提交信息】 -> PUT
// /me/profile; the server's message for a field is shown under it.
const api = require('../../utils/api.js');
const { alertModal } = require('../../utils/ui.js');
const { TEXTS, instituteContact, showFailure } = require('../../utils/member.js');

const INPUT_TYPE = { mobile: 'number', postcode: 'number', id_number: 'idcard' };

function itemsOf(member) {
  return member.fields.map((field) => ({
    key: field.key,
    label: field.label,
    kind: field.kind,
    required: field.required,
    editable: field.editable,
    options: field.options || [],
    display: field.kind === 'institute' && member.institute && field.value === member.institute.code
      ? member.institute.name : field.value,
    inputType: INPUT_TYPE[field.kind] || 'text',
    maxChars: field.max_chars > 0 ? field.max_chars : 140,
    missing: member.missing_required.includes(field.key),
  }));
}

function valuesOf(member) {
  const values = {};
  member.fields.filter((field) => field.editable).forEach((field) => {
    values[field.key] = field.value || '';
  });
  return values;
}

Component({
  data: {
    items: [],
    values: {},
    errors: {},
    notice: '',
    noticeTone: 'warn',
    busy: false,
  },
  methods: {
    onLoad() {
      api.getJson('/me').then((member) => this.show(member), showFailure);
    },
    show(member) {
      this.setData({
        items: itemsOf(member),
        values: valuesOf(member),
        errors: {},
        notice: member.missing_required.length > 0 ? TEXTS.incomplete : '',
        noticeTone: 'warn',
      });
    },
    setValue(key, value) {
      this.setData({ [`values.${key}`]: value, [`errors.${key}`]: '' });
    },
    onFieldInput(event) {
      this.setValue(event.currentTarget.dataset.key, event.detail.value);
    },
    onPick(event) {
      const { key } = event.currentTarget.dataset;
      const item = this.data.items.find((i) => i.key === key);
      this.setValue(key, item.options[Number(event.detail.value)]);
    },
    onDate(event) {
      this.setValue(event.currentTarget.dataset.key, event.detail.value);
    },
    // The required fields left empty, as errors under them.
    emptyRequired() {
      const errors = {};
      this.data.items
        .filter((item) => item.editable && item.required && !String(this.data.values[item.key]).trim())
        .forEach((item) => {
          errors[item.key] = `${item.label}为必填项，不能为空`;
        });
      return errors;
    },
    onSave() {
      const empty = this.emptyRequired();
      if (Object.keys(empty).length > 0) {
        this.setData({ errors: empty, notice: '请将带 * 号的必填信息补充完整后再提交', noticeTone: 'error' });
        return;
      }
      const values = {};
      Object.keys(this.data.values).forEach((key) => {
        values[key] = String(this.data.values[key]).trim();
      });
      this.setData({ busy: true, errors: {}, notice: '' });
      api.putJson('/me/profile', values).then((member) => {
        this.setData({ busy: false });
        this.show(member);
        const ready = member.next_step === 'download'
          ? '必填信息已完整，可以点击【信息确认并下载会员证】下载会员证。' : '';
        return alertModal(`基本信息已保存。${ready}`).then(() => wx.navigateBack({ delta: 1 }));
      }, (error) => {
        this.setData({ busy: false });
        if (error.code === 'invalid_fields') {
          this.setData({ errors: error.error.fields || {}, notice: error.message, noticeTone: 'error' });
          return null;
        }
        if (error.code === 'staff_only_field') {
          return alertModal(`${error.message}\n${instituteContact(error.error.institute)}`);
        }
        return showFailure(error);
      });
    },
  },
});
