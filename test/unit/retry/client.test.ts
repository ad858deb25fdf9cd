/**
 * The retrying client against the real simulator (real HTTP on 127.0.0.1), one scenario at a time:
 * the event sequence, the verdict, and timing within tolerances that survive a loaded 2-core box.
 */
import { describe, expect, it } from 'vitest';
import { REQUEST_PROFILE } from '../../../src/core/connection/profile';
import { RetryBudget } from '../../../src/core/retry/budget';
import { runConnectionTest, SESSION_HEADER, type ConnectionTestOptions } from '../../../src/core/retry/client';
import type { AttemptEvent, BackoffDoneEvent, BackoffEvent, ClientEvent, ResultEvent } from '../../../src/core/retry/events';
import { errorBody, httpServer, messageBody, names, sendJson, until } from '../hostile/servers';
import { FAST, runStorm, useSimulator } from './simulated';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('CLIENTTEST', 70);
/** Slack for timers on a loaded machine: never fail because the box was busy. */
const SLACK_MS = 1000;

const env = useSimulator(KEY);

async function runScenario(scenario: string, extra: Partial<ConnectionTestOptions> = {}) {
  const { result, events } = await env.runScenario(scenario, extra);
  const attempts = events.filter((e): e is AttemptEvent => e.event === 'attempt');
  const backoffs = events.filter((e): e is BackoffEvent => e.event === 'backoff');
  const dones = events.filter((e): e is BackoffDoneEvent => e.event === 'backoffDone');
  return { result, events, attempts, backoffs, dones };
}

/** attemptStart, attempt, [backoff, backoffDone, attemptStart, attempt]…, result */
function expectedSequence(attempts: number): string[] {
  const seq = ['attemptStart', 'attempt'];
  for (let i = 1; i < attempts; i++) seq.push('backoff', 'backoffDone', 'attemptStart', 'attempt');
  seq.push('result');
  return seq;
}

function expectBackoffTiming(dones: BackoffDoneEvent[]) {
  for (const d of dones) {
    expect(d.actualMs).toBeGreaterThanOrEqual(d.plannedMs - 2);
    expect(d.actualMs).toBeLessThan(d.plannedMs + SLACK_MS);
  }
}

describe('client against the simulator: scenarios', () => {
  it('ok: one attempt, text, request id, rate-limit headroom', async () => {
    const { result, events, attempts } = await runScenario('ok');
    expect(names(events)).toEqual(expectedSequence(1));
    expect(result).toMatchObject({ event: 'result', ok: true, attempts: 1, status: 200, model: 'claude-haiku-4-5' });
    expect(result.text && result.text.length).toBeGreaterThan(0);
    expect(result.verdict.category).toBe('ok');
    expect(result.verdict.summary).toMatch(/first attempt/);
    const a = attempts[0]!;
    expect(a).toMatchObject({ ok: true, status: 200, category: 'ok', attempt: 1 });
    expect(a.requestId).toMatch(/^req_/);
    expect(result.verdict.summary).toContain(a.requestId!);
    expect(a.rateLimit?.requests?.limit).toBeGreaterThan(0);
    expect(a.rateLimit?.requests?.reset).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(a.latencyMs).toBeGreaterThan(0);
    const start = events[0] as { startedAt: number; runId: string };
    expect(start.runId).toBe(result.runId);
  });

  it('ok, streaming', async () => {
    const { result, events, attempts } = await runScenario('ok', { stream: true });
    expect(names(events)).toEqual(expectedSequence(1));
    expect(result.ok).toBe(true);
    expect(result.text!.length).toBeGreaterThan(0);
    expect(attempts[0]!.requestId).toMatch(/^req_/);
  });

  it('overloaded;count=2: two 529s with jittered backoff, then 200', async () => {
    const { result, events, attempts, backoffs, dones } = await runScenario('overloaded;count=2');
    expect(names(events)).toEqual(expectedSequence(3));
    expect(attempts.map((a) => a.status)).toEqual([529, 529, 200]);
    expect(attempts.map((a) => a.category)).toEqual(['overloaded', 'overloaded', 'ok']);
    expect(attempts[0]).toMatchObject({ errorType: 'overloaded_error', retryable: true });
    expect(backoffs.map((b) => b.reason)).toEqual(['jitter', 'jitter']);
    // Full jitter: delay i in [0, min(cap, base·2^i)).
    expect(backoffs[0]!.delayMs).toBeLessThan(20);
    expect(backoffs[1]!.delayMs).toBeLessThan(40);
    expectBackoffTiming(dones);
    expect(result).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(result.verdict.summary).toMatch(/third attempt after 2 failures \(529 Overloaded ×2\)/);
    // Our retries are visible to the server like the SDK's (x-stainless-retry-count > 0).
    expect(env.sim.stats().retries).toBeGreaterThanOrEqual(2);
  });

  it('rate-limited;retryAfterMs=150: waits what the server asked (retry-after-ms)', async () => {
    const { result, backoffs, dones, attempts } = await runScenario('rate-limited;retryAfterMs=150');
    expect(attempts.map((a) => a.category)).toEqual(['rate_limit', 'ok']);
    expect(backoffs).toHaveLength(1);
    expect(backoffs[0]).toMatchObject({ reason: 'retry-after-ms', delayMs: 150 });
    expect(dones[0]!.actualMs).toBeGreaterThanOrEqual(148);
    expectBackoffTiming(dones);
    // The second attempt started no earlier than the demand.
    expect(attempts[1]!.startedAt - (attempts[0]!.startedAt + attempts[0]!.latencyMs)).toBeGreaterThanOrEqual(145);
    expect(result.ok).toBe(true);
  });

  it('rate-limited;retryAfter=1: seconds form', async () => {
    const { result, backoffs, dones } = await runScenario('rate-limited;retryAfter=1');
    expect(backoffs[0]).toMatchObject({ reason: 'retry-after', delayMs: 1000 });
    expectBackoffTiming(dones);
    expect(result.ok).toBe(true);
  });

  it('overloaded;retryAfterMs=200: the demand of a 529 gets jitter on top, and the event says what was demanded', async () => {
    const { result, backoffs, dones } = await runScenario('overloaded;count=1;retryAfterMs=200', { random: () => 0.5 });
    expect(result.ok).toBe(true);
    // demand + random × demand (throttle.ts): callers told the same thing must not retry together.
    expect(backoffs[0]).toMatchObject({ reason: 'retry-after-ms', delayMs: 300, demandMs: 200 });
    expect(dones[0]!.actualMs).toBeGreaterThanOrEqual(295);
  });

  it('overloaded;retryAfterMs=200 with retryAfterSpread 0: exactly the demand, no demandMs', async () => {
    const { backoffs } = await runScenario('overloaded;count=1;retryAfterMs=200', { policy: { retryAfterSpread: 0 } });
    expect(backoffs[0]).toMatchObject({ reason: 'retry-after-ms', delayMs: 200 });
    expect(backoffs[0]!.demandMs).toBeUndefined();
  });

  it('rate-limited;retryAfter=120 with maxRetryAfterMs 60 s: stops at once instead of hanging', async () => {
    const t = performance.now();
    const { result, events } = await runScenario('rate-limited;retryAfter=120', { policy: { maxRetryAfterMs: 60_000 } });
    expect(performance.now() - t).toBeLessThan(3000);
    expect(names(events)).toEqual(expectedSequence(1));
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 429 });
    expect(result.verdict.category).toBe('rate_limit');
    expect(result.verdict.summary).toMatch(/asked to wait 2\.0 min|asked to wait 120 s/);
    expect(result.verdict.summary).toMatch(/maxRetryAfterMs/);
  });

  it('spend-cap: never retried', async () => {
    const { result, events, attempts } = await runScenario('spend-cap');
    expect(names(events)).toEqual(expectedSequence(1));
    expect(attempts[0]).toMatchObject({ status: 429, category: 'spend_cap', errorCode: 'enforced_spend_limit_reached', retryable: false });
    expect(result.verdict).toMatchObject({ category: 'spend_cap', fault: 'limit' });
    expect(result.verdict.summary).toMatch(/Not retried/);
    expect(env.sim.stats().byStatus['429']).toBeGreaterThan(0);
  });

  it('server-error 500 then 200; 503 twice then 200', async () => {
    const a = await runScenario('server-error;count=1');
    expect(a.attempts.map((x) => `${x.status}:${x.category}`)).toEqual(['500:api_error', '200:ok']);
    const b = await runScenario('server-error;count=2;status=503');
    expect(b.attempts.map((x) => `${x.status}:${x.category}`)).toEqual(['503:unavailable', '503:unavailable', '200:ok']);
    expect(b.result.ok).toBe(true);
  });

  it('gateway-html: a 502 HTML page is classified and retried', async () => {
    const { result, attempts } = await runScenario('gateway-html');
    expect(attempts[0]).toMatchObject({ status: 502, category: 'bad_gateway', retryable: true });
    expect(attempts[0]!.message ?? '').not.toMatch(/<html/i);
    expect(result.ok).toBe(true);
  });

  it('timeout: the per-attempt timeout ends each hung attempt; clear verdict', async () => {
    const t = performance.now();
    const { result, attempts, events } = await runScenario('timeout', { timeoutMs: 250, policy: { maxRetries: 1 } });
    const total = performance.now() - t;
    expect(names(events)).toEqual(expectedSequence(2));
    for (const a of attempts) {
      expect(a.category).toBe('timeout');
      expect(a.latencyMs).toBeGreaterThanOrEqual(245);
      expect(a.latencyMs).toBeLessThan(250 + SLACK_MS);
    }
    expect(total).toBeLessThan(2 * 250 + 80 + 2 * SLACK_MS);
    expect(result.verdict.category).toBe('timeout');
    expect(result.verdict.summary).toMatch(/Gave up after 2 attempts/);
    // Said once, in the "Why", not again in the summary.
    expect(result.verdict.explanation).toMatch(/billed/);
    expect(result.verdict.summary).not.toMatch(/billed/);
  });

  it('reset: connection reset, then 200', async () => {
    const { result, attempts } = await runScenario('reset');
    expect(attempts[0]).toMatchObject({ status: null, category: 'connection', retryable: true });
    expect(result.ok).toBe(true);
    expect(result.verdict.summary).toMatch(/Connection reset|Connection failed/);
  });

  it('stream-overloaded;deltas=2: error after content is not retried, partial length reported', async () => {
    const { result, events, attempts } = await runScenario('stream-overloaded;deltas=2', { stream: true });
    expect(names(events)).toEqual(expectedSequence(1));
    expect(attempts[0]).toMatchObject({ status: null, category: 'stream_error', errorType: 'overloaded_error' });
    expect(attempts[0]!.partialTextLength).toBeGreaterThan(0);
    expect(attempts[0]!.requestId).toMatch(/^req_/);
    expect(result.ok).toBe(false);
    expect(result.verdict.summary).toMatch(/after \d+ characters of content/);
  });

  it('stream-overloaded;deltas=0: error before content is retried until exhausted', async () => {
    const { result, events, attempts } = await runScenario('stream-overloaded;deltas=0', { stream: true, policy: { maxRetries: 2 } });
    expect(names(events)).toEqual(expectedSequence(3));
    expect(attempts.every((a) => a.category === 'stream_error' && a.partialTextLength === 0)).toBe(true);
    expect(result.verdict.summary).toMatch(/Gave up after 3 attempts/);
  });

  it('stream-cut: a stream that ends without message_stop after content is reported, not retried', async () => {
    const { result, attempts } = await runScenario('stream-cut;deltas=2', { stream: true });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.partialTextLength).toBeGreaterThan(0);
    expect(result.ok).toBe(false);
    expect(result.verdict.summary).toMatch(/content had arrived/);
  });

  it('gateway-timeout 504 then 200', async () => {
    const { attempts, result } = await runScenario('gateway-timeout');
    expect(attempts[0]).toMatchObject({ status: 504, category: 'gateway_timeout' });
    expect(result.ok).toBe(true);
  });

  it.each([
    ['auth-error', 401, 'authentication'],
    ['usage-limit', 400, 'usage_limit'],
    ['billing-error', 402, 'billing'],
    ['permission-error', 403, 'permission'],
    ['request-too-large', 413, 'request_too_large'],
  ])('%s: %i %s, not retried', async (scenario, status, category) => {
    const { result, events } = await runScenario(scenario);
    expect(names(events)).toEqual(expectedSequence(1));
    expect(result).toMatchObject({ ok: false, status, attempts: 1 });
    expect(result.verdict.category).toBe(category);
  });

  it('flaky (seeded): ends with a verdict consistent with the attempts', async () => {
    for (const seed of [1, 2, 3]) {
      const { result, attempts, events } = await runScenario(`flaky;seed=${seed}`, { timeoutMs: 1000, policy: { maxRetries: 6 } });
      expect(events.at(-1)).toEqual(result);
      expect(result.attempts).toBe(attempts.length);
      const last = attempts.at(-1)!;
      expect(result.ok).toBe(last.ok);
      if (!result.ok) expect(result.verdict.category).toBe(last.category);
      for (const a of attempts.slice(0, -1)) expect(a.retryable).toBe(true);
    }
  });

  it('storm: 30 concurrent runs against capacity 5; client and server agree on the attempt count', async () => {
    const { results, stats } = await runStorm(KEY, { capacity: 5, callers: 30, runId: 'storm', options: { policy: { baseDelayMs: 50, maxDelayMs: 600, maxRetries: 8 } } });
    const attempts = results.reduce((n, r) => n + r.attempts, 0);
    expect(stats.requests).toBe(attempts);
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(20);
    expect(stats.byStatus['529']).toBeGreaterThan(0);
    for (const r of results.filter((x) => !x.ok)) expect(r.verdict.category).toBe('overloaded');
    expect(attempts).toBeGreaterThan(30);
  });

  it('retired model: 404 not_found, not retried', async () => {
    const { result } = await runScenario('ok', { model: 'claude-3-opus-20240229' });
    expect(result).toMatchObject({ ok: false, status: 404, attempts: 1 });
    expect(result.verdict.category).toBe('not_found');
  });
});

describe('client: auth forms, headers and secrets', () => {
  it('wrong key: 401 with the key shape, never the key', async () => {
    const wrong = `${fakeKey('WRONGKEY', 59)}\n`;
    const events: ClientEvent[] = [];
    const result = await runConnectionTest({ baseURL: env.sim.url, apiKey: wrong, model: 'claude-haiku-4-5', onEvent: (e) => events.push(e) });
    expect(result.verdict.category).toBe('authentication');
    expect(result.verdict.summary).toContain(`Authorization: Bearer: length ${wrong.length}, prefix "sk-ant-api"; it contains a line break`);
    const all = JSON.stringify(events);
    expect(all).not.toContain('WRONGKEY');
  });

  it('x-api-key form is accepted by the simulator with the right key', async () => {
    const { result } = await runScenario('ok', { authHeader: 'x-api-key' });
    expect(result.ok).toBe(true);
  });

  it('sends the key in the chosen header form, the session header, and custom headers', async () => {
    const srv = await httpServer((_req, res) => sendJson(res, 200, messageBody('hi')));
    try {
      await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'm', authHeader: 'x-api-key', runId: 'run-xyz', headers: { 'x-extra': '1' } });
      await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'm', runId: 'run-abc' });
      const [a, b] = srv.requests;
      expect(a!.headers['x-api-key']).toBe(KEY);
      expect(a!.headers.authorization).toBeUndefined();
      expect(a!.headers[SESSION_HEADER]).toBe('run-xyz');
      expect(a!.headers['x-extra']).toBe('1');
      expect(b!.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(b!.headers['x-api-key']).toBeUndefined();
      expect(b!.headers['anthropic-version']).toBe('2026-10-21');
      expect(JSON.parse(b!.body)).toMatchObject({ model: 'm', max_tokens: REQUEST_PROFILE.maxTokens, messages: [{ role: 'user', content: REQUEST_PROFILE.prompt }] });
      // The private routing header never leaves; the SDK's per-attempt headers are truthful.
      expect(Object.keys(a!.headers).filter((h) => h.startsWith('x-claude-doctor'))).toEqual([]);
      expect(a!.headers['x-stainless-retry-count']).toBe('0');
    } finally {
      await srv.close();
    }
  });

  it('a server that echoes the key back: every event is redacted', async () => {
    const srv = await httpServer((req, res) =>
      sendJson(res, 400, errorBody('invalid_request_error', `bad header ${req.headers.authorization} and ${KEY.slice(0, 40)}`)),
    );
    try {
      const events: ClientEvent[] = [];
      const r = await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'm', onEvent: (e) => events.push(e) });
      const all = JSON.stringify(events) + JSON.stringify(r);
      expect(all).not.toContain(KEY);
      expect(all).not.toContain(KEY.slice(13, 40));
      expect(all).toContain('[redacted]');
    } finally {
      await srv.close();
    }
  });

  it('a key with a line break inside is refused locally; nothing is sent', async () => {
    const before = env.sim.stats().requests;
    const r = await runConnectionTest({ baseURL: env.sim.url, apiKey: 'sk-ant-api03-abc\ndef-0123456789', model: 'claude-haiku-4-5' });
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r.verdict.category).toBe('authentication');
    expect(r.verdict.summary).toMatch(/line break/);
    expect(env.sim.stats().requests).toBe(before);
  });

  it('a throwing onEvent listener does not break the run', async () => {
    const r = await runConnectionTest({
      baseURL: env.sim.url, apiKey: KEY, model: 'claude-haiku-4-5', headers: { 'x-simulate-scenario': 'overloaded;count=1' }, policy: FAST,
      onEvent: () => { throw new Error('listener bug'); },
    });
    expect(r.ok).toBe(true);
    expect(r.attempts).toBe(2);
  });
});

describe('client: policy features', () => {
  it('x-should-retry: false on a 529 is obeyed', async () => {
    const srv = await httpServer((_req, res) => sendJson(res, 529, errorBody('overloaded_error', 'Overloaded'), { 'x-should-retry': 'false' }));
    try {
      const r = await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'm', policy: FAST });
      expect(r.attempts).toBe(1);
      expect(srv.requests).toHaveLength(1);
      expect(r.verdict.summary).toMatch(/x-should-retry: false/);
    } finally {
      await srv.close();
    }
  });

  it('x-should-retry: true on a 400 is obeyed', async () => {
    const srv = await httpServer((_req, res, n) =>
      n === 1 ? sendJson(res, 400, errorBody('invalid_request_error', 'transient'), { 'x-should-retry': 'true' }) : sendJson(res, 200, messageBody()),
    );
    try {
      const r = await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'm', policy: FAST });
      expect(r).toMatchObject({ ok: true, attempts: 2 });
    } finally {
      await srv.close();
    }
  });

  it('fallback model: tried once after the 529 retries are exhausted', async () => {
    const { result, events } = await runScenario('overloaded;count=3', { policy: { maxRetries: 2, fallbackModel: 'claude-sonnet-4-6' } });
    const starts = events.filter((e) => e.event === 'attemptStart') as { model: string }[];
    expect(starts.map((s) => s.model)).toEqual(['claude-haiku-4-5', 'claude-haiku-4-5', 'claude-haiku-4-5', 'claude-sonnet-4-6']);
    expect(result).toMatchObject({ ok: true, attempts: 4, model: 'claude-sonnet-4-6' });
    expect(result.verdict.summary).toMatch(/fallback model claude-sonnet-4-6 answered/);
  });

  it('fallback that fails too is named in the verdict', async () => {
    const { result } = await runScenario('overloaded;count=50', { policy: { maxRetries: 1, fallbackModel: 'claude-sonnet-4-6' } });
    expect(result).toMatchObject({ ok: false, attempts: 3, model: 'claude-sonnet-4-6' });
    expect(result.verdict.summary).toMatch(/fallback model claude-sonnet-4-6 failed too/);
  });

  it('never throws, even on garbage options', async () => {
    const bad = [undefined, null, {}, { baseURL: 42, apiKey: {}, model: [] }, { baseURL: env.sim.url, apiKey: KEY, model: 'claude-haiku-4-5', policy: 'x', timeoutMs: -1, maxTokens: 'y' }];
    for (const o of bad) {
      const r = await runConnectionTest(o as unknown as ConnectionTestOptions);
      expect(r.event).toBe('result');
      expect(typeof r.verdict.summary).toBe('string');
    }
  });

  it('fallback is not used for other errors', async () => {
    const { result } = await runScenario('server-error;count=5', { policy: { maxRetries: 1, fallbackModel: 'claude-sonnet-4-6' } });
    expect(result).toMatchObject({ ok: false, attempts: 2, model: 'claude-haiku-4-5' });
  });

  it('total deadline ends the run on time', async () => {
    const t = performance.now();
    const { result, dones } = await runScenario('overloaded;count=1000', { policy: { deadlineMs: 400, baseDelayMs: 100, maxDelayMs: 100, jitter: 'none', maxRetries: 20 } });
    const total = performance.now() - t;
    expect(total).toBeGreaterThanOrEqual(300);
    expect(total).toBeLessThan(400 + SLACK_MS);
    expect(result.ok).toBe(false);
    expect(result.verdict.summary).toMatch(/deadline/);
    expectBackoffTiming(dones);
  });

  it('retry budget shared across runs: retries stop while tokens ≤ half', async () => {
    const budget = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
    const first = await runScenario('overloaded;count=1000', { budget, policy: { maxRetries: 20 } });
    // 10 → 5 tokens after 5 failures: the 5th failure is not retried.
    expect(first.result.attempts).toBe(5);
    expect(first.result.verdict.summary).toMatch(/Retry budget exhausted/);
    expect(budget.tokens).toBe(5);
    const second = await runScenario('overloaded;count=1000', { policy: { maxRetries: 20, retryBudget: budget } });
    expect(second.result.attempts).toBe(1);
    // Successes earn retries back.
    expect(budget.tokens).toBe(4);
    for (let i = 0; i < 30; i++) await runScenario('ok', { budget });
    expect(budget.tokens).toBeCloseTo(7, 6);
    const third = await runScenario('overloaded;count=1000', { budget, policy: { maxRetries: 20 } });
    expect(third.result.attempts).toBe(2);
  });

  it('sdk jitter kind: the SDK formula (75–100 % of the exponential step)', async () => {
    const { backoffs } = await runScenario('overloaded;count=2', { policy: { jitter: 'sdk', baseDelayMs: 40, maxDelayMs: 1000 } });
    expect(backoffs[0]!.delayMs).toBeGreaterThan(30);
    expect(backoffs[0]!.delayMs).toBeLessThanOrEqual(40);
    expect(backoffs[1]!.delayMs).toBeGreaterThan(60);
    expect(backoffs[1]!.delayMs).toBeLessThanOrEqual(80);
  });

  it('the injected random source drives the jitter', async () => {
    const { backoffs } = await runScenario('overloaded;count=2', { random: () => 0.5, policy: { baseDelayMs: 40, maxDelayMs: 1000 } });
    expect(backoffs.map((b) => b.delayMs)).toEqual([20, 40]);
  });
});

describe('client: deadline, base URL', () => {
  it('a jittered wait that would overrun the deadline is shortened (reason "budget")', async () => {
    const { result, backoffs } = await runScenario('overloaded;count=1', { policy: { deadlineMs: 1500, baseDelayMs: 5000, maxDelayMs: 5000, jitter: 'none' } });
    expect(backoffs).toHaveLength(1);
    expect(backoffs[0]!.reason).toBe('budget');
    expect(backoffs[0]!.delayMs).toBeLessThan(1500 / 2 + 1);
    expect(result.ok).toBe(true);
    expect(result.totalMs).toBeLessThan(1500);
  });

  it('a retry-after beyond the remaining deadline stops the run instead of breaking the demand', async () => {
    const { result, backoffs } = await runScenario('rate-limited;retryAfter=5', { policy: { deadlineMs: 1000 } });
    expect(backoffs).toHaveLength(0);
    expect(result.ok).toBe(false);
    expect(result.verdict.summary).toMatch(/asked to wait 5\.0 s.*deadline/);
  });

  it.each(['not a url', '', 'ftp://127.0.0.1/'])('invalid base URL %j: clear verdict, nothing sent', async (baseURL) => {
    const r = await runConnectionTest({ baseURL, apiKey: KEY, model: 'claude-haiku-4-5' });
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r.verdict.summary).toMatch(/not a valid http\(s\) URL/);
  });

  it('a base URL ending in /v1 gets a hint on the 404', async () => {
    const srv = await httpServer((_req, res) => sendJson(res, 404, errorBody('not_found_error', 'Not Found')));
    try {
      const r = await runConnectionTest({ baseURL: `${srv.url}/v1`, apiKey: KEY, model: 'claude-haiku-4-5' });
      expect(srv.requests[0]!.url).toBe('/v1/v1/messages');
      expect(r.verdict.category).toBe('not_found');
      expect(r.verdict.summary).toContain(`use ${srv.url} as the base URL`);
    } finally {
      await srv.close();
    }
  });

  it('credentials in the base URL never appear in events', async () => {
    const events: ClientEvent[] = [];
    const srv = await httpServer((_req, res) => sendJson(res, 500, errorBody('api_error', 'nope')));
    try {
      const r = await runConnectionTest({ baseURL: `http://user:hunter2secret@127.0.0.1:${srv.port}`, apiKey: KEY, model: 'm', policy: { maxRetries: 0 }, onEvent: (e) => events.push(e) });
      expect(JSON.stringify(events) + JSON.stringify(r)).not.toContain('hunter2secret');
    } finally {
      await srv.close();
    }
  });
});

describe('client: cancellation', () => {
  it('abort during a backoff: the run ends within 50 ms and nothing more is sent', async () => {
    const ac = new AbortController();
    const events: ClientEvent[] = [];
    const before = env.sim.stats().requests;
    let abortedAt = 0;
    const p = runConnectionTest({
      baseURL: env.sim.url, apiKey: KEY, model: 'claude-haiku-4-5', signal: ac.signal,
      headers: { 'x-simulate-scenario': 'overloaded;count=5' },
      policy: { baseDelayMs: 5000, maxDelayMs: 5000, jitter: 'none' },
      onEvent: (e) => {
        events.push(e);
        if (e.event === 'backoff') {
          setImmediate(() => {
            abortedAt = performance.now();
            ac.abort();
          });
        }
      },
    });
    const result = await p;
    const stoppedIn = performance.now() - abortedAt;
    expect(stoppedIn).toBeLessThan(50);
    expect(names(events)).toEqual(['attemptStart', 'attempt', 'backoff', 'backoffDone', 'result']);
    const done = events[3] as BackoffDoneEvent;
    expect(done.plannedMs).toBe(5000);
    expect(done.actualMs).toBeLessThan(1000);
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(result.verdict.category).toBe('aborted');
    expect(result.verdict.summary).toMatch(/during the backoff after attempt 1/);
    // The server saw exactly one request, and still does a while later.
    expect(env.sim.stats().requests - before).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.sim.stats().requests - before).toBe(1);
  });

  it('abort during an in-flight request ends the attempt at once', async () => {
    const srv = await httpServer(() => {
      /* never answer */
    });
    try {
      const ac = new AbortController();
      const p = runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'm', signal: ac.signal, timeoutMs: 10_000 });
      await until(() => srv.requests.length === 1);
      const t = performance.now();
      ac.abort();
      const result: ResultEvent = await p;
      expect(performance.now() - t).toBeLessThan(150);
      expect(result).toMatchObject({ ok: false, attempts: 1 });
      expect(result.verdict.category).toBe('aborted');
      await new Promise((r) => setTimeout(r, 100));
      expect(srv.requests).toHaveLength(1);
    } finally {
      await srv.close();
    }
  });

  it('already aborted: no attempt, no request', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = env.sim.stats().requests;
    const events: ClientEvent[] = [];
    const r = await runConnectionTest({ baseURL: env.sim.url, apiKey: KEY, model: 'claude-haiku-4-5', signal: ac.signal, onEvent: (e) => events.push(e) });
    expect(names(events)).toEqual(['result']);
    expect(r).toMatchObject({ ok: false, attempts: 0 });
    expect(r.verdict.category).toBe('aborted');
    expect(env.sim.stats().requests).toBe(before);
  });
});
