/**
 * The connection panel (webview side): renders the host's `PanelState` — one live row per
 * attempt (attempts.ts), an SVG timeline of attempts and backoff gaps (timeline.ts), rate-limit
 * headroom with reset countdowns (rate.ts), the verdict in plain words (verdict.ts), the status
 * page and the 401 key checklist (diagnostics.ts), the storm aggregate (aggregate.ts) — and sends
 * user intents back. Plain DOM, no innerHTML with data, themed with --vscode-* variables only.
 * The host is the single source of truth: on (re)load we send `ready` and it answers with state.
 */
import type { HostToWebview, PanelState } from './protocol';
import { aggregateRunning, persistable, renderAggregate } from './aggregate';
import { elapsedOfLimit, formatMs } from './model';
import { btn, h, hostNow, jitterText, post, relabel, setHostClock, setStrings, t, vscode } from './dom';
import { renderVerdict } from './verdict';
import { renderKeyCheck, renderStatus } from './diagnostics';
import { renderAttempts } from './attempts';
import { renderTimeline } from './timeline';
import { renderRate, untilText } from './rate';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

let state: PanelState | null = null;

// ---------------------------------------------------------------------------------------------
// Skeleton (built once, so the toolbar keeps focus across updates)

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
app.removeAttribute('aria-live'); // the verdict has its own live region; the whole app would chatter

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

function render(): void {
  if (!state) return;
  const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.fkey;
  renderMeta(state);
  renderVerdict(verdict, state);
  renderAggregate(aggregateBox, state, t);
  renderStatus(statusBox, state);
  renderKeyCheck(keyBox, state);
  renderTimeline(timelineBox, state);
  renderAttempts(attemptsBox, state);
  renderRate(rateBox, state);
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
  if (state.running) renderTimeline(timelineBox, state);
}
setInterval(tick, 250);

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('message', (ev: MessageEvent<HostToWebview>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'state') {
    state = m.state;
    setHostClock(m.now);
    vscode.setState(persistable(state));
    render();
    if (__TEST_HOOKS__) {
      // What the integration tests wait for (test builds only: `__TEST_HOOKS__`, esbuild.mjs).
      const rows = attemptsBox.querySelectorAll('tbody tr').length;
      const chips = [...attemptsBox.querySelectorAll('tbody .chip')].map((c) => c.className.replace('chip', '').trim());
      post({ type: 'rendered', runId: state.run?.runId ?? null, rows, verdict: verdict.textContent ?? '', chips });
    }
  } else if (m.type === 'l10n') {
    setStrings(m.strings);
    render();
  } else if (m.type === 'notice') {
    notice.textContent = m.text;
    if (noticeTimer) clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { notice.textContent = ''; }, 4000);
  }
});

post({ type: 'ready' });
