/**
 * The storm aggregate in the editor: the host-side runner (src/extension/connection/stormAggregate.ts)
 * over the real connection runtime (the unbundled src/extension/connection/runtime.ts, real
 * simulators on 127.0.0.1), and the webview section's strings and state helpers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import * as runtime from '../../../src/extension/connection/runtime';
import { StormAggregateRunner } from '../../../src/extension/connection/stormAggregate';
import { aggregateOf, aggregateRunning, AGGREGATE_STRINGS, persistable } from '../../../src/webview/connection/aggregate';
import { WEBVIEW_STRINGS } from '../../../src/webview/connection/strings';
import type { AggregateView } from '../../../src/core/connection/aggregate';
import type { PanelState } from '../../../src/webview/connection/protocol';
import { REQUEST_PROFILE } from '../../../src/core/connection/profile';

// The runner loads dist/connection-runtime.js in the editor; here the same module, unbundled.
vi.mock('../../../src/extension/connection/loadRuntime', () => ({ loadRuntime: () => runtime }));

const OPTS = {
  model: REQUEST_PROFILE.model, prompt: REQUEST_PROFILE.prompt, maxTokens: REQUEST_PROFILE.maxTokens,
  timeoutMs: REQUEST_PROFILE.attemptTimeoutMs, policy: { ...REQUEST_PROFILE.retry }, authHeader: 'bearer' as const, retryBudget: false,
};

function harness() {
  const shown: (AggregateView | null)[] = [];
  const logged: string[] = [];
  const r = new StormAggregateRunner((v) => shown.push(v), (level, line) => logged.push(`${level} ${line}`));
  return { r, shown, logged };
}

describe('StormAggregateRunner (host side)', () => {
  it('a storm run: live views of that run, then the final figures, and the lines in the output channel', async () => {
    const { r, shown, logged } = harness();
    const a = await r.forRun('run_storm_1', 'storm;serviceTimeMs=150', OPTS);
    expect(a?.state).toBe('done');
    expect(r.running).toBe(false);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    // Throttled: far fewer panel updates than progress events (every attempt and every caller).
    expect(shown.length).toBeLessThan(a!.ours.attempts + a!.sdk.attempts);
    expect(shown.every((v) => v?.runId === 'run_storm_1')).toBe(true);
    expect(shown.slice(0, -1).some((v) => v?.state === 'running')).toBe(true);
    const last = shown.at(-1)!;
    expect(last).toMatchObject({ state: 'done', callers: 20, capacity: 10, serviceTimeMs: 150, floorMs: 300 });
    expect(last.ours.succeeded + last.ours.failed).toBe(20);
    expect(last.sdk.attempts).toBe(last.sdk.succeeded + last.sdk.overloaded);
    expect(logged.some((l) => /^info \[run_storm_1\] storm aggregate: 20 callers at once, capacity 10/.test(l))).toBe(true);
    expect(logged.some((l) => /^info \[run_storm_1\] storm aggregate: @anthropic-ai\/sdk \d/.test(l))).toBe(true);
  }, 30_000);

  it('a run of another scenario starts nothing, and clears an aggregate on display', async () => {
    const { r, shown } = harness();
    expect(await r.forRun('run_ok', 'overloaded', OPTS)).toBeUndefined();
    expect(await r.forRun('run_api', undefined, OPTS)).toBeUndefined();
    expect(shown).toEqual([]);
    await r.forRun('run_storm', 'storm;serviceTimeMs=20', OPTS);
    const n = shown.length;
    expect(await r.forRun('run_after', 'ok', OPTS)).toBeUndefined();
    expect(shown.slice(n)).toEqual([null]);
  }, 30_000);

  it('Cancel stops it: the figures so far, marked cancelled', async () => {
    const { r, shown } = harness();
    const p = r.forRun('run_c', 'storm;serviceTimeMs=3000', OPTS);
    expect(r.running).toBe(true);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.cancel()).toBe(true);
    const a = await p;
    expect(a?.state).toBe('cancelled');
    expect(shown.at(-1)).toMatchObject({ runId: 'run_c', state: 'cancelled' });
    expect(shown.at(-1)!.ours.unfinished + shown.at(-1)!.sdk.unfinished).toBeGreaterThan(0);
    expect(r.running).toBe(false);
    expect(r.cancel()).toBe(false);
  }, 30_000);

  it('a new run stops the previous aggregate, whose figures are never drawn over the new run', async () => {
    const { r, shown } = harness();
    const first = r.forRun('run_1', 'storm;serviceTimeMs=3000', OPTS);
    await new Promise((res) => setTimeout(res, 200));
    const second = r.forRun('run_2', 'storm;serviceTimeMs=50', OPTS);
    expect((await first)?.state).toBe('cancelled');
    expect((await second)?.state).toBe('done');
    const i = shown.findIndex((v) => v?.runId === 'run_2');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(shown.slice(i).every((v) => v?.runId === 'run_2')).toBe(true);
    expect(shown.at(-1)).toMatchObject({ runId: 'run_2', state: 'done' });
  }, 30_000);

  it('starts once the run it belongs to is over; a Cancel before that means it never starts', async () => {
    const { r, shown, logged } = harness();
    let finish!: () => void;
    const runDone = new Promise<void>((res) => { finish = res; });
    const p = r.forRun('run_w', 'storm;serviceTimeMs=20', OPTS, runDone);
    await new Promise((res) => setTimeout(res, 300));
    expect(shown).toEqual([]);
    expect(logged).toEqual([]);
    expect(r.running).toBe(true);
    finish();
    expect((await p)?.state).toBe('done');
    expect(shown.at(-1)).toMatchObject({ runId: 'run_w', state: 'done' });

    const h2 = harness();
    let finish2!: () => void;
    const p2 = h2.r.forRun('run_c2', 'storm', OPTS, new Promise<void>((res) => { finish2 = res; }));
    expect(h2.r.cancel()).toBe(true);
    finish2();
    expect(await p2).toBeUndefined();
    expect(h2.shown).toEqual([]);
    expect(h2.r.running).toBe(false);
  }, 30_000);

  it('after dispose nothing starts', async () => {
    const { r, shown } = harness();
    r.dispose();
    expect(await r.forRun('run_x', 'storm', OPTS)).toBeUndefined();
    expect(shown).toEqual([]);
  });
});

describe('the webview section (src/webview/connection/aggregate.ts)', () => {
  it('every t(…) string of the section is listed, and localizable with the panel', () => {
    const src = readFileSync('src/webview/connection/aggregate.ts', 'utf8');
    const body = src.slice(src.indexOf('function el<'));
    const used = new Set<string>();
    const unquote = (q: string) => q.slice(1, -1).replace(/\\'/g, "'");
    for (const m of body.matchAll(/\bt\(\s*('(?:[^'\\]|\\.)*')/g)) used.add(unquote(m[1]!));
    // Column heads go through t(c) from one list.
    const cols = /\[('Client'[^\]]*)\]\.map/.exec(body)![1]!;
    for (const m of cols.matchAll(/'((?:[^'\\]|\\.)*)'/g)) used.add(m[1]!);
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((u) => !AGGREGATE_STRINGS.includes(u))).toEqual([]);
    expect(AGGREGATE_STRINGS.filter((s) => !WEBVIEW_STRINGS.includes(s))).toEqual([]);
  });

  const view = (runId: string, state: AggregateView['state']): AggregateView => ({
    runId, state, callers: 20, capacity: 10, serviceTimeMs: 500, floorMs: 1000, boundMs: 10_000,
    ours: { callers: 20, attempts: 1, overloaded: 0, succeeded: 0, failed: 0, unfinished: 0, settled: 0, elapsedMs: 0, maxAttemptsPerCaller: 0, maxInFlight: 0, maxRetries: 4, jitter: 'full', limiter: true },
    sdk: { callers: 20, attempts: 1, overloaded: 0, succeeded: 0, failed: 0, unfinished: 0, settled: 0, elapsedMs: 0, maxAttemptsPerCaller: 0, maxInFlight: 0, maxRetries: 2, version: '1.12.0' },
  });
  const idle: PanelState = { run: null, running: false, attempts: [], rateLimit: null, result: null, keyChecklist: null, statusPage: { state: 'idle' }, keyState: 'none' };
  const withRun = (runId: string, aggregate: AggregateView | null): PanelState => ({
    ...idle,
    run: { runId, target: 'simulator', scenario: 'storm', baseUrl: 'http://127.0.0.1:1', model: 'm', stream: false, authHeader: 'bearer', maxRetries: 4, jitter: 'full', timeoutMs: 30_000, startedAt: 0 },
    aggregate,
  });

  it('draws only the aggregate of the run on display; Cancel stays on while it runs; a running one is not kept for a reload', () => {
    expect(aggregateOf(withRun('a', view('a', 'done')))?.runId).toBe('a');
    expect(aggregateOf(withRun('b', view('a', 'done')))).toBeUndefined();
    expect(aggregateOf(idle)).toBeUndefined();
    expect(aggregateRunning(withRun('a', view('a', 'running')))).toBe(true);
    expect(aggregateRunning(withRun('a', view('a', 'done')))).toBe(false);
    expect(aggregateRunning(withRun('b', view('a', 'running')))).toBe(false);
    expect(persistable(withRun('a', view('a', 'running'))).aggregate).toBeNull();
    const done = withRun('a', view('a', 'done'));
    expect(persistable(done)).toBe(done);
  });
});
