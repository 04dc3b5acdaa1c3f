// Modal message boxes, as the guide's prompts (a message and 【确定】): a
// native <dialog> opened with showModal(), so focus stays inside, Esc closes
// it and the page behind is inert.
import { el } from './dom.js';

let dialogCount = 0;

// Opens a dialog and resolves, when it closes, with the value of the button
// pressed ('cancel' on Esc).
//   title:   heading text; tone 'ok' | 'error' | undefined colours it
//   message: the main sentence; details: further lines (strings, shown as
//            paragraphs) or nodes (shown as they are)
//   buttons: [{ label, value, primary }], the first primary one gets focus
function openDialog({ title, tone, message, details = [], buttons }) {
  const id = `dialog-${++dialogCount}`;
  const dialog = el('dialog', {
    class: 'dialog',
    'aria-labelledby': `${id}-title`,
    'aria-describedby': `${id}-message`,
  });
  const buttonNodes = buttons.map((button) => el('button', {
    type: 'button',
    class: `btn ${button.primary ? 'btn--primary' : 'btn--secondary'}`,
    on: { click: () => dialog.close(button.value) },
  }, button.label));
  dialog.append(
    el('div', { class: 'dialog__body' },
      el('h2', { class: `dialog__title${tone ? ` dialog__title--${tone}` : ''}`, id: `${id}-title` }, title),
      el('p', { class: 'dialog__message', id: `${id}-message` }, message),
      details.filter(Boolean).map((line) => (line instanceof Node ? line
        : el('p', { class: 'dialog__detail' }, line)))),
    el('div', { class: 'dialog__actions' }, buttonNodes));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      dialog.close('cancel');
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue || 'cancel');
    });
    dialog.showModal();
    const primary = buttons.findIndex((button) => button.primary);
    buttonNodes[primary >= 0 ? primary : 0].focus();
  });
}

// The guide's prompt: a message and 【确定】.
export function alertDialog(title, message, options = {}) {
  return openDialog({
    title, message, ...options, buttons: [{ label: '确定', value: 'ok', primary: true }],
  });
}

// Asks; resolves true only when confirmLabel was pressed.
export async function confirmDialog(title, message, confirmLabel, options = {}) {
  const answer = await openDialog({
    title, message, ...options,
    buttons: [
      { label: '取消', value: 'cancel' },
      { label: confirmLabel, value: 'confirm', primary: true },
    ],
  });
  return answer === 'confirm';
}
