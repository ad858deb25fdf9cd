import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetryBudget } from '../../../src/core/retry/budget';
import {
  computeBackoff,
  DEFAULT_POLICY,
  exponentialCeiling,
  parseRetryAfter,
  resolvePolicy,
  type RetryPolicy,
} from '../../../src/core/retry/policy';
import { mulberry32 as seeded } from '../../../src/core/util/random';

const P = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_POLICY, ...over });


const DRAWS = 20_000;

describe('DEFAULT_POLICY', () => {
  it('is full jitter, 4 retries, 500 ms base, 8 s cap, 60 s max retry-after', () => {
    expect(DEFAULT_POLICY).toMatchObject({ jitter: 'full', maxRetries: 4, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 });
    expect(DEFAULT_POLICY.retryBudget).toBeUndefined();
  });
});

describe('computeBackoff bounds over many draws', () => {
  for (const attempt of [0, 1, 2, 3, 4, 6, 10]) {
    const ceil = exponentialCeiling(attempt, DEFAULT_POLICY);
    it(`full, attempt ${attempt}: uniform in [0, ${ceil})`, () => {
      const r = seeded(attempt + 1);
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < DRAWS; i++) {
        const d = computeBackoff(attempt, P({ jitter: 'full' }), 0, r);
        sum += d;
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThan(ceil);
      // Uses the whole window: mean near ceil/2, extremes near both ends.
      expect(sum / DRAWS).toBeGreaterThan(ceil * 0.47);
      expect(sum / DRAWS).toBeLessThan(ceil * 0.53);
      expect(min).toBeLessThan(ceil * 0.01);
      expect(max).toBeGreaterThan(ceil * 0.99);
    });
    it(`equal, attempt ${attempt}: in [${ceil / 2}, ${ceil})`, () => {
      const r = seeded(100 + attempt);
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < DRAWS; i++) {
        const d = computeBackoff(attempt, P({ jitter: 'equal' }), 0, r);
        min = Math.min(min, d);
        max = Math.max(max, d);
        sum += d;
      }
      expect(min).toBeGreaterThanOrEqual(ceil / 2);
      expect(max).toBeLessThan(ceil);
      expect(sum / DRAWS).toBeGreaterThan(ceil * 0.72);
      expect(sum / DRAWS).toBeLessThan(ceil * 0.78);
    });
    it(`none, attempt ${attempt}: exactly ${ceil}`, () => {
      expect(computeBackoff(attempt, P({ jitter: 'none' }), 0, Math.random)).toBe(ceil);
    });
    it(`sdk, attempt ${attempt}: in (${ceil * 0.75}, ${ceil}]`, () => {
      const r = seeded(200 + attempt);
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < DRAWS; i++) {
        const d = computeBackoff(attempt, P({ jitter: 'sdk' }), 0, r);
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
      expect(min).toBeGreaterThan(ceil * 0.75);
      expect(min).toBeLessThan(ceil * 0.76);
      expect(max).toBeLessThanOrEqual(ceil);
    });
  }

  it('ceilings double from base and stop at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 50, 5000].map((a) => exponentialCeiling(a, DEFAULT_POLICY))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    expect(exponentialCeiling(-3, DEFAULT_POLICY)).toBe(500);
  });

  it('decorrelated: in [base, min(cap, 3·prev)] and chains from the previous delay', () => {
    const r = seeded(7);
    const pol = P({ jitter: 'decorrelated' });
    let prev = 0;
    let sawAboveBase = false;
    let violations = 0;
    for (let i = 0; i < DRAWS; i++) {
      const d = computeBackoff(i % 6, pol, prev, r);
      const hi = Math.min(pol.maxDelayMs, 3 * (prev > 0 ? prev : pol.baseDelayMs));
      if (d < pol.baseDelayMs || d > hi) violations++;
      if (d > pol.baseDelayMs * 3) sawAboveBase = true;
      prev = i % 6 === 5 ? 0 : d;
    }
    expect(violations).toBe(0);
    expect(sawAboveBase).toBe(true);
    expect(computeBackoff(0, pol, 100_000, () => 0.999)).toBeLessThanOrEqual(pol.maxDelayMs);
  });

  it('sdk kind reproduces the official SDK formula exactly', () => {
    const client = new Anthropic({ apiKey: 'sk-ant-test-000000', maxRetries: 2 });
    const sdkDelay = (client as unknown as { calculateDefaultRetryTimeoutMillis(remaining: number, max: number): number }).calculateDefaultRetryTimeoutMillis.bind(client);
    const maxRetries = 6;
    for (const rv of [0, 0.1, 0.5, 0.9, 0.999999]) {
      const spy = vi.spyOn(Math, 'random').mockReturnValue(rv);
      for (let n = 0; n < maxRetries; n++) {
        const theirs = sdkDelay(maxRetries - n, maxRetries);
        const ours = computeBackoff(n, P({ jitter: 'sdk' }), 0, () => rv);
        expect(ours).toBeCloseTo(theirs, 9);
      }
      spy.mockRestore();
    }
  });

  it('a broken random source cannot produce negative, NaN or over-cap delays', () => {
    for (const kind of ['full', 'equal', 'decorrelated', 'none', 'sdk'] as const) {
      for (const rv of [Number.NaN, -1, 1, 2, Infinity]) {
        const d = computeBackoff(3, P({ jitter: kind }), 0, () => rv);
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(DEFAULT_POLICY.maxDelayMs);
      }
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T08:00:00Z');
  it('integer and decimal seconds', () => {
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toEqual({ ms: 3000, reason: 'retry-after' });
    expect(parseRetryAfter({ 'Retry-After': ' 1.5 ' }, now)).toEqual({ ms: 1500, reason: 'retry-after' });
    expect(parseRetryAfter(new Headers({ 'retry-after': '0' }), now)).toEqual({ ms: 0, reason: 'retry-after' });
  });
  it('retry-after-ms first, like the SDK', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toEqual({ ms: 250, reason: 'retry-after-ms' });
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '2' }, now)).toEqual({ ms: 2000, reason: 'retry-after' });
  });
  it('HTTP-date in the future, and in the past (= now)', () => {
    expect(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 08:00:05 GMT' }, now)).toEqual({ ms: 5000, reason: 'retry-after' });
    expect(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 07:59:00 GMT' }, now)).toEqual({ ms: 0, reason: 'retry-after' });
    expect(parseRetryAfter({ 'retry-after': 'Monday, 23-Nov-26 08:00:10 GMT' }, now)).toEqual({ ms: 10_000, reason: 'retry-after' });
  });
  it('huge values come back as is (the client compares them with maxRetryAfterMs)', () => {
    expect(parseRetryAfter({ 'retry-after': '999999999' }, now)).toEqual({ ms: 999_999_999_000, reason: 'retry-after' });
    expect(parseRetryAfter({ 'retry-after': '1'.repeat(400) }, now)).toMatchObject({ invalid: expect.stringContaining('finite') });
  });
  it('negative, garbage, empty and odd forms are invalid with a reason', () => {
    for (const v of ['-5', '-0.5', 'soon', '', '1e3', '0x10', '5s', 'NaN', 'Infinity', '3, 4', 'Mon, 99 Foo 2026 99:99:99 GMT', '2026-11-23T08:00:05Z']) {
      const r = parseRetryAfter({ 'retry-after': v }, now);
      expect(r, v).toMatchObject({ invalid: expect.any(String) });
    }
    expect(parseRetryAfter({ 'retry-after': '-5' }, now)).toEqual({ invalid: 'retry-after "-5" is negative' });
    expect(parseRetryAfter({ 'retry-after-ms': '-1' }, now)).toEqual({ invalid: 'retry-after-ms "-1" is negative' });
  });
  it('absent → undefined; array values are joined (and then invalid)', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': undefined }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': ['1', '2'] }, now)).toMatchObject({ invalid: expect.any(String) });
    expect(parseRetryAfter({ 'retry-after': ['4'] }, now)).toEqual({ ms: 4000, reason: 'retry-after' });
  });
});

describe('resolvePolicy', () => {
  it('drops odd values and keeps good ones', () => {
    const p = resolvePolicy({ maxRetries: -1, baseDelayMs: Number.NaN, maxDelayMs: 100, jitter: 'bogus' as never, maxRetryAfterMs: -5, deadlineMs: 0, fallbackModel: '  ' });
    expect(p).toEqual({ ...DEFAULT_POLICY, maxDelayMs: 500 }); // cap raised to base
    const q = resolvePolicy({ maxRetries: 2.7, jitter: 'equal', deadlineMs: 5000, fallbackModel: ' claude-sonnet-4-6 ', retryBudget: { maxTokens: 4, tokenRatio: 0.5 } });
    expect(q).toMatchObject({ maxRetries: 2, jitter: 'equal', deadlineMs: 5000, fallbackModel: 'claude-sonnet-4-6', retryBudget: { maxTokens: 4, tokenRatio: 0.5 } });
    expect(resolvePolicy({ maxRetries: 1e9 }).maxRetries).toBe(20);
    expect(resolvePolicy(null)).toEqual(DEFAULT_POLICY);
  });
});

describe('RetryBudget (gRPC retry throttling)', () => {
  afterEach(() => vi.restoreAllMocks());
  it('defaults 10 / 0.1; retries stop while tokens ≤ 5', () => {
    const b = new RetryBudget();
    expect(b.snapshot()).toEqual({ tokens: 10, maxTokens: 10, tokenRatio: 0.1, threshold: 5, retriesAllowed: true });
    for (let i = 0; i < 4; i++) b.recordFailure();
    expect(b.tokens).toBe(6);
    expect(b.canRetry()).toBe(true);
    b.recordFailure();
    expect(b.tokens).toBe(5);
    expect(b.canRetry()).toBe(false); // ≤ threshold
    b.recordSuccess();
    expect(b.tokens).toBeCloseTo(5.1, 9);
    expect(b.canRetry()).toBe(true);
  });
  it('never below 0 nor above max; no float drift', () => {
    const b = new RetryBudget({ maxTokens: 3, tokenRatio: 0.1 });
    for (let i = 0; i < 10; i++) b.recordFailure();
    expect(b.tokens).toBe(0);
    for (let i = 0; i < 30; i++) b.recordSuccess();
    expect(b.tokens).toBe(3);
    b.recordFailure();
    for (let i = 0; i < 10; i++) b.recordSuccess();
    expect(b.tokens).toBe(3);
    const c = new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 });
    for (let i = 0; i < 10; i++) c.recordFailure();
    for (let i = 0; i < 53; i++) c.recordSuccess();
    expect(c.tokens).toBe(5.3);
  });
  it('bounds retry load near 1.1× under sustained failure', () => {
    // 1000 requests, 90 % fail; each failure would like one retry.
    const b = new RetryBudget();
    const r = seeded(11);
    let retries = 0;
    for (let i = 0; i < 1000; i++) {
      if (r() < 0.9) {
        b.recordFailure();
        if (b.canRetry()) retries++;
      } else b.recordSuccess();
    }
    expect(retries / 1000).toBeLessThan(0.12);
  });
  it('odd config falls back to defaults', () => {
    expect(new RetryBudget({ maxTokens: -1, tokenRatio: Number.NaN }).snapshot()).toMatchObject({ maxTokens: 10, tokenRatio: 0.1 });
  });
});
