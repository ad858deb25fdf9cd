/**
 * The connection panel's state (`PanelState`) and the pure reducer that builds it from one run's
 * event stream: the host owns the state, posts it whole, and the webview only renders it.
 * Also the two labels the host's other listeners (output channel, status bar) share with the
 * panel. No vscode, no DOM, no Node: the webview bundle imports the types and labels from here.
 */
import type { ErrorCategory } from '../data/api-facts';
import type { AttemptEvent, BackoffReason, ClientEvent, JitterKind, RateLimitInfo, Verdict } from '../retry/events';
import type { AggregateView } from './aggregate';

export type ChipClass = 'ok' | 'retryable' | 'fatal' | 'network' | 'running';

export interface BackoffView {
  plannedMs: number;
  reason: BackoffReason;
  /** A server's wait with jitter on top: what the header demanded. */
  demandMs?: number;
  /** Host epoch ms when the wait began. */
  startedAt: number;
  actualMs: number | null;
  state: 'waiting' | 'done' | 'cancelled';
}

export interface AttemptView {
  attempt: number;
  model: string;
  startedAt: number;
  state: 'running' | 'done';
  ok: boolean | null;
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  message: string | null;
  requestId: string | null;
  latencyMs: number | null;
  retryable: boolean | null;
  category: ErrorCategory | null;
  chip: ChipClass;
  partialTextLength?: number;
  backoff: BackoffView | null;
}

export interface RunInfo {
  runId: string;
  target: 'api' | 'simulator';
  scenario?: string;
  /** Display form: no credentials, no query. */
  baseUrl: string;
  model: string;
  stream: boolean;
  authHeader: 'bearer' | 'x-api-key';
  maxRetries: number;
  jitter: JitterKind;
  timeoutMs: number;
  startedAt: number;
}

export interface ResultView {
  ok: boolean;
  attempts: number;
  status: number | null;
  totalMs: number;
  model: string;
  verdict: Verdict;
  finishedAt: number;
  /** First characters of the reply when ok. */
  textPreview?: string;
}

export type KeyCheckOutcome = 'pass' | 'fail' | 'warn' | 'info';
export interface KeyCheckView { id: string; outcome: KeyCheckOutcome; label: string; detail: string }

export interface StatusView {
  state: 'idle' | 'loading' | 'ok' | 'offline' | 'error' | 'disabled';
  indicator?: 'none' | 'minor' | 'major' | 'critical' | 'maintenance' | 'unknown';
  description?: string;
  fetchedAt?: number;
  message?: string;
  pageUrl?: string;
  /** 'simulator': read from the simulator's own status page (the target is the simulator). */
  source?: 'simulator';
}

export interface RateLimitView {
  info: RateLimitInfo;
  /** Host epoch ms when these headers arrived. */
  receivedAt: number;
  attempt: number;
}

export interface PanelState {
  run: RunInfo | null;
  running: boolean;
  attempts: AttemptView[];
  rateLimit: RateLimitView | null;
  result: ResultView | null;
  keyChecklist: KeyCheckView[] | null;
  statusPage: StatusView;
  /** Key presence only (never the key): drives the "no key" hint. */
  keyState: 'secret' | 'env' | 'none';
  /**
   * The storm aggregate of a `storm` run (src/core/connection/aggregate.ts): N callers with our
   * client next to N real SDK clients. Drawn only while `runId` is the run on display.
   */
  aggregate?: AggregateView | null;
}

/**
 * The start of a run, emitted by the host before the client's first event: what the run targets
 * and sends (never the key). With the client's own events it makes one run's event stream.
 */
export interface RunStartEvent {
  event: 'runStart';
  runId: string;
  run: RunInfo;
  prompt: string;
  maxTokens: number;
  /** The stream scenario that made the request a stream although the settings did not ask. */
  streamForcedBy?: string;
}

/** One run's event stream, as every listener (panel, Error Log, status bar, output) sees it. */
export type ConnectionEvent = RunStartEvent | ClientEvent;

export function initialState(keyState: PanelState['keyState'] = 'none'): PanelState {
  return { run: null, running: false, attempts: [], rateLimit: null, result: null, keyChecklist: null, statusPage: { state: 'idle' }, keyState };
}

const NETWORK: ReadonlySet<ErrorCategory> = new Set(['connection', 'timeout', 'request_timeout', 'aborted']);

export type AttemptOutcome = Pick<AttemptEvent, 'ok' | 'status' | 'errorType' | 'errorCode' | 'message' | 'requestId' | 'latencyMs' | 'retryable' | 'category'>;

/** What an attempt came to, as both the panel (AttemptView) and the error log (LogEntry) record it. */
export function attemptOutcome(e: AttemptEvent): AttemptOutcome {
  return {
    ok: e.ok,
    status: e.status,
    errorType: e.errorType,
    errorCode: e.errorCode,
    message: e.message,
    requestId: e.requestId,
    latencyMs: e.latencyMs,
    retryable: e.retryable,
    category: e.category,
  };
}

/** The chip colour class of an attempt: ok, retryable (amber), fatal (red), network (grey). */
export function chipFor(ok: boolean | null, category: ErrorCategory | null, retryable: boolean | null): ChipClass {
  if (ok === null || category === null) return 'running';
  if (ok) return 'ok';
  if (NETWORK.has(category)) return 'network';
  return retryable ? 'retryable' : 'fatal';
}

/** The categories that make the status page worth showing: Anthropic-side 5xx and 529. */
export function isServerSide(status: number | null, category: ErrorCategory | null): boolean {
  if (status !== null && status >= 500) return true;
  return category === 'overloaded' || category === 'api_error' || category === 'server_error'
    || category === 'bad_gateway' || category === 'unavailable' || category === 'gateway_timeout'
    || (category === 'stream_error');
}

export function startRun(state: PanelState, run: RunInfo): PanelState {
  return {
    ...state,
    run,
    running: true,
    attempts: [],
    rateLimit: null,
    result: null,
    keyChecklist: null,
    statusPage: state.statusPage.state === 'disabled' ? state.statusPage : { state: 'idle' },
  };
}

function blankAttempt(attempt: number, model: string, startedAt: number): AttemptView {
  return {
    attempt, model, startedAt, state: 'running', ok: null, status: null, errorType: null, errorCode: null,
    message: null, requestId: null, latencyMs: null, retryable: null, category: null, chip: 'running', backoff: null,
  };
}

function hasRateLimit(info: RateLimitInfo | undefined): info is RateLimitInfo {
  return !!info && (['requests', 'tokens', 'inputTokens', 'outputTokens'] as const).some((k) => {
    const w = info[k];
    return !!w && (w.limit !== undefined || w.remaining !== undefined || w.reset !== undefined);
  });
}

function upsert(attempts: AttemptView[], n: number, make: () => AttemptView, patch: (a: AttemptView) => AttemptView): AttemptView[] {
  const i = attempts.findIndex((a) => a.attempt === n);
  if (i < 0) return [...attempts, patch(make())].sort((a, b) => a.attempt - b.attempt);
  const next = attempts.slice();
  next[i] = patch(next[i]!);
  return next;
}

/**
 * Apply one client event. Events of another run are ignored. `now` is the host's clock when
 * the event arrived (backoff countdowns start there).
 */
export function applyEvent(state: PanelState, e: ClientEvent, now: number): PanelState {
  if (!state.run || e.runId !== state.run.runId) return state;
  switch (e.event) {
    case 'attemptStart':
      return {
        ...state,
        attempts: upsert(state.attempts, e.attempt, () => blankAttempt(e.attempt, e.model, e.startedAt),
          (a) => ({ ...a, model: e.model, startedAt: e.startedAt, state: 'running' })),
      };
    case 'attempt': {
      const attempts = upsert(state.attempts, e.attempt, () => blankAttempt(e.attempt, e.model, e.startedAt), (a) => ({
        ...a,
        model: e.model,
        startedAt: e.startedAt,
        state: 'done',
        ...attemptOutcome(e),
        chip: chipFor(e.ok, e.category, e.retryable),
        ...(e.partialTextLength !== undefined ? { partialTextLength: e.partialTextLength } : {}),
      }));
      const rateLimit = hasRateLimit(e.rateLimit) ? { info: e.rateLimit, receivedAt: now, attempt: e.attempt } : state.rateLimit;
      return { ...state, attempts, rateLimit };
    }
    case 'backoff':
      return {
        ...state,
        attempts: upsert(state.attempts, e.attempt, () => blankAttempt(e.attempt, state.run!.model, now), (a) => ({
          ...a, backoff: { plannedMs: e.delayMs, reason: e.reason, ...(e.demandMs !== undefined ? { demandMs: e.demandMs } : {}), startedAt: now, actualMs: null, state: 'waiting' },
        })),
      };
    case 'backoffDone':
      return {
        ...state,
        attempts: upsert(state.attempts, e.attempt, () => blankAttempt(e.attempt, state.run!.model, now), (a) => ({
          ...a,
          backoff: {
            plannedMs: a.backoff?.plannedMs ?? e.plannedMs,
            reason: a.backoff?.reason ?? 'jitter',
            startedAt: a.backoff?.startedAt ?? now - e.actualMs,
            actualMs: e.actualMs,
            state: 'done',
          },
        })),
      };
    case 'result': {
      const aborted = e.verdict.category === 'aborted';
      const lastN = state.attempts.length ? state.attempts[state.attempts.length - 1]!.attempt : -1;
      const attempts = state.attempts.map((a) => {
        let next = a;
        // A cancelled run's last backoff was interrupted, whatever the client reported as slept.
        if (aborted && a.attempt === lastN && a.backoff && a.backoff.state === 'done') {
          next = { ...next, backoff: { ...a.backoff, state: 'cancelled' } };
        }
        if (a.state === 'running') next = { ...next, state: 'done', chip: next.chip === 'running' ? 'network' : next.chip };
        if (a.backoff && a.backoff.state === 'waiting') {
          next = { ...next, backoff: { ...a.backoff, state: 'cancelled', actualMs: Math.max(0, now - a.backoff.startedAt) } };
        }
        return next;
      });
      return {
        ...state,
        running: false,
        attempts,
        result: {
          ok: e.ok, attempts: e.attempts, status: e.status, totalMs: e.totalMs, model: e.model, verdict: e.verdict,
          finishedAt: now,
          ...(e.ok && e.text ? { textPreview: e.text.slice(0, 200) } : {}),
        },
      };
    }
    default:
      return state;
  }
}

export function setStatusPage(state: PanelState, statusPage: StatusView): PanelState {
  return { ...state, statusPage };
}

/** The reducer of the run's event stream: a run start resets the state, client events update it. */
export function reduce(state: PanelState, e: ConnectionEvent, now: number): PanelState {
  return e.event === 'runStart' ? startRun(state, e.run) : applyEvent(state, e, now);
}

export function setKeyChecklist(state: PanelState, items: readonly KeyCheckView[]): PanelState {
  return { ...state, keyChecklist: items.map((i) => ({ ...i })) };
}

/** "1.2 s", "850 ms", "2 min 5 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const v = Math.max(0, ms);
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v < 10_000 ? 1 : 0)} s`;
  if (v < 3_600_000) {
    const m = Math.floor(v / 60_000);
    const s = Math.round((v % 60_000) / 1000);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  if (v < 86_400_000) {
    const hh = Math.floor(v / 3_600_000);
    const m = Math.round((v % 3_600_000) / 60_000);
    return m ? `${hh} h ${m} min` : `${hh} h`;
  }
  const dd = Math.floor(v / 86_400_000);
  const hh = Math.round((v % 86_400_000) / 3_600_000);
  return hh ? `${dd} d ${hh} h` : `${dd} d`;
}

export function statusLabel(a: Pick<AttemptView, 'state' | 'status' | 'category' | 'ok'>): string {
  if (a.state === 'running') return '…';
  if (a.status !== null) return String(a.status);
  if (a.category === 'stream_error') return 'stream';
  if (a.category === 'timeout') return 'timeout';
  if (a.category === 'aborted') return 'cancelled';
  return 'network';
}
