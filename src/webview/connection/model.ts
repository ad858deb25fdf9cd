/**
 * What the connection panel's webview derives from the `PanelState` the host posts: countdowns,
 * the timeline layout, rate-limit headroom, the verdict box. The state itself and its reducer are
 * the host's (core/connection/runModel.ts). No vscode, no DOM.
 */
import { formatMs } from '../../core/connection/runModel';
import type { RateLimitInfo, RateLimitWindow, RunOutcome } from '../../core/retry/events';
import { HEADROOM_LABELS, type AttemptView, type ChipClass, type HeadroomKind, type PanelState, type ResultView } from './protocol';

export { formatMs, statusLabel } from '../../core/connection/runModel';
export { HEADROOM_LABELS };

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
  kind: HeadroomKind;
  label: string;
  limit: number | null;
  remaining: number | null;
  /** 0..1 of the limit still available, when both are known. */
  fraction: number | null;
  reset: string | null;
  /** ms until reset by `now`; 0 when passed; null when unknown or unparsable. */
  resetInMs: number | null;
}

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

