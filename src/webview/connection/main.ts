/**
 * The connection panel (webview side): renders the host's `PanelState` — one live row per
 * attempt, an SVG timeline of attempts and backoff gaps, rate-limit headroom with reset
 * countdowns, the verdict in plain words, the status page, the 401 key checklist — and sends
 * user intents back. Plain DOM, no innerHTML with data, themed with --vscode-* variables only.
 * The host is the single source of truth: on (re)load we send `ready` and it answers with state.
 */
import { FAULT_WORDS, type AttemptView, type HostToWebview, type PanelState, type WebviewToHost } from './protocol';
import { aggregateRunning, persistable, renderAggregate } from './aggregate';
import { backoffRemainingMs, elapsedOfLimit, formatMs, headroom, statusLabel, timelineLayout, verdictView } from './model';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const SVG_NS = 'http://www.w3.org/2000/svg';

let state: PanelState | null = null;
/** host clock − local clock, so countdowns match the host's timers. */
let skewMs = 0;
const hostNow = () => Date.now() + skewMs;

type Child = Node | string | null | undefined | false;
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Text with `code` spans, as the API facts phrase things; never HTML. */
function richText(text: string): DocumentFragment {
  const f = document.createDocumentFragment();
  text.split(/(`[^`]+`)/).forEach((part) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) f.append(h('code', {}, part.slice(1, -1)));
    else if (part) f.append(part);
  });
  return f;
}

function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

/** Localized strings from the host (vscode.l10n.t of the English text); English by default. */
let strings: Record<string, string> = {};
function t(text: string, ...args: (string | number)[]): string {
  return (strings[text] ?? text).replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

function jitterText(kind: string): string {
  return kind === 'none' ? t('exponential, no jitter') : kind === 'sdk' ? t('SDK formula') : t('{0} jitter', kind);
}

// ---------------------------------------------------------------------------------------------
// Skeleton (built once, so the toolbar keeps focus across updates)

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
app.removeAttribute('aria-live'); // the verdict has its own live region; the whole app would chatter

/** Static elements whose text is re-applied when the localized strings arrive. */
const labelled: (() => void)[] = [];
const btn = (id: string, label: string, msg: WebviewToHost, cls = 'secondary', title?: string) => {
  const b = h('button', { id, class: cls, type: 'button', title: title ? t(title) : undefined });
  const apply = () => { b.textContent = t(label); if (title) b.title = t(title); };
  apply();
  labelled.push(apply);
  b.addEventListener('click', () => post(msg));
  return b;
};
function relabel(el: HTMLElement, attr: 'text' | 'aria-label', text: string): void {
  const apply = () => { if (attr === 'text') el.textContent = t(text); else el.setAttribute('aria-label', t(text)); };
  apply();
  labelled.push(apply);
}
const runAgainBtn = btn('run-again', 'Run again', { type: 'runAgain' }, '', 'Run the same test again');
const cancelBtn = btn('cancel', 'Cancel', { type: 'cancel' }, 'secondary', 'Cancel the running test (also: Claude Doctor: Cancel Test)');
const curlBtn = btn('copy-curl', 'Copy as cURL', { type: 'copyCurl' }, 'secondary', 'Copy the request as a curl command; the key stays $ANTHROPIC_API_KEY');
const logBtn = btn('open-log', 'Open log', { type: 'openLog' }, 'secondary', 'Open the Claude Doctor error log');
const statusBtn = btn('check-status', 'Check status page', { type: 'checkStatus' }, 'secondary', 'Read status.claude.com, or the simulator\'s status page when the simulator is the target');

const meta = h('p', { id: 'run-meta', class: 'muted' });
const toolbar = h('div', { class: 'toolbar', role: 'toolbar' }, runAgainBtn, cancelBtn, curlBtn, logBtn, statusBtn);
relabel(toolbar, 'aria-label', 'Connection test actions');
const verdict = h('section', { id: 'verdict', class: 'verdict', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'aria-labelledby': 'verdict-heading' });
const statusBox = h('section', { id: 'status-page', class: 'status-page' });
const aggregateBox = h('section', { id: 'aggregate', class: 'aggregate', hidden: true }); // storm aggregate (aggregate.ts)
const keyBox = h('section', { id: 'key-check', class: 'key-check' });
const timelineBox = h('section', { id: 'timeline', class: 'timeline' });
const attemptsBox = h('section', { id: 'attempts' });
const rateBox = h('section', { id: 'rate-limit', class: 'rate-limit' });
const notice = h('div', { id: 'notice', class: 'notice', role: 'status', 'aria-live': 'polite' });

const title = h('h1', {});
relabel(title, 'text', 'Claude connection');
relabel(statusBox, 'aria-label', 'Status page');
relabel(keyBox, 'aria-label', 'Key checklist');
relabel(timelineBox, 'aria-label', 'Timeline of attempts and backoff');
relabel(attemptsBox, 'aria-label', 'Attempts');
relabel(rateBox, 'aria-label', 'Rate-limit headroom');
app.append(
  h('header', { class: 'head' }, title, meta, toolbar),
  verdict, aggregateBox, statusBox, keyBox, timelineBox, attemptsBox, rateBox, notice,
);

// Links: the host opens them (only trusted documentation hosts).
document.addEventListener('click', (ev) => {
  const a = (ev.target as Element | null)?.closest?.('a[data-external]') as HTMLAnchorElement | null;
  if (!a) return;
  ev.preventDefault();
  post({ type: 'openDocs', url: a.href });
});

function link(url: string, text: string): HTMLAnchorElement {
  return h('a', { href: url, 'data-external': true }, text);
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderMeta(s: PanelState): void {
  const r = s.run;
  meta.textContent = r
    ? [
      r.target === 'simulator' ? t('Simulator, scenario "{0}"', r.scenario ?? 'ok') : t('API {0}', r.baseUrl),
      t('model {0}', r.model),
      r.stream ? t('streaming') : t('non-streaming'),
      t('auth {0}', r.authHeader === 'bearer' ? 'Authorization: Bearer' : 'x-api-key'),
      t('up to {0} retries, {1}', r.maxRetries, jitterText(r.jitter)),
      t('timeout {0} per attempt', formatMs(r.timeoutMs)),
    ].join(' · ')
    : t('No test has run yet in this window.');
  runAgainBtn.disabled = s.running;
  cancelBtn.disabled = !s.running && !aggregateRunning(s);
  curlBtn.disabled = !s.run;
}

function renderVerdict(s: PanelState): void {
  verdict.replaceChildren();
  const heading = h('h2', { id: 'verdict-heading' });
  if (!s.run) {
    heading.textContent = t('Ready');
    verdict.append(heading);
    if (s.keyState === 'none') {
      const setKey = btn('set-key', t('Set API Key'), { type: 'setKey' }, '');
      const sim = btn('run-sim', t('Try the simulator'), { type: 'runSimulator' }, 'secondary');
      verdict.append(
        h('p', {}, t('No API key is stored and ANTHROPIC_API_KEY is not set. Set one (it goes to VS Code Secret Storage), or try the built-in simulator: it needs no key and no network.')),
        h('div', { class: 'toolbar' }, setKey, sim),
      );
    } else {
      verdict.append(h('p', {}, t('Run "Claude Doctor: Test Claude Connection" or "Run again" to test.')));
    }
    verdict.className = 'verdict idle';
    return;
  }
  if (s.running || !s.result) {
    const last = s.attempts[s.attempts.length - 1];
    const waiting = last?.backoff?.state === 'waiting';
    heading.textContent = waiting ? t('Waiting before attempt {0}…', last!.attempt + 1) : t('Testing… attempt {0}', last?.attempt ?? 1);
    verdict.className = 'verdict running';
    verdict.append(heading);
    if (last && last.state === 'done' && !last.ok) {
      verdict.append(h('p', {}, t(last.retryable ? 'Attempt {0}: {1}, retrying.' : 'Attempt {0}: {1}.', last.attempt, `${statusLabel(last)}${last.errorType ? ` ${last.errorType}` : ''}`)));
    }
    return;
  }
  const r = s.result;
  const v = r.verdict;
  const view = verdictView(r);
  verdict.className = `verdict ${view.box}`;
  heading.append(h('span', { class: `chip ${view.chip}` }, /^\d+$/.test(view.chipText) ? view.chipText : t(view.chipText)), ' ', v.title);
  verdict.append(heading, h('p', { class: 'summary' }, richText(v.summary)));
  const dl = h('dl', {});
  for (const row of view.rows) {
    if (row === 'fault') dl.append(h('dt', {}, t('Whose fault')), h('dd', {}, t(FAULT_WORDS[v.fault] ?? v.fault)));
    else if (row === 'next') dl.append(h('dt', {}, t('What to do next')), h('dd', {}, richText(v.nextStep)));
    else if (v.explanation) dl.append(h('dt', {}, t('Why')), h('dd', {}, richText(v.explanation)));
  }
  dl.append(h('dt', {}, t('Attempts')), h('dd', {}, t('{0} in {1} (model {2})', r.attempts, formatMs(r.totalMs), r.model)));
  if (r.ok && r.textPreview) dl.append(h('dt', {}, t('Reply')), h('dd', {}, h('q', {}, r.textPreview)));
  verdict.append(dl);
  if (v.docsUrl && view.outcome === 'failed') verdict.append(h('p', {}, link(v.docsUrl, t('Documentation: {0}', v.title))));
}

function renderStatus(s: PanelState): void {
  const sp = s.statusPage;
  statusBox.replaceChildren();
  statusBox.hidden = sp.state === 'idle';
  if (sp.state === 'idle') return;
  const sim = sp.source === 'simulator';
  const title = h('h2', {}, sim ? t('Status page (simulator)') : t('Status page'));
  statusBox.append(title);
  if (sp.state === 'loading') statusBox.append(h('p', { class: 'muted' }, sim ? t('Reading the simulator\'s status page…') : t('Reading status.claude.com…')));
  else if (sp.state === 'disabled') statusBox.append(h('p', { class: 'muted' }, sp.message ?? t('Status page checks are turned off (claudeDoctor.statusPage).')));
  else if (sp.state === 'ok') {
    const ind = sp.indicator ?? 'unknown';
    statusBox.append(
      h('p', {}, h('span', { class: `chip status-${ind}` }, ind === 'none' ? t('operational') : t(ind)), ' ', sp.description ?? '',
        sp.fetchedAt ? h('span', { class: 'muted' }, ` ${t('(read {0})', new Date(sp.fetchedAt).toLocaleTimeString())}`) : null),
      h('p', { class: 'muted' }, sim
        ? t('Simulated for this scenario: the simulator is the target, so status.claude.com was not read.')
        : t('Context, not proof: 529 storms can happen while the page says operational.')),
    );
  } else {
    statusBox.append(h('p', {}, sp.message ?? t('The status page could not be read.')));
  }
  if (sp.pageUrl) statusBox.append(h('p', {}, link(sp.pageUrl, t('Open status.claude.com'))));
}

function renderKeyCheck(s: PanelState): void {
  keyBox.replaceChildren();
  const items = s.keyChecklist;
  keyBox.hidden = !items || items.length === 0;
  if (!items || items.length === 0) return;
  const list = h('ul', { class: 'checklist' });
  for (const i of items) {
    const mark = i.outcome === 'pass' ? '✓' : i.outcome === 'fail' ? '✗' : i.outcome === 'warn' ? '!' : 'i';
    list.append(h('li', { class: `check ${i.outcome}` },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, mark),
      h('span', { class: 'sr-only' }, `${i.outcome}: `),
      h('strong', {}, i.label), ' — ', i.detail));
  }
  keyBox.append(h('h2', {}, t('Key checklist (local, the key is never shown)')), list);
}

/** Why a wait lasted what it did, in words. */
function reasonText(reason: string): string {
  switch (reason) {
    case 'retry-after': return t('server retry-after');
    case 'retry-after-ms': return t('server retry-after-ms');
    case 'budget': return t('retry budget');
    case 'limiter': return t('queued for capacity (adaptive limiter)');
    case 'jitter': return jitterText(state?.run?.jitter ?? 'full');
    default: return reason;
  }
}

function backoffCell(a: AttemptView): HTMLElement {
  const b = a.backoff;
  if (!b) return h('td', { class: 'muted' }, a.state === 'done' && !a.ok ? t('none') : '');
  const cell = h('td', { class: `backoff ${b.state}` });
  cell.append(t('planned {0} ({1})', formatMs(b.plannedMs), reasonText(b.reason)));
  if (b.state === 'waiting') {
    const cd = h('span', { class: 'countdown', 'data-deadline': String(b.startedAt + b.plannedMs), role: 'timer', 'aria-live': 'off' });
    cd.textContent = ` — ${t('{0} left', formatMs(backoffRemainingMs(a, hostNow())))}`;
    cell.append(cd);
  } else if (b.actualMs !== null) {
    cell.append(`, ${t(b.state === 'cancelled' ? 'cancelled after {0}' : 'actual {0}', formatMs(b.actualMs))}`);
  }
  return cell;
}

function renderAttempts(s: PanelState): void {
  attemptsBox.replaceChildren();
  if (!s.run) return;
  const table = h('table', { class: 'attempts' });
  table.append(h('caption', { class: 'sr-only' }, t('One row per attempt')));
  table.append(h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, t('Status')), h('th', { scope: 'col' }, t('Error')),
    h('th', { scope: 'col' }, t('Message')), h('th', { scope: 'col' }, t('Request id')), h('th', { scope: 'col' }, t('Latency')),
    h('th', { scope: 'col' }, t('Backoff')))));
  const body = h('tbody', {});
  for (const a of s.attempts) {
    const reqCell = h('td', { class: 'mono' });
    if (a.requestId) {
      const copy = h('button', { class: 'secondary icon', type: 'button', 'data-fkey': `copy-${a.attempt}`, title: t('Copy request id'), 'aria-label': t('Copy request id of attempt {0}', a.attempt) }, t('Copy'));
      const id = a.requestId;
      copy.addEventListener('click', () => post({ type: 'copyRequestId', requestId: id }));
      reqCell.append(h('span', { class: 'reqid' }, a.requestId), ' ', copy);
    } else reqCell.append(h('span', { class: 'muted' }, a.state === 'running' ? '' : t('none')));
    const err = [a.errorType, a.errorCode].filter(Boolean).join(' / ');
    const msg = a.message ?? (a.ok ? t('OK') : '');
    body.append(h('tr', { class: `attempt ${a.chip}`, 'data-attempt': String(a.attempt) },
      h('td', {}, String(a.attempt), a.model !== s.run.model ? h('div', { class: 'muted small' }, a.model) : null),
      h('td', {}, h('span', { class: `chip ${a.chip}`, title: a.category ?? 'in flight' }, statusLabel(a))),
      h('td', { class: 'mono' }, err || (a.state === 'running' ? '' : '—')),
      h('td', { class: 'message' }, msg, a.partialTextLength ? h('div', { class: 'muted small' }, t('{0} characters had arrived', a.partialTextLength)) : null),
      reqCell,
      h('td', { class: 'num' }, a.latencyMs !== null ? formatMs(a.latencyMs) : h('span', { class: 'countdown-up', 'data-since': String(a.startedAt), 'data-limit': String(s.run.timeoutMs) }, t('{0} of {1}', ...elapsedOfLimit(a.startedAt, s.run.timeoutMs, hostNow())))),
      backoffCell(a),
    ));
  }
  table.append(body);
  attemptsBox.append(h('h2', {}, t('Attempts')), table);
}

function renderTimeline(s: PanelState): void {
  timelineBox.replaceChildren();
  if (!s.run || s.attempts.length === 0) return;
  const layout = timelineLayout(s, hostNow());
  const W = 1000;
  const H = 44;
  const x = (ms: number) => (ms / layout.totalMs) * W;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'timeline-svg');
  svg.setAttribute('aria-label', layout.segments.map((g) => g.label).join('; '));
  const axis = document.createElementNS(SVG_NS, 'line');
  axis.setAttribute('x1', '0'); axis.setAttribute('x2', String(W)); axis.setAttribute('y1', '22'); axis.setAttribute('y2', '22');
  axis.setAttribute('class', 'axis');
  svg.append(axis);
  for (const g of layout.segments) {
    const r = document.createElementNS(SVG_NS, 'rect');
    const x0 = x(g.start);
    const w = Math.max(2, x(g.end) - x0);
    r.setAttribute('x', String(x0));
    r.setAttribute('width', String(w));
    if (g.kind === 'attempt') { r.setAttribute('y', '8'); r.setAttribute('height', '28'); }
    else { r.setAttribute('y', '18'); r.setAttribute('height', '8'); }
    r.setAttribute('class', `seg ${g.kind} ${g.chip}`);
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = g.label;
    r.append(t);
    svg.append(r);
  }
  timelineBox.append(
    h('h2', {}, t('Timeline')),
    svg,
    h('div', { class: 'axis-labels muted' }, h('span', {}, '0'), h('span', {}, formatMs(layout.totalMs))),
    h('p', { class: 'legend muted' },
      h('span', { class: 'swatch ok' }), `${t('success')} `, h('span', { class: 'swatch retryable' }), `${t('retryable error')} `,
      h('span', { class: 'swatch fatal' }), `${t('final error')} `, h('span', { class: 'swatch network' }), `${t('network/timeout')} `,
      h('span', { class: 'swatch backoff' }), t('backoff')),
  );
}

function untilText(ms: number): string {
  return ms <= 0 ? t('now') : formatMs(ms);
}

function num(n: number | null): string {
  return n === null ? '?' : n.toLocaleString();
}

/** CSSOM width (allowed under the CSP, unlike a style attribute). */
function fillBar(pct: number): HTMLElement {
  const f = h('span', { class: 'fill' });
  f.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  return f;
}

function renderRate(s: PanelState): void {
  rateBox.replaceChildren();
  const rows = headroom(s.rateLimit?.info, hostNow());
  rateBox.hidden = rows.length === 0;
  if (rows.length === 0) return;
  const table = h('table', { class: 'headroom' });
  table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Limit')), h('th', { scope: 'col' }, t('Remaining')), h('th', { scope: 'col' }, t('Headroom')), h('th', { scope: 'col' }, t('Resets in')))));
  const body = h('tbody', {});
  for (const r of rows) {
    const pct = r.fraction === null ? null : Math.round(r.fraction * 100);
    const meter = pct === null ? h('span', { class: 'muted' }, '—')
      : h('span', { class: `meter ${pct < 10 ? 'low' : pct < 30 ? 'mid' : 'high'}`, role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': t('{0} headroom {1}%', t(r.label), pct) },
        fillBar(pct), h('span', { class: 'pct' }, `${pct}%`));
    const reset = r.reset ? Date.parse(r.reset) : NaN;
    body.append(h('tr', {},
      h('th', { scope: 'row' }, t(r.label)),
      h('td', { class: 'num' }, `${num(r.remaining)} / ${num(r.limit)}`),
      h('td', {}, meter),
      h('td', { class: 'num' }, Number.isFinite(reset)
        ? h('span', { class: 'countdown', 'data-deadline': String(reset), title: r.reset ?? '' }, untilText(r.resetInMs ?? 0))
        : '—'),
    ));
  }
  table.append(body);
  rateBox.append(h('h2', {}, t("Rate-limit headroom (from attempt {0}'s anthropic-ratelimit-* headers)", s.rateLimit!.attempt)), table,
    h('p', { class: 'muted small' }, t('Token counts are rounded to thousands by the API.')));
}

function render(): void {
  if (!state) return;
  const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.fkey;
  renderMeta(state);
  renderVerdict(state);
  renderAggregate(aggregateBox, state, t);
  renderStatus(state);
  renderKeyCheck(state);
  renderTimeline(state);
  renderAttempts(state);
  renderRate(state);
  if (focusKey) (document.querySelector(`[data-fkey="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
}

/** Live countdowns and the growing timeline, between state messages. */
function tick(): void {
  if (!state) return;
  const now = hostNow();
  document.querySelectorAll<HTMLElement>('[data-deadline]').forEach((el) => {
    const left = Math.max(0, Number(el.dataset.deadline) - now);
    el.textContent = el.closest('.backoff') ? ` — ${t('{0} left', formatMs(left))}` : untilText(left);
  });
  document.querySelectorAll<HTMLElement>('[data-since]').forEach((el) => {
    const since = Number(el.dataset.since);
    el.textContent = el.dataset.limit ? t('{0} of {1}', ...elapsedOfLimit(since, Number(el.dataset.limit), now)) : formatMs(now - since);
  });
  if (state.running) renderTimeline(state);
}
setInterval(tick, 250);

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('message', (ev: MessageEvent<HostToWebview>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'state') {
    state = m.state;
    skewMs = typeof m.now === 'number' ? m.now - Date.now() : 0;
    vscode.setState(persistable(state));
    render();
    if (__TEST_HOOKS__) {
      // What the integration tests wait for (test builds only: `__TEST_HOOKS__`, esbuild.mjs).
      const rows = attemptsBox.querySelectorAll('tbody tr').length;
      const chips = [...attemptsBox.querySelectorAll('tbody .chip')].map((c) => c.className.replace('chip', '').trim());
      post({ type: 'rendered', runId: state.run?.runId ?? null, rows, verdict: verdict.textContent ?? '', chips });
    }
  } else if (m.type === 'l10n') {
    strings = m.strings && typeof m.strings === 'object' ? m.strings : {};
    for (const apply of labelled) apply();
    render();
  } else if (m.type === 'notice') {
    notice.textContent = m.text;
    if (noticeTimer) clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { notice.textContent = ''; }, 4000);
  }
});

post({ type: 'ready' });
