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
 * 3. Storm: 100 concurrent callers against the `storm` scenario (capacity 10, no simulated
 *    background), without and with `retry-after` on every 529, side by side: our default with the
 *    process-wide limiter (all callers in one process), one limiter per caller (nothing shared),
 *    real child processes (each its own process-wide state), and the real SDK at maxRetries 2 (its
 *    default) and 4 (our default). Goals, on the rows without a shared limiter: ≤ 0.6× the SDK's
 *    attempts at ≥ its success, completion ≤ 1.5× the physical floor, ratios within ±10 % over
 *    the repetitions.
 *
 * `npx tsx bench/client.ts [--quick] [--timers] [--only storm]` (`--timers`: section 2 only; `--only storm`: section 3 only)
 */
import Anthropic from '@anthropic-ai/sdk';
import { runConnectionTest } from '../src/core/retry/client';
import { AdaptiveLimiter } from '../src/core/retry/limiter';
import { DEFAULT_POLICY, type RetryPolicy } from '../src/core/retry/policy';
import { AdaptiveThrottle } from '../src/core/retry/throttle';
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
/** `--only storm`: section 3 alone. */
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
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

/**
 * Where the callers' state lives:
 * - `shared`: 100 runs in this process, the default policy: one process-wide limiter for the endpoint.
 * - `per-caller`: 100 runs in this process, each with its own limiter (and throttle, when the row
 *   has one): nothing shared, as if every caller were its own process.
 * - `children`: real separate `node` processes, each running its callers with the default policy.
 * - `sdk`: the real `@anthropic-ai/sdk` client, its own retries, one client for all callers.
 */
type StormMode = 'shared' | 'per-caller' | 'children' | 'sdk';

interface StormKind {
  name: string;
  mode: StormMode;
  /** `sdk`: the SDK's maxRetries. */
  sdkRetries?: number;
  /** Extra policy fields per caller, built fresh for every caller (per-caller state). */
  extra?: () => Partial<RetryPolicy>;
  /** The rows the goals are checked against (deployments without a shared limiter). */
  goalRow?: boolean;
  whatIf?: boolean;
}

interface StormRun {
  attempts: number; // server-counted requests
  success: number; // 0..1
  completionMs: number;
}

interface StormRow {
  name: string;
  retryAfter: boolean;
  goalRow: boolean;
  whatIf: boolean;
  runs: StormRun[];
  attempts: number;
  success: number;
  completionMs: number;
}

const CALLERS = 100;
const CAPACITY = 10;
/** `children` rows: this many processes × CALLERS / CHILDREN callers each. */
const CHILDREN = 10;
/** The `retry-after` every 529 carries in the "with retry-after" rows (seconds; the header's real form). */
const STORM_RETRY_AFTER_S = 1;

interface Child {
  send(m: unknown): void;
  next<T>(key: string): Promise<T>;
  close(): Promise<void>;
}

async function startChildren(n: number): Promise<Child[]> {
  const { spawn } = await import('node:child_process');
  const { join } = await import('node:path');
  const script = join(__dirname, 'storm-child.ts');
  const children = Array.from({ length: n }, () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const next = <T>(key: string) =>
      new Promise<T>((res, rej) => {
        const onMessage = (m: Record<string, unknown>) => {
          if (m && typeof m === 'object' && key in m) {
            proc.off('message', onMessage);
            proc.off('exit', onExit);
            res(m[key] as T);
          }
        };
        const onExit = (code: number | null) => rej(new Error(`storm child exited (${code})`));
        proc.on('message', onMessage);
        proc.once('exit', onExit);
      });
    const up = next<boolean>('up');
    return {
      up,
      child: {
        send: (m: unknown) => proc.send(m as never),
        next,
        close: async () => {
          if (proc.exitCode !== null) return;
          const gone = new Promise<void>((r) => proc.once('exit', () => r()));
          proc.send('exit');
          await gone;
        },
      } satisfies Child,
    };
  });
  await Promise.all(children.map((c) => c.up));
  return children.map((c) => c.child);
}

async function stormOnce(serviceTimeMs: number, kind: StormKind, retryAfter: boolean, seed: number, children: Child[]): Promise<StormRun> {
  const scenario = `storm;background=0${retryAfter ? `;retryAfter=${STORM_RETRY_AFTER_S}` : ''}`;
  const sim = await startSimulatorProcess({ port: 0, scenario, capacity: CAPACITY, serviceTimeMs, apiKey: API_KEY });
  let ok = 0;
  let t0 = now();
  if (kind.mode === 'sdk') {
    const client = new Anthropic({ baseURL: sim.url, apiKey: API_KEY, maxRetries: kind.sdkRetries!, timeout: 60_000 });
    t0 = now();
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
  } else if (kind.mode === 'children') {
    const per = CALLERS / children.length;
    const ready = children.map((c, i) => {
      const p = c.next<boolean>('ready');
      c.send({ storm: { url: sim.url, apiKey: API_KEY, model: MODEL, callers: per, seed: seed * 1000 + i, policy: { maxRetries: DEFAULT_POLICY.maxRetries } } });
      return p;
    });
    await Promise.all(ready);
    const done = children.map((c) => c.next<{ attempts: number; ok: number }>('done'));
    t0 = now();
    for (const c of children) c.send('go');
    for (const d of await Promise.all(done)) ok += d.ok;
  } else {
    const rng = seeded(seed);
    t0 = now();
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, i) => {
        const policy: Partial<RetryPolicy> = {
          maxRetries: DEFAULT_POLICY.maxRetries,
          ...(kind.mode === 'per-caller' ? { limiter: new AdaptiveLimiter() } : {}),
          ...(kind.extra?.() ?? {}),
        };
        const r = await runConnectionTest({ baseURL: sim.url, apiKey: API_KEY, model: MODEL, policy, timeoutMs: 60_000, random: seeded(Math.floor(rng() * 2 ** 31) + i) });
        if (r.ok) ok++;
      }),
    );
  }
  const completionMs = now() - t0;
  const stats = await sim.stats();
  await sim.close();
  return { attempts: stats.requests, success: ok / CALLERS, completionMs };
}

const meanOf = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Standard error of the mean of `v`, relative to the mean. */
function relSe(v: readonly number[]): number {
  if (v.length < 2) return NaN;
  const m = meanOf(v);
  const sd = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
  return sd / Math.sqrt(v.length) / m;
}

/**
 * A ratio of two rows' means over their repetitions: the ratio, its ± (standard error of the
 * ratio, from both rows' standard errors, in %), and the range of single runs against the
 * reference's mean.
 */
interface Ratio {
  mean: number;
  min: number;
  max: number;
  sePct: number;
}

function ratio(values: readonly number[], reference: readonly number[]): Ratio {
  const ref = meanOf(reference);
  const r = values.map((v) => v / ref);
  const self = values === reference;
  const se = self ? relSe(values) : Math.hypot(relSe(values), relSe(reference));
  return { mean: meanOf(values) / ref, min: Math.min(...r), max: Math.max(...r), sePct: 100 * se };
}

const showRatio = (r: Ratio): string => `${fmt(r.mean)}× ±${fmt(r.sePct, 0)} % (${fmt(r.min)}–${fmt(r.max)})`;

interface StormResult {
  serviceTimeMs: number;
  reps: number;
  floorMs: number;
  floorRetryAfterMs: number;
  rows: StormRow[];
  goals: Goal[];
  maxSpreadPct: number;
}

async function storm(serviceTimeMs: number, reps: number): Promise<StormResult> {
  const kinds: StormKind[] = [
    { name: 'ours: shared limiter (100 runs, one process)', mode: 'shared' },
    { name: 'ours: one limiter per caller (nothing shared)', mode: 'per-caller', goalRow: true },
    { name: `ours: ${CHILDREN} child processes × ${CALLERS / CHILDREN} callers`, mode: 'children', goalRow: true },
    { name: 'real SDK, maxRetries 2 (its default)', mode: 'sdk', sdkRetries: 2 },
    { name: `real SDK, maxRetries ${DEFAULT_POLICY.maxRetries}`, mode: 'sdk', sdkRetries: DEFAULT_POLICY.maxRetries },
    { name: 'what-if: per caller, retry-after exact (spread 0)', mode: 'per-caller', extra: () => ({ retryAfterSpread: 0 }), whatIf: true },
    { name: 'what-if: per caller + SRE throttle per caller', mode: 'per-caller', extra: () => ({ throttle: new AdaptiveThrottle() }), whatIf: true },
  ];
  const children = await startChildren(CHILDREN);
  const rows: StormRow[] = [];
  try {
    for (const retryAfter of [false, true]) {
      for (const kind of kinds) {
        // The exact-retry-after what-if only differs from its base row when 529s carry retry-after.
        if (kind.extra && !retryAfter && kind.name.includes('spread 0')) continue;
        const runs: StormRun[] = [];
        for (let r = 0; r < reps; r++) runs.push(await stormOnce(serviceTimeMs, kind, retryAfter, 7 + r, children));
        rows.push({
          name: kind.name,
          retryAfter,
          goalRow: kind.goalRow === true,
          whatIf: kind.whatIf === true,
          runs,
          attempts: meanOf(runs.map((x) => x.attempts)),
          success: meanOf(runs.map((x) => x.success)),
          completionMs: meanOf(runs.map((x) => x.completionMs)),
        });
      }
    }
  } finally {
    await Promise.all(children.map((c) => c.close()));
  }

  // The physical floor: CALLERS requests through CAPACITY slots of serviceTimeMs each. With
  // retry-after on every 529, a caller that honours it cannot retry before the demand, so the
  // floor is the first CAPACITY served at once, the rest after the demand.
  const floorMs = (CALLERS * serviceTimeMs) / CAPACITY;
  const floorRetryAfterMs = STORM_RETRY_AFTER_S * 1000 + ((CALLERS - CAPACITY) * serviceTimeMs) / CAPACITY;
  const goals: Goal[] = [];
  let maxSpreadPct = 0;
  for (const retryAfter of [false, true]) {
    const set = rows.filter((r) => r.retryAfter === retryAfter);
    const sdk2 = set.find((r) => r.name.includes('maxRetries 2'))!;
    const sdk4 = set.find((r) => r.name.includes(`maxRetries ${DEFAULT_POLICY.maxRetries}`))!;
    const floor = retryAfter ? floorRetryAfterMs : floorMs;
    // The least any policy can send without shared state: every caller's first attempt (nobody
    // knows of the others yet) plus one attempt per further success it must reach.
    const need = Math.max(sdk2.success, sdk4.success) * CALLERS;
    const minimum = CALLERS + Math.max(0, need - CAPACITY);
    const ra = retryAfter ? `with retry-after: ${STORM_RETRY_AFTER_S} on every 529` : 'without retry-after';
    table(
      `Storm ${ra}: ${CALLERS} callers, capacity ${CAPACITY}, service ${serviceTimeMs} ms, floor ${fmt(floor, 0)} ms` +
        `${retryAfter ? ` (incl. the demand; ${fmt(floorMs, 0)} ms without)` : ''}, ours at most ${DEFAULT_POLICY.maxRetries + 1} attempts, ` +
        `${reps} runs each: mean ± standard error (single runs min–max)`,
      ['policy', 'attempts', '× SDK maxRetries 2', `× SDK maxRetries ${DEFAULT_POLICY.maxRetries}`, 'success %', '× floor'],
      set.map((r) => {
        const att = r.runs.map((x) => x.attempts);
        const a2 = ratio(att, r === sdk2 ? att : sdk2.runs.map((x) => x.attempts));
        const a4 = ratio(att, r === sdk4 ? att : sdk4.runs.map((x) => x.attempts));
        const fl = ratio(r.runs.map((x) => x.completionMs), [floor]);
        fl.sePct = 100 * relSe(r.runs.map((x) => x.completionMs));
        if (r.goalRow) maxSpreadPct = Math.max(maxSpreadPct, a2.sePct, a4.sePct);
        const succ = r.runs.map((x) => x.success * 100);
        return [
          r.name,
          `${fmt(r.attempts, 0)} (${Math.min(...att)}–${Math.max(...att)})`,
          showRatio(a2),
          showRatio(a4),
          `${fmt(r.success * 100, 0)} (${fmt(Math.min(...succ), 0)}–${fmt(Math.max(...succ), 0)})`,
          showRatio(fl),
        ];
      }),
    );
    console.log(
      `least possible without shared state at the SDK's best success (${fmt(need, 0)} of ${CALLERS}): ${fmt(minimum, 0)} attempts = ` +
        `${fmt(minimum / sdk2.attempts)}× SDK maxRetries 2, ${fmt(minimum / sdk4.attempts)}× SDK maxRetries ${DEFAULT_POLICY.maxRetries}`,
    );
    for (const r of set.filter((x) => x.goalRow)) {
      const label = `storm ${serviceTimeMs} ms ${retryAfter ? '+ retry-after' : 'no retry-after'}, ${r.name.replace(/^ours: /, '').replace(/ \(.*\)$/, '')}`;
      goals.push(goal(`${label}: attempts / SDK maxRetries 2`, r.attempts / sdk2.attempts, '×', '<=', 0.6));
      goals.push(goal(`${label}: attempts / SDK maxRetries ${DEFAULT_POLICY.maxRetries}`, r.attempts / sdk4.attempts, '×', '<=', 0.6));
      goals.push(goal(`${label}: success − best SDK success`, (r.success - Math.max(sdk2.success, sdk4.success)) * 100, 'pts', '>=', 0));
      goals.push(goal(`${label}: completion / floor`, r.completionMs / floor, '×', '<=', 1.5));
    }
  }
  goals.push(goal(`storm ${serviceTimeMs} ms: largest ± (standard error) of a goal row's attempt ratio, ${reps} runs`, maxSpreadPct, '%', '<=', 10));
  return { serviceTimeMs, reps, floorMs, floorRetryAfterMs, rows, goals, maxSpreadPct };
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
  let oh: Record<string, unknown> | undefined;
  let ta: Awaited<ReturnType<typeof timerAccuracy>> | undefined;
  if (ONLY === undefined) {
    oh = await overhead();
    goals.push(goal('client overhead per attempt (median wall)', oh.overheadMedianMs as number, 'ms', '<=', 0.5));
    goals.push(goal('client overhead per attempt (CPU time)', oh.cpuOverheadMs as number, 'ms', '<=', 0.5));
    ta = await timerAccuracy();
    goals.push(...timerGoals(ta));
  }

  const storms: StormResult[] = [];
  for (const serviceTimeMs of QUICK ? [100] : [100, 500]) {
    const s = await storm(serviceTimeMs, QUICK ? 3 : serviceTimeMs >= 500 ? 4 : 8);
    storms.push(s);
    goals.push(...s.goals);
  }
  printGoals(goals);
  writeResults(ONLY ? `client-${ONLY}` : 'client', { overhead: oh, timerAccuracy: ta, storms, goals });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
