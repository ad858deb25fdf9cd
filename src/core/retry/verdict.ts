/**
 * Verdict text: what a finished run says. Pure string building from what the loop knows (the
 * attempt history, the last failure, the totals) and from why it stopped (decide.ts's `Stop`).
 * No I/O, no clock: the few wall-clock instants a text needs arrive as arguments.
 */
import { bearerProxyNote, ERROR_ROWS, officialSdkOnRetryAfter, type ErrorCategory } from '../data/api-facts';
import { describeKey } from '../redact';
import type { Classification } from '../taxonomy';
import type { RetryBudgetSnapshot } from './budget';
import type { Stop } from './decide';
import type { Verdict } from './events';
import type { LimiterSnapshot } from './limiter';

// ---------------------------------------------------------------------------------------------
// Small formatters
// ---------------------------------------------------------------------------------------------

export function fmtS(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  if (ms >= 1e12) return `${(ms / 1000).toExponential(1)} s`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function fmtLimit(n: number): string {
  return plural(Math.max(1, Math.floor(n)), 'attempt');
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? `${s[0]!.toLowerCase()}${s.slice(1)}` : s;
}

/** End a clause with exactly one full stop. */
function stop(s: string): string {
  const t = s.trimEnd();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

// ---------------------------------------------------------------------------------------------
// History and failures
// ---------------------------------------------------------------------------------------------

export interface AttemptRecord {
  attempt: number;
  model: string;
  status: number | null;
  category: ErrorCategory;
  errorType: string | null;
  title: string;
  message?: string | null;
}

function label(r: Pick<AttemptRecord, 'status' | 'title' | 'errorType'>): string {
  return r.status !== null ? `${r.status} ${r.title}` : r.errorType ? `${r.title}` : r.title;
}

/** "529 Overloaded ×3, 200 Success" */
export function historyText(history: readonly AttemptRecord[]): string {
  const parts: { text: string; n: number }[] = [];
  for (const h of history) {
    const t = label(h);
    const last = parts[parts.length - 1];
    if (last && last.text === t) last.n++;
    else parts.push({ text: t, n: 1 });
  }
  return parts.map((p) => (p.n > 1 ? `${p.text} ×${p.n}` : p.text)).join(', ');
}

export function keyNote(key: string, authHeader: 'bearer' | 'x-api-key'): string {
  const d = describeKey(key);
  const form = authHeader === 'bearer' ? 'Authorization: Bearer' : 'x-api-key';
  if (!d.present) return `The key is empty (sent as ${form}): set ANTHROPIC_API_KEY or the key setting.`;
  const issues: string[] = [];
  if (d.hasNewline) issues.push('it contains a line break');
  else if (d.hasWhitespace) issues.push('it contains whitespace');
  if (d.kind === 'unknown') issues.push(`it does not start like an Anthropic API key (sk-ant-api…)`);
  if (d.kind === 'admin') issues.push('it is an Admin key, which cannot call the Messages API');
  const shape = `length ${d.length}, prefix "${d.prefix}"`;
  return `Key sent as ${form}: ${shape}${issues.length ? `; ${issues.join('; ')}` : ''}.`;
}

export function verdictFrom(cls: Classification | null, category: ErrorCategory, summary: string): Verdict {
  const row = ERROR_ROWS[category];
  return {
    category,
    fault: cls && cls.category === category ? cls.fault : row.fault,
    title: cls && cls.category === category ? cls.title : row.title,
    summary,
    // Which SDK class this is (Python Bedrock/Vertex 503/504, mid-stream APIStatusError): the data module's notes.
    explanation: [cls && cls.category === category ? cls.explanation : row.explanation, ...(row.sdkNotes ?? [])].join(' '),
    nextStep: row.nextStep,
    docsUrl: row.docsUrl,
  };
}

function describeFailure(cls: Classification): string {
  const head = cls.status !== null ? `${cls.status} ${cls.title}` : cls.title;
  const bits: string[] = [];
  if (cls.errorType) bits.push(cls.errorType);
  if (cls.errorCode) bits.push(`error_code ${cls.errorCode}`);
  const msg = cls.message ? `: ${cls.message}` : '';
  const body = cls.bodyKind === 'html' ? ' (an HTML page, not a JSON error: likely a proxy or gateway)' : cls.bodyKind === 'empty' && cls.status !== null ? ' (empty body)' : '';
  return `${head}${bits.length ? ` (${bits.join(', ')})` : ''}${msg}${body}`;
}

// ---------------------------------------------------------------------------------------------
// Verdicts before any attempt, and outside the loop
// ---------------------------------------------------------------------------------------------

export const preflight = {
  /** `safeURL`: the base URL without credentials (transport.ts's `safeBaseURL`). */
  badURL: (safeURL: string): Verdict =>
    verdictFrom(null, 'connection', `No request was sent: the base URL "${safeURL}" is not a valid http(s) URL (for example https://api.anthropic.com).`),
  keyLineBreak: (key: string, authHeader: 'bearer' | 'x-api-key'): Verdict =>
    verdictFrom(null, 'authentication', `No request was sent: the API key has a line break inside it, which cannot be sent in a header. ${keyNote(key, authHeader)}`),
  clientSetup: (cls: Classification): Verdict => verdictFrom(cls, 'unknown', `Could not set up the client: ${cls.message ?? 'unknown error'}.`),
  internal: (cls: Classification): Verdict => verdictFrom(null, 'unknown', `The connection test failed internally: ${cls.message ?? 'unknown error'}.`),
};

/** The watchdog's verdict at the run's deadline or time budget. */
export function watchdogVerdict(history: readonly AttemptRecord[], budgetMs: number, implicit: boolean, phase: string): Verdict {
  const earlier = history.length ? ` Attempts: ${historyText(history)}.` : '';
  const what = implicit ? `the run's ${fmtS(budgetMs)} time budget (no deadline was set; this is the longest its retry policy allows)` : `the ${fmtS(budgetMs)} deadline`;
  return verdictFrom(null, 'timeout', `Stopped at ${what}: still ${phase}, which did not end in time. Nothing more is sent.${earlier}`);
}

/**
 * A cancelled run is neither a failure nor anyone's fault: its own neutral verdict (fault
 * 'none'), listing the answers that did arrive, never the cancelled attempt as an "answer".
 */
export function cancelledVerdict(where: string, history: readonly AttemptRecord[], cls: Classification | null): Verdict {
  const answered = history.filter((h) => h.category !== 'aborted');
  const before = answered.length ? ` Answers before that: ${historyText(answered)}.` : '';
  return verdictFrom(cls, 'aborted', `Cancelled ${where}.${before} Nothing more was sent.`);
}

/** No time left to send attempt `attempt` (before it, or while queued for a limiter slot). */
export function tooLateVerdict(
  r: { attempt: number; remainingMs: number; floorMs: number; deadlineMs: number; limiter?: { snapshot: LimiterSnapshot; waitedMs: number } },
  history: readonly AttemptRecord[],
  lastFailure: Classification | null,
): Verdict {
  const last = history.length ? history[history.length - 1]! : undefined;
  const earlier = history.length ? ` Attempts: ${historyText(history)}.` : '';
  const s = r.limiter?.snapshot;
  const extra = s
    ? ` The shared concurrency limiter for this endpoint allows ${fmtLimit(s.limit)} at once after overload answers (${s.inFlight} in flight, ${s.queued} waiting); waited ${fmtS(r.limiter!.waitedMs)} for a slot.`
    : '';
  return verdictFrom(
    lastFailure,
    last ? last.category : 'timeout',
    `Stopped at the ${fmtS(r.deadlineMs)} deadline after ${plural(history.length, 'attempt')}: only ${fmtS(Math.max(0, r.remainingMs))} was left, less than the ${fmtS(r.floorMs)} an attempt needs, so attempt ${r.attempt} was not sent.${extra}${earlier}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The verdict of a run that stopped after an attempt
// ---------------------------------------------------------------------------------------------

/** What the loop knows when a run stops after an attempt. */
export interface RunFacts {
  history: readonly AttemptRecord[];
  /** The last attempt's classification (null after a success). */
  cls: Classification | null;
  attempt: number;
  baseModel: string;
  model: string;
  fallbackUsed: boolean;
  latencyMs: number;
  requestId: string | null;
  totalBackoffMs: number;
  totalQueuedMs: number;
  totalMs: number;
  deadlineMs?: number;
  maxRetryAfterMs: number;
  budget?: RetryBudgetSnapshot;
  url: URL;
  key: string;
  authHeader: 'bearer' | 'x-api-key';
}

function notRetriedWhy(cls: Classification): string {
  const never = ERROR_ROWS[cls.category]?.neverRetry;
  if (never) return never;
  if (cls.retrySource === 'x-should-retry') return 'Not retried: the server said x-should-retry: false.';
  if (cls.category === 'stream_error') return 'Not retried: this error type does not clear by retrying.';
  return 'Not retried: sending the same request again would fail the same way.';
}

function successSummary(f: RunFacts): string {
  const failures = f.history.slice(0, -1);
  const rid = f.requestId ? ` (request ${f.requestId})` : '';
  const queued = f.totalQueuedMs > 0 ? ` and ${fmtS(f.totalQueuedMs)} queued for a slot (other runs were overloading the endpoint)` : '';
  if (failures.length === 0) {
    return `Connected: ${f.model} answered on the first attempt in ${fmtS(f.latencyMs)}${rid}${f.totalQueuedMs > 0 ? `, after ${fmtS(f.totalQueuedMs)} queued for a slot (other runs were overloading the endpoint)` : ''}.`;
  }
  if (f.model !== f.baseModel) {
    return `${f.baseModel} failed ${plural(failures.length, 'time')} (${historyText(failures)}); the fallback model ${f.model} answered${rid}. Waited ${fmtS(f.totalBackoffMs)} in backoff${queued}, ${fmtS(f.totalMs)} in total.`;
  }
  return `Succeeded on the ${ordinal(f.attempt)} attempt after ${plural(failures.length, 'failure')} (${historyText(failures)})${rid}. Waited ${fmtS(f.totalBackoffMs)} in backoff${queued}, ${fmtS(f.totalMs)} in total.`;
}

/** The verdict for `why` (any stop but 'cancelled', which has its own). */
export function stopVerdict(why: Stop, f: RunFacts): Verdict {
  if (why.kind === 'success') return verdictFrom(null, 'ok', successSummary(f));
  const cls = f.cls!;
  const what = describeFailure(cls);
  const rid = cls.requestId ? ` Request id: ${cls.requestId}.` : '';
  const history = f.history;
  const earlier = history.length > 1 ? ` Attempts: ${historyText(history)}.` : '';
  const queued = f.totalQueuedMs > 0 ? ` and ${fmtS(f.totalQueuedMs)} queued for a slot (other runs were overloading the endpoint)` : '';
  const say = (summary: string) => verdictFrom(cls, cls.category, summary);
  switch (why.kind) {
    case 'cancelled':
      return cancelledVerdict(`during attempt ${f.attempt}`, history, cls);
    case 'not-retryable': {
      let extra = '';
      if (cls.category === 'authentication') {
        const proxy = bearerProxyNote(f.url.href, f.authHeader);
        extra = ` ${keyNote(f.key, f.authHeader)}${proxy ? ` ${proxy}` : ''}`;
      }
      if (cls.category === 'not_found' && /\/v1\/?$/.test(f.url.pathname)) {
        extra = ` The base URL ends in /v1, but the SDK adds /v1/messages itself: use ${f.url.origin}${f.url.pathname.replace(/\/v1\/?$/, '') || ''} as the base URL.`;
      }
      return say(`${stop(what)} ${notRetriedWhy(cls)}${extra}${earlier}${rid}`);
    }
    case 'streamed-content':
      return say(`The stream failed after ${plural(why.partial, 'character')} of content had arrived: ${stop(what)} Not retried, because a retry would generate (and bill) the reply again; keep or discard the partial text explicitly.${earlier}${rid}`);
    case 'exhausted': {
      // Timeouts that all ended the same way: say it once ("Timed out" is the title already).
      const same = cls.category === 'timeout' && cls.message !== null && history.every((h) => h.category === 'timeout' && h.message === cls.message);
      return say(
        same
          ? `Gave up after ${plural(history.length, 'attempt')}${history.length > 1 ? ', the same each time' : ''}: ${lowerFirst(stop(cls.message!))}${f.fallbackUsed ? ` The fallback model ${f.model} timed out too.` : ''} Waited ${fmtS(f.totalBackoffMs)} in backoff${queued}.${rid}`
          : `Gave up after ${plural(history.length, 'attempt')} (${historyText(history)}); last: ${stop(what)}${f.fallbackUsed ? ` The fallback model ${f.model} failed too.` : ''} Waited ${fmtS(f.totalBackoffMs)} in backoff${queued}.${rid}`,
      );
    }
    case 'retry-after-too-long': {
      const at = new Date(why.untilWall);
      const until = Number.isFinite(at.getTime()) ? ` Try again after ${at.toISOString().replace(/\.\d+Z$/, 'Z')}.` : '';
      return say(`${stop(what)} The server asked to wait ${fmtS(why.waitMs)} (${why.source}), more than the ${fmtS(f.maxRetryAfterMs)} limit (maxRetryAfterMs), so the run stopped now instead of hanging.${until} ${officialSdkOnRetryAfter(why.waitMs)}${earlier}${rid}`);
    }
    case 'budget': {
      const s = f.budget!;
      return say(`${stop(what)} Retry budget exhausted (${s.tokens.toFixed(1)} of ${s.maxTokens} tokens, retries pause at ≤ ${s.threshold}): not retrying, to avoid adding load while most requests fail.${earlier}${rid}`);
    }
    case 'deadline':
      return say(`${stop(what)} Stopped at the ${fmtS(f.deadlineMs!)} deadline after ${plural(history.length, 'attempt')}: ${fmtS(Math.max(0, why.remainingMs))} left is less than the ${fmtS(why.needMs)} another attempt needs.${earlier}${rid}`);
    case 'deadline-retry-after':
      return say(`${stop(what)} The server asked to wait ${fmtS(why.waitMs)} (${why.source}) but only ${fmtS(why.remainingMs)} of the ${fmtS(f.deadlineMs!)} deadline was left; stopped.${earlier}${rid}`);
  }
}
