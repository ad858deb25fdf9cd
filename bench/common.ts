/**
 * Shared helpers for the benchmarks (`npm run bench`): timing, statistics, tables, results.
 * Benchmarks are not tests: they measure and report, side by side in one run, and say plainly
 * when a goal is missed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { mulberry32 } from '../src/core/util/random';

export const BENCH_DIR = resolve(__dirname);
export const RESULTS_DIR = join(BENCH_DIR, 'results');

export const now = (): number => performance.now();

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx]!;
}

export const median = (v: readonly number[]): number => percentile(v, 50);
export const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);

/** Trimmed mean: drops the top and bottom `frac` of samples (outliers from the shared CPUs). */
export function trimmedMean(values: readonly number[], frac = 0.1): number {
  const s = [...values].sort((a, b) => a - b);
  const k = Math.floor(s.length * frac);
  return mean(s.slice(k, s.length - k));
}

export function fmt(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toFixed(digits);
}

/** Prints an aligned table. */
export function table(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) console.log(line(r));
}

export interface Goal {
  name: string;
  value: number;
  unit: string;
  /** Human form of the goal, e.g. "≤ 0.5 ms". */
  goal: string;
  pass: boolean;
}

export function goal(name: string, value: number, unit: string, op: '<=' | '>=', limit: number): Goal {
  return {
    name,
    value,
    unit,
    goal: `${op === '<=' ? '≤' : '≥'} ${limit}${unit ? ` ${unit}` : ''}`,
    pass: op === '<=' ? value <= limit : value >= limit,
  };
}

export function printGoals(goals: readonly Goal[]): void {
  table(
    'Goals',
    ['goal', 'measured', 'target', 'met'],
    goals.map((g) => [g.name, `${fmt(g.value)}${g.unit ? ` ${g.unit}` : ''}`, g.goal, g.pass ? 'yes' : 'NO']),
  );
}

/** The machine the numbers came from: 2 shared cores make absolute figures noisy, ratios less so. */
export function environment(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    date: new Date().toISOString(),
  };
}

export function writeResults(name: string, data: Record<string, unknown> & { goals: Goal[] }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, environment: environment(), ...data }, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  return file;
}

/** Runs `fn` and returns its wall time in ms. */
export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = now();
  const value = await fn();
  return { ms: now() - t, value };
}

/** Deterministic PRNG for reproducible jitter draws. */
export const seeded = mulberry32;

// ---------------------------------------------------------------------------------------------
// The simulator in its own process: the server's CPU work then does not share the client's event
// loop (as with the real API), so client-side timings measure the client.
// ---------------------------------------------------------------------------------------------

export interface SimulatorProcess {
  url: string;
  stats(): Promise<{ requests: number; maxInFlight: number; byStatus: Record<string, number> }>;
  close(): Promise<void>;
}

export async function startSimulatorProcess(opts: Record<string, unknown>): Promise<SimulatorProcess> {
  const { spawn } = await import('node:child_process');
  const simPath = join(BENCH_DIR, '..', 'src', 'core', 'simulator', 'index.ts');
  const code = `
    const { startSimulator } = require(${JSON.stringify(simPath)});
    startSimulator(${JSON.stringify(opts)}).then((s) => {
      process.send({ url: s.url });
      process.on('message', async (m) => {
        if (m === 'stats') process.send({ stats: s.stats() });
        if (m === 'close') { await s.close(); process.send({ closed: true }); process.disconnect(); }
      });
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string) =>
    new Promise<T>((resolvePromise, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolvePromise(m[key] as T);
        }
      };
      const onExit = (code: number | null) => reject(new Error(`simulator process exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const url = await next<string>('url');
  return {
    url,
    stats: async () => {
      const p = next<Awaited<ReturnType<SimulatorProcess['stats']>>>('stats');
      child.send('stats');
      return p;
    },
    close: async () => {
      const p = next<boolean>('closed');
      child.send('close');
      await p;
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    },
  };
}

/**
 * The CLI as it ships (the dispatcher `cli.js` and one bundle per subcommand, minified, no test
 * seams), built into `dir` with the shared build options; returns the path of `cli.js`.
 */
export async function shippedCli(dir: string): Promise<string> {
  const { mkdirSync } = await import('node:fs');
  const { pathToFileURL } = await import('node:url');
  const esbuild = await import('esbuild');
  const root = resolve(__dirname, '..');
  mkdirSync(dir, { recursive: true });
  const { cliBuild } = (await import(pathToFileURL(join(root, 'scripts', 'build-options.mjs')).href)) as {
    cliBuild(common: import('esbuild').BuildOptions, outdir: string): import('esbuild').BuildOptions;
  };
  const prev = process.cwd();
  process.chdir(root);
  try {
    await esbuild.build(cliBuild({ bundle: true, minify: true, legalComments: 'none', logLevel: 'silent', define: { __TEST_HOOKS__: 'false' } }, dir));
  } finally {
    process.chdir(prev);
  }
  return join(dir, 'cli.js');
}
