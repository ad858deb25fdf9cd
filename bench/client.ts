/**
 * Client benchmarks, every figure measured side by side in one run against the local simulator:
 *
 * 1. Overhead per attempt: `runConnectionTest` (one attempt) vs a bare SDK `messages.create`
 *    (SDK retries off), interleaved.                                       Goal ≤ 0.5 ms.
 * 2. Backoff timer accuracy: |actual − planned| of every backoff, p50/p99, at 1 and 20 runs at
 *    once, next to bare `setTimeout` sleeps of the same lengths at the same time in this process
 *    and in a separate `node` process (the machine's floor), the bare SDK with the same sleeps
 *    (no client: what any client on the SDK sees), and CPU per attempt.
 *                                                                          Goal p99 ≤ 10 ms.
 * 3. Storm: 100 concurrent callers against the `storm` scenario (capacity 10), per jitter kind
 *    and the real SDK, all at equal max attempts. Goal: our default needs ≤ 0.6× the attempts
 *    of the SDK formula at equal or better success, and completes within 2× the physical floor.
 *
 * `npx tsx bench/client.ts [--quick] [--timers]` (`--timers`: section 2 only)
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
/** `--timers`: only section 2 (backoff timer accuracy). */
const TIMERS_ONLY = process.argv.includes('--timers');
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
  rounds: number;
  samples: number;
  reportedP50Ms: number;
  reportedP99Ms: number;
  observedP50Ms: number;
  observedP99Ms: number;
  bareSetTimeoutP50Ms: number;
  bareSetTimeoutP99Ms: number;
  /** Bare sleeps of the same lengths in a separate `node` process at the same time: the machine's floor. */
  childSetTimeoutP50Ms: number;
  childSetTimeoutP99Ms: number;
  /** No client: the bare SDK (retries off) and setTimeout sleeps of the same lengths, in its own phase. */
  sdkLoopP50Ms: number;
  sdkLoopP99Ms: number;
  sdkLoopCpuPerAttemptMs: number;
  /** CPU time of this process (client + bare sleeps; the simulator has its own) per attempt. */
  cpuPerAttemptMs: number;
  attempts: number;
}

/**
 * The environment floor: a plain `node` process (no tsx, no client) doing bare setTimeout sleeps
 * of the given lengths, the sequences concurrently, when told `go`. It answers |actual − planned|.
 */
const SLEEPER = `
process.on('message', async (m) => {
  if (m === 'exit') { process.disconnect(); return; }
  const errs = [];
  const seq = async (delays) => {
    for (const d of delays) {
      const t = performance.now();
      await new Promise((r) => setTimeout(r, d));
      errs.push(Math.abs(performance.now() - t - d));
    }
  };
  await Promise.all(m.map(seq));
  process.send(errs);
});
process.send('ready');`;

interface Sleeper {
  sleep(sequences: number[][]): Promise<number[]>;
  close(): Promise<void>;
}

async function startSleeper(): Promise<Sleeper> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', SLEEPER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`sleeper process exited (${code})`)));
  });
  await next<string>();
  return {
    sleep: (sequences) => {
      const p = next<number[]>();
      child.send(sequences);
      return p;
    },
    close: async () => {
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      child.send('exit');
      await exited;
    },
  };
}

const TIMER_POLICY = { baseDelayMs: 10, maxDelayMs: 200 } as const;

/** The planned waits of one run with this seed: full jitter draws one number per backoff. */
function plannedDelays(seed: number, retries: number): number[] {
  const rnd = seeded(seed);
  return Array.from({ length: retries }, (_, i) => rnd() * Math.min(TIMER_POLICY.maxDelayMs, TIMER_POLICY.baseDelayMs * 2 ** i));
}

/**
 * `runs` connection tests at once, each with `retries` backoffs, next to bare sleeps of the same
 * lengths in this process and in a separate one, at the same time.
 */
async function timerAccuracyAt(runs: number, retries: number, rounds: number, sleeper: Sleeper): Promise<TimerFigures> {
  const sim = await startSimulatorProcess({ port: 0, scenario: 'overloaded;count=always', serviceTimeMs: 0, apiKey: API_KEY });
  // The limiter off: this measures backoff timers, not admission (the limiter's queue waits are not timer sleeps).
  const policy: Partial<RetryPolicy> = { maxRetries: retries, ...TIMER_POLICY, jitter: 'full', limiter: false };
  const reported: number[] = []; // |actualMs − plannedMs| as the client reports it (the sleep alone)
  const observed: number[] = []; // |(next attemptStart − backoff event) − planned|: what a caller sees
  const planned: number[] = [];
  let attempts = 0;
  const oneRun = async (seed: number) => {
    let pending: { at: number; planned: number } | undefined;
    const onEvent = (e: ClientEvent) => {
      const t = now();
      if (e.event === 'backoff') pending = { at: t, planned: e.delayMs };
      else if (e.event === 'backoffDone') {
        reported.push(Math.abs(e.actualMs - e.plannedMs));
        planned.push(e.plannedMs);
      } else if (e.event === 'attemptStart') {
        attempts++;
        if (pending) observed.push(Math.abs(t - pending.at - pending.planned));
        pending = undefined;
      }
    };
    await runConnectionTest({ baseURL: sim.url, apiKey: API_KEY, model: MODEL, policy, onEvent, random: seeded(seed) });
  };
  // Bare setTimeout sleeps of the same lengths, alongside in this process.
  const bareErr: number[] = [];
  const bareRun = async (delays: number[]) => {
    for (const d of delays) {
      const t = now();
      await new Promise((r) => setTimeout(r, d));
      bareErr.push(Math.abs(now() - t - d));
    }
  };
  const childErr: number[] = [];
  let cpuMs = 0;
  // The same load without our client: the SDK's own per-attempt work, the same sleeps. What any
  // client built on the SDK would see (its own phase, so the two do not load each other).
  const sdk = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries: 0 });
  const sdkErr: number[] = [];
  let sdkCpuMs = 0;
  let sdkAttempts = 0;
  let warming = true;
  const sdkRun = async (delays: number[]) => {
    for (let i = 0; i <= delays.length; i++) {
      sdkAttempts++;
      try {
        await sdk.messages.create({ model: MODEL, max_tokens: 16, messages: MESSAGES });
      } catch {
        /* the scenario answers 529 */
      }
      const d = delays[i];
      if (d === undefined) break;
      const t = now();
      await new Promise((r) => setTimeout(r, d));
      if (!warming) sdkErr.push(Math.abs(now() - t - d));
    }
  };
  // Warm-up, not counted: both paths at the concurrent shape, so the JIT has tiered up the SDK,
  // undici and our loop before either is measured (whichever ran first would pay it otherwise).
  await Promise.all(Array.from({ length: CONCURRENT_RUNS }, (_, i) => [
    runConnectionTest({ baseURL: sim.url, apiKey: API_KEY, model: MODEL, policy, random: seeded(1 + i) }),
    sdkRun(plannedDelays(1 + i, retries)),
  ]).flat());
  warming = false;
  sdkAttempts = 0;
  for (let round = 0; round < rounds; round++) {
    const seeds = Array.from({ length: runs }, (_, i) => 1000 + round * 100 + i);
    const delays = seeds.map((seed) => plannedDelays(seed, retries));
    const inChild = sleeper.sleep(delays);
    const c = process.cpuUsage();
    await Promise.all([...seeds.map(oneRun), ...delays.map(bareRun)]);
    const d = process.cpuUsage(c);
    cpuMs += (d.user + d.system) / 1000;
    childErr.push(...(await inChild));
  }
  for (let round = 0; round < rounds; round++) {
    const delays = Array.from({ length: runs }, (_, i) => plannedDelays(1000 + round * 100 + i, retries));
    const c = process.cpuUsage();
    await Promise.all(delays.map(sdkRun));
    const d = process.cpuUsage(c);
    sdkCpuMs += (d.user + d.system) / 1000;
  }
  await sim.close();
  const cpuPerAttemptMs = cpuMs / attempts;
  const row = (name: string, v: number[]) => [name, String(v.length), percentile(v, 50), percentile(v, 99), Math.max(...v)];
  table(`Backoff timer accuracy: ${runs} run${runs === 1 ? '' : 's'} at a time × ${retries} backoffs × ${rounds} round${rounds === 1 ? '' : 's'}, planned ${fmt(Math.min(...planned), 1)}–${fmt(Math.max(...planned), 1)} ms`, [
    'measure', 'n', 'p50 |err| ms', 'p99 |err| ms', 'max ms',
  ], [
    row('client sleep (backoffDone actual − planned)', reported),
    row('caller view (backoff → next attempt start)', observed),
    row('bare setTimeout, same delays, this process', bareErr),
    row('bare setTimeout, same delays, separate process', childErr),
    row('no client: bare SDK + setTimeout, same delays (own phase)', sdkErr),
  ]);
  console.log(`client process CPU per attempt (our loop + SDK + undici, ${attempts} attempts): ${fmt(cpuPerAttemptMs, 3)} ms; bare SDK alone ${fmt(sdkCpuMs / sdkAttempts, 3)} ms`);
  return {
    runs,
    rounds,
    samples: reported.length,
    reportedP50Ms: percentile(reported, 50),
    reportedP99Ms: percentile(reported, 99),
    observedP50Ms: percentile(observed, 50),
    observedP99Ms: percentile(observed, 99),
    bareSetTimeoutP50Ms: percentile(bareErr, 50),
    bareSetTimeoutP99Ms: percentile(bareErr, 99),
    childSetTimeoutP50Ms: percentile(childErr, 50),
    childSetTimeoutP99Ms: percentile(childErr, 99),
    sdkLoopP50Ms: percentile(sdkErr, 50),
    sdkLoopP99Ms: percentile(sdkErr, 99),
    sdkLoopCpuPerAttemptMs: sdkCpuMs / sdkAttempts,
    cpuPerAttemptMs,
    attempts,
  };
}

const CONCURRENT_RUNS = 20;

async function timerAccuracy(): Promise<{ single: TimerFigures; concurrent: TimerFigures }> {
  const sleeper = await startSleeper();
  try {
    const single = await timerAccuracyAt(1, 10, QUICK ? 5 : 12, sleeper);
    const concurrent = await timerAccuracyAt(CONCURRENT_RUNS, 10, QUICK ? 3 : 6, sleeper);
    const side = (name: string, f: (t: TimerFigures) => number, digits = 2) => [name, fmt(f(single), digits), fmt(f(concurrent), digits)];
    table('Backoff timer error p99 side by side', ['measure', '1 run', `${CONCURRENT_RUNS} runs`], [
      side('ours: caller view (backoff → next attempt start)', (t) => t.observedP99Ms),
      side('ours: client sleep (backoffDone)', (t) => t.reportedP99Ms),
      side('bare setTimeout, this process', (t) => t.bareSetTimeoutP99Ms),
      side('bare setTimeout, separate process (floor)', (t) => t.childSetTimeoutP99Ms),
      side('no client: bare SDK + setTimeout (own phase)', (t) => t.sdkLoopP99Ms),
      side('client process CPU ms per attempt (loop + SDK + undici)', (t) => t.cpuPerAttemptMs, 3),
      side('  bare SDK alone, CPU ms per attempt', (t) => t.sdkLoopCpuPerAttemptMs, 3),
    ]);
    return { single, concurrent };
  } finally {
    await sleeper.close();
  }
}

function timerGoals(ta: { single: TimerFigures; concurrent: TimerFigures }): Goal[] {
  return [
    goal('backoff timer |actual − planned| p99, one run (caller view)', ta.single.observedP99Ms, 'ms', '<=', 10),
    goal(`backoff timer p99, ${ta.concurrent.runs} concurrent runs (caller view)`, ta.concurrent.observedP99Ms, 'ms', '<=', 10),
    goal('  same time, bare setTimeout in a separate process (environment floor)', ta.concurrent.childSetTimeoutP99Ms, 'ms', '<=', 10),
  ];
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
  if (TIMERS_ONLY) {
    // `--timers`: section 2 alone (results not written, so a full run's file stays whole).
    printGoals(timerGoals(await timerAccuracy()));
    return;
  }
  const oh = await overhead();
  goals.push(goal('client overhead per attempt (median wall)', oh.overheadMedianMs as number, 'ms', '<=', 0.5));
  goals.push(goal('client overhead per attempt (CPU time)', oh.cpuOverheadMs as number, 'ms', '<=', 0.5));
  const ta = await timerAccuracy();
  goals.push(...timerGoals(ta));

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
