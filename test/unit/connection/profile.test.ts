/**
 * The one request profile (src/core/connection/profile.ts): its values, the options it makes for
 * both faces, stream scenarios, the slow-scenario warning and the backoff description — and that
 * the request a test sends is exactly the profile's, over real HTTP, with a reply that is not cut.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  backoffRanges, clientOptions, describeBackoff, isStreamScenario, REQUEST_PROFILE, slowScenarioNote, worstCaseMs,
} from '../../../src/core/connection/profile';
import { runConnectionTest, DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_PROMPT } from '../../../src/core/retry/client';
import { computeBackoff, DEFAULT_POLICY, DEFAULT_RETRY_BUDGET, resolvePolicy, type RetryPolicy } from '../../../src/core/retry/policy';
import { SCENARIOS, startSimulator } from '../../../src/core/simulator/index';
import { DEFAULT_SETTINGS } from '../../../src/core/connection/settings';
import { httpServer, sendJson, messageBody } from '../hostile/servers';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('PROFILE', 70);

describe('the request profile', () => {
  it('is small and cheap: one-word prompt, 16 tokens, 30 s per attempt, the default retry policy and budget', () => {
    expect(REQUEST_PROFILE.prompt).toBe('Reply with the single word: ok');
    expect(REQUEST_PROFILE.maxTokens).toBe(16);
    expect(REQUEST_PROFILE.attemptTimeoutMs).toBe(30_000);
    expect(REQUEST_PROFILE.retry).toEqual(DEFAULT_POLICY);
    expect(REQUEST_PROFILE.retryBudget).toEqual(DEFAULT_RETRY_BUDGET);
    expect(Object.isFrozen(REQUEST_PROFILE)).toBe(true);
  });

  it('is the client\'s default and the extension\'s default (settings and package.json)', () => {
    expect(DEFAULT_ATTEMPT_TIMEOUT_MS).toBe(REQUEST_PROFILE.attemptTimeoutMs);
    expect(DEFAULT_PROMPT).toBe(REQUEST_PROFILE.prompt);
    expect(DEFAULT_SETTINGS.timeoutMs).toBe(REQUEST_PROFILE.attemptTimeoutMs);
    expect(DEFAULT_SETTINGS.maxRetries).toBe(REQUEST_PROFILE.retry.maxRetries);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } };
    expect(pkg.contributes.configuration.properties['claudeDoctor.timeoutMs']!.default).toBe(REQUEST_PROFILE.attemptTimeoutMs);
  });

  it('clientOptions: the profile when nothing is chosen, the choices on top otherwise', () => {
    expect(clientOptions()).toEqual({
      model: REQUEST_PROFILE.model, prompt: REQUEST_PROFILE.prompt, maxTokens: 16, timeoutMs: 30_000, stream: false, policy: resolvePolicy(DEFAULT_POLICY),
    });
    const o = clientOptions({ model: ' claude-opus-4-8 ', maxTokens: 4, timeoutMs: 1500, stream: true, policy: { maxRetries: 1, jitter: 'none' } });
    expect(o).toMatchObject({ model: 'claude-opus-4-8', maxTokens: 4, timeoutMs: 1500, stream: true });
    expect(o.policy).toMatchObject({ maxRetries: 1, jitter: 'none', baseDelayMs: 500, maxDelayMs: 8000 });
    expect(o.streamForcedBy).toBeUndefined();
  });

  it('a stream scenario streams even when stream is off; other scenarios do not', () => {
    const streamNames = SCENARIOS.filter((s) => s.stream).map((s) => s.name).sort();
    expect(streamNames).toEqual(['stream-cut', 'stream-overloaded']);
    for (const spec of ['stream-overloaded', 'stream-overloaded;deltas=1', ' stream-cut ']) {
      expect(isStreamScenario(spec)).toBe(true);
      const o = clientOptions({ stream: false, scenario: spec });
      expect(o.stream).toBe(true);
      expect(o.streamForcedBy).toBe(spec.trim().split(';')[0]);
    }
    for (const spec of ['overloaded', 'ok', 'timeout;count=1', 'no-such-scenario', undefined]) {
      expect(isStreamScenario(spec)).toBe(false);
      expect(clientOptions({ stream: false, ...(spec ? { scenario: spec } : {}) }).stream).toBe(false);
    }
    // Asked for anyway: a stream, and nothing was forced.
    expect(clientOptions({ stream: true, scenario: 'stream-cut' })).toMatchObject({ stream: true });
    expect(clientOptions({ stream: true, scenario: 'stream-cut' }).streamForcedBy).toBeUndefined();
  });
});

describe('how long a run can take', () => {
  it('worst case with the defaults: 5 × 30 s plus waits of at most 0.5 + 1 + 2 + 4 s', () => {
    const ms = worstCaseMs(clientOptions());
    expect(ms).toBeGreaterThan(157_400);
    expect(ms).toBeLessThanOrEqual(157_500);
  });

  it('the timeout scenario warns with the defaults, and not with a short timeout and few retries', () => {
    expect(slowScenarioNote('timeout', clientOptions())).toBe(
      'Takes up to 2.6 min with these settings: 5 attempts × 30 s timeout plus backoff. A shorter per-attempt timeout shows it sooner; Cancel stops it at once.',
    );
    expect(slowScenarioNote('timeout;count=1', clientOptions())).toMatch(/^Takes up to 30 s with these settings: 1 attempt × 30 s/);
    expect(slowScenarioNote('timeout', clientOptions({ timeoutMs: 1000, policy: { maxRetries: 1 } }))).toBeUndefined();
    expect(slowScenarioNote('slow;delayMs=40000', clientOptions())).toMatch(/^Takes up to 2\.6 min/);
    expect(slowScenarioNote('slow', clientOptions())).toBeUndefined();
    for (const s of ['ok', 'overloaded', 'storm', 'stream-overloaded', 'nonsense']) expect(slowScenarioNote(s, clientOptions())).toBeUndefined();
  });
});

describe('the backoff description matches the waits', () => {
  it('names the ranges each kind draws from', () => {
    expect(describeBackoff(resolvePolicy({}))).toBe('full jitter, waits 0–500 ms, 0–1 s, 0–2 s, 0–4 s');
    expect(describeBackoff(resolvePolicy({ jitter: 'none' }))).toBe('no jitter, waits 500 ms, 1 s, 2 s, 4 s');
    expect(describeBackoff(resolvePolicy({ jitter: 'equal', maxRetries: 2 }))).toBe('equal jitter, waits 250–500 ms, 500 ms–1 s');
    expect(describeBackoff(resolvePolicy({ jitter: 'sdk', maxRetries: 2 }))).toBe("the SDK's formula, waits 375–500 ms, 750 ms–1 s");
    expect(describeBackoff(resolvePolicy({ maxRetries: 0 }))).toBe('no retries');
    expect(describeBackoff(resolvePolicy({ maxRetries: 6 }))).toBe('full jitter, waits 0–500 ms, 0–1 s, 0–2 s, 0–4 s, 0–8 s, 0–8 s');
  });

  it.each(['full', 'equal', 'decorrelated', 'none', 'sdk'] as const)('%s: 2,000 drawn runs stay inside the described ranges', (jitter) => {
    const policy: RetryPolicy = resolvePolicy({ jitter, maxRetries: 6 });
    const ranges = backoffRanges(policy);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outside: string[] = [];
    for (let run = 0; run < 2000; run++) {
      let prev = 0;
      for (let i = 0; i < policy.maxRetries; i++) {
        const d = computeBackoff(i, policy, prev, random);
        if (d < ranges[i]!.minMs - 1e-6 || d > ranges[i]!.maxMs + 1e-6) outside.push(`retry ${i + 1}: ${d}`);
        prev = d;
      }
    }
    expect(outside).toEqual([]);
  });
});

describe('the request on the wire', () => {
  it('carries the profile\'s prompt and max_tokens', async () => {
    const srv = await httpServer((_req, res) => sendJson(res, 200, messageBody('ok')));
    try {
      const r = await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'claude-haiku-4-5' });
      expect(r.ok).toBe(true);
      const body = JSON.parse(srv.requests[0]!.body) as { max_tokens: number; messages: { content: string }[] };
      expect(body.max_tokens).toBe(REQUEST_PROFILE.maxTokens);
      expect(body.messages[0]!.content).toBe(REQUEST_PROFILE.prompt);
      expect(srv.requests[0]!.headers['x-stainless-timeout']).toBe(String(REQUEST_PROFILE.attemptTimeoutMs / 1000));
    } finally {
      await srv.close();
    }
  });

  it('the simulator answers the test prompt with the word, whole (not cut at max_tokens), streaming or not', async () => {
    const sim = await startSimulator({ apiKey: KEY });
    try {
      for (const stream of [false, true]) {
        const o = clientOptions({ stream });
        const r = await runConnectionTest({ baseURL: sim.url, apiKey: KEY, ...o });
        expect(r.ok).toBe(true);
        expect(r.text).toBe('ok');
      }
      // Any other prompt still gets the fixed greeting, cut at max_tokens.
      const other = await fetch(`${sim.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] }),
      });
      const msg = (await other.json()) as { stop_reason: string; content: { text: string }[] };
      expect(msg.stop_reason).toBe('max_tokens');
      expect(msg.content[0]!.text).toMatch(/^Hello from the/);
      const ok = await fetch(`${sim.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: REQUEST_PROFILE.maxTokens, messages: [{ role: 'user', content: REQUEST_PROFILE.prompt }] }),
      });
      expect(((await ok.json()) as { stop_reason: string }).stop_reason).toBe('end_turn');
    } finally {
      await sim.close();
    }
  });
});
