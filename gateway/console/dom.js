// Building elements without innerHTML, so that no value from the API is ever parsed as HTML.

/**
 * `h('div', {class: 'x', onclick: f}, child, ...)`: an element with attributes, event
 * handlers (`on*`) and children (nodes, strings, arrays; null and false are skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
}

/** A status line: `kind` is `ok`, `error` or `info`. */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** An error message for a failed load, or a friendlier one when the endpoint is missing. */
export function loadFailure(error, what) {
  if (error.status === 404) {
    return notice('info', `${what} is not available on this gateway (${error.message}).`);
  }
  return notice('error', `Could not load ${what}: ${error.message}`);
}

/** A money amount (a decimal string) for display, keeping its exact digits. */
export function money(amount, currency = 'USD') {
  if (amount === null || amount === undefined) return '—';
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${symbol}${amount}`;
}

/** An integer with thousands separators. */
export function count(value) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US');
}

/** An RFC 3339 time as a short local date and time. */
export function when(time) {
  if (!time) return '—';
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : date.toLocaleString('en-GB', {
    year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}
