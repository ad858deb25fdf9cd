/**
 * The retry decision, pure: given the run's state, the attempt's outcome, the policy and the
 * time, either "retry after this delay" or "stop, for this reason". No I/O, no clock, no text,
 * no events: the loop in client.ts reads the clock and the shared objects (retry budget, limiter)
 * once, calls `decide`, and acts; verdict.ts turns a `Stop` into words. (The one exception is
 * the opt-in `policy.throttle`, throttle.ts: its holds count in its own window.)
 *
 * The order of the checks is the policy's precedence:
 *   1. success / cancelled            4. how long: retry-after (≤ maxRetryAfterMs) else jitter
 *   2. not retryable                  5. retry budget
 *   3. stream with content; out of    6. total deadline (shorten a jittered wait to fit one more
 *      retries (one fallback try on      attempt; a server's wait that does not fit stops)
 *      overload)
 */
import type { Classification } from '../taxonomy';
import type { BackoffReason } from './events';
import type { HeadersLike } from './headers';
import { overloadSignal } from './limiter';
import { computeBackoff, parseRetryAfter, type RetryPolicy } from './policy';
import { paceOverload } from './throttle';

/**
 * Near the deadline, an attempt is started only with at least this much time left (or the run's
 * fastest attempt so far, if longer): a request with a 2 ms timeout cannot succeed, it only adds load.
 */
export const MIN_ATTEMPT_MS = 50;
/** Attempts end this long before the deadline, so the loop's own verdict comes before the watchdog's. */
export const DEADLINE_MARGIN_MS = 25;

/** What the decision needs to know about the run so far. */
export interface RetryState {
  /** Retries spent out of `policy.maxRetries` (the fallback model's attempt is not one). */
  retriesUsed: number;
  fallbackUsed: boolean;
  /** The previous jittered wait (decorrelated jitter grows from it); 0 before the first. */
  prevDelayMs: number;
  /** The model of the attempt just made. */
  model: string;
  /** The fastest attempt of the run so far (Infinity before the first): what another one needs. */
  fastestMs: number;
  /** The deadline on the monotonic clock, when the policy has one. */
  deadlineAt?: number;
  stream: boolean;
  /** Whether the retry budget allows a retry now; undefined without a budget. */
  budgetOpen?: boolean;
  /**
   * The limiter's queue paces retries (limiter.ts `queuePaces`: others queued or every slot taken,
   * and a success came back since its last cut); false without a limiter.
   */
  limiterSaturated: boolean;
  /** The jitter source (called only when a jittered wait is computed). */
  random: () => number;
}

/** An attempt's outcome as the decision sees it (transport.ts's `AttemptOutcome` fits). */
export type Outcome =
  | { ok: true }
  | { ok: false; cls: Classification; headers: HeadersLike | null; partialTextLength?: number; userAborted: boolean };

/** The two clocks: monotonic (`performance.now()`, for the deadline) and wall (`Date.now()`, for HTTP dates). */
export interface Now {
  mono: number;
  wall: number;
}

export type Stop =
  | { kind: 'success' }
  | { kind: 'cancelled' }
  | { kind: 'not-retryable' }
  /** A stream that already delivered content: a retry would generate (and bill) it again. */
  | { kind: 'streamed-content'; partial: number }
  /** Out of retries (and no fallback try left). */
  | { kind: 'exhausted' }
  | { kind: 'retry-after-too-long'; waitMs: number; source: 'retry-after' | 'retry-after-ms'; untilWall: number }
  | { kind: 'budget' }
  /** Less time left before the deadline than an attempt needs. */
  | { kind: 'deadline'; remainingMs: number; needMs: number }
  /** The server's wait does not fit before the deadline. */
  | { kind: 'deadline-retry-after'; waitMs: number; source: 'retry-after' | 'retry-after-ms'; remainingMs: number }
  ;

export interface Retry {
  action: 'retry';
  delayMs: number;
  reason: BackoffReason;
  /** The next attempt is the one try on `policy.fallbackModel`. */
  fallback: boolean;
  /** The wait happens in the limiter's queue instead of a sleep (a jittered overload retry while it throttles). */
  paced: boolean;
  /** A server's wait with jitter on top: what the header demanded (delayMs is longer). */
  demandMs?: number;
}

export type Decision = Retry | { action: 'stop'; stop: Stop };

const halt = (stop: Stop): Decision => ({ action: 'stop', stop });

/** What another attempt needs at least: max(MIN_ATTEMPT_MS, the fastest attempt so far). */
export function attemptFloor(fastestMs: number): number {
  return Math.max(MIN_ATTEMPT_MS, Number.isFinite(fastestMs) ? fastestMs : 0);
}

/** Before attempt `attempt` (1-based): too little time left to send it? Only after the first. */
export function tooLateToStart(state: Pick<RetryState, 'deadlineAt' | 'fastestMs'>, attempt: number, now: Now): { remainingMs: number; floorMs: number } | undefined {
  if (state.deadlineAt === undefined || attempt <= 1) return undefined;
  const remainingMs = state.deadlineAt - now.mono;
  const floorMs = attemptFloor(state.fastestMs);
  return remainingMs < floorMs ? { remainingMs, floorMs } : undefined;
}

/** An attempt's timeout: the configured one, cut to end DEADLINE_MARGIN_MS before the deadline. */
export function attemptTimeoutMs(timeoutMs: number, deadlineAt: number | undefined, now: Now): number {
  return deadlineAt === undefined ? timeoutMs : Math.max(1, Math.min(timeoutMs, deadlineAt - now.mono - DEADLINE_MARGIN_MS));
}

export function decide(state: RetryState, outcome: Outcome, policy: RetryPolicy, now: Now): Decision {
  if (outcome.ok) return halt({ kind: 'success' });
  if (outcome.userAborted) return halt({ kind: 'cancelled' });
  const cls = outcome.cls;

  // 1. Not retryable (the table, x-should-retry, spend cap …).
  if (!cls.retryable) return halt({ kind: 'not-retryable' });

  // 2. A stream that already delivered content is not retried (it would duplicate output).
  const partial = outcome.partialTextLength ?? 0;
  if (state.stream && partial > 0) return halt({ kind: 'streamed-content', partial });

  // 3. Out of attempts: maybe one try on the fallback model, on overload only.
  let fallback = false;
  if (state.retriesUsed >= policy.maxRetries) {
    const overloaded = cls.category === 'overloaded' || cls.errorType === 'overloaded_error';
    if (!(overloaded && policy.fallbackModel && !state.fallbackUsed && policy.fallbackModel !== state.model)) return halt({ kind: 'exhausted' });
    fallback = true;
  }

  // 4. How long to wait: the server's demand, else our jitter.
  let delayMs: number;
  let reason: BackoffReason;
  const ra = parseRetryAfter(outcome.headers, now.wall);
  if (ra && 'ms' in ra && ra.ms > 0) {
    if (ra.ms > policy.maxRetryAfterMs) return halt({ kind: 'retry-after-too-long', waitMs: ra.ms, source: ra.reason, untilWall: now.wall + ra.ms });
    delayMs = ra.ms;
    reason = ra.reason;
  } else {
    delayMs = computeBackoff(state.retriesUsed, policy, state.prevDelayMs, state.random);
    reason = 'jitter';
  }
  // Jitter on top of a 529/503's retry-after (callers told the same thing must not retry in
  // lockstep) and the opt-in throttle's holds (throttle.ts); never below the server's demand,
  // never past the deadline less one attempt, nor past the longest wait the settle budget allows.
  const roomMs = Math.min(
    Math.max(policy.maxDelayMs, policy.maxRetryAfterMs),
    state.deadlineAt !== undefined ? state.deadlineAt - now.mono - attemptFloor(state.fastestMs) - DEADLINE_MARGIN_MS : Infinity,
  );
  const demandMs = reason === 'jitter' ? undefined : delayMs;
  delayMs = paceOverload({
    delayMs, reason, status: cls.status, category: cls.category, roomMs, random: state.random,
    ...(policy.retryAfterSpread !== undefined ? { retryAfterSpread: policy.retryAfterSpread } : {}),
    ...(policy.throttle !== undefined ? { throttle: policy.throttle } : {}),
    draw: () => computeBackoff(state.retriesUsed, policy, state.prevDelayMs, state.random),
  });
  // While the limiter is throttling, an overload answer's retry waits in its queue instead of a
  // jittered sleep: the queue already spreads the retries (FIFO, admitted only as slots free up),
  // and a sleep on top only leaves slots idle. Only once a success came back since the limiter's
  // last cut (queuePaces): after nothing but 529s the queue would re-send at 529 speed. A run alone
  // never sees a saturated limiter, so it keeps its jittered backoff; a server's retry-after is
  // always honoured.
  const paced = reason === 'jitter' && state.limiterSaturated && overloadSignal(cls.status, cls.category) === 'overload';

  // 5. Retry budget (shared token bucket).
  if (state.budgetOpen === false) return halt({ kind: 'budget' });

  // 6. Total deadline: a retry needs the wait plus the time an attempt takes.
  if (state.deadlineAt !== undefined) {
    const remainingMs = state.deadlineAt - now.mono;
    const needMs = attemptFloor(state.fastestMs);
    if (remainingMs < needMs) return halt({ kind: 'deadline', remainingMs, needMs });
    if (!paced && delayMs + needMs > remainingMs) {
      if (reason === 'retry-after' || reason === 'retry-after-ms') return halt({ kind: 'deadline-retry-after', waitMs: delayMs, source: reason, remainingMs });
      // Shorten the wait so one last attempt still fits in the time budget.
      delayMs = Math.min(remainingMs / 2, remainingMs - needMs);
      reason = 'budget';
    }
  }
  return { action: 'retry', delayMs, reason, fallback, paced, ...(demandMs !== undefined && reason !== 'budget' && delayMs > demandMs ? { demandMs } : {}) };
}

/** The state after acting on a retry decision (a retry spent, or the fallback model taken). */
export function advance<S extends RetryState>(state: S, d: Retry, policy: RetryPolicy): S {
  return {
    ...state,
    retriesUsed: d.fallback ? state.retriesUsed : state.retriesUsed + 1,
    fallbackUsed: state.fallbackUsed || d.fallback,
    model: d.fallback ? policy.fallbackModel! : state.model,
    prevDelayMs: d.reason === 'jitter' || d.reason === 'budget' ? d.delayMs : state.prevDelayMs,
  };
}
