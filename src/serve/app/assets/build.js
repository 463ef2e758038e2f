// The builder: load a page, pick its list by clicking, set fields, see the feed the engine
// makes from it, and save the section.
import { api, el, textOf, when } from './common.js';

const FIELDS = ['item', 'title', 'link', 'date', 'summary', 'image', 'author'];
const $ = (id) => document.getElementById(id);
const frame = $('page');
const state = {
  snapshot: null, url: null, render: 'http', candidates: [], items: {}, picking: null,
  editing: null, nodes: null, preview: null, tab: 'items', site: null, timer: null, sequence: 0,
};

function say(target, text, kind = '') {
  const node = $(target);
  node.textContent = text || '';
  node.className = `status ${kind}`;
}

// --- fields -------------------------------------------------------------------------------
const fieldRows = $('fields');
for (const field of FIELDS) {
  const input = el('input', { 'data-selector': field, spellcheck: 'false', placeholder: field === 'item' ? 'found automatically' : 'default' });
  input.addEventListener('input', () => { state.items[field] = input.value.trim(); schedule(); });
  const pick = field === 'item' ? el('span', { class: 'muted small' }, 'click a headline')
    : el('button', { type: 'button', 'data-field': field, title: `Pick the ${field} on the page`, onclick: () => startPicking(field) }, 'Pick');
  fieldRows.append(el('label', { class: `field f-${field}` }, el('span', { class: 'name' }, field), input, pick));
}

function showItems() {
  for (const field of FIELDS) document.querySelector(`[data-selector="${field}"]`).value = state.items[field] || '';
}

function startPicking(field) {
  if (!state.items.item) {
    $('field-note').textContent = 'Pick a list first: click a headline on the page, or a list above.';
    return;
  }
  state.picking = state.picking === field ? null : field;
  document.querySelectorAll('[data-field]').forEach((b) => b.classList.toggle('active', b.dataset.field === state.picking));
  $('field-note').textContent = state.picking ? `Click the ${field} of any outlined item on the page.` : '';
  outline();
}

// --- the page frame ---------------------------------------------------------------------------
function outline(scroll = false) {
  if (!frame.contentWindow || !state.nodes) return;
  frame.contentWindow.postMessage({ feedwright: 1, type: 'outline', scroll, picking: Boolean(state.picking), ...state.nodes }, '*');
}

window.addEventListener('message', async (event) => {
  if (event.source !== frame.contentWindow || !event.data || !event.data.feedwright) return;
  const message = event.data;
  if (message.type === 'ready') outline(true);
  if (message.type !== 'click') return;
  if (state.picking) {
    const field = state.picking;
    const { ok, data } = await api('/api/field', { snapshot: state.snapshot, item: state.items.item, field, node: message.node });
    if (!ok) { $('field-note').textContent = data.error; return; }
    state.items[field] = data.selector;
    state.picking = null;
    document.querySelectorAll('[data-field]').forEach((b) => b.classList.remove('active'));
    $('field-note').textContent = `${field} = "${data.selector}"`;
    showItems();
    preview();
    return;
  }
  const { ok, data } = await api('/api/pick', { snapshot: state.snapshot, node: message.node });
  if (!ok) { $('field-note').textContent = data.error; return; }
  $('field-note').textContent = '';
  const known = state.candidates.findIndex((c) => c.items.item === data.candidate.items.item);
  if (known >= 0) choose(known);
  else {
    state.candidates.push(Object.assign(data.candidate, { mine: true }));
    showCandidates();
    choose(state.candidates.length - 1);
  }
});

// --- candidates ------------------------------------------------------------------------------
function showCandidates() {
  $('candidates').replaceChildren(...state.candidates.map((c, k) => el('li', {},
    el('button', { type: 'button', class: 'candidate', 'data-candidate': k, onclick: () => choose(k) },
      el('span', { class: 'count' }, `${c.count} items`),
      el('span', { class: 'selector' }, c.items.item || 'structured data'),
      c.mine ? el('span', { class: 'pill healed' }, 'your click') : (k === 0 ? el('span', { class: 'pill ok' }, 'best') : null),
      el('ul', { class: 'samples' }, c.samples.map((s) => el('li', {}, s))),
      el('p', { class: 'why' }, c.why.join(' · ')),
      c.note ? el('p', { class: 'why warn' }, c.note) : null))));
  if (!state.candidates.length) {
    $('candidates').append(el('li', { class: 'muted' }, 'No story list found, only menus and link lists. Click a headline on the page, or load it in the browser if its list is built by JavaScript.'));
  }
}

function choose(k) {
  const candidate = state.candidates[k];
  state.items = { ...candidate.items };
  state.nodes = { items: candidate.nodes, fields: {} };
  document.querySelectorAll('[data-candidate]').forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.candidate) === k)));
  showItems();
  outline(true);
  preview();
}

// --- preview ---------------------------------------------------------------------------------
function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(preview, 150);
}

function body() {
  const items = Object.fromEntries(Object.entries(state.items).filter(([, v]) => v));
  return {
    snapshot: state.snapshot,
    items,
    language: $('language').value.trim() || null,
    timezone: $('timezone').value.trim() || null,
    pages: Number($('pages').value) || 1,
    render: state.render,
    section: state.editing,
    second: $('second-url').value.trim() || null,
  };
}

async function preview() {
  if (!state.snapshot) return;
  const sequence = ++state.sequence;
  const { ok, data } = await api('/api/preview', body());
  if (sequence !== state.sequence) return;
  if (!ok) {
    $('warnings').replaceChildren(el('li', { class: 'error' }, data.error));
    return;
  }
  state.preview = data;
  state.nodes = data.nodes;
  outline();
  $('latency').textContent = `${data.items.length} items · ${data.millis} ms`;
  const c = data.coverage;
  const part = (label, n) => el('span', { class: n === c.found ? 'full' : n ? 'some' : 'none' }, `${label} ${n} of ${c.found}`);
  $('coverage').replaceChildren(el('span', {}, `found ${c.found}`), part('dated', c.dated), part('summary', c.summary), part('image', c.image), part('author', c.author));
  $('warnings').replaceChildren(...data.warnings.map((w) => el('li', {}, w)));
  showSecond(data.second);
  showDiff(data.diff);
  showTab();
  showArticle();
}

// With full text on: what the first item's article page gives, read once.
async function showArticle() {
  const box = $('article');
  const first = $('full-text').checked && state.preview && state.preview.items[0];
  box.hidden = !first;
  if (!first || state.articleOf === first.url) return;
  state.articleOf = first.url;
  $('article-summary').textContent = `Full text of “${first.title}” — reading the article…`;
  $('article-text').replaceChildren();
  const { ok, data } = await api('/api/article', { url: first.url });
  if (state.articleOf !== first.url) return;
  if (!ok || !data.paragraphs.length) {
    $('article-summary').textContent = `No article text found on ${first.url}${ok ? '' : `: ${data.error}`}: items keep their teaser.`;
    return;
  }
  $('article-summary').textContent = `Full text of “${first.title}”: ${data.words} words (${data.source})`;
  $('article-text').replaceChildren(...data.paragraphs.map((p) => el('p', {}, p)));
}

function showSecond(second) {
  const box = $('second');
  box.replaceChildren();
  if (!second) return;
  if (second.pending) {
    box.append(el('p', { class: 'muted' }, 'Checking the selectors on the next page…'));
    setTimeout(preview, 1500);
    return;
  }
  const rows = second.fields.map((f) => el('li', { class: f.items ? 'ok' : 'bad' }, `${f.field}: ${f.items} of ${f.of}`));
  box.append(el('p', { class: second.ok ? 'good' : 'bad' },
    second.ok ? 'The same selectors work on the next page ' : 'Works on this page only? On the next page ',
    el('a', { href: second.url, target: '_blank', rel: 'noreferrer' }, 'page 2'), `: ${second.found} items`),
  el('ul', { class: 'hits' }, rows));
}

function showDiff(diff) {
  const box = $('diff');
  box.replaceChildren();
  if (!diff) return;
  box.append(el('p', {}, `Saving this changes the feed: ${diff.added.length} items arrive, ${diff.removed.length} leave.`));
  if (diff.added.length) box.append(el('ul', { class: 'added' }, diff.added.slice(0, 10).map((u) => el('li', {}, `+ ${u}`))));
  if (diff.removed.length) box.append(el('ul', { class: 'removed' }, diff.removed.slice(0, 10).map((u) => el('li', {}, `− ${u}`))));
}

function showTab() {
  document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === state.tab)));
  const data = state.preview;
  if (!data) return;
  const text = $('preview-text');
  const list = $('preview-items');
  text.hidden = state.tab === 'items';
  list.hidden = state.tab !== 'items';
  if (state.tab !== 'items') { text.textContent = data[state.tab]; return; }
  list.replaceChildren(...data.items.map((item) => el('li', {},
    el('div', { class: 'item-head' },
      el('a', { href: item.url, target: '_blank', rel: 'noreferrer', class: 'title' }, item.title),
      el('time', { datetime: item.date, title: `${item.date} (${data.timezone})` }, item.date.replace('T', ' ').slice(0, 16))),
    item.author ? el('span', { class: 'author' }, `by ${item.author}`) : null,
    item.image ? el('span', { class: 'image', title: item.image }, '▣ picture') : null,
    item.summary ? el('p', { class: 'summary' }, textOf(item.summary)) : null,
    item.content ? fullText(item.content) : null)));
}

// An item's article text, folded after its first lines.
function fullText(html) {
  const text = textOf(html);
  const words = text.split(/\s+/).filter(Boolean).length;
  return el('details', { class: 'full-text' }, el('summary', {}, `Full text · ${words} words`), el('p', {}, text));
}

document.querySelectorAll('[data-tab]').forEach((b) => b.addEventListener('click', () => { state.tab = b.dataset.tab; showTab(); }));
for (const id of ['language', 'timezone', 'pages', 'second-url']) $(id).addEventListener('input', schedule);
$('full-text').addEventListener('change', showArticle);

// --- loading ---------------------------------------------------------------------------------
async function load(url, render, keep = null) {
  say('status', `Loading ${url} …`, 'busy');
  const { ok, data } = await api('/api/detect', { url, render });
  if (!ok) { say('status', data.error, 'error'); return; }
  say('status', `Loaded ${data.url}${data.title ? ` — “${data.title}”` : ''}`, 'good');
  Object.assign(state, { snapshot: data.snapshot, url: data.url, render: data.render, candidates: data.candidates, preview: null });
  $('work').hidden = false;
  frame.src = `/api/snapshot/${data.snapshot}`;
  document.querySelector('select[name=render]').value = data.render;
  if (!keep) {
    $('language').value = data.language || '';
    $('timezone').value = data.timezone || '';
    $('site-id').value = data.proposed.site.id;
    $('section-id').value = data.proposed.section.id;
    $('section-title').value = data.proposed.section.title;
    state.site = data.proposed.site;
  }
  $('zone-note').textContent = data.timezone_how ? `Time zone ${data.timezone} proposed ${data.timezone_how}.` : 'The page does not say its time zone: dates without one are read in the zone you give (UTC by default).';
  showCandidates();
  if (keep) {
    state.items = { ...keep };
    showItems();
    preview();
  } else if (data.candidates.length) choose(0);
}

$('load').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  state.editing = null;
  load(form.url.value, form.render.value);
});

// --- saving ----------------------------------------------------------------------------------
document.querySelector('[data-action=save]').addEventListener('click', async () => {
  const request = body();
  // Editing: options left as they were loaded are not written again.
  const changed = (key, value) => (state.initial && state.initial[key] === value ? null : value);
  const section = { id: $('section-id').value.trim(), title: $('section-title').value.trim(), url: state.editing ? state.editUrl : state.url,
    items: request.items, language: changed('language', request.language), timezone: changed('timezone', request.timezone),
    render: state.render === 'http' ? null : state.render, pages: request.pages > 1 ? request.pages : null,
    article: $('full-text').checked && !(state.initial && state.initial.fullText) ? { content: 'auto' } : null };
  if (!state.editing) section.url = document.querySelector('input[name=url]').value.trim() || state.url;
  const site = { id: $('site-id').value.trim(), title: state.site && state.site.title, home: state.site && state.site.home };
  say('save-status', 'Saving…', 'busy');
  const { ok, data } = await api('/api/sections', { site, section }, { write: true });
  if (!ok) { say('save-status', data.error, 'error'); return; }
  state.saved = data.section;
  say('save-status', data.changed ? `Saved ${data.section} to ${data.config}.` : `Nothing to save: ${data.config} already says this.`, 'good');
  $('save-diff').hidden = !data.diff;
  $('save-diff').textContent = data.diff;
  document.querySelector('[data-action=run]').hidden = false;
});

document.querySelector('[data-action=run]').addEventListener('click', async () => {
  say('save-status', `Running ${state.saved} …`, 'busy');
  const { ok, data } = await api('/api/run', { section: state.saved }, { write: true });
  if (!ok) { say('save-status', data.error, 'error'); return; }
  if (data.queued) say('save-status', 'Asked watch to run it now: see the dashboard.', 'good');
  else if (data.status === 'ok') say('save-status', `Done: ${data.found} found, ${data.new} new, ${data.kept} in the feed. See it on the dashboard.`, 'good');
  else say('save-status', `The run failed: ${data.reason}`, 'error');
});

// --- opening an existing section ---------------------------------------------------------------
const params = new URLSearchParams(location.search);
if (params.get('section')) {
  const key = params.get('section');
  api('/api/sections').then(({ ok, data }) => {
    const found = ok && data.sections.find((s) => s.id === key);
    if (!found) { say('status', `No section ${key} in the config.`, 'error'); return; }
    state.editing = key;
    state.editUrl = found.url;
    const [site, section] = key.split('/');
    $('site-id').value = site;
    $('section-id').value = section;
    $('section-title').value = found.title;
    $('language').value = found.config.language || '';
    $('timezone').value = found.config.timezone || '';
    $('pages').value = found.config.pages || 1;
    document.querySelector('input[name=url]').value = found.url;
    state.initial = { language: found.config.language || null, timezone: found.config.timezone || null, fullText: found.config.full_text };
    $('full-text').checked = Boolean(found.config.full_text);
    say('status', `Editing ${key}: last success ${when(found.last_success)}.`);
    load(found.url, found.config.render, found.config.items);
  });
} else if (params.get('url')) {
  document.querySelector('input[name=url]').value = params.get('url');
  load(params.get('url'), params.get('render') || 'http');
}
