/**
 * Runs the real CLI: `src/cli/main.ts` bundled once per test file with esbuild into a private
 * folder under `.cache/` (so node_modules and the tree-sitter wasm files resolve as they do for
 * `dist/cli.js`), then spawned with `node`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = resolve(__dirname, '../../..');

export interface CliBundle {
  path: string;
  dispose(): void;
}

/** Whether a process runs (signal 0: no signal sent; EPERM means it exists but is not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes bundle folders left by test processes that were killed before their `dispose()`. */
export function pruneStaleBundles(): void {
  let names: string[];
  try {
    names = readdirSync(join(ROOT, '.cache'));
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^cli-test-(\d+)-[a-z0-9]+$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) rmSync(join(ROOT, '.cache', name), { recursive: true, force: true });
  }
}

export async function bundleCli(): Promise<CliBundle> {
  pruneStaleBundles();
  const dir = join(ROOT, '.cache', `cli-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  // The layout `npm run build` makes: the dispatcher cli.js and one bundle per subcommand.
  const { cliBuild } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-options.mjs')).href)) as {
    cliBuild(common: esbuild.BuildOptions, outdir: string): esbuild.BuildOptions;
  };
  const prev = process.cwd();
  process.chdir(ROOT); // entry points are relative to the repository
  try {
    await esbuild.build({ ...cliBuild({ bundle: true, logLevel: 'silent', define: { __TEST_HOOKS__: 'true' } }, dir) });
  } finally {
    process.chdir(prev);
  }
  return { path: join(dir, 'cli.js'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A clean environment: nothing from the developer's shell that could change the outcome. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('ANTHROPIC_') || k === 'FORCE_COLOR' || k.startsWith('VITEST') || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export function runCli(cli: CliBundle, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli.path, ...args], {
      env: opts.env ?? cleanEnv(),
      cwd: opts.cwd ?? ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out: ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** Spawns the CLI and hands back the child plus a way to await output matching a pattern. */
export function startCli(cli: CliBundle, args: string[], opts: RunOptions = {}) {
  const child: ChildProcess = spawn(process.execPath, [cli.path, ...args], {
    env: opts.env ?? cleanEnv(),
    cwd: opts.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = stdout.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    check();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no ${re} in stdout: ${stdout}\nstderr: ${stderr}`)), timeoutMs);
        waiters.push({ re, resolve: (m) => (clearTimeout(t), res(m)) });
        check();
      });
    },
  };
}

/** NDJSON lines → objects; fails on any non-JSON line. */
export function ndjson(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
