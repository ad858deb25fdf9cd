/**
 * The storm aggregate (src/core/connection/aggregate.ts): N callers with our client next to N real
 * `@anthropic-ai/sdk` clients, each side against its own real simulator on 127.0.0.1 — what each
 * side sent is checked against what its simulator received, so no figure is modelled.
 */
import { describe, expect, it } from 'vitest';
import {
  describeAggregate, isStormScenario, physicalFloorMs, runStormAggregate, STORM_AGGREGATE_DEFAULTS, stormParameters,
  type StormAggregate,
} from '../../../src/core/connection/aggregate';
import type { SimulatorRequestEvent } from '../../../src/core/simulator/index';

type Seen = Record<'ours' | 'sdk', SimulatorRequestEvent[]>;

async function run(opts: Parameters<typeof runStormAggregate>[0] = {}): Promise<{ a: StormAggregate; seen: Seen; ms: number }> {
  const seen: Seen = { ours: [], sdk: [] };
  const t0 = performance.now();
  const a = await runStormAggregate({ ...opts, onRequest: (side, e) => seen[side].push(e) });
  return { a, seen, ms: performance.now() - t0 };
}

function messages(seen: SimulatorRequestEvent[]): SimulatorRequestEvent[] {
  return seen.filter((e) => e.path === '/v1/messages');
}

describe('storm parameters and the physical floor', () => {
  it('reads capacity and service time from a storm spec; other scenarios are not storms', () => {
    expect(stormParameters('storm')).toEqual({ capacity: 10, serviceTimeMs: STORM_AGGREGATE_DEFAULTS.serviceTimeMs });
    expect(stormParameters(' storm;capacity=4;serviceTimeMs=120 ')).toEqual({ capacity: 4, serviceTimeMs: 120 });
    for (const s of ['overloaded', 'stream-overloaded', 'ok', '', 'storm;capacity=0', 'storms', undefined]) expect(isStormScenario(s)).toBe(false);
    expect(isStormScenario('storm;background=3')).toBe(true);
  });

  it('is ⌈callers / capacity⌉ × service time', () => {
    expect(physicalFloorMs(20, 10, 500)).toBe(1000);
    expect(physicalFloorMs(21, 10, 500)).toBe(1500);
    expect(physicalFloorMs(3, 10, 500)).toBe(500);
  });
});

describe('runStormAggregate against real simulators', () => {
  it('default storm: every figure on both sides is what the simulators received; the SDK retried by itself', async () => {
    const { a, seen, ms } = await run({ scenario: 'storm' });
    expect(a.state).toBe('done');
    expect(a.error).toBeUndefined();
    expect(a.callers).toBe(STORM_AGGREGATE_DEFAULTS.callers);
    expect(a.floorMs).toBe(1000);
    for (const side of ['ours', 'sdk'] as const) {
      const s = a[side];
      const reqs = messages(seen[side]);
      // Attempts and 529s as counted by the client side = the requests and 529s the server answered.
      expect(s.attempts).toBe(reqs.length);
      expect(s.overloaded).toBe(reqs.filter((e) => e.outcome === '529').length);
      expect(s.succeeded).toBe(reqs.filter((e) => e.outcome === '200').length);
      expect(s.attempts).toBe(s.succeeded + s.overloaded);
      expect(s.succeeded + s.failed + s.unfinished).toBe(a.callers);
      expect(s.settled).toBe(a.callers);
      expect(s.unfinished).toBe(0);
      // No client can beat physics for the callers that got through.
      if (s.succeeded === a.callers) expect(s.elapsedMs).toBeGreaterThanOrEqual(a.floorMs * 0.98);
    }
    // The SDK side is the real SDK with its default 2 retries: its own retry-count header, ≤ 3 attempts.
    const sdkReqs = messages(seen.sdk);
    const counts = new Set(sdkReqs.map((e) => e.retryCount));
    expect(counts.has(0)).toBe(true);
    expect(counts.has(1)).toBe(true);
    expect([...counts].every((c) => c !== null && c >= 0 && c <= 2)).toBe(true);
    expect(a.sdk.maxRetries).toBe(2);
    expect(a.sdk.maxAttemptsPerCaller).toBeLessThanOrEqual(3);
    expect(a.sdk.version).toMatch(/^\d+\.\d+\.\d+/);
    // 20 at once against 10 slots: the SDK side meets 529s and retries (10 × 529 in the first
    // wave when all 20 arrive within one service time; fewer on a loaded machine).
    expect(a.sdk.overloaded).toBeGreaterThanOrEqual(1);
    // Ours is our client: its session header per caller, and the limiter spares most of the 529s.
    expect(new Set(messages(seen.ours).map((e) => e.session)).size).toBe(a.callers);
    expect(a.ours.limiter).toBe(true);
    expect(a.ours.overloaded).toBeLessThanOrEqual(a.sdk.overloaded);
    expect(a.ours.succeeded).toBe(a.callers);
    // Bounded: a few seconds, both sides at once.
    expect(ms).toBeLessThan(STORM_AGGREGATE_DEFAULTS.boundMs);
  }, 30_000);

  it('our side runs on the face\'s policy: no retries and no limiter means one attempt each, and the storm fails half', async () => {
    const { a, seen } = await run({ scenario: 'storm;serviceTimeMs=300', callers: 12, ours: { policy: { maxRetries: 0, limiter: false } } });
    expect(a.ours.maxRetries).toBe(0);
    expect(a.ours.limiter).toBe(false);
    expect(a.ours.maxAttemptsPerCaller).toBe(1);
    expect(a.ours.attempts).toBe(12);
    expect(messages(seen.ours)).toHaveLength(12);
    expect(a.ours.failed).toBe(a.ours.overloaded);
    expect(a.ours.failed).toBeGreaterThanOrEqual(2);
    expect(a.floorMs).toBe(600);
  }, 30_000);

  it('Cancel stops both sides at once: unfinished callers, simulators closed', async () => {
    const ctl = new AbortController();
    const seen: Seen = { ours: [], sdk: [] };
    const t0 = performance.now();
    setTimeout(() => ctl.abort(), 300);
    const a = await runStormAggregate({ scenario: 'storm;serviceTimeMs=2000', signal: ctl.signal, onRequest: (side, e) => seen[side].push(e) });
    const ms = performance.now() - t0;
    expect(a.state).toBe('cancelled');
    expect(ms).toBeLessThan(1500);
    expect(a.ours.unfinished).toBeGreaterThan(0);
    expect(a.sdk.unfinished).toBeGreaterThan(0);
    for (const side of ['ours', 'sdk'] as const) expect(a[side].succeeded + a[side].failed + a[side].unfinished).toBe(a.callers);
    // Nothing reaches a simulator after the aggregate returned: they are closed.
    const before = seen.ours.length + seen.sdk.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(seen.ours.length + seen.sdk.length).toBe(before);
    expect(describeAggregate(a).join('\n')).toMatch(/cancelled/);
  }, 30_000);

  it('an already aborted signal runs nothing', async () => {
    const { a, seen } = await run({ signal: AbortSignal.abort() });
    expect(a.state).toBe('cancelled');
    expect(seen.ours.length + seen.sdk.length).toBe(0);
    expect(a.ours.attempts + a.sdk.attempts).toBe(0);
  });

  it('the time bound stops a storm that takes longer', async () => {
    const { a, ms } = await run({ scenario: 'storm;serviceTimeMs=1500', callers: 30, boundMs: 800 });
    expect(a.state).toBe('bounded');
    expect(ms).toBeLessThan(2500);
    expect(a.ours.unfinished + a.sdk.unfinished).toBeGreaterThan(0);
    expect(describeAggregate(a).join('\n')).toMatch(/stopped at the 800 ms bound/);
  }, 30_000);

  it('callers are clamped to 1…200', async () => {
    const { a } = await run({ scenario: 'storm;serviceTimeMs=20', callers: 0 });
    expect(a.callers).toBe(1);
    expect(a.ours.succeeded + a.sdk.succeeded).toBe(2);
  });
});

describe('describeAggregate', () => {
  const base: StormAggregate = {
    state: 'done', callers: 50, capacity: 10, serviceTimeMs: 500, floorMs: 2500, boundMs: 10_000,
    ours: { callers: 50, attempts: 52, overloaded: 2, succeeded: 50, failed: 0, unfinished: 0, settled: 50, elapsedMs: 3430, maxAttemptsPerCaller: 2, maxInFlight: 11, maxRetries: 4, jitter: 'full', limiter: true },
    sdk: { callers: 50, attempts: 120, overloaded: 90, succeeded: 30, failed: 20, unfinished: 0, settled: 50, elapsedMs: 2100, maxAttemptsPerCaller: 3, maxInFlight: 11, maxRetries: 2, version: '1.12.0' },
  };

  it('says the floor, both sides, and why a side that gave up is under the floor', () => {
    const text = describeAggregate(base).join('\n');
    expect(text).toContain('physical floor 2.50 s (⌈50 / 10⌉ × 500 ms)');
    expect(text).toMatch(/ours \(4 retries, full jitter, adaptive limiter\): 52 attempts \(2 × 529\), 50\/50 succeeded \(100 %\), all ended in 3\.43 s = 1\.4× the floor\n/);
    expect(text).toMatch(/@anthropic-ai\/sdk 1\.12\.0 \(maxRetries 2, its own backoff\): 120 attempts \(90 × 529\), 30\/50 succeeded \(60 %\), 20 gave up, all ended in 2\.10 s = 0\.8× the floor \(under the floor only because not every caller got through\)/);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });
});
