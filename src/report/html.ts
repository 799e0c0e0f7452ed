// One self-contained HTML page of a trace (no network, no server): swimlanes, one per
// thread that takes a step, with a row per step; clicking a row (or moving with the arrow
// keys) shows the full state after that step, with the parts the step changed marked. The
// page opens at the top, wraps long values and fits a phone's width (the state panel goes
// below the lanes there).

import { changesOf, showChange } from './changes.ts';
import { activeThreads, callOf, headline, type TraceView } from './view.ts';

const esc = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** JSON that can sit inside a <script> element. */
const scriptJson = (x: unknown) =>
  JSON.stringify(x).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d1d1f; }
h1 { font-size: 1.2em; margin: 0 0 .3em; overflow-wrap: anywhere; }
.meta { color: #555; margin-bottom: 1em; overflow-wrap: anywhere; }
.layout { display: flex; gap: 1.5em; align-items: flex-start; }
.lanes-box { flex: 0 1 auto; min-width: 0; max-width: 100%; overflow-x: auto; }
table.lanes { border-collapse: collapse; }
.lanes th { background: #f0f0f3; padding: .3em .8em; text-align: left; position: sticky; top: 0; }
.lanes td { padding: .25em .8em; border-left: 1px solid #ddd; vertical-align: top; font-family: ui-monospace, monospace; font-size: 13px; overflow-wrap: anywhere; }
.lanes td.n { color: #888; text-align: right; border-left: none; overflow-wrap: normal; white-space: nowrap; }
.lanes tr.step { cursor: pointer; }
.lanes tr.step:hover { background: #f6f8ff; }
.lanes tr.selected { background: #dbe5ff; box-shadow: inset 3px 0 #3b63d8; }
.lanes .call { font-weight: 600; }
.lanes .changes { color: #555; font-size: 12px; }
tr.violation td { background: #fde8e8; color: #9b1c1c; font-family: system-ui, sans-serif; font-weight: 600; }
.state { flex: 1 1 20em; min-width: 0; font-family: ui-monospace, monospace; font-size: 13px; border: 1px solid #ddd; padding: .5em 1em; position: sticky; top: 1em; max-height: 90vh; overflow: auto; overflow-wrap: anywhere; }
@media (max-width: 50em) {
  body { margin: .8em; }
  .layout { flex-direction: column; }
  .lanes-box, .state { width: 100%; box-sizing: border-box; }
  .state { position: static; max-height: none; }
}
.state h2 { font: 600 14px system-ui, sans-serif; margin: .2em 0 .5em; }
.state ul { list-style: none; margin: 0; padding-left: 1.2em; }
.state > ul { padding-left: 0; }
.state .key { color: #6a3d9a; }
.state .changed > .entry { background: #fff3b0; outline: 1px solid #e0b400; }
.state .inner > .entry > .key { text-decoration: underline dotted #e0b400; }
.state .was { color: #777; margin-left: .5em; font-style: italic; }
`;

// The page's script: render a state as a tree, marking changed paths and their ancestors.
const SCRIPT = `
const data = JSON.parse(document.getElementById('kmc-data').textContent);
const panel = document.getElementById('state');
const same = (a, b) => a.length === b.length && a.every((x, i) => String(x) === String(b[i]));
const prefix = (p, q) => p.length < q.length && p.every((x, i) => String(x) === String(q[i]));
function show(v) { return v === null ? 'null' : typeof v === 'object' ? '' : JSON.stringify(v); }
function tree(value, path, changed, before) {
  const ul = document.createElement('ul');
  for (const [k, v] of Object.entries(value)) {
    const p = [...path, Array.isArray(value) ? Number(k) : k];
    const li = document.createElement('li');
    if (changed.some((c) => same(c, p))) li.className = 'changed';
    else if (changed.some((c) => prefix(p, c))) li.className = 'inner';
    const entry = document.createElement('span');
    entry.className = 'entry';
    entry.innerHTML = '<span class="key"></span>: <span class="value"></span>';
    entry.querySelector('.key').textContent = k;
    entry.querySelector('.value').textContent = show(v) || (Array.isArray(v) ? '[' + v.length + ']' : '{}');
    li.appendChild(entry);
    if (li.className === 'changed' && before !== undefined) {
      let b = before;
      for (const x of p) b = b === undefined || b === null ? undefined : b[x];
      const was = document.createElement('span');
      was.className = 'was';
      was.textContent = b === undefined ? '(new)' : 'was ' + (show(b) || JSON.stringify(b));
      li.appendChild(was);
    }
    if (v !== null && typeof v === 'object') li.appendChild(tree(v, p, changed, before));
    ul.appendChild(li);
  }
  return ul;
}
// keep the page where it is: scroll only the panel, and only when a step is picked
function select(i, scroll) {
  document.querySelectorAll('tr.step').forEach((r) => r.classList.toggle('selected', Number(r.dataset.index) === i));
  const s = data.states[i];
  panel.replaceChildren();
  const h = document.createElement('h2');
  h.textContent = i === 0 ? 'initial state' : 'state after step ' + i + ': ' + data.steps[i - 1].thread + ' ' + data.steps[i - 1].call;
  panel.appendChild(h);
  panel.appendChild(tree(s, [], i === 0 ? [] : data.steps[i - 1].paths, i === 0 ? undefined : data.states[i - 1]));
  panel.dataset.index = String(i);
  const first = panel.querySelector('li.changed');
  if (scroll && first && panel.scrollHeight > panel.clientHeight) panel.scrollTop = Math.max(0, first.offsetTop - panel.clientHeight / 3);
}
let current = data.states.length - 1;
document.querySelectorAll('tr.step').forEach((r) => r.addEventListener('click', () => select((current = Number(r.dataset.index)), true)));
document.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'j') select((current = Math.min(data.states.length - 1, current + 1)), true);
  if (e.key === 'ArrowUp' || e.key === 'k') select((current = Math.max(0, current - 1)), true);
});
select(current, false);
`;

export function renderHtml(view: TraceView): string {
  const { trace } = view;
  const threads = view.threadNames;
  // a lane for each thread that steps; the state panel still shows every thread
  const lanes = activeThreads(view);
  const stepRows = view.steps.map((s, i) => {
    const changes = changesOf(s.patches, s.before, s.after, view.threadNames).map(showChange);
    const cells = lanes.map((t) =>
      t === s.thread
        ? `<td class="lane" data-thread="${esc(t)}"><div class="call">${esc(callOf(s))}</div>${changes.length ? `<div class="changes">${changes.map(esc).join('<br>')}</div>` : ''}</td>`
        : '<td class="lane"></td>',
    );
    return `<tr class="step" data-index="${i + 1}"><td class="n">${i + 1}</td>${cells.join('')}</tr>`;
  });
  const data = {
    threads,
    steps: view.steps.map((s) => ({ thread: s.thread, call: callOf(s), paths: s.patches.map((p) => p.path) })),
    // named threads read better than an index
    states: [view.initial, ...view.steps.map((s) => s.after)].map((st) => ({
      world: st.world,
      threads: Object.fromEntries(st.threads.map((t, i) => [threads[i] ?? `#${i}`, t])),
      faults: st.faults,
    })),
  };
  // the patches address threads by index; the page shows them by name
  for (const s of data.steps)
    s.paths = s.paths.map((p) =>
      p[0] === 'threads' && typeof p[1] === 'number' ? ['threads', threads[p[1]] ?? `#${p[1]}`, ...p.slice(2)] : p,
    );
  const { property, message } = trace.violation;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`kmc: ${trace.model} ${trace.variant}: ${property}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(headline(view))}</h1>
<div class="meta">fingerprint ${esc(trace.fingerprint)} · params ${esc(JSON.stringify(trace.params)).replaceAll(',', ',<wbr>')} · click a step (or use ↑ ↓) to see the state after it</div>
<div class="layout">
<div class="lanes-box">
<table class="lanes">
<thead><tr><th>#</th>${lanes.map((t) => `<th>${esc(t)}</th>`).join('')}</tr></thead>
<tbody>
<tr class="step" data-index="0"><td class="n">0</td><td colspan="${lanes.length}"><em>initial state</em></td></tr>
${stepRows.join('\n')}
<tr class="violation"><td class="n">✗</td><td colspan="${lanes.length}" id="violation">${esc(`${property}: ${message}`)}</td></tr>
</tbody>
</table>
</div>
<div class="state" id="state"></div>
</div>
<script type="application/json" id="kmc-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
