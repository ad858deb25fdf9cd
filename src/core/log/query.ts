/**
 * Filtering, stats and export of log entries. Pure functions, no I/O, no vscode.
 */
import type { LogEntry } from './types';

/**
 * Status tokens a filter accepts: an exact code (`"429"`), a class (`"2xx"`, `"4xx"`, `"5xx"`),
 * `"transport"` (no HTTP status: connection reset, DNS, TLS, timeout, abort), `"stream"` (an
 * error event inside a 200 stream), `"ok"` and `"error"`.
 */
export type StatusToken = string;

export interface LogFilter {
  /** Any-of. Empty or absent: every status. */
  statuses?: StatusToken[];
  /** Any-of on `errorType` (`"(none)"` matches entries without one). Empty: all. */
  errorTypes?: string[];
  /** Inclusive epoch-ms bounds on `ts`. */
  from?: number;
  to?: number;
  /** Relative lower bound ("last hour"): ts ≥ now − sinceMs, with now taken when the filter is compiled. */
  sinceMs?: number;
  /** Case-insensitive substring over message, type, code, request id, model, ids, prompt… */
  text?: string;
  runId?: string;
  target?: 'api' | 'simulator';
}

export const STATUS_CLASSES: readonly { token: StatusToken; label: string }[] = [
  { token: 'ok', label: 'Succeeded' },
  { token: 'error', label: 'Failed' },
  { token: '4xx', label: '4xx' },
  { token: '429', label: '429' },
  { token: '5xx', label: '5xx' },
  { token: '529', label: '529' },
  { token: 'transport', label: 'Transport' },
  { token: 'stream', label: 'Mid-stream' },
];

/** The status column of an entry: the code, or `transport` / `stream` when there is none. */
export function statusKey(e: Pick<LogEntry, 'status' | 'category'>): string {
  if (e.status !== null && e.status !== undefined) return String(e.status);
  return e.category === 'stream_error' ? 'stream' : 'transport';
}

function matchesStatusToken(e: LogEntry, token: string): boolean {
  const t = token.trim().toLowerCase();
  switch (t) {
    case 'ok':
      return e.ok;
    case 'error':
    case 'failed':
      return !e.ok;
    case 'transport':
      return e.status === null && e.category !== 'stream_error';
    case 'stream':
      return e.status === null && e.category === 'stream_error';
  }
  const cls = /^([1-5])xx$/.exec(t);
  if (cls) return e.status !== null && Math.floor(e.status / 100) === Number(cls[1]);
  if (/^\d{3}$/.test(t)) return e.status === Number(t);
  return false;
}

const haystacks = new WeakMap<LogEntry, string>();
function haystack(e: LogEntry): string {
  let h = haystacks.get(e);
  if (h === undefined) {
    h = [e.message, e.errorType, e.errorCode, e.requestId, e.model, e.runId, e.id, e.scenario, e.baseUrl,
      e.category, statusKey(e), e.target, e.backoffReason, e.request?.prompt]
      .filter((x) => x !== null && x !== undefined && x !== '').join('\u0000').toLowerCase();
    haystacks.set(e, h);
  }
  return h;
}

/** Search words, all required; "quoted phrases" stay whole. Lower-cased. */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text.toLowerCase()))) {
    const t = m[1] ?? m[2] ?? '';
    if (t.trim()) out.push(t);
  }
  return out;
}

/** Compiles a filter to a predicate (do this once per filter, not per entry). */
export function compileFilter(f: LogFilter, now = Date.now()): (e: LogEntry) => boolean {
  const statuses = (f.statuses ?? []).filter((s) => s.trim());
  const types = new Set((f.errorTypes ?? []).filter((s) => s));
  const terms = searchTerms(f.text ?? '');
  let from = typeof f.from === 'number' && Number.isFinite(f.from) ? f.from : -Infinity;
  if (typeof f.sinceMs === 'number' && Number.isFinite(f.sinceMs) && f.sinceMs > 0) from = Math.max(from, now - f.sinceMs);
  const to = typeof f.to === 'number' && Number.isFinite(f.to) ? f.to : Infinity;
  return (e) => {
    if (e.ts < from || e.ts > to) return false;
    if (f.runId && e.runId !== f.runId) return false;
    if (f.target && e.target !== f.target) return false;
    if (statuses.length && !statuses.some((s) => matchesStatusToken(e, s))) return false;
    if (types.size && !types.has(e.errorType ?? '(none)')) return false;
    if (terms.length) {
      const h = haystack(e);
      for (const t of terms) if (!h.includes(t)) return false;
    }
    return true;
  };
}

export function filterEntries(entries: readonly LogEntry[], f: LogFilter): LogEntry[] {
  const pred = compileFilter(f);
  return entries.filter(pred);
}

export function isEmptyFilter(f: LogFilter): boolean {
  return !(f.statuses?.length || f.errorTypes?.length || f.text?.trim() || f.runId || f.target
    || typeof f.from === 'number' || typeof f.to === 'number' || typeof f.sinceMs === 'number');
}

export interface LogStats {
  total: number;
  ok: number;
  failed: number;
  /** Count per `statusKey` ("200", "429", "transport", "stream"). */
  byStatus: Record<string, number>;
  /** Count per error type of failed attempts ("(none)" when the API sent none). */
  byErrorType: Record<string, number>;
  /**
   * Runs with an entry in the set. The run figures below are over whole runs: every attempt of
   * those runs (from `allEntries`, see computeStats), so a 529 filter still sees that a run recovered.
   */
  runs: number;
  /** Runs with at least one retry (an attempt numbered ≥ 2). */
  runsRetried: number;
  /** Of those, runs whose successful attempt came after ≥ 1 retry. */
  runsRecovered: number;
  /** runsRecovered / runsRetried, or null when no run needed a retry. */
  retrySuccessRate: number | null;
  /** Nearest-rank percentiles of attempt latency, ms. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  firstTs: number | null;
  lastTs: number | null;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sortedAsc: readonly number[], p: number): number | null {
  if (sortedAsc.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAsc.length);
  return sortedAsc[Math.min(sortedAsc.length, Math.max(1, rank)) - 1]!;
}

/**
 * Attempt figures (counts, statuses, error types, latency, time span) over `entries`; run figures
 * (retried, recovered, retry success) over whole runs: every attempt in `allEntries` (default
 * `entries`) of a run that has an entry in `entries`. Without that, filtering on 529 drops each
 * run's final 200 and "retry success" reads 0 % for runs that recovered.
 */
export function computeStats(entries: readonly LogEntry[], allEntries: readonly LogEntry[] = entries): LogStats {
  const byStatus: Record<string, number> = {};
  const byErrorType: Record<string, number> = {};
  const runs = new Map<string, { maxAttempt: number; recovered: boolean }>();
  const lat: number[] = [];
  let ok = 0;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  for (const e of entries) {
    const k = statusKey(e);
    byStatus[k] = (byStatus[k] ?? 0) + 1;
    if (e.ok) ok++;
    else {
      const t = e.errorType ?? '(none)';
      byErrorType[t] = (byErrorType[t] ?? 0) + 1;
    }
    if (Number.isFinite(e.latencyMs)) lat.push(e.latencyMs);
    if (firstTs === null || e.ts < firstTs) firstTs = e.ts;
    if (lastTs === null || e.ts > lastTs) lastTs = e.ts;
    if (!runs.has(e.runId)) runs.set(e.runId, { maxAttempt: 0, recovered: false });
  }
  for (const e of allEntries) {
    const r = runs.get(e.runId);
    if (!r) continue;
    if (e.attempt > r.maxAttempt) r.maxAttempt = e.attempt;
    if (e.ok && e.attempt >= 2) r.recovered = true;
  }
  if (allEntries !== entries) {
    // Entries of the set that `allEntries` lacks still count for their run.
    for (const e of entries) {
      const r = runs.get(e.runId)!;
      if (e.attempt > r.maxAttempt) r.maxAttempt = e.attempt;
      if (e.ok && e.attempt >= 2) r.recovered = true;
    }
  }
  let runsRetried = 0;
  let runsRecovered = 0;
  for (const r of runs.values()) {
    if (r.maxAttempt >= 2) {
      runsRetried++;
      if (r.recovered) runsRecovered++;
    }
  }
  lat.sort((a, b) => a - b);
  return {
    total: entries.length,
    ok,
    failed: entries.length - ok,
    byStatus,
    byErrorType,
    runs: runs.size,
    runsRetried,
    runsRecovered,
    retrySuccessRate: runsRetried ? runsRecovered / runsRetried : null,
    p50LatencyMs: percentile(lat, 50),
    p95LatencyMs: percentile(lat, 95),
    firstTs,
    lastTs,
  };
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

export interface ExportMeta {
  exportedAt?: number;
  filter?: LogFilter;
}

export function toJson(entries: readonly LogEntry[], meta: ExportMeta = {}): string {
  return JSON.stringify({
    source: 'Claude Doctor error log',
    exportedAt: new Date(meta.exportedAt ?? Date.now()).toISOString(),
    filter: meta.filter ?? {},
    count: entries.length,
    entries,
  }, null, 2) + '\n';
}

type Col = { name: string; get: (e: LogEntry) => string | number | boolean | null | undefined };
const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '');
const rl = (e: LogEntry, k: 'requests' | 'tokens' | 'inputTokens' | 'outputTokens') => e.rateLimit?.[k]?.remaining;

export const CSV_COLUMNS: readonly Col[] = [
  { name: 'time', get: (e) => iso(e.ts) },
  { name: 'id', get: (e) => e.id },
  { name: 'run_id', get: (e) => e.runId },
  { name: 'attempt', get: (e) => e.attempt },
  { name: 'target', get: (e) => e.target },
  { name: 'scenario', get: (e) => e.scenario },
  { name: 'base_url', get: (e) => e.baseUrl },
  { name: 'model', get: (e) => e.model },
  { name: 'stream', get: (e) => e.stream },
  { name: 'ok', get: (e) => e.ok },
  { name: 'status', get: (e) => statusKey(e) },
  { name: 'error_type', get: (e) => e.errorType },
  { name: 'error_code', get: (e) => e.errorCode },
  { name: 'category', get: (e) => e.category },
  { name: 'retryable', get: (e) => e.retryable },
  { name: 'message', get: (e) => e.message },
  { name: 'request_id', get: (e) => e.requestId },
  { name: 'latency_ms', get: (e) => e.latencyMs },
  { name: 'backoff_planned_ms', get: (e) => e.backoffPlannedMs },
  { name: 'backoff_actual_ms', get: (e) => e.backoffActualMs },
  { name: 'backoff_reason', get: (e) => e.backoffReason },
  { name: 'ratelimit_requests_remaining', get: (e) => rl(e, 'requests') },
  { name: 'ratelimit_tokens_remaining', get: (e) => rl(e, 'tokens') },
  { name: 'ratelimit_input_tokens_remaining', get: (e) => rl(e, 'inputTokens') },
  { name: 'ratelimit_output_tokens_remaining', get: (e) => rl(e, 'outputTokens') },
  { name: 'max_tokens', get: (e) => e.request?.maxTokens },
  { name: 'prompt', get: (e) => e.request?.prompt },
];

/**
 * Spreadsheet formula injection: a text cell starting with = + - @ (or tab / CR, or those
 * after leading spaces, or their full-width forms) is evaluated by Excel, LibreOffice and
 * Sheets. Prefixing a single quote makes it inert text (OWASP "CSV Injection").
 */
export function neutralizeFormula(s: string): string {
  return /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(s) || /^[\t\r]/.test(s) ? `'${s}` : s;
}

/** One RFC 4180 field. Text is neutralized; numbers and booleans are written as is. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? neutralizeFormula(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV: header row, CRLF line breaks, quoted fields where needed. */
export function toCsv(entries: readonly LogEntry[], opts: { bom?: boolean } = {}): string {
  const rows = [CSV_COLUMNS.map((c) => csvField(c.name)).join(',')];
  for (const e of entries) rows.push(CSV_COLUMNS.map((c) => csvField(c.get(e))).join(','));
  return (opts.bom ? '\uFEFF' : '') + rows.join('\r\n') + '\r\n';
}
