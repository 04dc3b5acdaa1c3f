// 基本信息: the member's fields as a form built from GET /me (the catalogue
// says label, kind, required * and whether the member may edit), saved with
// PUT /me/profile; the server's per-field messages are shown beside each field.
import { putJson } from '../api.js';
import { byId, el, fill, showNotice, clearNotice } from '../dom.js';
import { startMemberPage } from '../layout.js';
import { bindContactsButtons, instituteContact } from '../contacts.js';
import { clearFieldErrors, markEmptyRequired, setFieldError } from '../forms.js';
import { displayValue, isMissing } from '../member.js';
import { INCOMPLETE_MESSAGE } from '../steps.js';

let member = await startMemberPage('profile');
bindContactsButtons();

const form = byId('profile-form');
const notice = byId('profile-notice');
const saveButton = byId('save-button');

// Input types for the catalogue's kinds; 'choice' becomes a <select>.
// Dates are text in the stored YYYY-MM-DD form (as the certificate prints
// them): a date picker would show each browser's own format.
const INPUT_TYPE = { email: 'email', mobile: 'tel' };
const INPUT_MODE = { mobile: 'numeric', postcode: 'numeric' };
const PLACEHOLDER = { date: '例如 1990-03-07' };

function inputId(field) {
  return `field-${field.key}`;
}

function control(field) {
  const id = inputId(field);
  const common = {
    id, name: field.key, class: 'field__input', required: field.required,
    'aria-describedby': `${id}-error${field.editable ? '' : ` ${id}-hint`}`,
  };
  if (!field.editable) {
    return el('input', { ...common, type: 'text', readonly: true, value: displayValue(field, member) });
  }
  if (field.kind === 'choice') {
    const options = field.options.includes(field.value) || !field.value
      ? field.options : [field.value, ...field.options];
    const select = el('select', common,
      el('option', { value: '' }, '请选择'),
      options.map((option) => el('option', { value: option, selected: option === field.value }, option)));
    return select;
  }
  return el('input', {
    ...common,
    type: INPUT_TYPE[field.kind] || 'text',
    inputmode: INPUT_MODE[field.kind],
    placeholder: PLACEHOLDER[field.kind],
    maxlength: field.max_chars > 0 ? field.max_chars : null,
    autocomplete: field.kind === 'email' ? 'email' : (field.kind === 'mobile' ? 'tel' : null),
    value: field.value,
  });
}

// Staff-only fields carry a tag; screen readers hear the whole note.
function staffOnlyTag(field) {
  return el('span', { class: 'field__tag', id: `${inputId(field)}-hint` },
    '注协维护', el('span', { class: 'visually-hidden' }, '，此项由所属注协维护，如需修改请联系所属注协'));
}

function fieldBlock(field) {
  const id = inputId(field);
  return el('div', { class: `field${isMissing(member, field.key) ? ' field--missing' : ''}` },
    el('div', { class: 'field__head' },
      el('label', { class: 'field__label', for: id, 'data-name': field.label },
        field.label,
        field.required ? el('span', { class: 'field__required', 'aria-hidden': 'true' }, '*') : null),
      field.editable ? null : staffOnlyTag(field)),
    control(field),
    el('p', { class: 'field__error', id: `${id}-error`, hidden: true }));
}

function render() {
  fill(byId('profile-fields'), member.fields.map(fieldBlock));
  byId('confirm-link').hidden = member.next_step !== 'download';
}

function editableInputs() {
  return member.fields.filter((field) => field.editable).map((field) => byId(inputId(field)));
}

// The server's 422 (error.fields: key → message) beside each field.
function showFieldProblems(problems) {
  let first = null;
  for (const [key, message] of Object.entries(problems)) {
    const input = document.getElementById(inputId({ key }));
    if (input) {
      setFieldError(input, message);
      first = first || input;
    }
  }
  if (first) {
    first.focus();
  }
}

async function onSave(event) {
  event.preventDefault();
  clearNotice(notice);
  clearFieldErrors(form);
  const inputs = editableInputs();
  const empty = markEmptyRequired(inputs, (name) => `${name}为必填项，不能为空`);
  if (empty) {
    showNotice(notice, 'error', '请将带 * 号的必填信息补充完整后再保存');
    empty.focus();
    return;
  }
  const values = Object.fromEntries(inputs.map((input) => [input.name, input.value.trim()]));
  saveButton.disabled = true;
  try {
    member = await putJson('/me/profile', values);
    render();
    const ready = member.next_step === 'download';
    showNotice(notice, 'ok', '基本信息已保存。',
      ready ? '必填信息已完整，可以点击【信息确认并下载会员证】下载会员证。' : null);
    notice.focus();
  } catch (error) {
    showNotice(notice, 'error', error.message,
      error.code === 'staff_only_field' ? instituteContact(error.error.institute) : null);
    if (error.code === 'invalid_fields') {
      showFieldProblems(error.error.fields || {});
    } else {
      notice.focus();
    }
  } finally {
    saveButton.disabled = false;
  }
}

render();
form.addEventListener('submit', onSave);
if (member.missing_required.length > 0) {
  showNotice(notice, 'warn', INCOMPLETE_MESSAGE,
    '标有“待补充”的信息项尚未填写。');
}
