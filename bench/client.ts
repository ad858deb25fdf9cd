/**
 * Client benchmarks, every figure measured side by side in one run against the local simulator:
 *
 * 1. Overhead per attempt: `runConnectionTest` (one attempt) vs a bare SDK `messages.create`
 *    (SDK retries off), interleaved.                                       Goal ≤ 0.5 ms.
 * 2. Backoff timer accuracy: |actual − planned| of every backoff, p50/p99, next to bare
 *    `setTimeout` sleeps of the same lengths running at the same time.      Goal p99 ≤ 10 ms.
 * 3. Storm: 100 concurrent callers against the `storm` scenario (capacity 10), per jitter kind
 *    and the real SDK, all at equal max attempts. Goal: our default needs ≤ 0.6× the attempts
 *    of the SDK formula at equal or better success, and completes within 2× the physical floor.
 *
 * `npx tsx bench/client.ts [--quick]`
 */
import Anthropic from '@anthropic-ai/sdk';
import { RetryBudget } from '../src/core/retry/budget';
import { runConnectionTest } from '../src/core/retry/client';
import { DEFAULT_POLICY, type JitterKind, type RetryPolicy } from '../src/core/retry/policy';
import type { ClientEvent } from '../src/core/retry/events';
import {
  fmt,
  goal,
  median,
  now,
  percentile,
  printGoals,
  seeded,
  startSimulatorProcess,
  table,
  trimmedMean,
  writeResults,
  type Goal,
} from './common';

const QUICK = process.argv.includes('--quick');
/** Key-shaped for the client, made at run time (no key-like string in the repository). */
const API_KEY = `${['sk', 'ant', 'api03', 'bench'].join('-')}-${'0'.repeat(28)}`;
const MODEL = 'claude-haiku-4-5';
const MESSAGES = [{ role: 'user' as const, content: 'Reply with the single word: ok' }];

// ---------------------------------------------------------------------------------------------
// 1. Overhead per attempt
// ---------------------------------------------------------------------------------------------

async function overhead(): Promise<Record<string, unknown>> {
  const sim = await startSimulatorProcess({ port: 0, scenario: 'ok', serviceTimeMs: 0, apiKey: API_KEY });
  const sdk = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0 });
  const bare = async () => {
    await sdk.messages.create({ model: MODEL, max_tokens: 8, messages: MESSAGES });
  };
  const ours = async () => {
    const r = await runConnectionTest({ baseURL: sim.url, apiKey: API_KEY, model: MODEL, maxTokens: 8, policy: { maxRetries: 0 } });
    if (!r.ok) throw new Error(`connection test failed: ${r.verdict.summary}`);
  };
  const warm = QUICK ? 20 : 50;
  const n = QUICK ? 150 : 600;
  for (let i = 0; i < warm; i++) {
    await bare();
    await ours();
  }
  const a: number[] = [];
  const b: number[] = [];
  // CPU time of this process per call (the simulator runs in its own process): the client's own
  // work, less sensitive than wall time to the other processes sharing the cores.
  const cpu = { bare: 0, ours: 0 };
  // Interleaved ABBA so drift and GC pressure hit both sides alike.
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? [bare, ours] : [ours, bare];
    for (const fn of order) {
      const c = process.cpuUsage();
      const t = now();
      await fn();
      (fn === bare ? a : b).push(now() - t);
      const d = process.cpuUsage(c);
      cpu[fn === bare ? 'bare' : 'ours'] += (d.user + d.system) / 1000;
    }
  }
  await sim.close();
  const row = (name: string, v: number[]) => [name, median(v), percentile(v, 90), percentile(v, 99), trimmedMean(v)];
  table(`Overhead per attempt (${n} interleaved calls each, simulator service time 0 ms)`, ['client', 'p50 ms', 'p90 ms', 'p99 ms', 'trimmed mean ms'], [
    row('bare SDK messages.create', a),
    row('runConnectionTest (1 attempt)', b),
  ]);
  const diffMedian = median(b) - median(a);
  const diffMean = trimmedMean(b) - trimmedMean(a);
  const cpuBare = cpu.bare / n;
  const cpuOurs = cpu.ours / n;
  console.log(`overhead: median ${fmt(diffMedian, 3)} ms, trimmed mean ${fmt(diffMean, 3)} ms; ratio ${fmt(median(b) / median(a), 3)}×`);
  console.log(`CPU per call (client process): bare ${fmt(cpuBare, 3)} ms, ours ${fmt(cpuOurs, 3)} ms → +${fmt(cpuOurs - cpuBare, 3)} ms (${fmt(cpuOurs / cpuBare, 3)}×)`);
  return {
    samples: n,
    sdkMedianMs: median(a),
    oursMedianMs: median(b),
    sdkTrimmedMeanMs: trimmedMean(a),
    oursTrimmedMeanMs: trimmedMean(b),
    overheadMedianMs: diffMedian,
    overheadTrimmedMeanMs: diffMean,
    ratio: median(b) / median(a),
    cpuPerCallBareMs: cpuBare,
    cpuPerCallOursMs: cpuOurs,
    cpuOverheadMs: cpuOurs - cpuBare,
  };
}

// ---------------------------------------------------------------------------------------------
// 2. Backoff timer accuracy
// ---------------------------------------------------------------------------------------------

interface TimerFigures {
  runs: number;
  samples: number;
  reportedP50Ms: number;
  reportedP99Ms: number;
  observedP50Ms: number;
  observedP99Ms: number;
  bareSetTimeoutP50Ms: number;
  bareSetTimeoutP99Ms: number;
}

/** `runs` connection tests at once, each with `retries` backoffs, next to bare sleeps of the same lengths. */
async function timerAccuracyAt(runs: number, retries: number): Promise<TimerFigures> {
  const sim = await startSimulatorProcess({ port: 0, scenario: 'overloaded;count=always', serviceTimeMs: 0, apiKey: API_KEY });
  // The limiter off: this measures backoff timers, not admission (the limiter's queue waits are not timer sleeps).
  const policy: Partial<RetryPolicy> = { maxRetries: retries, baseDelayMs: 10, maxDelayMs: 200, jitter: 'full', limiter: false };
  const reported: number[] = []; // |actualMs − plannedMs| as the client reports it (the sleep alone)
  const observed: number[] = []; // |(next attemptStart − backoff event) − planned|: what a caller sees
  const planned: number[] = [];
  const oneRun = async (seed: number) => {
    let pending: { at: number; planned: number } | undefined;
    const onEvent = (e: ClientEvent) => {
      const t = now();
      if (e.event === 'backoff') pending = { at: t, planned: e.delayMs };
      else if (e.event === 'backoffDone') {
        reported.push(Math.abs(e.actualMs - e.plannedMs));
        planned.push(e.plannedMs);
      } else if (e.event === 'attemptStart' && pending) {
        observed.push(Math.abs(t - pending.at - pending.planned));
        pending = undefined;
      }
    };
    await runConnectionTest({ baseURL: sim.url, apiKey: API_KEY, model: MODEL, policy, onEvent, random: seeded(seed) });
  };
  // Baseline: bare setTimeout sleeps of the same distribution, running alongside.
  const bareErr: number[] = [];
  const bareRun = async (seed: number) => {
    const rnd = seeded(seed);
    for (let i = 0; i < retries; i++) {
      const d = rnd() * Math.min(200, 10 * 2 ** i);
      const t = now();
      await new Promise((r) => setTimeout(r, d));
      bareErr.push(Math.abs(now() - t - d));
    }
  };
  const rounds = runs === 1 ? (QUICK ? 5 : 12) : 1;
  for (let round = 0; round < rounds; round++) {
    await Promise.all([
      ...Array.from({ length: runs }, (_, i) => oneRun(1000 + round * 100 + i)),
      ...Array.from({ length: runs }, (_, i) => bareRun(1000 + round * 100 + i)),
    ]);
  }
  await sim.close();
  const row = (name: string, v: number[]) => [name, String(v.length), percentile(v, 50), percentile(v, 99), Math.max(...v)];
  table(`Backoff timer accuracy: ${runs} run${runs === 1 ? '' : 's'} at a time × ${retries} backoffs${rounds > 1 ? ` × ${rounds} rounds` : ''}, planned ${fmt(Math.min(...planned), 1)}–${fmt(Math.max(...planned), 1)} ms`, [
    'measure', 'n', 'p50 |err| ms', 'p99 |err| ms', 'max ms',
  ], [
    row('client sleep (backoffDone actual − planned)', reported),
    row('caller view (backoff → next attempt start)', observed),
    row('bare setTimeout, same delays, same time', bareErr),
  ]);
  return {
    runs,
    samples: reported.length,
    reportedP50Ms: percentile(reported, 50),
    reportedP99Ms: percentile(reported, 99),
    observedP50Ms: percentile(observed, 50),
    observedP99Ms: percentile(observed, 99),
    bareSetTimeoutP50Ms: percentile(bareErr, 50),
    bareSetTimeoutP99Ms: percentile(bareErr, 99),
  };
}

async function timerAccuracy(): Promise<{ single: TimerFigures; concurrent: TimerFigures }> {
  const single = await timerAccuracyAt(1, 10);
  const concurrent = await timerAccuracyAt(QUICK ? 10 : 20, 10);
  return { single, concurrent };
}

// ---------------------------------------------------------------------------------------------
// 3. Storm
// ---------------------------------------------------------------------------------------------

interface StormKind {
  name: string;
  jitter?: JitterKind;
  realSdk?: boolean;
  /** Extra policy fields, built fresh per run (a shared budget must start full each run). */
  extra?: () => Partial<RetryPolicy>;
  /** Not one of the compared kinds: a what-if shown for the report. */
  whatIf?: boolean;
}

interface StormRow {
  name: string;
  attempts: number;
  success: number; // 0..1
  completionMs: number;
  overFloor: number;
  serverRequests: number;
  maxInFlight: number;
}

const CALLERS = 100;
const CAPACITY = 10;

async function stormOnce(
  serviceTimeMs: number,
  kind: StormKind,
  maxRetries: number,
  seed: number,
): Promise<StormRow> {
  const sim = await startSimulatorProcess({ port: 0, scenario: 'storm;background=0', capacity: CAPACITY, serviceTimeMs, apiKey: API_KEY });
  const floor = (CALLERS * serviceTimeMs) / CAPACITY;
  let attempts = 0;
  let ok = 0;
  const t0 = now();
  if (kind.realSdk) {
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries, fetch: counting, timeout: 60_000 });
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        try {
          await client.messages.create({ model: MODEL, max_tokens: 8, messages: MESSAGES });
          ok++;
        } catch {
          /* counted as a failure */
        }
      }),
    );
  } else {
    const policy: Partial<RetryPolicy> = { ...DEFAULT_POLICY, maxRetries, ...(kind.jitter ? { jitter: kind.jitter } : {}), ...(kind.extra?.() ?? {}) };
    const rng = seeded(seed);
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, i) => {
        const r = await runConnectionTest({
          baseURL: sim.url,
          apiKey: API_KEY,
          model: MODEL,
          policy,
          timeoutMs: 60_000,
          random: seeded(Math.floor(rng() * 2 ** 31) + i),
        });
        attempts += r.attempts;
        if (r.ok) ok++;
      }),
    );
  }
  const completionMs = now() - t0;
  const stats = await sim.stats();
  await sim.close();
  return {
    name: kind.name,
    attempts,
    success: ok / CALLERS,
    completionMs,
    overFloor: completionMs / floor,
    serverRequests: stats.requests,
    maxInFlight: stats.maxInFlight,
  };
}

async function storm(serviceTimeMs: number, reps: number): Promise<{ rows: StormRow[]; floorMs: number; maxRetries: number }> {
  const maxRetries = DEFAULT_POLICY.maxRetries;
  // The default row uses the process-wide shared adaptive limiter (limiter.ts), as every run in one
  // process does by default; each storm gets a fresh one (a new simulator port is a new endpoint).
  // The jitter rows compare backoff formulas alone, so they turn the limiter off.
  const off = { limiter: false } as const;
  const kinds: StormKind[] = [
    { name: `default policy (${DEFAULT_POLICY.jitter} + shared limiter)` },
    { name: `default policy without limiter`, extra: () => off },
    { name: 'full jitter', jitter: 'full', extra: () => off },
    { name: 'equal jitter', jitter: 'equal', extra: () => off },
    { name: 'decorrelated jitter', jitter: 'decorrelated', extra: () => off },
    { name: 'no jitter', jitter: 'none', extra: () => off },
    { name: 'SDK formula (our client)', jitter: 'sdk', extra: () => off },
    { name: 'real SDK 1.12.0', realSdk: true },
    { name: 'what-if: default + shared retry budget 10/0.1', extra: () => ({ ...off, retryBudget: new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 }) }), whatIf: true },
    { name: 'what-if: full jitter, base 2 s', jitter: 'full', extra: () => ({ ...off, baseDelayMs: 2000 }), whatIf: true },
  ];
  const rows: StormRow[] = [];
  for (const kind of kinds) {
    const runs: StormRow[] = [];
    for (let r = 0; r < reps; r++) runs.push(await stormOnce(serviceTimeMs, kind, maxRetries, 7 + r));
    const avg = (f: (x: StormRow) => number) => runs.reduce((s, x) => s + f(x), 0) / runs.length;
    rows.push({
      name: kind.name,
      attempts: avg((x) => x.attempts),
      success: avg((x) => x.success),
      completionMs: avg((x) => x.completionMs),
      overFloor: avg((x) => x.overFloor),
      serverRequests: avg((x) => x.serverRequests),
      maxInFlight: Math.max(...runs.map((x) => x.maxInFlight)),
    });
  }
  const floorMs = (CALLERS * serviceTimeMs) / CAPACITY;
  const sdkRow = rows.find((r) => r.name.startsWith('SDK formula'))!;
  table(
    `Storm: ${CALLERS} callers, capacity ${CAPACITY}, service ${serviceTimeMs} ms (floor ${floorMs} ms), ` +
      `max ${maxRetries + 1} attempts each, mean of ${reps} run${reps === 1 ? '' : 's'}`,
    ['policy', 'attempts', 'vs SDK formula', 'success %', 'completion ms', '× floor'],
    rows.map((r) => [r.name, fmt(r.attempts, 1), `${fmt(r.attempts / sdkRow.attempts)}×`, fmt(r.success * 100, 1), fmt(r.completionMs, 0), fmt(r.overFloor)]),
  );
  return { rows, floorMs, maxRetries };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const goals: Goal[] = [];
  console.log('Client benchmarks' + (QUICK ? ' (quick)' : ''));
  const oh = await overhead();
  goals.push(goal('client overhead per attempt (median wall)', oh.overheadMedianMs as number, 'ms', '<=', 0.5));
  goals.push(goal('client overhead per attempt (CPU time)', oh.cpuOverheadMs as number, 'ms', '<=', 0.5));
  const ta = await timerAccuracy();
  goals.push(goal('backoff timer |actual − planned| p99, one run (caller view)', ta.single.observedP99Ms, 'ms', '<=', 10));
  goals.push(goal(`backoff timer p99, ${ta.concurrent.runs} concurrent runs (caller view)`, ta.concurrent.observedP99Ms, 'ms', '<=', 10));
  goals.push(goal('  same, bare setTimeout alongside (environment floor)', ta.concurrent.bareSetTimeoutP99Ms, 'ms', '<=', 10));

  const storms: Record<string, unknown>[] = [];
  for (const serviceTimeMs of QUICK ? [100] : [100, 500]) {
    const reps = QUICK ? 1 : serviceTimeMs >= 500 ? 2 : 3;
    const s = await storm(serviceTimeMs, reps);
    storms.push({ serviceTimeMs, ...s });
    const def = s.rows[0]!;
    const sdkRow = s.rows.find((r) => r.name.startsWith('SDK formula'))!;
    goals.push(goal(`storm ${serviceTimeMs} ms: default attempts / SDK formula attempts`, def.attempts / sdkRow.attempts, '×', '<=', 0.6));
    goals.push(goal(`storm ${serviceTimeMs} ms: default success − SDK formula success`, (def.success - sdkRow.success) * 100, 'pts', '>=', 0));
    goals.push(goal(`storm ${serviceTimeMs} ms: default completion / floor`, def.overFloor, '×', '<=', 2));
  }
  printGoals(goals);
  writeResults('client', { overhead: oh, timerAccuracy: ta, storms, goals });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
