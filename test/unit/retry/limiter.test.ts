/**
 * The adaptive concurrency limiter: AIMD math and bounds, FIFO release, abort and deadline while
 * queued (pure, with a fake clock where time matters), then the client with the limiter against the
 * real simulator on 127.0.0.1: a lone run unchanged, the deadline fix, and a storm-lite.
 */
import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/core/simulator';
import { runConnectionTest } from '../../../src/core/retry/client';
import type { AttemptStartEvent, BackoffEvent, ClientEvent, ResultEvent } from '../../../src/core/retry/events';
import { AdaptiveLimiter, isSaturated, overloadSignal, queuePaces, resetSharedLimiters, sharedLimiter, type Limiter, type Permit } from '../../../src/core/retry/limiter';
import { resolvePolicy } from '../../../src/core/retry/policy';
import { runStorm, useSimulator } from './simulated';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('LIMITERTEST', 71);

async function grant(l: AdaptiveLimiter): Promise<Permit> {
  const r = await l.acquire();
  if (!r.ok) throw new Error(`expected a permit, got ${r.reason}`);
  return r.permit;
}

describe('limiter math', () => {
  it('multiplicative decrease on overload, never below the minimum', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 10, decreaseFactor: 0.5 });
    for (const expected of [5, 2.5, 1.25, 1, 1]) {
      const p = await grant(l);
      p.release('overload');
      expect(l.limit).toBeCloseTo(expected, 9);
    }
    expect(l.snapshot()).toMatchObject({ inFlight: 0, queued: 0, slowStart: false });
  });

  it('one congestion event decreases once: overloads from permits granted before the cut are ignored', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 8, decreaseFactor: 0.5 });
    const burst = await Promise.all(Array.from({ length: 6 }, () => grant(l)));
    for (const p of burst) p.release('overload');
    expect(l.limit).toBe(4);
    expect(l.snapshot().decreases).toBe(1);
    // A permit granted after the cut carries new information.
    const later = await grant(l);
    later.release('overload');
    expect(l.limit).toBe(2);
  });

  it('additive increase of increase/limit per success under load; slow start before the first overload', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 4, slowStartIncrease: 0.5, increase: 1, decreaseFactor: 0.5 });
    // Slow start: +0.5 per success while the limit is in use (at least half of it in flight when
    // granted): the 1st of 4 permits was granted at 1 of 4 in flight, the other three under load.
    const four = await Promise.all(Array.from({ length: 4 }, () => grant(l)));
    for (const p of four) p.release('success');
    expect(l.limit).toBe(5.5);
    // Of 3 more at limit 5.5, only the 3rd is granted with half the limit in flight (3 × 2 ≥ 5.5).
    const more = await Promise.all(Array.from({ length: 3 }, () => grant(l)));
    for (const p of more) p.release('success');
    expect(l.limit).toBe(6);
    // First overload ends slow start: 6 → 3.
    const o = await grant(l);
    o.release('overload');
    expect(l.limit).toBe(3);
    expect(l.snapshot().slowStart).toBe(false);
    // Congestion avoidance: each success adds 1/limit.
    const three = await Promise.all([grant(l), grant(l), grant(l)]);
    three[0]!.release('success'); // granted with 1 of 3 in flight: not under load, no change
    expect(l.limit).toBe(3);
    three[1]!.release('success');
    expect(l.limit).toBeCloseTo(3 + 1 / 3, 9);
    three[2]!.release('success');
    expect(l.limit).toBeCloseTo(3 + 1 / 3 + 1 / (3 + 1 / 3), 9);
  });

  it('an idle client does not inflate the limit; maxLimit caps it; "ignore" changes nothing', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 8, maxLimit: 9 });
    for (let i = 0; i < 20; i++) (await grant(l)).release('success'); // 1 in flight of 8: not under load
    expect(l.limit).toBe(8);
    const all = await Promise.all(Array.from({ length: 8 }, () => grant(l)));
    for (const p of all) p.release('success');
    expect(l.limit).toBe(9);
    (await grant(l)).release('ignore');
    expect(l.limit).toBe(9);
  });

  it('release is idempotent and odd options fall back to sane defaults', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 2, decreaseFactor: 0.5 });
    const p = await grant(l);
    p.release('overload');
    p.release('overload');
    expect(l.limit).toBe(1);
    expect(l.inFlight).toBe(0);
    const odd = new AdaptiveLimiter({ initialLimit: -3, decreaseFactor: 7, minLimit: 0, maxLimit: Number.NaN });
    expect(odd.minLimit).toBe(1);
    expect(odd.limit).toBeGreaterThanOrEqual(1);
    expect(odd.decreaseFactor).toBeGreaterThan(0);
    expect(odd.decreaseFactor).toBeLessThan(1);
  });

  it('returns to the initial limit after a quiet spell', async () => {
    let t = 0;
    const l = new AdaptiveLimiter({ initialLimit: 6, decreaseFactor: 0.5, idleResetMs: 1000, now: () => t });
    (await grant(l)).release('overload');
    expect(l.limit).toBe(3);
    t = 500;
    (await grant(l)).release('ignore');
    expect(l.limit).toBe(3);
    t = 2000;
    const p = await grant(l);
    expect(l.limit).toBe(6);
    expect(l.snapshot().slowStart).toBe(true);
    p.release('ignore');
  });

  it('classifies overload answers: 529, 503, 429 (not the spend cap)', () => {
    expect(overloadSignal(529, 'overloaded')).toBe('overload');
    expect(overloadSignal(503, 'unavailable')).toBe('overload');
    expect(overloadSignal(429, 'rate_limit')).toBe('overload');
    expect(overloadSignal(429, 'spend_cap')).toBe('ignore');
    expect(overloadSignal(500, 'api_error')).toBe('ignore');
    expect(overloadSignal(null, 'timeout')).toBe('ignore');
    expect(overloadSignal(401, 'authentication')).toBe('ignore');
  });

  it('resolvePolicy keeps a limiter or false, drops garbage', () => {
    const l = new AdaptiveLimiter();
    expect(resolvePolicy({ limiter: l }).limiter).toBe(l);
    expect(resolvePolicy({ limiter: false }).limiter).toBe(false);
    expect(resolvePolicy({ limiter: 'yes' as never }).limiter).toBeUndefined();
  });
});

describe('limiter queue', () => {
  it('waiting callers are released in arrival order as slots free up', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 2 });
    const held = [await grant(l), await grant(l)];
    expect(isSaturated(l)).toBe(true);
    const order: number[] = [];
    const waiters = Array.from({ length: 5 }, (_, i) =>
      l.acquire().then((r) => {
        if (!r.ok) throw new Error('not granted');
        order.push(i);
        return r.permit;
      }),
    );
    expect(l.queued).toBe(5);
    held[0]!.release('ignore');
    const first = await waiters[0]!;
    expect(first.queued).toBe(true);
    expect(order).toEqual([0]);
    held[1]!.release('ignore');
    first.release('ignore');
    const next = await Promise.all([waiters[1]!, waiters[2]!]);
    expect(order).toEqual([0, 1, 2]);
    for (const p of next) p.release('ignore');
    for (const p of await Promise.all(waiters.slice(3))) p.release('ignore');
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(l.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a decrease holds waiters back until in-flight falls below the new limit', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 4, decreaseFactor: 0.5 });
    const held = await Promise.all(Array.from({ length: 4 }, () => grant(l)));
    let granted = 0;
    const w = l.acquire().then((r) => {
      granted++;
      return r;
    });
    held[0]!.release('overload'); // limit 2, 3 still in flight
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(0);
    held[1]!.release('ignore'); // 2 in flight, limit 2
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(0);
    held[2]!.release('ignore'); // 1 in flight
    const r = await w;
    expect(r.ok).toBe(true);
    if (r.ok) r.permit.release('ignore');
    held[3]!.release('ignore');
  });

  it('abort while queued leaves the queue at once and takes no slot', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 1 });
    const held = await grant(l);
    const ctrl = new AbortController();
    const t = performance.now();
    const w = l.acquire({ signal: ctrl.signal });
    const behind = l.acquire();
    expect(l.queued).toBe(2);
    setTimeout(() => ctrl.abort(), 30);
    const r = await w;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('aborted');
    expect(performance.now() - t).toBeLessThan(1000);
    expect(l.queued).toBe(1);
    held.release('ignore');
    const b = await behind; // the next in line gets the slot, not the cancelled one
    expect(b.ok).toBe(true);
    if (b.ok) b.permit.release('ignore');
    expect(l.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
    // Already aborted: refused without queueing.
    const pre = new AbortController();
    pre.abort();
    expect((await l.acquire({ signal: pre.signal })).ok).toBe(false);
  });

  it('deadline while queued ends the wait with reason "deadline"', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 1 });
    const held = await grant(l);
    const t = performance.now();
    const r = await l.acquire({ deadlineAt: performance.now() + 80 });
    const waited = performance.now() - t;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('deadline');
      expect(r.snapshot).toMatchObject({ inFlight: 1, queued: 0 });
    }
    expect(waited).toBeGreaterThanOrEqual(70);
    expect(waited).toBeLessThan(1500);
    expect(l.queued).toBe(0);
    held.release('ignore');
    expect(l.inFlight).toBe(0);
  });

  it('sharedLimiter: one instance per endpoint', () => {
    resetSharedLimiters();
    const a = sharedLimiter('http://127.0.0.1:1');
    expect(sharedLimiter('http://127.0.0.1:1')).toBe(a);
    expect(sharedLimiter('http://127.0.0.1:2')).not.toBe(a);
  });
});

// ---------------------------------------------------------------------------------------------
// With the client and the simulator
// ---------------------------------------------------------------------------------------------

const env = useSimulator(KEY);
const runScenario = env.runScenario;

describe('client with the limiter', () => {
  it('a run alone behaves exactly as before: no queueing, jittered backoff, same events', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 1, decreaseFactor: 0.5 });
    const { result, events } = await runScenario('overloaded;count=2', { policy: { limiter: l } });
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(3);
    expect(events.map((e) => e.event)).toEqual(['attemptStart', 'attempt', 'backoff', 'backoffDone', 'attemptStart', 'attempt', 'backoff', 'backoffDone', 'attemptStart', 'attempt', 'result']);
    for (const b of events.filter((e): e is BackoffEvent => e.event === 'backoff')) expect(b.reason).toBe('jitter');
    for (const s of events.filter((e): e is AttemptStartEvent => e.event === 'attemptStart')) expect(s.queuedMs).toBeUndefined();
    // The two 529s held it at its floor of 1; the success added 1/1.
    expect(l.snapshot()).toMatchObject({ inFlight: 0, queued: 0, limit: 2, decreases: 2 });
  });

  it('a run behind a busy limiter queues, reports reason "limiter", and the wait is not an attempt', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 1 });
    const held = await grant(l);
    setTimeout(() => held.release('success'), 120);
    const { result, events } = await runScenario('ok', { policy: { limiter: l } });
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(1);
    const b = events.find((e): e is BackoffEvent => e.event === 'backoff')!;
    expect(b.reason).toBe('limiter');
    expect(b.delayMs).toBeGreaterThanOrEqual(100);
    expect(b.limiter).toMatchObject({ inFlight: 1 });
    const start = events.find((e): e is AttemptStartEvent => e.event === 'attemptStart')!;
    expect(start.queuedMs).toBe(b.delayMs);
    expect(result.verdict.summary).toMatch(/queued for a slot/);
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it('cancel while queued ends the run at once with nothing sent', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 1 });
    const held = await grant(l);
    const ctrl = new AbortController();
    const before = env.sim.stats().requests;
    setTimeout(() => ctrl.abort(), 50);
    const t = performance.now();
    const { result } = await runScenario('ok', { policy: { limiter: l }, signal: ctrl.signal });
    expect(performance.now() - t).toBeLessThan(1500);
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(0);
    expect(result.verdict.category).toBe('aborted');
    expect(result.verdict.summary).toMatch(/waiting for a free slot/);
    expect(env.sim.stats().requests).toBe(before);
    expect(l.snapshot()).toMatchObject({ inFlight: 1, queued: 0 });
    held.release('ignore');
  });

  it('deadline while queued: stops with a clear verdict, nothing sent', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 1 });
    const held = await grant(l);
    const before = env.sim.stats().requests;
    const t = performance.now();
    const { result } = await runScenario('ok', { policy: { limiter: l, deadlineMs: 300 } });
    expect(performance.now() - t).toBeLessThan(300 + 1000);
    expect(result.ok).toBe(false);
    expect(result.attempts).toBe(0);
    expect(result.verdict.summary).toMatch(/deadline/);
    expect(result.verdict.summary).toMatch(/limiter/);
    expect(env.sim.stats().requests).toBe(before);
    held.release('ignore');
    expect(l.inFlight).toBe(0);
  });

  it('near the deadline the client stops instead of sending an attempt with a tiny timeout', async () => {
    // 529s that each take ~120 ms; backoff shortened to fit. No attempt may start with < 50 ms left.
    const events: ClientEvent[] = [];
    const slow = await startSimulator({ apiKey: KEY, serviceTimeMs: 2 });
    try {
      const result: ResultEvent = await runConnectionTest({
        baseURL: slow.url,
        apiKey: KEY,
        model: 'claude-haiku-4-5',
        headers: { 'x-simulate-scenario': 'overloaded;count=always' },
        policy: { deadlineMs: 500, baseDelayMs: 100, maxDelayMs: 100, jitter: 'none', maxRetries: 50, limiter: false },
        onEvent: (e) => events.push(e),
      });
      expect(result.ok).toBe(false);
      expect(result.verdict.summary).toMatch(/deadline/);
      const starts = events.filter((e): e is AttemptStartEvent => e.event === 'attemptStart');
      expect(starts.length).toBe(result.attempts);
      // Every attempt started with at least MIN_ATTEMPT_MS (50 ms) of the deadline left.
      const t0 = starts[0]!.startedAt;
      for (const s of starts) expect(t0 + 500 - s.startedAt).toBeGreaterThanOrEqual(45);
      expect(result.totalMs).toBeLessThan(500 + 1000);
    } finally {
      await slow.close();
    }
  });

  it('storm-lite: 30 callers, capacity 3: fewer attempts with the shared limiter, equal success', async () => {
    const stormOnce = async (limiter: boolean) => {
      const { results, stats } = await runStorm(KEY, {
        capacity: 3,
        callers: 30,
        runId: `lite-${limiter}`,
        options: { timeoutMs: 10_000, policy: { baseDelayMs: 50, maxDelayMs: 800, maxRetries: 8, ...(limiter ? {} : { limiter: false }) } },
      });
      const attempts = results.reduce((n, r) => n + r.attempts, 0);
      expect(stats.requests).toBe(attempts);
      return { attempts, ok: results.filter((r) => r.ok).length, maxInFlight: stats.maxInFlight };
    };
    const without = await stormOnce(false);
    const withL = await stormOnce(true); // the default: the shared limiter of this (new) endpoint
    expect(withL.ok).toBeGreaterThanOrEqual(without.ok);
    expect(withL.ok).toBe(30);
    expect(withL.attempts).toBeLessThan(without.attempts);
    // 30 successes need 30 attempts. The limiter's waste is bounded: the cold start (8 sent at once
    // against capacity 3) and about one rejected attempt per AIMD cycle (measured 44–47 here, while
    // the same storm without it took 49–123).
    expect(withL.attempts).toBeLessThanOrEqual(55);
  }, 60_000);
});

describe('queue pacing needs a success since the last decrease (storms across processes)', () => {
  it('queuePaces: saturated and no decrease yet, or a success since it', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 4, decreaseFactor: 0.5, increase: 0 });
    const held = await Promise.all(Array.from({ length: 4 }, () => grant(l)));
    expect([isSaturated(l), queuePaces(l)]).toEqual([true, true]);
    expect(l.snapshot().successSinceDecrease).toBe(true);
    held[0]!.release('overload'); // limit 2, 3 in flight: saturated, but only overloads since the cut
    expect([isSaturated(l), queuePaces(l), l.snapshot().successSinceDecrease]).toEqual([true, false, false]);
    held[1]!.release('success'); // 2 in flight, limit 2: still saturated, and the server had room once
    expect([isSaturated(l), queuePaces(l)]).toEqual([true, true]);
    held[2]!.release('ignore');
    expect(queuePaces(l)).toBe(false); // 1 in flight: not saturated
    held[3]!.release('ignore');
  });

  it('a limiter without the field paces as before', () => {
    const custom: Limiter = {
      acquire: async () => ({ ok: false, reason: 'aborted', waitedMs: 0, snapshot: custom.snapshot() }),
      snapshot: () => ({ limit: 1, inFlight: 1, queued: 0, slowStart: false, decreases: 3, increases: 0, granted: 1 }),
    };
    expect(queuePaces(custom)).toBe(true);
  });

  it('callers sharing a limiter that sees only 529s sleep their backoff instead of re-sending at 529 speed', async () => {
    const l = new AdaptiveLimiter({ initialLimit: 8 });
    const runs = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const events: ClientEvent[] = [];
        const result = await runConnectionTest({
          baseURL: env.sim.url,
          apiKey: KEY,
          model: 'claude-haiku-4-5',
          timeoutMs: 5000,
          headers: { 'x-simulate-scenario': 'overloaded;count=always' },
          policy: { baseDelayMs: 20, maxDelayMs: 80, maxRetries: 3, limiter: l },
          onEvent: (e) => events.push(e),
        });
        return { result, events };
      }),
    );
    for (const { result, events } of runs) {
      expect(result).toMatchObject({ ok: false, attempts: 4 });
      // Every failed attempt but the last is followed by a jittered sleep (and maybe a queue wait).
      const jittered = events.filter((e): e is BackoffEvent => e.event === 'backoff' && e.reason === 'jitter');
      expect(jittered).toHaveLength(3);
    }
    expect(l.snapshot().successSinceDecrease).toBe(false);
  });
});
