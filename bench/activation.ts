/**
 * Activation, side by side in one run (issue #16 item 3): the production extension bundle as it
 * was — one dist/extension.js carrying the analyzer, its rules and the tree-sitter glue — and as
 * it ships now — dist/extension.js plus dist/analyzer-runtime.js, required on the first document
 * that needs it. Both are built here from the same sources with scripts/build-options.mjs's
 * production options (minified); "one bundle" only puts the runtime back inline.
 *
 * Rows: bundle sizes; `require` + `activate()` of dist/extension.js in a fresh Node process each
 * time with a stub `vscode` module (interleaved runs); and what the first Claude file then pays
 * once (requiring the analyzer chunk). Then, when the test host is installed (`npm run
 * host:setup`), the same two layouts in the real host: code-server's extension host (Node 24, the
 * real `vscode`) requires fresh copies of each, interleaved (test/integration/activation.test.ts),
 * beside the `activate()` time the extension itself measured there. Goal: require + activate() ≤
 * 20 ms in the real host. The real-host part starts code-server: on a machine shared with other
 * host runs, hold their lock (here: `flock /work/wt/.host.lock npx tsx bench/activation.ts`);
 * `--no-host` skips it.
 *
 * `npx tsx bench/activation.ts [--quick] [--no-host]`
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { fmt, goal, median, percentile, printGoals, table, writeResults, type Goal } from './common';

const QUICK = process.argv.includes('--quick');
const ROOT = resolve(__dirname, '..');

/** A `vscode` that accepts everything: every member is a callable, constructible stub. */
const STUB_HOST = String.raw`
const Module = require('node:module');
const path = require('node:path');
const overrides = {
  'workspace.textDocuments': [], 'workspace.workspaceFolders': undefined,
  'workspace.getConfiguration': () => ({ get: () => undefined, has: () => false, inspect: () => undefined, update: async () => {} }),
  'window.visibleTextEditors': [], 'window.activeTextEditor': undefined, 'extensions.all': [],
};
function stub(name) {
  const cache = new Map();
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => name;
      if (typeof prop === 'symbol') return undefined;
      const full = name ? name + '.' + prop : prop;
      if (full in overrides) return overrides[full];
      if (!cache.has(prop)) cache.set(prop, stub(full));
      return cache.get(prop);
    },
    set(_t, prop, v) { cache.set(prop, v); return true; },
    apply() { return stub(name + '()'); },
    construct() { return stub('new ' + name); },
  });
}
// A plain object with every name the extension reads (esbuild's ESM interop copies own keys).
const vscode = {};
for (const name of JSON.parse(process.argv[4])) vscode[name] = stub(name);
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request === 'vscode' ? vscode : load.call(this, request, parent, isMain);
};
const dir = process.argv[2];
const memento = () => ({ get: (_k, d) => d, update: async () => {}, keys: () => [], setKeysForSync() {} });
const context = {
  subscriptions: [], extensionPath: dir, extensionUri: { fsPath: dir, path: dir, scheme: 'file', toString: () => 'file://' + dir },
  globalState: memento(), workspaceState: memento(),
  secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
  extensionMode: 1, asAbsolutePath: (p) => path.join(dir, p),
  globalStorageUri: { fsPath: dir }, logUri: { fsPath: dir }, storageUri: undefined, environmentVariableCollection: stub('env'),
};
const t0 = performance.now();
const ext = require(path.join(dir, 'extension.js'));
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
let chunk = 0;
if (process.argv[3] === 'chunk') {
  require(path.join(dir, 'analyzer-runtime.js'));
  chunk = performance.now() - t2;
}
process.stdout.write(JSON.stringify({ require: t1 - t0, activate: t2 - t1, chunk }));
`;

async function build(outdir: string, single: boolean): Promise<void> {
  const { buildOptions } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-options.mjs')).href)) as {
    buildOptions(o: { production: boolean }): esbuild.BuildOptions[];
  };
  const ext = buildOptions({ production: true }).find((o) => o.outdir === 'dist' && o.entryPoints && 'extension' in (o.entryPoints as Record<string, string>))!;
  const entries = { ...(ext.entryPoints as Record<string, string>) };
  const plugins: esbuild.Plugin[] = [];
  if (single) {
    // What dist/extension.js was: the analyzer runtime imported statically, in the same bundle.
    delete entries['analyzer-runtime'];
    plugins.push({
      name: 'analyzer-inline',
      setup(b) {
        b.onResolve({ filter: /^\.\/loadRuntime$/ }, (args) =>
          /[\\/]src[\\/]extension[\\/]analyzer[\\/]index\.ts$/.test(args.importer) ? { path: 'inline', namespace: 'analyzer-inline' } : undefined);
        b.onLoad({ filter: /.*/, namespace: 'analyzer-inline' }, () => ({
          contents: `import * as R from ${JSON.stringify(join(ROOT, 'src/extension/analyzer/runtime.ts'))};\nexport const loadAnalyzerRuntime = () => R;\n`,
          loader: 'ts',
          resolveDir: join(ROOT, 'src/extension/analyzer'),
        }));
      },
    });
  }
  await esbuild.build({ ...ext, entryPoints: entries, outdir, plugins: [...(ext.plugins ?? []), ...plugins], logLevel: 'silent' });
}

const kb = (file: string): number => statSync(file).size / 1024;

/** Every `vscode.<name>` the extension's sources use: the stub module's top-level names. */
function vscodeNames(): string[] {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\bvscode\.([A-Za-z_]\w*)/g)) names.add(m[1]!);
    }
  };
  walk(join(ROOT, 'src', 'extension'));
  return [...names].sort();
}

interface Sample { require: number; activate: number; chunk: number }

interface HostRun { activationMs: number; activationBreakdownMs: Record<string, number>; requireMs: Record<string, number[]> }
interface RealHost { host: string; starts: number; activationMs: number[]; breakdowns: Record<string, number>[]; requireMs: Record<string, number[]> }

/**
 * Starts the host `starts` times (activate() runs once per start: its figure is the median over
 * starts), pooling the require samples; undefined when no host is installed.
 */
async function realHost(layouts: Record<string, string>, reps: number, starts: number): Promise<RealHost | undefined> {
  let out: RealHost | undefined;
  for (let i = 0; i < starts; i++) {
    const run = await realHostOnce(layouts, reps);
    if (!run) return undefined;
    out ??= { host: run.host, starts: 0, activationMs: [], breakdowns: [], requireMs: Object.fromEntries(Object.keys(layouts).map((k) => [k, []])) };
    out.starts++;
    out.activationMs.push(run.activationMs);
    out.breakdowns.push(run.activationBreakdownMs);
    for (const [k, v] of Object.entries(run.requireMs)) out.requireMs[k]!.push(...v);
  }
  return out;
}

async function realHostOnce(layouts: Record<string, string>, reps: number): Promise<(HostRun & { host: string }) | undefined> {
  const hostLib = (await import(pathToFileURL(join(ROOT, 'test', 'host', 'host.mjs')).href)) as { isInstalled(): boolean; CODE_SERVER_VERSION: string };
  if (!hostLib.isInstalled()) return undefined;
  // The suites are bundled by a development build (which also rebuilds dist/ as the runner would).
  const args = [join(ROOT, 'test', 'host', 'run-integration.mjs'), '--grep', 'activation in the real host'];
  if (existsSync(join(ROOT, 'out', 'test', 'integration', 'activation.test.js'))) args.push('--no-build');
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT, encoding: 'utf8', timeout: 600_000,
    env: { ...process.env, CLAUDE_DOCTOR_ACTIVATION_LAYOUTS: JSON.stringify(layouts), CLAUDE_DOCTOR_ACTIVATION_REPS: String(reps) },
  });
  const line = /activation-bench: (\{.*\})/.exec(`${r.stdout}\n${r.stderr}`);
  if (r.status !== 0 || !line) throw new Error(`real host run failed (exit ${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  return { host: hostLib.CODE_SERVER_VERSION, ...(JSON.parse(line[1]!) as HostRun) };
}

async function main(): Promise<void> {
  const dir = join(ROOT, 'out', `bench-activation-${process.pid}`);
  const layouts = { 'one bundle (before)': join(dir, 'single'), 'extension + analyzer chunk (now)': join(dir, 'split') };
  for (const d of Object.values(layouts)) mkdirSync(d, { recursive: true });
  process.chdir(ROOT);
  await build(layouts['one bundle (before)'], true);
  await build(layouts['extension + analyzer chunk (now)'], false);
  const host = join(dir, 'stub-host.cjs');
  const names = JSON.stringify(vscodeNames());
  writeFileSync(host, STUB_HOST);

  const single = layouts['one bundle (before)'];
  const split = layouts['extension + analyzer chunk (now)'];
  table('Production bundles (minified)', ['file', 'one bundle KB', 'split KB'], [
    ['extension.js (parsed at activation)', kb(join(single, 'extension.js')), kb(join(split, 'extension.js'))],
    ['analyzer-runtime.js (first Claude file)', '–', kb(join(split, 'analyzer-runtime.js'))],
    ['connection-runtime.js (first connection test)', kb(join(single, 'connection-runtime.js')), kb(join(split, 'connection-runtime.js'))],
  ]);

  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(layouts).map((k) => [k, []]));
  const chunkMs: number[] = [];
  const reps = QUICK ? 9 : 31;
  for (let i = 0; i < reps + 2; i++) {
    for (const [name, d] of Object.entries(layouts)) {
      const withChunk = d === split && i % 2 === 1;
      const r = spawnSync(process.execPath, [host, d, withChunk ? 'chunk' : '', names], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
      const s = JSON.parse(r.stdout) as Sample;
      if (i < 2) continue; // two warm-up rounds (disk cache)
      samples[name]!.push(s);
      if (withChunk) chunkMs.push(s.chunk);
    }
  }
  const total = (s: Sample) => s.require + s.activate;
  const rows = Object.entries(samples).map(([name, ss]) => {
    const t = ss.map(total);
    return [name, median(ss.map((s) => s.require)), median(ss.map((s) => s.activate)), median(t), percentile(t, 10), percentile(t, 90)];
  });
  table(`require + activate() with a stub host, fresh process each (${reps} interleaved runs)`,
    ['layout', 'require p50 ms', 'activate p50 ms', 'total p50 ms', 'p10', 'p90'], rows);
  const before = median(samples['one bundle (before)']!.map(total));
  const now = median(samples['extension + analyzer chunk (now)']!.map(total));
  console.log(`\nrequire + activate: ${fmt(now)} ms now vs ${fmt(before)} ms as one bundle (${fmt(now / before, 2)}×); ` +
    `the first Claude file then requires the analyzer chunk once: ${fmt(median(chunkMs))} ms p50 (${chunkMs.length} runs)`);
  const goals: Goal[] = [goal('extension require + activate() (stub host)', now, 'ms', '<=', 20)];
  const real = process.argv.includes('--no-host') ? undefined : await realHost(layouts, QUICK ? 9 : 15, QUICK ? 1 : 3);
  if (real) {
    const act = median(real.activationMs);
    const rows = Object.entries(real.requireMs).map(([name, ms]) =>
      [name, median(ms), percentile(ms, 10), percentile(ms, 90), act, median(ms) + act]);
    table(`Real host (code-server ${real.host}, ${real.starts} start(s)): require of fresh copies (${real.requireMs[Object.keys(layouts)[0]!]!.length} interleaved) + the extension's own activate() (p50 over starts)`,
      ['layout', 'require p50 ms', 'p10', 'p90', 'activate() ms', 'total ms'], rows);
    console.log(`activate() per host start: ${real.activationMs.map((v) => fmt(v)).join(', ')} ms; by feature: ${real.breakdowns.map((b) => Object.entries(b).map(([k, v]) => `${k} ${fmt(v)}`).join(' ')).join(' | ')}`);
    const nowTotal = median(real.requireMs['extension + analyzer chunk (now)']!) + act;
    goals.push(goal('extension require + activate() (real host)', nowTotal, 'ms', '<=', 20));
  } else console.log('\n(real host: skipped — --no-host, or the test host is not installed: npm run host:setup)');
  printGoals(goals);
  writeResults('activation', {
    sizesKB: {
      single: { extension: kb(join(single, 'extension.js')) },
      split: { extension: kb(join(split, 'extension.js')), analyzerRuntime: kb(join(split, 'analyzer-runtime.js')) },
    },
    samples, chunkMs, realHost: real, goals,
  });
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
