// Per-field errors of a form: each input has a <p id="<input id>-error">
// named by its aria-describedby, shown with the message and aria-invalid.
import { byId } from './dom.js';

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
