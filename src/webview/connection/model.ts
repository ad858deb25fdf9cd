/**
 * The connection panel's view model: a pure reducer from client events to `PanelState`, plus the
 * derived views the webview draws (countdowns, timeline layout, rate-limit headroom). Used by
 * the host (reducer) and the webview (derivations). No vscode, no DOM.
 */
import type { ErrorCategory } from '../../core/data/api-facts';
import type { AttemptEvent, ClientEvent, RateLimitInfo, RateLimitWindow, RunOutcome } from '../../core/retry/events';
import type { AttemptView, ChipClass, PanelState, ResultView, RunInfo, StatusView } from './protocol';

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
          ...a, backoff: { plannedMs: e.delayMs, reason: e.reason, startedAt: now, actualMs: null, state: 'waiting' },
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

/** Milliseconds left of a backoff that is waiting, by the host clock `now`. */
export function backoffRemainingMs(a: AttemptView, now: number): number | null {
  const b = a.backoff;
  if (!b || b.state !== 'waiting') return null;
  return Math.max(0, b.startedAt + b.plannedMs - now);
}

export interface TimelineSegment {
  kind: 'attempt' | 'backoff';
  attempt: number;
  /** ms from the run start. */
  start: number;
  end: number;
  chip: ChipClass | 'backoff' | 'backoff-live' | 'backoff-cancelled';
  label: string;
}

export interface TimelineLayout {
  totalMs: number;
  segments: TimelineSegment[];
}

/**
 * Attempts and the backoff gaps between them on one time axis from the run start. Running
 * attempts and waiting backoffs grow up to `now`.
 */
export function timelineLayout(state: PanelState, now: number): TimelineLayout {
  const run = state.run;
  if (!run) return { totalMs: 0, segments: [] };
  // The axis starts at the first attempt (the run's own start includes loading the client).
  const t0 = state.attempts.length ? Math.min(...state.attempts.map((a) => a.startedAt)) : run.startedAt;
  const segments: TimelineSegment[] = [];
  let end = 0;
  for (const a of state.attempts) {
    const s = Math.max(0, a.startedAt - t0);
    const latency = a.latencyMs ?? Math.max(0, now - a.startedAt);
    const e = s + latency;
    segments.push({
      kind: 'attempt', attempt: a.attempt, start: s, end: e, chip: a.chip,
      label: `Attempt ${a.attempt}: ${a.state === 'running' ? 'in flight' : a.status ?? a.category ?? ''} ${Math.round(latency)} ms`,
    });
    end = Math.max(end, e);
    if (a.backoff) {
      const bs = Math.max(e, a.backoff.startedAt - t0);
      const dur = a.backoff.actualMs ?? (a.backoff.state === 'waiting' ? Math.max(0, now - a.backoff.startedAt) : a.backoff.plannedMs);
      const be = bs + dur;
      segments.push({
        kind: 'backoff', attempt: a.attempt, start: bs, end: be,
        chip: a.backoff.state === 'waiting' ? 'backoff-live' : a.backoff.state === 'cancelled' ? 'backoff-cancelled' : 'backoff',
        label: `Backoff after attempt ${a.attempt}: planned ${Math.round(a.backoff.plannedMs)} ms (${a.backoff.reason})${a.backoff.actualMs !== null ? `, actual ${Math.round(a.backoff.actualMs)} ms` : ''}`,
      });
      end = Math.max(end, be, a.backoff.state === 'waiting' ? bs + a.backoff.plannedMs : 0);
    }
  }
  const total = state.running ? Math.max(end, now - t0) : end;
  return { totalMs: Math.max(total, 1), segments };
}

export interface HeadroomRow {
  kind: 'requests' | 'tokens' | 'inputTokens' | 'outputTokens';
  label: string;
  limit: number | null;
  remaining: number | null;
  /** 0..1 of the limit still available, when both are known. */
  fraction: number | null;
  reset: string | null;
  /** ms until reset by `now`; 0 when passed; null when unknown or unparsable. */
  resetInMs: number | null;
}

export const HEADROOM_LABELS: Record<HeadroomRow['kind'], string> = {
  requests: 'Requests',
  tokens: 'Tokens',
  inputTokens: 'Input tokens',
  outputTokens: 'Output tokens',
};

export function headroom(info: RateLimitInfo | undefined | null, now: number): HeadroomRow[] {
  if (!info) return [];
  const rows: HeadroomRow[] = [];
  for (const kind of ['requests', 'tokens', 'inputTokens', 'outputTokens'] as const) {
    const w: RateLimitWindow | undefined = info[kind];
    if (!w || (w.limit === undefined && w.remaining === undefined && w.reset === undefined)) continue;
    const limit = typeof w.limit === 'number' && Number.isFinite(w.limit) ? w.limit : null;
    const remaining = typeof w.remaining === 'number' && Number.isFinite(w.remaining) ? w.remaining : null;
    const fraction = limit !== null && remaining !== null && limit > 0 ? Math.min(1, Math.max(0, remaining / limit)) : null;
    const t = w.reset ? Date.parse(w.reset) : NaN;
    rows.push({
      kind, label: HEADROOM_LABELS[kind], limit, remaining, fraction, reset: w.reset ?? null,
      resetInMs: Number.isFinite(t) ? Math.max(0, t - now) : null,
    });
  }
  return rows;
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

/**
 * How the verdict box draws a result. A cancelled run is neutral: a grey CANCELLED chip, no
 * "Whose fault", no "Why" (nothing failed). `chipText` is English (the webview localizes it).
 */
export interface VerdictView {
  outcome: RunOutcome;
  /** Class of the verdict box and of its chip. */
  box: 'ok' | 'failed' | 'cancelled';
  chip: 'ok' | 'fatal' | 'cancelled';
  chipText: string;
  /** The rows shown under the summary, in order. */
  rows: ('fault' | 'next' | 'why')[];
}

export function verdictView(r: Pick<ResultView, 'ok' | 'status' | 'verdict'>): VerdictView {
  if (r.ok) return { outcome: 'ok', box: 'ok', chip: 'ok', chipText: 'OK', rows: [] };
  if (r.verdict.category === 'aborted') return { outcome: 'cancelled', box: 'cancelled', chip: 'cancelled', chipText: 'CANCELLED', rows: ['next'] };
  return { outcome: 'failed', box: 'failed', chip: 'fatal', chipText: r.status !== null ? String(r.status) : 'FAILED', rows: ['fault', 'next', 'why'] };
}

/** A running attempt's elapsed time against its limit: ["12 s", "30 s"] for "12 s of 30 s". */
export function elapsedOfLimit(startedAt: number, timeoutMs: number, now: number): [string, string] {
  return [formatMs(Math.max(0, now - startedAt)), formatMs(timeoutMs)];
}

export function statusLabel(a: Pick<AttemptView, 'state' | 'status' | 'category' | 'ok'>): string {
  if (a.state === 'running') return '…';
  if (a.status !== null) return String(a.status);
  if (a.category === 'stream_error') return 'stream';
  if (a.category === 'timeout') return 'timeout';
  if (a.category === 'aborted') return 'cancelled';
  return 'network';
}
