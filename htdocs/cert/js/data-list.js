// A <dl> of label/value pairs (member data, certificate data), text only.
import { el, fill } from './dom.js';

// items: [{ label, value, missing }]: an empty value reads 未填写, and a
// missing required one is flagged.
export function fillDataList(dl, items) {
  fill(dl, items.map((item) => el('div', { class: 'data-list__item' },
    el('dt', {}, item.label),
    el('dd', {}, item.value
      ? item.value
      : el('span', { class: item.missing ? 'data-list__missing' : 'data-list__empty' },
        item.missing ? '未填写（必填）' : '未填写')))));
}
