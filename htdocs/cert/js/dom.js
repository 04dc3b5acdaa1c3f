// Text-only DOM building. Member data (names, addresses, messages from the
// server) is only ever inserted as text nodes, never parsed as HTML, and no
// style attribute is ever set (the Content-Security-Policy forbids inline
// styles; classes and the hidden attribute do the work).

// el('p', { class: 'notice', id: 'x', hidden: true, on: { click: fn } }, 'text', node)
// Attribute values are set with setAttribute (true → present, false/null/
// undefined → absent); children are strings (text nodes), nodes, or
// null/false (skipped); arrays of them are flattened.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) {
        node.addEventListener(event, handler);
      }
    } else if (name === 'style' || name.startsWith('on')) {
      throw new Error(`el(): ${name} is not allowed (CSP)`);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  append(node, children);
  return node;
}

function append(parent, children) {
  for (const child of children) {
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else if (child !== null && child !== undefined && child !== false) {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

// Replaces the children of parent (text and nodes as in el()).
export function fill(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) {
    throw new Error(`#${id} is missing from the page`);
  }
  return node;
}

// Shows a message in a notice region (role=alert/status in the page):
// kind is 'ok', 'warn' or 'error'; lines are strings or nodes, one paragraph each.
export function showNotice(region, kind, ...lines) {
  region.className = `notice notice--${kind}`;
  fill(region, lines.filter(Boolean).map((line) => el('p', {}, line)));
  region.hidden = false;
}

export function clearNotice(region) {
  region.replaceChildren();
  region.hidden = true;
}
