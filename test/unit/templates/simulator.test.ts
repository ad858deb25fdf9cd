// The generated TS/JS helper around the official SDK client (its own retries off) against the
// local simulator over real HTTP on 127.0.0.1.
import Anthropic, { BadRequestError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/core/simulator';
import { cleanupLoaded, loadHelper, type WithClaudeRetry } from './load';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
  expect(new URL(sim.url).hostname).toBe('127.0.0.1');
});
afterAll(async () => {
  await sim.close();
  cleanupLoaded();
});

let session = 0;
function client(scenario: string): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-api03-test',
    baseURL: sim.url,
    maxRetries: 0,
    defaultHeaders: { 'x-simulate-scenario': scenario, 'x-simulate-session': `h8-${process.pid}-${++session}` },
  });
}
const ask = (c: Anthropic, opts: { omitMaxTokens?: boolean } = {}) =>
  c.messages.create({
    model: 'claude-haiku-4-5',
    ...(opts.omitMaxTokens ? {} : { max_tokens: 16 }),
    messages: [{ role: 'user', content: 'hi' }],
  } as Anthropic.MessageCreateParamsNonStreaming);

describe.each(['typescript', 'javascript'] as const)('%s helper + official SDK + simulator', (language) => {
  let withClaudeRetry: WithClaudeRetry;
  beforeAll(async () => {
    withClaudeRetry = await loadHelper(language, { indent: '\t', quote: '"' });
  });

  it('overloaded twice → succeeds on the third attempt', async () => {
    const c = client('overloaded;count=2');
    const seen: number[] = [];
    const before = sim.stats().requests;
    const msg = await withClaudeRetry(async (attempt) => {
      seen.push(attempt);
      return ask(c);
    }, { baseDelayMs: 20 });
    expect(msg.type).toBe('message');
    expect(seen).toEqual([1, 2, 3]);
    expect(sim.stats().requests - before).toBe(3);
  });

  it('rate-limited with retry-after: 1 → waits at least one second, then succeeds', async () => {
    const c = client('rate-limited;retryAfter=1');
    const delays: number[] = [];
    const started = Date.now();
    let attempts = 0;
    const msg = await withClaudeRetry(() => {
      attempts++;
      return ask(c);
    }, { onRetry: (i) => delays.push(i.delayMs) });
    expect(msg.type).toBe('message');
    expect(attempts).toBe(2);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(995);
  });

  it('spend cap → no retry, throws at once', async () => {
    const c = client('spend-cap');
    let attempts = 0;
    const started = Date.now();
    const err = await withClaudeRetry(() => {
      attempts++;
      return ask(c);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).errorCode).toBe('enforced_spend_limit_reached');
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000); // no backoff wait (a retry would also show in attempts)
  });

  it('a 400 (missing max_tokens) → no retry', async () => {
    const c = client('ok');
    let attempts = 0;
    const err = await withClaudeRetry(() => {
      attempts++;
      return ask(c, { omitMaxTokens: true });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).status).toBe(400);
    expect(attempts).toBe(1);
  });

  it('a reset connection and an HTML 502 are retried', async () => {
    for (const scenario of ['reset', 'gateway-html']) {
      const c = client(scenario);
      let attempts = 0;
      const msg = await withClaudeRetry(() => {
        attempts++;
        return ask(c);
      }, { baseDelayMs: 10 });
      expect(msg.type, scenario).toBe('message');
      expect(attempts, scenario).toBe(2);
    }
  });

  it('an overloaded storm beyond maxAttempts surfaces the OverloadedError', async () => {
    const c = client('overloaded;count=10');
    let attempts = 0;
    const err = await withClaudeRetry(() => {
      attempts++;
      return ask(c);
    }, { baseDelayMs: 5, maxAttempts: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OverloadedError);
    expect(attempts).toBe(3);
  });
});
