/**
 * Overload pacing without shared state (throttle.ts): jitter on top of a 529/503 retry-after, and
 * the SRE-style adaptive throttle — as pure functions, and in the client against the simulator.
 */
import { describe, expect, it } from 'vitest';
import type { BackoffEvent } from '../../../src/core/retry/events';
import { resolvePolicy } from '../../../src/core/retry/policy';
import {
  AdaptiveThrottle,
  DEFAULT_RETRY_AFTER_SPREAD,
  isCapacityOverload,
  jitterRetryAfter,
  paceOverload,
  type PaceInput,
} from '../../../src/core/retry/throttle';
import { useSimulator } from './simulated';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('THROTTLETEST', 70);
const env = useSimulator(KEY);
const fixed = (r: number) => () => r;

describe('jitterRetryAfter', () => {
  it('waits the demand plus random(0, spread · demand)', () => {
    expect(DEFAULT_RETRY_AFTER_SPREAD).toBe(1);
    expect(jitterRetryAfter(1000, fixed(0))).toBe(1000);
    expect(jitterRetryAfter(1000, fixed(0.5))).toBe(1500);
    expect(jitterRetryAfter(1000, fixed(0.25), 2)).toBe(1500);
    expect(jitterRetryAfter(1000, fixed(0.999))).toBeCloseTo(1999, 0);
    expect(jitterRetryAfter(1000, fixed(0.5), 0)).toBe(1000);
  });

  it('never below the demand: room shortens only the jitter; odd randoms count as 0', () => {
    expect(jitterRetryAfter(1000, fixed(0.9), 1, 1200)).toBe(1200);
    expect(jitterRetryAfter(1000, fixed(0.9), 1, 400)).toBe(1000);
    expect(jitterRetryAfter(1000, fixed(Number.NaN))).toBe(1000);
    expect(jitterRetryAfter(1000, fixed(-3))).toBe(1000);
    expect(jitterRetryAfter(1000, fixed(7))).toBeLessThan(2000);
    expect(jitterRetryAfter(0, fixed(0.5))).toBe(0);
  });

  it('spreads callers told the same retry-after over [RA, 2·RA)', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const waits = Array.from({ length: 1000 }, () => jitterRetryAfter(1000, rnd));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThan(2000);
    // Not lockstep: in every tenth of the window some callers, none above ~2× its share.
    const bins = Array.from({ length: 10 }, (_, i) => waits.filter((w) => w >= 1000 + i * 100 && w < 1100 + i * 100).length);
    for (const b of bins) {
      expect(b).toBeGreaterThan(50);
      expect(b).toBeLessThan(160);
    }
  });
});

describe('isCapacityOverload', () => {
  it('529 and 503 (and their categories) are; 429, 500 and a spend cap are not', () => {
    expect(isCapacityOverload(529, 'overloaded')).toBe(true);
    expect(isCapacityOverload(503, 'unavailable')).toBe(true);
    expect(isCapacityOverload(null, 'overloaded')).toBe(true);
    expect(isCapacityOverload(429, 'rate_limit')).toBe(false);
    expect(isCapacityOverload(429, 'spend_cap')).toBe(false);
    expect(isCapacityOverload(500, 'api_error')).toBe(false);
  });
});

describe('AdaptiveThrottle', () => {
  it('p = max(0, (requests − K·accepts) / (requests + 1)) over its window', () => {
    const t = new AdaptiveThrottle({ now: () => 0 });
    expect(t.holdProbability()).toBe(0);
    t.record('overload');
    expect(t.holdProbability()).toBe(1 / 2);
    t.record('overload');
    t.record('overload');
    expect(t.holdProbability()).toBe(3 / 4);
    t.record('success'); // 4 requests, 1 accept: (4 − 2) / 5
    expect(t.holdProbability()).toBeCloseTo(2 / 5, 10);
    t.record('ignore'); // a non-overload error was accepted by the backend: 5 requests, 2 accepts
    expect(t.holdProbability()).toBeCloseTo(1 / 6, 10);
    t.record('success'); // 6 requests, 3 accepts
    expect(t.holdProbability()).toBe(0);
    expect(t.snapshot()).toMatchObject({ requests: 6, accepts: 3, holdProbability: 0, holds: 0 });
  });

  it('K is configurable; garbage options fall back to the defaults', () => {
    const t = new AdaptiveThrottle({ k: 1, now: () => 0 });
    t.record('overload');
    t.record('success');
    expect(t.holdProbability()).toBeCloseTo(1 / 3, 10);
    const d = new AdaptiveThrottle({ k: 0, windowMs: -1, buckets: Number.NaN, maxHolds: -2 });
    expect([d.k, d.windowMs, d.maxHolds]).toEqual([2, 30_000, 4]);
  });

  it('forgets answers older than the window, bucket by bucket', () => {
    let now = 0;
    const t = new AdaptiveThrottle({ windowMs: 1000, buckets: 10, now: () => now });
    for (let i = 0; i < 9; i++) t.record('overload');
    now = 550;
    t.record('overload');
    expect(t.snapshot().requests).toBe(10);
    now = 1050; // the first bucket (0–100 ms) has left the window
    expect(t.snapshot().requests).toBe(1);
    now = 1600;
    expect(t.snapshot()).toMatchObject({ requests: 0, holdProbability: 0 });
    // A slot reused after a full turn starts empty.
    now = 2000;
    t.record('success');
    expect(t.snapshot()).toMatchObject({ requests: 1, accepts: 1 });
  });

  it('pace holds with probability p, one more draw each, at most maxHolds', () => {
    const t = new AdaptiveThrottle({ now: () => 0, maxHolds: 3 });
    let draws = 0;
    const draw = () => (draws++, 100);
    expect(t.pace(40, draw, fixed(0))).toEqual({ delayMs: 40, holds: 0 }); // p = 0: never holds
    expect(draws).toBe(0);
    for (let i = 0; i < 4; i++) t.record('overload'); // p = 4/5
    expect(t.pace(40, draw, fixed(0.79))).toEqual({ delayMs: 340, holds: 3 });
    expect(t.pace(40, draw, fixed(0.8))).toEqual({ delayMs: 40, holds: 0 });
    expect(t.snapshot().holds).toBe(3);
  });
});

describe('paceOverload', () => {
  const base: PaceInput = { delayMs: 1000, reason: 'retry-after', status: 529, category: 'overloaded', random: fixed(0.5), draw: () => 100, roomMs: Infinity };

  it('jitters a 529/503 retry-after, leaves 429 and other answers alone', () => {
    expect(paceOverload(base)).toBe(1500);
    expect(paceOverload({ ...base, reason: 'retry-after-ms', status: 503, category: 'unavailable' })).toBe(1500);
    expect(paceOverload({ ...base, retryAfterSpread: 0 })).toBe(1000);
    expect(paceOverload({ ...base, status: 429, category: 'rate_limit' })).toBe(1000);
    expect(paceOverload({ ...base, reason: 'jitter' })).toBe(1000); // no throttle: the jitter stays
    expect(paceOverload({ ...base, roomMs: 1100 })).toBe(1100);
    expect(paceOverload({ ...base, roomMs: 10 })).toBe(1000);
  });

  it('a throttle holds jittered overload backoffs only', () => {
    const t = new AdaptiveThrottle({ now: () => 0 });
    for (let i = 0; i < 9; i++) t.record('overload'); // p = 0.9
    const j = { ...base, reason: 'jitter', delayMs: 50, throttle: t };
    expect(paceOverload(j)).toBe(50 + 4 * 100);
    expect(paceOverload({ ...j, roomMs: 200 })).toBe(200);
    expect(paceOverload({ ...j, status: 500, category: 'api_error' })).toBe(50);
    expect(paceOverload({ ...j, throttle: false })).toBe(50);
  });

  it('resolvePolicy keeps a throttle, false or a spread, drops garbage', () => {
    const t = new AdaptiveThrottle();
    expect(resolvePolicy({ throttle: t }).throttle).toBe(t);
    expect(resolvePolicy({ throttle: false }).throttle).toBe(false);
    expect(resolvePolicy({ throttle: {} as never }).throttle).toBeUndefined();
    expect(resolvePolicy({ retryAfterSpread: 0.5 }).retryAfterSpread).toBe(0.5);
    expect(resolvePolicy({ retryAfterSpread: -1 }).retryAfterSpread).toBeUndefined();
    expect(resolvePolicy({ retryAfterSpread: 99 }).retryAfterSpread).toBe(10);
  });
});

describe('client: overload pacing against the simulator', () => {
  const backoffs = (events: { event: string }[]) => events.filter((e): e is BackoffEvent => e.event === 'backoff');

  it('a 529 with retry-after-ms: waits the demand plus jitter, and no less', async () => {
    const { result, events } = await env.runScenario('overloaded;count=1;retryAfterMs=200', { random: fixed(0.5) });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(backoffs(events)).toEqual([expect.objectContaining({ reason: 'retry-after-ms', delayMs: 300 })]);
    const done = events.find((e) => e.event === 'backoffDone') as { actualMs: number };
    expect(done.actualMs).toBeGreaterThanOrEqual(298);
  });

  it('retryAfterSpread 0: exactly the demand, like the SDK', async () => {
    const { events } = await env.runScenario('overloaded;count=1;retryAfterMs=200', { random: fixed(0.5), policy: { retryAfterSpread: 0 } });
    expect(backoffs(events)).toEqual([expect.objectContaining({ reason: 'retry-after-ms', delayMs: 200 })]);
  });

  it('the jitter never pushes a retry past the deadline: it shrinks back to the demand', async () => {
    const { result, events } = await env.runScenario('overloaded;count=1;retryAfterMs=200', { random: fixed(0.99), policy: { deadlineMs: 350 } });
    expect(result.ok).toBe(true);
    const d = backoffs(events)[0]!.delayMs;
    expect(d).toBeGreaterThanOrEqual(200);
    expect(d).toBeLessThan(300); // unclamped it would be 398
  });

  it('a throttle that has seen overloads holds the retry; one that has seen successes does not; it records every answer', async () => {
    const hot = new AdaptiveThrottle();
    for (let i = 0; i < 9; i++) hot.record('overload');
    const a = await env.runScenario('overloaded;count=1', { random: fixed(0.25), policy: { throttle: hot } });
    expect(a.result).toMatchObject({ ok: true, attempts: 2 });
    // FAST base 20 ms: full jitter 0.25 · 20 = 5, plus four holds of 5 each.
    expect(backoffs(a.events).map((b) => b.delayMs)).toEqual([25]);
    expect(hot.snapshot()).toMatchObject({ requests: 11, accepts: 1, holds: 4 });

    const cold = new AdaptiveThrottle();
    for (let i = 0; i < 9; i++) cold.record('success');
    const b = await env.runScenario('overloaded;count=1', { random: fixed(0.25), policy: { throttle: cold } });
    expect(backoffs(b.events).map((e) => e.delayMs)).toEqual([5]);
    expect(cold.snapshot()).toMatchObject({ requests: 11, accepts: 10, holds: 0 });
  });
});
