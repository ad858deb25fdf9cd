/**
 * The retry decision on its own: no HTTP, no clock, no events. Each row is a run state, an
 * attempt's outcome, a policy and a time, and the decision they must give.
 */
import { describe, expect, it } from 'vitest';
import { advance, attemptFloor, attemptTimeoutMs, decide, MIN_ATTEMPT_MS, tooLateToStart, type Decision, type Outcome, type Retry, type RetryState } from '../../../src/core/retry/decide';
import { resolvePolicy, type RetryPolicy } from '../../../src/core/retry/policy';
import { classify, type ClassifyInput } from '../../../src/core/taxonomy';

const NOW = { mono: 10_000, wall: Date.UTC(2026, 11, 4, 21, 0, 0) };

function state(over: Partial<RetryState> = {}): RetryState {
  return { retriesUsed: 0, fallbackUsed: false, prevDelayMs: 0, model: 'claude-haiku-4-5', fastestMs: Infinity, stream: false, limiterSaturated: false, random: () => 0.5, ...over };
}
function failed(input: ClassifyInput, over: Partial<Extract<Outcome, { ok: false }>> = {}): Outcome {
  const headers = input.headers instanceof Headers ? input.headers : new Headers((input.headers ?? {}) as Record<string, string>);
  return { ok: false, cls: classify(input), headers, userAborted: false, ...over };
}
const OK: Outcome = { ok: true };
const S529 = { status: 529 };
const S500 = { status: 500 };
const policy = (p: Partial<RetryPolicy> = {}) => resolvePolicy({ baseDelayMs: 500, maxDelayMs: 8000, jitter: 'full', maxRetries: 4, ...p });
const retry = (delayMs: number, reason: Retry['reason'], extra: Partial<Retry> = {}): Decision => ({ action: 'retry', delayMs, reason, fallback: false, paced: false, ...extra });
const halt = (stop: Extract<Decision, { action: 'stop' }>['stop']): Decision => ({ action: 'stop', stop });

interface Row {
  name: string;
  state?: Partial<RetryState>;
  outcome: Outcome;
  policy?: Partial<RetryPolicy>;
  now?: { mono: number; wall: number };
  want: Decision;
}

const rows: Row[] = [
  // 1. Success and cancel end the run whatever else holds.
  { name: 'success stops', outcome: OK, state: { retriesUsed: 9 }, want: halt({ kind: 'success' }) },
  { name: 'a cancelled attempt stops, before any retry rule', outcome: failed(S529, { userAborted: true }), want: halt({ kind: 'cancelled' }) },
  // 2. Not retryable.
  { name: '400 invalid_request is not retried', outcome: failed({ status: 400, errorType: 'invalid_request_error' }), want: halt({ kind: 'not-retryable' }) },
  { name: 'x-should-retry: false on a 529 is obeyed', outcome: failed({ status: 529, headers: { 'x-should-retry': 'false' } }), want: halt({ kind: 'not-retryable' }) },
  { name: 'not retryable wins over out of retries', outcome: failed({ status: 401 }), state: { retriesUsed: 4 }, want: halt({ kind: 'not-retryable' }) },
  // 3. Streams with content; out of retries; the fallback try.
  { name: 'a stream that delivered content is not retried', outcome: failed(S529, { partialTextLength: 12 }), state: { stream: true }, want: halt({ kind: 'streamed-content', partial: 12 }) },
  { name: 'a stream with no content yet is retried', outcome: failed(S529, { partialTextLength: 0 }), state: { stream: true }, want: retry(250, 'jitter') },
  { name: 'partial text outside a stream does not count', outcome: failed(S529, { partialTextLength: 12 }), want: retry(250, 'jitter') },
  { name: 'out of retries: exhausted', outcome: failed(S500), state: { retriesUsed: 4 }, want: halt({ kind: 'exhausted' }) },
  { name: 'maxRetries 0: the first failure is the last', outcome: failed(S529), policy: { maxRetries: 0 }, want: halt({ kind: 'exhausted' }) },
  { name: 'out of retries on overload: one try on the fallback model', outcome: failed(S529), state: { retriesUsed: 4 }, policy: { fallbackModel: 'claude-sonnet-4-5' }, want: retry(4000, 'jitter', { fallback: true }) },
  { name: 'overloaded_error inside a 200 stream counts as overload', outcome: failed({ midStream: true, errorType: 'overloaded_error' }), state: { retriesUsed: 4 }, policy: { fallbackModel: 'claude-sonnet-4-5' }, want: retry(4000, 'jitter', { fallback: true }) },
  { name: 'the fallback is tried once', outcome: failed(S529), state: { retriesUsed: 4, fallbackUsed: true, model: 'claude-sonnet-4-5' }, policy: { fallbackModel: 'claude-sonnet-4-5' }, want: halt({ kind: 'exhausted' }) },
  { name: 'no fallback to the model that just failed', outcome: failed(S529), state: { retriesUsed: 4, model: 'claude-sonnet-4-5' }, policy: { fallbackModel: 'claude-sonnet-4-5' }, want: halt({ kind: 'exhausted' }) },
  { name: 'no fallback on a 500 (not overload)', outcome: failed(S500), state: { retriesUsed: 4 }, policy: { fallbackModel: 'claude-sonnet-4-5' }, want: halt({ kind: 'exhausted' }) },
  // 4. How long: retry-after, else jitter.
  { name: 'retry-after: 2 on a 529 is honoured with jitter on top: demand + random × demand', outcome: failed({ status: 529, headers: { 'retry-after': '2' } }), want: retry(3000, 'retry-after', { demandMs: 2000 }) },
  { name: 'retryAfterSpread 0: exactly the demand', outcome: failed({ status: 529, headers: { 'retry-after': '2' } }), policy: { retryAfterSpread: 0 }, want: retry(2000, 'retry-after') },
  { name: 'the jitter on top never passes the deadline less one attempt, nor goes below the demand', outcome: failed({ status: 529, headers: { 'retry-after': '2' } }), state: { deadlineAt: NOW.mono + 2600 }, want: retry(2525, 'retry-after', { demandMs: 2000 }) },
  { name: 'a 429 waits exactly its retry-after (a quota, not a crowd)', outcome: failed({ status: 429, headers: { 'retry-after': '2' } }), want: retry(2000, 'retry-after') },
  { name: 'retry-after-ms wins over retry-after', outcome: failed({ status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' } }), want: retry(1500, 'retry-after-ms') },
  { name: 'an HTTP-date retry-after is read against the wall clock given', outcome: failed({ status: 503, headers: { 'retry-after': new Date(NOW.wall + 3000).toUTCString() } }), want: retry(4500, 'retry-after', { demandMs: 3000 }) },
  { name: 'a retry-after longer than maxRetryAfterMs stops now, saying until when', outcome: failed({ status: 529, headers: { 'retry-after': '120' } }), want: halt({ kind: 'retry-after-too-long', waitMs: 120_000, source: 'retry-after', untilWall: NOW.wall + 120_000 }) },
  { name: 'maxRetryAfterMs is the policy\'s', outcome: failed({ status: 529, headers: { 'retry-after': '3' } }), policy: { maxRetryAfterMs: 2000 }, want: halt({ kind: 'retry-after-too-long', waitMs: 3000, source: 'retry-after', untilWall: NOW.wall + 3000 }) },
  { name: 'retry-after: 0 falls back to jitter', outcome: failed({ status: 529, headers: { 'retry-after': '0' } }), want: retry(250, 'jitter') },
  { name: 'an unreadable retry-after falls back to jitter', outcome: failed({ status: 529, headers: { 'retry-after': 'soon' } }), want: retry(250, 'jitter') },
  { name: 'full jitter grows with the retries spent', outcome: failed(S529), state: { retriesUsed: 2 }, want: retry(1000, 'jitter') },
  { name: 'full jitter is capped at maxDelayMs', outcome: failed(S529), state: { retriesUsed: 3 }, policy: { maxRetries: 10 }, want: retry(2000, 'jitter') },
  { name: 'no jitter: the exponential ceiling', outcome: failed(S529), state: { retriesUsed: 1 }, policy: { jitter: 'none' }, want: retry(1000, 'jitter') },
  { name: 'decorrelated jitter reads the previous delay', outcome: failed(S529), state: { retriesUsed: 1, prevDelayMs: 1000 }, policy: { jitter: 'decorrelated' }, want: retry(500 + 0.5 * 2500, 'jitter') },
  // 5. Retry budget.
  { name: 'an empty retry budget stops', outcome: failed(S529), state: { budgetOpen: false }, want: halt({ kind: 'budget' }) },
  { name: 'an open retry budget lets the retry through', outcome: failed(S529), state: { budgetOpen: true }, want: retry(250, 'jitter') },
  { name: 'a too-long retry-after is reported before the budget', outcome: failed({ status: 529, headers: { 'retry-after': '120' } }), state: { budgetOpen: false }, want: halt({ kind: 'retry-after-too-long', waitMs: 120_000, source: 'retry-after', untilWall: NOW.wall + 120_000 }) },
  // 6. The deadline.
  { name: 'less time left than an attempt needs (50 ms floor): stop', outcome: failed(S529), state: { deadlineAt: NOW.mono + 40 }, want: halt({ kind: 'deadline', remainingMs: 40, needMs: MIN_ATTEMPT_MS }) },
  { name: 'the floor is the fastest attempt when longer', outcome: failed(S529), state: { deadlineAt: NOW.mono + 150, fastestMs: 200 }, want: halt({ kind: 'deadline', remainingMs: 150, needMs: 200 }) },
  { name: 'a jittered wait that does not fit is shortened to leave one attempt', outcome: failed(S529), state: { deadlineAt: NOW.mono + 400, fastestMs: 300 }, want: retry(100, 'budget') },
  { name: 'shortened to half the time left when that is less', outcome: failed(S529), state: { retriesUsed: 3, deadlineAt: NOW.mono + 1000 }, want: retry(500, 'budget') },
  { name: 'a wait that fits is kept', outcome: failed(S529), state: { deadlineAt: NOW.mono + 5000 }, want: retry(250, 'jitter') },
  { name: 'a server wait that does not fit before the deadline stops', outcome: failed({ status: 529, headers: { 'retry-after': '2' } }), state: { deadlineAt: NOW.mono + 1000 }, want: halt({ kind: 'deadline-retry-after', waitMs: 2000, source: 'retry-after', remainingMs: 1000 }) },
  // The limiter's queue instead of a sleep.
  { name: 'overload while the limiter throttles: paced through its queue', outcome: failed(S529), state: { limiterSaturated: true }, want: retry(250, 'jitter', { paced: true }) },
  { name: 'a 429 is overload too', outcome: failed({ status: 429 }), state: { limiterSaturated: true }, want: retry(250, 'jitter', { paced: true }) },
  { name: 'a paced wait is not shortened by the deadline (the queue has its own)', outcome: failed(S529), state: { limiterSaturated: true, retriesUsed: 3, deadlineAt: NOW.mono + 1000 }, want: retry(2000, 'jitter', { paced: true }) },
  { name: 'a server retry-after is honoured, never paced', outcome: failed({ status: 529, headers: { 'retry-after': '1' } }), state: { limiterSaturated: true }, want: retry(1500, 'retry-after', { demandMs: 1000 }) },
  { name: 'a 500 is not overload: its own sleep', outcome: failed(S500), state: { limiterSaturated: true }, want: retry(250, 'jitter') },
];

describe('decide(state, outcome, policy, now)', () => {
  it.each(rows)('$name', (row) => {
    const s = state(row.state);
    expect(decide(s, row.outcome, policy(row.policy), row.now ?? NOW)).toEqual(row.want);
  });

  it('is pure: same inputs, same decision; the state is not touched', () => {
    for (const row of rows) {
      const s = Object.freeze(state(row.state));
      const p = Object.freeze(policy(row.policy));
      const a = decide(s, row.outcome, p, NOW);
      expect(decide(s, row.outcome, p, NOW)).toEqual(a);
    }
  });

  it('draws a random number only for a jittered wait (our backoff, or the jitter on top of a 529\'s retry-after)', () => {
    let draws = 0;
    const random = () => (draws++, 0.25);
    const p = policy();
    decide(state({ random }), failed({ status: 429, headers: { 'retry-after': '1' } }), p, NOW);
    decide(state({ random }), failed({ status: 400 }), p, NOW);
    decide(state({ random }), OK, p, NOW);
    expect(draws).toBe(0);
    expect(decide(state({ random }), failed(S529), p, NOW)).toEqual(retry(125, 'jitter'));
    expect(draws).toBe(1);
    expect(decide(state({ random }), failed({ status: 529, headers: { 'retry-after': '1' } }), p, NOW)).toEqual(retry(1250, 'retry-after', { demandMs: 1000 }));
    expect(draws).toBe(2);
  });
});

describe('advance(state, retry, policy)', () => {
  const p = policy({ fallbackModel: 'claude-sonnet-4-5' });
  it('a retry spends one of maxRetries and remembers a jittered or shortened wait', () => {
    expect(advance(state({ retriesUsed: 1, prevDelayMs: 7 }), retry(300, 'jitter') as Retry, p)).toMatchObject({ retriesUsed: 2, prevDelayMs: 300, fallbackUsed: false, model: 'claude-haiku-4-5' });
    expect(advance(state({ prevDelayMs: 7 }), retry(120, 'budget') as Retry, p)).toMatchObject({ retriesUsed: 1, prevDelayMs: 120 });
  });
  it("a server's wait is not a jitter step (decorrelated jitter keeps its own)", () => {
    expect(advance(state({ prevDelayMs: 7 }), retry(2000, 'retry-after') as Retry, p)).toMatchObject({ retriesUsed: 1, prevDelayMs: 7 });
  });
  it('the fallback try switches the model and spends no retry', () => {
    const s = state({ retriesUsed: 4 });
    const next = advance(s, retry(900, 'jitter', { fallback: true }) as Retry, p);
    expect(next).toMatchObject({ retriesUsed: 4, fallbackUsed: true, model: 'claude-sonnet-4-5', prevDelayMs: 900 });
    expect(s.model).toBe('claude-haiku-4-5');
  });
});

describe('before an attempt', () => {
  it('too late to start: only after the first attempt, with less than the floor left', () => {
    expect(tooLateToStart(state({ deadlineAt: NOW.mono + 10 }), 1, NOW)).toBeUndefined();
    expect(tooLateToStart(state(), 5, NOW)).toBeUndefined();
    expect(tooLateToStart(state({ deadlineAt: NOW.mono + 49 }), 2, NOW)).toEqual({ remainingMs: 49, floorMs: 50 });
    expect(tooLateToStart(state({ deadlineAt: NOW.mono + 50 }), 2, NOW)).toBeUndefined();
    expect(tooLateToStart(state({ deadlineAt: NOW.mono + 120, fastestMs: 130 }), 3, NOW)).toEqual({ remainingMs: 120, floorMs: 130 });
  });
  it('the attempt floor is max(50 ms, the fastest attempt)', () => {
    expect(attemptFloor(Infinity)).toBe(50);
    expect(attemptFloor(12)).toBe(50);
    expect(attemptFloor(80)).toBe(80);
  });
  it("an attempt's timeout ends 25 ms before the deadline, never below 1 ms", () => {
    expect(attemptTimeoutMs(30_000, undefined, NOW)).toBe(30_000);
    expect(attemptTimeoutMs(30_000, NOW.mono + 1000, NOW)).toBe(975);
    expect(attemptTimeoutMs(500, NOW.mono + 1000, NOW)).toBe(500);
    expect(attemptTimeoutMs(500, NOW.mono + 10, NOW)).toBe(1);
  });
});
