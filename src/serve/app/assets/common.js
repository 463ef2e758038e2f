// What the dashboard and the builder share: the page's token, JSON calls to the app's API,
// a small element builder and dates in the reader's own zone.

export const token = document.querySelector('meta[name="feedwright-token"]').content;

// Calls the app's API; resolves to { ok, status, data } whatever the answer.
export async function api(path, body, { write = false } = {}) {
  const options = { headers: {} };
  if (body !== undefined) {
    options.method = 'POST';
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  if (write) options.headers['X-Feedwright-Token'] = token;
  try {
    const response = await fetch(path, options);
    const data = await response.json().catch(() => ({ error: `the app answered ${response.status}` }));
    return { ok: response.ok, status: response.status, data };
  } catch (e) {
    return { ok: false, status: 0, data: { error: 'the app does not answer: is feedwright still running?' } };
  }
}

// el('a', { href: '/', class: 'x' }, 'text', child…): an element with attributes and children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const stamp = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

// An instant in the reader's zone, with how long ago (or until) it is.
export function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  const seconds = Math.round((date.getTime() - Date.now()) / 1000);
  const steps = [[60, 'second'], [3600, 'minute'], [86400, 'hour'], [Infinity, 'day']];
  let ago = '';
  for (let i = 0, unit = 1; i < steps.length; unit = steps[i][0], i++) {
    if (Math.abs(seconds) < steps[i][0]) {
      ago = relative.format(Math.round(seconds / unit), steps[i][1]);
      break;
    }
  }
  return `${stamp.format(date)} (${ago})`;
}

// Visible text of a sanitised HTML fragment, without loading anything it names.
export function textOf(html) {
  if (!html) return '';
  return new DOMParser().parseFromString(html, 'text/html').body.textContent.trim();
}
