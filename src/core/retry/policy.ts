/**
 * Retry policy: how many tries, how long to wait between them, and how to read the server's
 * `retry-after` / `retry-after-ms` demands. Pure functions, no I/O.
 */
import { HEADERS, SDK } from '../data/api-facts';
import type { JitterKind } from './events';
import { headerValue, type HeadersLike } from './headers';
import { isLimiter, type Limiter } from './limiter';
import { isThrottle, type AdaptiveThrottle } from './throttle';

export type { JitterKind } from './events';

export interface RetryPolicy {
  /** Retries after the first attempt (so attempts = maxRetries + 1). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: JitterKind;
  /** A `retry-after` demand above this ends the run at once with a clear verdict instead of hanging. */
  maxRetryAfterMs: number;
  /** Total wall-clock budget of the whole run (attempts + waits). */
  deadlineMs?: number;
  /**
   * gRPC-style retry throttling: a token bucket (see budget.ts). Pass a `RetryBudget` instance
   * (it has these two fields) to share one bucket across runs; `false`/absent: no budget.
   */
  retryBudget?: { maxTokens: number; tokenRatio: number } | false;
  /** Tried once after the 529 retries are exhausted. */
  fallbackModel?: string;
  /**
   * Adaptive concurrency limiter (limiter.ts): every attempt first waits for a permit. Absent: the
   * process-wide shared limiter of the run's base URL, so concurrent runs in one process cooperate
   * under overload (one run alone never waits). A `Limiter`: use that one. `false`: none.
   */
  limiter?: Limiter | false;
  /**
   * Jitter on top of a 529/503 `retry-after` (throttle.ts): the wait is
   * retry-after + random(0, spread · retry-after). Absent: 1. 0: wait exactly the demand.
   */
  retryAfterSpread?: number;
  /** Per-client adaptive throttle (throttle.ts, SRE style) that may hold a retry after an overload. Absent/`false`: none. */
  throttle?: AdaptiveThrottle | false;
}

/**
 * Defaults, and why:
 * - `full` jitter: with many clients contending (a 529 storm hits everyone at once) it spreads
 *   retries over the whole window and cut total calls by more than half against un-jittered
 *   backoff (AWS, "Exponential Backoff And Jitter"). The SDK's formula jitters only 25 % down,
 *   so clients that failed together retry together.
 * - `maxRetries: 4` (5 attempts): 529s clear in seconds when they clear at all; the waits
 *   (expected 0.25 + 0.5 + 1 + 2 s with full jitter, at most 0.5 + 1 + 2 + 4 s) cover about 7.5 s,
 *   comparable to the SDK's 2 retries at ~0.9 s plus margin, without hammering a struggling API.
 * - `baseDelayMs: 500`, `maxDelayMs: 8000`: the SDK's own constants (0.5 s, 8 s). The cap keeps a
 *   single wait below the point where an interactive user gives up, and it bounds the worst case
 *   (full jitter draws uniformly below it, so the mean is half of it); the same constants make
 *   the `sdk` jitter kind reproduce the SDK exactly.
 * - `maxRetryAfterMs: 60000`: honour any server demand up to a minute (Portkey caps total retry
 *   wait at 60 s too); longer, and an interactive test should say so and stop rather than hang.
 */
export const DEFAULT_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: SDK.backoff.initialDelayS * 1000,
  maxDelayMs: SDK.backoff.maxDelayS * 1000,
  jitter: 'full',
  maxRetryAfterMs: 60_000,
};

/** The gRPC retry-throttling defaults (facts §7). */
export const DEFAULT_RETRY_BUDGET = { maxTokens: 10, tokenRatio: 0.1 } as const;

const JITTER_KINDS: readonly JitterKind[] = ['full', 'equal', 'decorrelated', 'none', 'sdk'];

export function isJitterKind(v: unknown): v is JitterKind {
  return typeof v === 'string' && (JITTER_KINDS as readonly string[]).includes(v);
}

function finiteNonNeg(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * Merge a partial policy over the defaults, dropping odd values (negative, NaN, wrong type) so
 * the client never runs on garbage. maxRetries is clamped to 0..20.
 */
export function resolvePolicy(partial?: Partial<RetryPolicy> | null): RetryPolicy {
  const p = partial ?? {};
  const out: RetryPolicy = { ...DEFAULT_POLICY };
  if (finiteNonNeg(p.maxRetries)) out.maxRetries = Math.min(20, Math.floor(p.maxRetries));
  if (finiteNonNeg(p.baseDelayMs)) out.baseDelayMs = p.baseDelayMs;
  if (finiteNonNeg(p.maxDelayMs)) out.maxDelayMs = p.maxDelayMs;
  if (out.maxDelayMs < out.baseDelayMs) out.maxDelayMs = out.baseDelayMs;
  if (isJitterKind(p.jitter)) out.jitter = p.jitter;
  if (finiteNonNeg(p.maxRetryAfterMs)) out.maxRetryAfterMs = p.maxRetryAfterMs;
  if (finiteNonNeg(p.deadlineMs) && p.deadlineMs > 0) out.deadlineMs = p.deadlineMs;
  if (p.retryBudget && typeof p.retryBudget === 'object' && finiteNonNeg(p.retryBudget.maxTokens) && finiteNonNeg(p.retryBudget.tokenRatio)) {
    out.retryBudget = p.retryBudget;
  }
  if (typeof p.fallbackModel === 'string' && p.fallbackModel.trim()) out.fallbackModel = p.fallbackModel.trim();
  if (p.limiter === false || isLimiter(p.limiter)) out.limiter = p.limiter;
  if (finiteNonNeg(p.retryAfterSpread)) out.retryAfterSpread = Math.min(10, p.retryAfterSpread);
  if (p.throttle === false || isThrottle(p.throttle)) out.throttle = p.throttle;
  return out;
}

function unit(random: () => number): number {
  const r = random();
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) return 0;
  return r >= 1 ? 1 - Number.EPSILON : r;
}

/** min(cap, base · 2^attempt), safe for large attempts. */
export function exponentialCeiling(attempt: number, policy: RetryPolicy): number {
  const n = Math.max(0, Math.floor(attempt));
  const exp = policy.baseDelayMs * Math.pow(2, Math.min(n, 60));
  return Math.min(policy.maxDelayMs, exp);
}

/**
 * The delay before retry number `attempt` (0-based: 0 is the wait before the second attempt).
 * - full:         random(0, min(cap, base·2^attempt))
 * - equal:        v/2 + random(0, v/2), v = min(cap, base·2^attempt)
 * - decorrelated: min(cap, random(base, 3·prev)), prev = the previous delay (base for the first)
 * - none:         min(cap, base·2^attempt)
 * - sdk:          min(cap, base·2^attempt) · (1 − 0.25·random) — the official SDK's formula
 *                 (with the default base 500 ms and cap 8 s it is exactly the SDK's delay)
 */
export function computeBackoff(attempt: number, policy: RetryPolicy, prevDelayMs: number, random: () => number): number {
  const ceiling = exponentialCeiling(attempt, policy);
  switch (policy.jitter) {
    case 'none':
      return ceiling;
    case 'equal':
      return ceiling / 2 + unit(random) * (ceiling / 2);
    case 'decorrelated': {
      const base = Math.min(policy.baseDelayMs, policy.maxDelayMs);
      const prev = Number.isFinite(prevDelayMs) && prevDelayMs > 0 ? prevDelayMs : base;
      const hi = Math.max(base, 3 * prev);
      return Math.min(policy.maxDelayMs, base + unit(random) * (hi - base));
    }
    case 'sdk':
      return ceiling * (1 - unit(random) * SDK.backoff.jitterFraction);
    case 'full':
    default:
      return unit(random) * ceiling;
  }
}

export type RetryAfter = { ms: number; reason: 'retry-after' | 'retry-after-ms' } | { invalid: string };

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
const HTTP_DATE = /^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}:\d{2}\s+GMT$/;
const OTHER_DATES = /^[A-Za-z]+,\s+\d{1,2}-[A-Za-z]{3}-\d{2,4}\s+\d{2}:\d{2}:\d{2}\s+GMT$|^[A-Za-z]{3}\s+[A-Za-z]{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s+\d{4}$/;

function show(v: string): string {
  const s = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return JSON.stringify(s);
}

/**
 * Read the server's wait demand. `retry-after-ms` first (like the SDK), then `retry-after` as
 * delta-seconds or an HTTP-date. Returns:
 * - `{ ms, reason }` for a usable value (ms ≥ 0; a date in the past gives 0: "retry now"),
 * - `{ invalid }` when a header is present but unusable (garbage, negative, non-finite),
 * - `undefined` when neither header is present.
 * A huge value is returned as is: the caller compares it with `maxRetryAfterMs`.
 */
export function parseRetryAfter(headers: HeadersLike, nowMs: number): RetryAfter | undefined {
  const problems: string[] = [];
  const msRaw = headerValue(headers, HEADERS.retryAfterMs);
  if (msRaw !== undefined) {
    const t = msRaw.trim();
    if (DELTA_SECONDS.test(t)) {
      const ms = Number(t);
      if (Number.isFinite(ms)) return { ms, reason: 'retry-after-ms' };
      problems.push(`retry-after-ms ${show(msRaw)} is not a finite number`);
    } else if (/^-\d/.test(t)) {
      problems.push(`retry-after-ms ${show(msRaw)} is negative`);
    } else {
      problems.push(`retry-after-ms ${show(msRaw)} is not a number of milliseconds`);
    }
  }
  const raw = headerValue(headers, HEADERS.retryAfter);
  if (raw !== undefined) {
    const t = raw.trim();
    if (DELTA_SECONDS.test(t)) {
      const ms = Number(t) * 1000;
      if (Number.isFinite(ms)) return { ms, reason: 'retry-after' };
      problems.push(`retry-after ${show(raw)} is not a finite number`);
    } else if (/^-\d/.test(t)) {
      problems.push(`retry-after ${show(raw)} is negative`);
    } else if (HTTP_DATE.test(t) || OTHER_DATES.test(t)) {
      const at = Date.parse(t);
      if (Number.isFinite(at)) return { ms: Math.max(0, at - nowMs), reason: 'retry-after' };
      problems.push(`retry-after ${show(raw)} is not a valid date`);
    } else {
      problems.push(`retry-after ${show(raw)} is neither seconds nor an HTTP-date`);
    }
  }
  if (problems.length > 0) return { invalid: problems.join('; ') };
  return undefined;
}
