// Per-field errors of a form: each input has a <p id="<input id>-error">
// named by its aria-describedby, shown with the message and aria-invalid;
// and one submit of a form, whose refusal is shown the same way.
import { byId, clearNotice, showNotice } from './dom.js';

export function setFieldError(input, message) {
  const error = byId(`${input.id}-error`);
  error.textContent = message;
  error.hidden = false;
  input.setAttribute('aria-invalid', 'true');
}

export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const error = document.getElementById(`${input.id}-error`);
    if (error) {
      error.hidden = true;
      error.textContent = '';
    }
  }
}

// Marks every empty required input with message(name), name being its
// label's data-name or text; returns the first one marked, or null.
export function markEmptyRequired(inputs, message = (name) => `请输入${name}`) {
  let first = null;
  for (const input of inputs) {
    if (input.required && !input.readOnly && input.value.trim() === '') {
      const label = input.labels[0].dataset.name || input.labels[0].textContent.trim();
      setFieldError(input, message(label));
      first = first || input;
    }
  }
  return first;
}

// Shows a refused request's message beside the input its code is about
// (errorInputs: code → input), or else in the notice.
function showRefusal(error, errorInputs, notice) {
  const input = errorInputs[error.code];
  if (input) {
    setFieldError(input, error.message);
    input.focus();
  } else {
    showNotice(notice, 'error', error.message);
    notice.focus();
  }
}

// Runs one submit of form: checks the required inputs, disables the button
// (showing busyLabel, if any) while request runs and shows its refusal;
// resolves with the answer, or null.
export async function submitStep({ form, notice, inputs, errorInputs, button, busyLabel, request }) {
  clearNotice(notice);
  clearFieldErrors(form);
  const empty = markEmptyRequired(inputs);
  if (empty) {
    empty.focus();
    return null;
  }
  const idleLabel = button.textContent;
  button.disabled = true;
  button.textContent = busyLabel || idleLabel;
  try {
    return await request();
  } catch (error) {
    showRefusal(error, errorInputs, notice);
    return null;
  } finally {
    button.disabled = false;
    button.textContent = idleLabel;
  }
}
