/**
 * Error Log panel (webview side): filter controls, search, stats header, a virtualized table
 * (only visible rows are in the DOM), row details, export, clear, replay, live updates.
 * Plain DOM, themed by --vscode-* variables. The host holds the state: this page renders what
 * the host sends and reports user intent back.
 */
import type { LogEntry } from '../../core/log/types';
import type { HostToWebview, LogFilter, LogRow, LogStats, Notice, WebviewToHost } from './protocol';
import { QUICK_RANGES } from './protocol';
import { STATUS_CLASSES } from '../../core/log/query';
import { navigate, scrollToReveal, visibleWindow } from './virtual';

declare function acquireVsCodeApi(): { postMessage(msg: unknown): void };
const vscodeApi = acquireVsCodeApi();
const send = (m: WebviewToHost): void => vscodeApi.postMessage(m);

// ---- DOM helpers ----------------------------------------------------------------------------
type Attrs = Record<string, string | boolean | number | undefined>;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- local mirror of the host's state ---------------------------------------------------------
let rows: LogRow[] = [];
let stats: LogStats | null = null;
let totalAll = 0;
let skipped = 0;
let filter: LogFilter = {};
let errorTypes: string[] = [];
let selectedId: string | null = null;
let activeIndex = -1;
let busy: string | null = null;
let loaded = false;
let partial = false;
const metricsSent = { first: false, full: false };
let rowH = 24;
let headerH = 24;

const COLUMNS = ['Time', 'Status', 'Error type', 'Message', 'Model', 'Try', 'Latency', 'Request id'] as const;

// ---- layout ---------------------------------------------------------------------------------
function build(): void {
  const app = $('app');
  app.removeAttribute('aria-live'); // the stats line and notices announce themselves
  const statusButtons = STATUS_CLASSES.map((s) =>
    h('button', { class: 'toggle', type: 'button', 'data-status': s.token, 'aria-pressed': 'false', title: `Show ${s.label}` }, s.label));
  app.append(
    h('div', { class: 'toolbar' },
      h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' },
        h('div', { class: 'status-group', role: 'group', 'aria-label': 'Status' }, ...statusButtons),
        h('label', { class: 'field' }, h('span', { class: 'label' }, 'Error type'),
          h('select', { id: 'etype' }, h('option', { value: '' }, 'All'))),
        h('label', { class: 'field' }, h('span', { class: 'label' }, 'Time'),
          h('select', { id: 'range' }, ...QUICK_RANGES.map((r) => h('option', { value: r.id }, r.label)), h('option', { value: 'custom' }, 'Custom…'))),
        h('span', { id: 'custom', class: 'custom', hidden: true },
          h('label', { class: 'field' }, h('span', { class: 'label' }, 'From'), h('input', { id: 'from', type: 'datetime-local', step: '1' })),
          h('label', { class: 'field' }, h('span', { class: 'label' }, 'To'), h('input', { id: 'to', type: 'datetime-local', step: '1' }))),
        h('span', { id: 'run-chip', class: 'run-chip', hidden: true }),
        h('input', { id: 'q', type: 'search', placeholder: 'Search message, type, request id, model… ("exact phrase")', 'aria-label': 'Search the log', spellcheck: 'false' }),
        h('button', { id: 'reset', type: 'button', class: 'secondary' }, 'Reset filters')),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Log actions' },
        h('button', { id: 'refresh', type: 'button', class: 'secondary', title: 'Read entries written by other windows' }, 'Refresh'),
        h('button', { id: 'export-json', type: 'button', title: 'Export the filtered entries as JSON' }, 'Export JSON'),
        h('button', { id: 'export-csv', type: 'button', title: 'Export the filtered entries as CSV' }, 'Export CSV'),
        h('button', { id: 'open-folder', type: 'button', class: 'secondary', title: 'Reveal the log file' }, 'Reveal file'),
        h('button', { id: 'clear', type: 'button', class: 'secondary danger' }, 'Clear log…'))),
    h('div', { id: 'notice', class: 'notice', role: 'status', hidden: true }),
    h('div', { id: 'stats', class: 'stats', role: 'status', 'aria-live': 'polite' }, 'Loading the error log…'),
    h('div', { id: 'empty', class: 'empty', role: 'status', hidden: true }),
    h('div', { class: 'main' },
      h('div', { id: 'grid', class: 'grid', role: 'grid', tabindex: '0', 'aria-label': 'Error log entries, newest first', 'aria-rowcount': '1', 'aria-colcount': String(COLUMNS.length) },
        h('div', { class: 'row header', role: 'row', 'aria-rowindex': '1' },
          ...COLUMNS.map((c, i) => h('div', { class: `cell c${i}`, role: 'columnheader' }, c))),
        h('div', { id: 'spacer', class: 'spacer', role: 'rowgroup' }, h('div', { id: 'rows', class: 'rows' }))),
      h('aside', { id: 'details', class: 'details', hidden: true, 'aria-label': 'Entry details', tabindex: '-1' })),
  );

  for (const b of statusButtons) b.addEventListener('click', () => toggleStatus(b.dataset.status!));
  $('etype').addEventListener('change', () => {
    const v = $<HTMLSelectElement>('etype').value;
    setFilter({ ...filter, errorTypes: v ? [v] : undefined });
  });
  $('range').addEventListener('change', onRangeChange);
  $('from').addEventListener('change', onCustomRange);
  $('to').addEventListener('change', onCustomRange);
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  $('q').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => setFilter({ ...filter, text: $<HTMLInputElement>('q').value || undefined }), 200);
  });
  $('q').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      clearTimeout(searchTimer);
      setFilter({ ...filter, text: $<HTMLInputElement>('q').value || undefined });
    } else if (e.key === 'ArrowDown' && rows.length) {
      e.preventDefault();
      $('grid').focus();
      setActive(Math.max(0, activeIndex));
    }
  });
  $('reset').addEventListener('click', () => setFilter({}));
  $('refresh').addEventListener('click', () => send({ type: 'refresh' }));
  $('export-json').addEventListener('click', () => send({ type: 'export', format: 'json' }));
  $('export-csv').addEventListener('click', () => send({ type: 'export', format: 'csv' }));
  $('open-folder').addEventListener('click', () => send({ type: 'openFolder' }));
  $('clear').addEventListener('click', () => send({ type: 'clear' }));

  const grid = $('grid');
  grid.addEventListener('scroll', onScroll, { passive: true });
  grid.addEventListener('keydown', onGridKey);
  grid.addEventListener('focus', () => {
    if (activeIndex < 0 && rows.length) setActive(0, false);
  });
  $('rows').addEventListener('click', (e) => {
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
    if (!rowEl?.dataset.index) return;
    setActive(Number(rowEl.dataset.index));
    grid.focus();
  });
  $('details').addEventListener('keydown', onDetailsKey);
  new ResizeObserver(() => render(true)).observe(grid);
  measure();
}

/** Row and header heights follow the user's font size: measure instead of assuming. */
function measure(): void {
  const header = document.querySelector<HTMLElement>('.row.header');
  const probe = makeRowEl();
  $('rows').append(probe);
  const r = probe.getBoundingClientRect().height;
  probe.remove();
  if (r > 0) rowH = r;
  if (header) headerH = header.getBoundingClientRect().height || headerH;
}

// ---- filters --------------------------------------------------------------------------------
function setFilter(f: LogFilter): void {
  // Drop empty members so the host sees a clean filter.
  const clean: LogFilter = {};
  if (f.statuses?.length) clean.statuses = f.statuses;
  if (f.errorTypes?.length) clean.errorTypes = f.errorTypes;
  if (typeof f.from === 'number') clean.from = f.from;
  if (typeof f.to === 'number') clean.to = f.to;
  if (typeof f.sinceMs === 'number') clean.sinceMs = f.sinceMs;
  if (f.text?.trim()) clean.text = f.text;
  if (f.runId) clean.runId = f.runId;
  if (f.target) clean.target = f.target;
  filter = clean;
  syncControls();
  send({ type: 'setFilter', filter: clean });
}

function toggleStatus(token: string): void {
  const cur = new Set(filter.statuses ?? []);
  if (cur.has(token)) cur.delete(token);
  else cur.add(token);
  setFilter({ ...filter, statuses: [...cur] });
}

function onRangeChange(): void {
  const id = $<HTMLSelectElement>('range').value;
  $('custom').hidden = id !== 'custom';
  if (id === 'custom') {
    onCustomRange();
    $('from').focus();
    return;
  }
  const r = QUICK_RANGES.find((q) => q.id === id);
  setFilter({ ...filter, from: undefined, to: undefined, sinceMs: r?.ms ?? undefined });
}

function onCustomRange(): void {
  const parse = (id: string) => {
    const v = $<HTMLInputElement>(id).value;
    const t = v ? new Date(v).getTime() : NaN;
    return Number.isFinite(t) ? t : undefined;
  };
  setFilter({ ...filter, sinceMs: undefined, from: parse('from'), to: parse('to') });
}

function toLocalInput(ms: number | undefined): string {
  if (typeof ms !== 'number') return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

/** Controls show the current filter (after a restore, or a filter set from details). */
function syncControls(): void {
  const statuses = new Set(filter.statuses ?? []);
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.toggle')) {
    b.setAttribute('aria-pressed', String(statuses.has(b.dataset.status!)));
  }
  const sel = $<HTMLSelectElement>('etype');
  const want = filter.errorTypes?.[0] ?? '';
  const types = [...new Set([...errorTypes, ...(want ? [want] : [])])].sort();
  const current = [...sel.options].slice(1).map((o) => o.value);
  if (current.join('\u0000') !== types.join('\u0000')) {
    sel.replaceChildren(h('option', { value: '' }, 'All'), ...types.map((t) => h('option', { value: t }, t)));
  }
  sel.value = want;
  const range = $<HTMLSelectElement>('range');
  if (typeof filter.from === 'number' || typeof filter.to === 'number') {
    range.value = 'custom';
    $('custom').hidden = false;
    if (document.activeElement !== $('from')) $<HTMLInputElement>('from').value = toLocalInput(filter.from);
    if (document.activeElement !== $('to')) $<HTMLInputElement>('to').value = toLocalInput(filter.to);
  } else if (range.value !== 'custom' || typeof filter.sinceMs === 'number') {
    range.value = QUICK_RANGES.find((q) => q.ms === (filter.sinceMs ?? null))?.id ?? 'all';
    $('custom').hidden = true;
  }
  const q = $<HTMLInputElement>('q');
  if (document.activeElement !== q) q.value = filter.text ?? '';
  const chip = $('run-chip');
  chip.replaceChildren();
  chip.hidden = !filter.runId;
  if (filter.runId) {
    const x = h('button', { type: 'button', class: 'icon', 'aria-label': 'Show every run', title: 'Show every run' }, '✕');
    x.addEventListener('click', () => setFilter({ ...filter, runId: undefined }));
    chip.append(h('span', {}, `Run ${filter.runId}`), x);
  }
}

// ---- table ----------------------------------------------------------------------------------
const pool: HTMLElement[] = [];
let lastWindow = { start: -1, end: -1 };
let renderQueued = false;
let viewStateTimer: ReturnType<typeof setTimeout> | undefined;

function makeRowEl(): HTMLElement {
  const el = h('div', { class: 'row', role: 'row' });
  for (let i = 0; i < COLUMNS.length; i++) el.append(h('div', { class: `cell c${i}`, role: 'gridcell' }));
  return el;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
/** Today: the time only; other days: the date, then the time. */
function fmtTime(ts: number): string {
  const d = new Date(ts);
  const now = new Date();
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? timeFmt.format(d) : `${dateFmt.format(d)} ${timeFmt.format(d)}`;
}
function chipClass(r: LogRow): string {
  if (r.ok) return 'ok';
  if (r.status === null) return 'network';
  return r.retryable ? 'retryable' : 'fatal';
}
function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function fillRow(el: HTMLElement, r: LogRow, index: number): void {
  el.id = `row-${index}`;
  el.dataset.index = String(index);
  el.setAttribute('aria-rowindex', String(index + 2));
  el.setAttribute('aria-selected', String(r.id === selectedId));
  el.classList.toggle('active', index === activeIndex);
  el.classList.toggle('unsaved', !!r.unsaved);
  const c = el.children as HTMLCollectionOf<HTMLElement>;
  c[0]!.textContent = fmtTime(r.ts);
  c[0]!.title = new Date(r.ts).toISOString();
  const chip = c[1]!.firstElementChild as HTMLElement | null ?? c[1]!.appendChild(h('span'));
  chip.className = `chip ${chipClass(r)}`;
  chip.textContent = r.statusKey;
  c[2]!.textContent = r.errorType ?? (r.ok ? '' : r.category);
  c[3]!.textContent = r.unsaved ? `(not saved) ${r.message}` : r.message;
  c[3]!.title = r.message;
  c[4]!.textContent = r.model;
  c[5]!.textContent = `#${r.attempt}`;
  c[6]!.textContent = fmtMs(r.latencyMs);
  c[7]!.textContent = r.requestId ?? '';
}

function onScroll(): void {
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render(false);
    });
  }
  clearTimeout(viewStateTimer);
  viewStateTimer = setTimeout(() => send({ type: 'viewState', scrollTop: $('grid').scrollTop }), 250);
}

/** Renders the rows in view (plus overscan), reusing a small pool of row elements. */
function render(force: boolean): void {
  const grid = $('grid');
  const rowsEl = $('rows');
  $('spacer').style.height = `${rows.length * rowH}px`;
  grid.setAttribute('aria-rowcount', String(rows.length + 1));
  const w = visibleWindow(grid.scrollTop, grid.clientHeight - headerH, rowH, rows.length);
  if (!force && w.start === lastWindow.start && w.end === lastWindow.end) return;
  lastWindow = { start: w.start, end: w.end };
  rowsEl.style.transform = `translateY(${w.offset}px)`;
  const n = w.end - w.start;
  while (pool.length < n) pool.push(makeRowEl());
  for (let i = 0; i < n; i++) {
    const el = pool[i]!;
    fillRow(el, rows[w.start + i]!, w.start + i);
    if (el.parentNode !== rowsEl || rowsEl.children[i] !== el) rowsEl.insertBefore(el, rowsEl.children[i] ?? null);
  }
  while (rowsEl.children.length > n) rowsEl.lastElementChild!.remove();
  if (activeIndex >= w.start && activeIndex < w.end) grid.setAttribute('aria-activedescendant', `row-${activeIndex}`);
  else grid.removeAttribute('aria-activedescendant');
  renderEmpty();
}

function renderEmpty(): void {
  const empty = $('empty');
  empty.replaceChildren();
  empty.hidden = rows.length > 0 || !loaded;
  if (!empty.hidden) {
    if (partial) {
      empty.append(h('p', { class: 'muted' }, 'Loading the error log…'));
    } else if (totalAll === 0) {
      empty.append(h('p', {}, 'No entries yet.'),
        h('p', { class: 'muted' }, 'Every attempt of every connection test is logged here: run "Claude Doctor: Test Connection" to add some.'));
    } else {
      const b = h('button', { type: 'button', class: 'secondary' }, 'Reset filters');
      b.addEventListener('click', () => setFilter({}));
      empty.append(h('p', {}, `No entries match the filter (${totalAll.toLocaleString()} in the log).`), b);
    }
  }
}

function setActive(index: number, select = true): void {
  if (!rows.length) return;
  activeIndex = Math.max(0, Math.min(rows.length - 1, index));
  const grid = $('grid');
  grid.scrollTop = scrollToReveal(activeIndex, grid.scrollTop, grid.clientHeight, rowH, headerH);
  if (select) selectRow(rows[activeIndex]!.id);
  render(true);
}

let selectTimer: ReturnType<typeof setTimeout> | undefined;
function selectRow(id: string | null): void {
  selectedId = id;
  clearTimeout(selectTimer);
  // Holding an arrow key should not flood the host: ask for details once the cursor rests.
  selectTimer = setTimeout(() => send({ type: 'select', id }), id ? 60 : 0);
  if (!id) renderDetails(null);
}

function onGridKey(e: KeyboardEvent): void {
  const grid = $('grid');
  const page = Math.max(1, Math.floor((grid.clientHeight - headerH) / rowH) - 1);
  const next = navigate(e.key, activeIndex, rows.length, page);
  if (next !== null) {
    e.preventDefault();
    setActive(next);
    return;
  }
  if (e.key === 'Enter' && activeIndex >= 0) {
    e.preventDefault();
    selectRow(rows[activeIndex]!.id);
    const d = $('details');
    if (!d.hidden) d.focus();
  } else if (e.key === 'Escape' && selectedId) {
    e.preventDefault();
    selectRow(null);
    render(true);
  }
}

// ---- stats and notices ----------------------------------------------------------------------
function renderStats(): void {
  const el = $('stats');
  el.replaceChildren();
  if (!stats) return;
  const s = stats;
  const parts: (Node | string)[] = [];
  const shown = s.total === totalAll ? `${totalAll.toLocaleString()} entries` : `${s.total.toLocaleString()} of ${totalAll.toLocaleString()} entries`;
  parts.push(h('strong', {}, partial ? `Loading… showing the newest ${rows.length.toLocaleString()} entries` : shown));
  const statuses = Object.entries(s.byStatus).sort((a, b) => b[1] - a[1]);
  if (statuses.length) {
    const list = h('span', { class: 'by-status' });
    for (const [k, n] of statuses.slice(0, 8)) list.append(h('span', { class: 'stat', title: `${n} attempts with status ${k}` }, h('span', { class: 'k' }, k), ` ${n.toLocaleString()}`));
    parts.push(list);
  }
  const rate = s.retrySuccessRate === null ? '–' : `${Math.round(s.retrySuccessRate * 100)}%`;
  const filtered = s.total !== totalAll;
  parts.push(h('span', { class: 'retry-stat', title: `Runs that succeeded after at least one retry, of the runs that needed a retry. Over whole runs: every attempt of ${filtered ? 'each run with an entry shown' : 'each run'}, so a filter does not hide a run's final success.` },
    `Retry success ${rate}`, h('span', { class: 'muted' }, ` (${s.runsRecovered}/${s.runsRetried} ${filtered ? 'whole runs' : 'runs'})`)));
  parts.push(h('span', { title: 'Attempt latency percentiles' }, `p50 ${fmtMs(s.p50LatencyMs)} · p95 ${fmtMs(s.p95LatencyMs)}`));
  if (skipped) parts.push(h('span', { class: 'warn', title: 'Damaged lines (e.g. torn by a crash) were skipped' }, `${skipped} damaged line${skipped === 1 ? '' : 's'} skipped`));
  el.append(...parts.flatMap((p, i) => (i ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), p] : [p])));
}

function renderNotice(n: Notice): void {
  const el = $('notice');
  el.replaceChildren();
  el.hidden = !n;
  if (!n) return;
  el.className = `notice ${n.level}`;
  el.setAttribute('role', n.level === 'error' ? 'alert' : 'status');
  const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', title: 'Dismiss' }, '✕');
  close.addEventListener('click', () => renderNotice(null));
  el.append(h('span', {}, n.text), close);
}

function renderBusy(): void {
  for (const id of ['export-json', 'export-csv', 'clear', 'refresh']) {
    ($(id) as HTMLButtonElement).disabled = busy !== null;
  }
  const replay = document.getElementById('replay') as HTMLButtonElement | null;
  if (replay) {
    replay.disabled = busy !== null;
    replay.textContent = busy === 'replay' ? 'Replaying…' : 'Replay request';
  }
  document.body.setAttribute('aria-busy', String(busy !== null));
}

// ---- details --------------------------------------------------------------------------------
function renderDetails(entry: LogEntry | null): void {
  const el = $('details');
  el.replaceChildren();
  el.hidden = !entry;
  document.querySelector('.main')!.classList.toggle('with-details', !!entry);
  if (!entry) return;
  const e = entry;
  const dl = h('dl');
  const add = (k: string, v: string | number | boolean | null | undefined, mono = false) => {
    if (v === null || v === undefined || v === '') return;
    dl.append(h('dt', {}, k), h('dd', mono ? { class: 'mono' } : {}, String(v)));
  };
  add('Time', `${new Date(e.ts).toLocaleString()} (${new Date(e.ts).toISOString()})`);
  add('Status', e.status ?? (e.category === 'stream_error' ? 'error inside a 200 stream' : 'no HTTP status (transport)'));
  add('Error type', e.errorType, true);
  add('Error code', e.errorCode, true);
  add('Category', e.category);
  add('Retryable', e.retryable ? 'yes' : 'no');
  add('Request id', e.requestId, true);
  add('Latency', fmtMs(e.latencyMs));
  if (e.backoffPlannedMs !== undefined) add('Backoff', `${fmtMs(e.backoffPlannedMs)} planned, ${fmtMs(e.backoffActualMs)} actual${e.backoffReason ? ` (${e.backoffReason})` : ''}`);
  add('Run', e.runId, true);
  add('Attempt', e.attempt);
  const where = e.target === 'simulator' ? `simulator${e.scenario && !e.proxy ? ` (${e.scenario})` : ''}` : 'Claude API';
  add('Target', e.proxy ? `your app, through the Claude Doctor proxy → ${where}` : where);
  if (e.proxy) {
    add('Request', `${e.proxy.method} ${e.proxy.path}`, true);
    add('Injected fault', e.proxy.injected, true);
    add('App retry count', e.proxy.retryCount);
    if (e.proxy.firstByteMs !== null) add('First byte', fmtMs(e.proxy.firstByteMs));
    add('Proxy saw', e.proxy.failure ?? (e.proxy.clientAborted ? 'the app went away before the answer ended' : null));
  }
  add('Base URL', e.baseUrl, true);
  add('Model', e.model, true);
  add('Streaming', e.stream ? 'yes' : 'no');
  if (e.rateLimit) {
    const u = e.rateLimit.unified;
    if (u) {
      add('Rate limit: unified', `${u.status ?? '?'}${u.reset ? `, resets ${u.reset}` : ''}`);
      for (const w of u.windows) {
        add(`Rate limit: unified ${w.window}`, `${w.utilization !== undefined ? `${Math.round(w.utilization * 100)}% used` : '?'}${w.status ? ` (${w.status})` : ''}${w.reset ? `, resets ${w.reset}` : ''}`);
      }
    }
    for (const [k, w] of Object.entries(e.rateLimit)) {
      if (!w || k === 'unified') continue;
      add(`Rate limit: ${k}`, `${w.remaining ?? '?'} of ${w.limit ?? '?'} left${w.reset ? `, resets ${w.reset}` : ''}`);
    }
  }
  if (!e.proxy || e.request.maxTokens > 0) add(e.proxy ? 'max_tokens' : 'Request', `${e.proxy ? '' : 'max_tokens '}${e.request.maxTokens}${e.request.stream && !e.proxy ? ', streaming' : ''}`);
  // The app's own request (seen by the proxy) cannot be replayed: its body was not kept.
  const replay = e.proxy ? null : h('button', { id: 'replay', type: 'button' }, 'Replay request');
  replay?.addEventListener('click', () => send({ type: 'replay', id: e.id }));
  const copy = h('button', { type: 'button', class: 'secondary', disabled: !e.requestId }, 'Copy request id');
  copy.addEventListener('click', () => {
    if (!e.requestId) return;
    void navigator.clipboard.writeText(e.requestId).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy request id'), 1200);
    }, () => renderNotice({ level: 'warning', text: 'Could not copy to the clipboard.' }));
  });
  const run = h('button', { type: 'button', class: 'secondary' }, 'Show this run');
  run.addEventListener('click', () => setFilter({ ...filter, runId: e.runId }));
  const close = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Close details' }, 'Close');
  close.addEventListener('click', () => {
    selectRow(null);
    render(true);
    $('grid').focus();
  });
  const parts: (Node | null)[] = [
    h('h2', {}, `${e.status ?? (e.category === 'stream_error' ? 'stream' : 'transport')} ${e.errorType ?? (e.ok ? 'OK' : e.category)}`),
    e.message ? h('p', { class: 'message' }, e.message) : null,
    h('div', { class: 'buttons' }, ...(replay ? [replay] : []), copy, run, close),
    dl,
    e.request.prompt ? h('details', {}, h('summary', {}, 'Prompt'), h('pre', { class: 'mono' }, e.request.prompt)) : null,
  ];
  el.append(...parts.filter((p): p is Node => p !== null));
  renderBusy();
}

function onDetailsKey(ev: KeyboardEvent): void {
  if (ev.key === 'Escape') {
    ev.preventDefault();
    selectRow(null);
    render(true);
    $('grid').focus();
  }
}

// ---- messages from the host -----------------------------------------------------------------
let stateReceivedAt = 0;
/** The state on screen came with the page (not yet from a host message). */
let stateFromPage = false;

function applyState(m: Extract<HostToWebview, { type: 'state' }>, fromPage = false): void {
  stateReceivedAt = performance.now();
  stateFromPage = fromPage;
  loaded = true;
  partial = m.loading;
  rows = m.rows;
  stats = m.stats;
  totalAll = m.totalAll;
  skipped = m.skipped;
  errorTypes = m.errorTypes;
  filter = m.view.filter;
  selectedId = m.view.selectedId;
  activeIndex = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;
  if (activeIndex < 0 && selectedId) {
    selectedId = null;
    renderDetails(null);
  }
  syncControls();
  renderStats();
  renderNotice(m.notice);
  $('spacer').style.height = `${rows.length * rowH}px`;
  $('grid').scrollTop = m.view.scrollTop;
  render(true);
  if (rows.length || !partial) reportPaint('first');
  if (!partial) reportPaint('full');
}

window.addEventListener('message', (ev: MessageEvent<HostToWebview>) => {
  const m = ev.data;
  switch (m.type) {
    case 'state':
      applyState(m);
      break;
    case 'appended': {
      if (!m.rows.length) {
        stats = m.stats;
        totalAll = m.totalAll;
        renderStats();
        break;
      }
      const grid = $('grid');
      const atTop = grid.scrollTop < rowH / 2;
      rows = m.rows.concat(rows);
      if (activeIndex >= 0) activeIndex += m.rows.length;
      stats = m.stats;
      totalAll = m.totalAll;
      errorTypes = m.errorTypes;
      $('spacer').style.height = `${rows.length * rowH}px`;
      // Keep what the user is looking at still; at the top, new entries simply appear.
      if (!atTop) grid.scrollTop += m.rows.length * rowH;
      syncControls();
      renderStats();
      render(true);
      break;
    }
    case 'details':
      if (m.entry && m.entry.id !== selectedId) break; // an answer to an older selection
      renderDetails(m.entry);
      break;
    case 'notice':
      renderNotice(m.notice);
      break;
    case 'busy':
      busy = m.action;
      renderBusy();
      break;
  }
});

function reportPaint(phase: 'first' | 'full'): void {
  if (metricsSent[phase]) return;
  metricsSent[phase] = true;
  const received = stateReceivedAt;
  const fromPage = stateFromPage;
  requestAnimationFrame(() => {
    // After the frame with these rows: time since the page's navigation started, and since the
    // state message arrived. The mark lets a test read the same moment from the page.
    performance.mark(`claude-doctor:${phase}-rows`);
    setTimeout(() => send({
      type: 'metrics',
      phase,
      firstPaintMs: Math.round(performance.now()),
      renderMs: Math.round(performance.now() - received),
      rows: rows.length,
      renderedRows: $('rows').children.length,
      fromPage,
    }), 0);
  });
}

/** The newest entries the host put in the page itself: painted before the ready handshake. */
function initialState(): Extract<HostToWebview, { type: 'state' }> | undefined {
  const raw = $('app').dataset.initialState;
  if (!raw) return undefined;
  try {
    const m = JSON.parse(raw) as HostToWebview;
    return m && m.type === 'state' && Array.isArray(m.rows) ? m : undefined;
  } catch {
    return undefined; // the host sends the state again after ready
  }
}

const first = initialState();
build();
if (first) applyState(first, true);
send({ type: 'ready' });
