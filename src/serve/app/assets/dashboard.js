// The dashboard: every section's state at a glance, refreshed while `watch` runs.
import { api, el, when } from './common.js';

const list = document.getElementById('sections');
const summary = document.getElementById('summary');
const notice = document.getElementById('notice');
const LABELS = { ok: 'OK', failing: 'Failing', healed: 'Healed', never: 'Never run' };
const SVG = 'http://www.w3.org/2000/svg';

// Found and new items of the last runs as bars; failed runs in red.
function chart(runs) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 300 48');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  const failed = runs.filter((r) => r.status !== 'ok').length;
  svg.setAttribute('aria-label', `last ${runs.length} runs: ${failed} failed`);
  const most = Math.max(1, ...runs.map((r) => r.found));
  const width = 300 / 30;
  let last = 0;
  runs.slice(-30).forEach((run, i) => {
    const x = i * width + 1;
    const bar = (height, kind) => {
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', x);
      rect.setAttribute('width', width - 2);
      rect.setAttribute('y', 46 - height);
      rect.setAttribute('height', Math.max(height, 2));
      rect.setAttribute('rx', 1.5);
      rect.setAttribute('class', kind);
      const title = document.createElementNS(SVG, 'title');
      const what = run.status !== 'ok' ? 'failed' : run.unchanged ? 'page unchanged' : `${run.found} found, ${run.new} new`;
      title.textContent = `${when(run.at)}: ${what}`;
      rect.append(title);
      svg.append(rect);
    };
    if (run.status !== 'ok') bar(44, 'bar-failed');
    else if (run.unchanged) bar((last / most) * 44, 'bar-same');
    else {
      last = run.found;
      bar((run.found / most) * 44, 'bar-found');
      if (run.new > 0) bar((run.new / most) * 44, 'bar-new');
    }
  });
  return svg;
}

function card(section) {
  const facts = [
    ['Items in feed', section.items],
    ['Last success', when(section.last_success)],
    ['Next watch run', section.next_run ? when(section.next_run) : '—'],
  ];
  const published = section.last_success || section.items > 0;
  const links = [
    ...(published ? section.feeds.map((f) => el('a', { href: f.path }, f.format)) : []),
    published ? el('a', { href: section.page }, 'Read') : el('span', { class: 'muted' }, 'No feed yet'),
    el('a', { href: `/build?section=${encodeURIComponent(section.id)}`, class: 'edit' }, 'Edit'),
    el('button', { type: 'button', 'data-action': 'run', onclick: (e) => runNow(section.id, e.target) }, 'Run now'),
  ];
  return el('li', { class: `card ${section.status}`, 'data-section': section.id, 'data-status': section.status },
    el('div', { class: 'card-head' },
      el('span', { class: `pill ${section.status}` }, LABELS[section.status] || section.status),
      el('h2', {}, section.title),
      el('span', { class: 'id' }, section.id)),
    section.error ? el('p', { class: 'error' }, el('strong', {}, `${section.error.kind}: `), section.error.message) : null,
    section.warnings.length ? el('ul', { class: 'warnings' }, section.warnings.map((w) => el('li', {}, w))) : null,
    el('dl', { class: 'facts' }, facts.map(([k, v]) => el('div', {}, el('dt', {}, k), el('dd', {}, v)))),
    section.runs.length
      ? el('div', { class: 'chart-box' }, chart(section.runs),
        el('p', { class: 'legend' }, el('span', { class: 'key found' }), 'found ', el('span', { class: 'key new' }), 'new ', el('span', { class: 'key same' }), 'unchanged ', el('span', { class: 'key failed' }), 'failed'))
      : el('p', { class: 'muted' }, 'No runs yet.'),
    el('div', { class: 'links' }, links));
}

async function runNow(id, button) {
  button.disabled = true;
  button.textContent = 'Running…';
  const { data } = await api('/api/run', { section: id }, { write: true });
  button.textContent = data.error ? 'Failed' : data.queued ? 'Queued' : data.status === 'ok' ? `Done: ${data.new} new` : 'Failed';
  button.title = data.error || data.reason || '';
  refresh();
  setTimeout(() => { button.disabled = false; button.textContent = 'Run now'; }, 4000);
}

async function refresh() {
  const { ok, data } = await api('/api/sections');
  notice.replaceChildren();
  if (!ok) {
    notice.append(el('p', { class: 'error' }, data.error));
    return;
  }
  if (data.config_error) notice.append(el('p', { class: 'error' }, data.config_error));
  const sections = data.sections || [];
  const count = (s) => sections.filter((x) => x.status === s).length;
  summary.replaceChildren(
    el('h1', {}, sections.length ? 'Your feeds' : 'No feeds yet'),
    el('p', { class: 'counts' },
      el('span', { class: 'pill ok' }, `${count('ok')} ok`),
      el('span', { class: 'pill failing' }, `${count('failing')} failing`),
      el('span', { class: 'pill healed' }, `${count('healed')} healed`),
      el('span', { class: 'pill never' }, `${count('never')} never run`),
      el('a', { class: 'button primary', href: '/build' }, '+ Build a feed')));
  if (!sections.length) {
    notice.append(el('div', { class: 'empty' },
      el('p', {}, data.config_exists === false
        ? `There is no config file at ${data.config} yet. Build your first feed: saving it creates the file.`
        : `${data.config} has no sections yet.`),
      el('a', { class: 'button primary', href: '/build' }, 'Build your first feed')));
  }
  const order = sections.map((s) => s.id);
  list.replaceChildren(...order.map((id) => card(sections.find((s) => s.id === id))));
}

refresh();
setInterval(() => { if (!document.hidden) refresh(); }, 5000);
