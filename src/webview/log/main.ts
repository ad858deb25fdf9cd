/**
 * Error Log panel (webview side): filter controls, search, stats header, a virtualized table
 * (only visible rows are in the DOM), row details, export, clear, replay, live updates.
 * Plain DOM, themed by --vscode-* variables. The host holds the state: this page renders what
 * the host sends and reports user intent back.
 *
 * Here: the mirror of the host's state, filters, the table, and the host's messages. The skeleton
 * is layout.ts, the details pane details.ts, the stats line and notices summary.ts,
 * the filter controls filters.ts.
 */
import type { HostToWebview, LogFilter, LogRow, LogStats } from './protocol';
import { navigate, scrollToReveal, visibleWindow } from './virtual';
import { $, h, send } from './dom';
import { chipClass, fmtMs, fmtTime } from './format';
import { COLUMNS, buildLayout } from './layout';
import { onCustomRange, onRangeChange, syncControls } from './filters';
import { renderBusy as paintBusy, renderNotice, renderStats as paintStats } from './summary';
import { renderDetails as paintDetails, type DetailsHooks } from './details';

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

// ---- layout ---------------------------------------------------------------------------------
function build(): void {
  const statusButtons = buildLayout();

  for (const b of statusButtons) b.addEventListener('click', () => toggleStatus(b.dataset.status!));
  $('etype').addEventListener('change', () => {
    const v = $<HTMLSelectElement>('etype').value;
    setFilter({ ...filter, errorTypes: v ? [v] : undefined });
  });
  $('range').addEventListener('change', () => onRangeChange(filter, setFilter));
  $('from').addEventListener('change', () => onCustomRange(filter, setFilter));
  $('to').addEventListener('change', () => onCustomRange(filter, setFilter));
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
  syncControls(filter, errorTypes, setFilter);
  send({ type: 'setFilter', filter: clean });
}

function toggleStatus(token: string): void {
  const cur = new Set(filter.statuses ?? []);
  if (cur.has(token)) cur.delete(token);
  else cur.add(token);
  setFilter({ ...filter, statuses: [...cur] });
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

function onDetailsKey(ev: KeyboardEvent): void {
  if (ev.key === 'Escape') {
    ev.preventDefault();
    selectRow(null);
    render(true);
    $('grid').focus();
  }
}

// ---- the moved renderers, over this page's state ---------------------------------------------
function renderStats(): void {
  paintStats(stats, totalAll, rows.length, partial, skipped);
}
function renderBusy(): void {
  paintBusy(busy);
}
const detailsHooks: DetailsHooks = {
  showRun: (runId) => setFilter({ ...filter, runId }),
  close: () => {
    selectRow(null);
    render(true);
    $('grid').focus();
  },
  rendered: renderBusy,
};
function renderDetails(entry: Parameters<typeof paintDetails>[0]): void {
  paintDetails(entry, detailsHooks);
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
  syncControls(filter, errorTypes, setFilter);
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
      syncControls(filter, errorTypes, setFilter);
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
