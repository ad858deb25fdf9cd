/**
 * CLI start, side by side in one run (issue #16 item 4): `node -e 0` (the floor), then
 * `claude-doctor --help` and `claude-doctor lint <one file>` from the shipped layout (a dispatcher
 * plus one bundle per subcommand, minified) and from one bundle holding every subcommand (what the
 * CLI was first), interleaved. `lint` also runs as it was before its start was cut — the
 * dispatcher loading the lint bundle with `import()` (Node's ESM loader, which scans the whole
 * CommonJS bundle for its exports first) and V8's default wasm tier-up budget — and with only the
 * first of the two changes. Goals: `--help` ≤ 1.3× the floor; `lint` of one file ≤ 2.5× it.
 *
 * `npx tsx bench/cli-start.ts [--quick]`
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { fmt, goal, median, now, printGoals, shippedCli, table, writeResults, type Goal } from './common';

const QUICK = process.argv.includes('--quick');
const ROOT = resolve(__dirname, '..');

async function main(): Promise<void> {
  const dir = join(ROOT, '.cache', `bench-cli-${process.pid}`);
  const split = join(dir, 'split');
  const single = join(dir, 'single');
  mkdirSync(single, { recursive: true });
  const splitCli = await shippedCli(split);
  const common: esbuild.BuildOptions = { bundle: true, minify: true, legalComments: 'none', logLevel: 'silent', define: { __TEST_HOOKS__: 'false' } };
  process.chdir(ROOT);
  await esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: join(single, 'cli.js'), platform: 'node', format: 'cjs', target: 'node20' });
  // Before: the dispatcher's import('./lint') left as import() of the external bundle.
  const before = join(dir, 'before');
  const { cliBuild } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-options.mjs')).href)) as {
    cliBuild(common: esbuild.BuildOptions, outdir: string): esbuild.BuildOptions;
  };
  await esbuild.build({
    ...cliBuild(common, before),
    plugins: [{
      name: 'cli-subcommands-by-import',
      setup(build) {
        build.onResolve({ filter: /^\.\/(test|simulate|lint|batch|proxy)$/ }, (args) => (/[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer)
          ? { path: `./cli-${args.path.slice(2)}.js`, external: true } : undefined));
      },
    }],
  });
  /** V8's default budget (given on the command line, so the CLI leaves it). */
  const defaultTiering = '--wasm-tiering-budget=1800000';
  const file = join(dir, 'one.ts');
  writeFileSync(file, "import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const ask = (q: string) => c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: q }] });\n");

  const runs: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    '--help (per-subcommand bundles)': [splitCli, '--help'],
    '--help (one bundle)': [join(single, 'cli.js'), '--help'],
    'lint one file (per-subcommand bundles)': [splitCli, 'lint', file],
    'lint one file, before: import() dispatch, default wasm tiering': [defaultTiering, join(before, 'cli.js'), 'lint', file],
    'lint one file, require() dispatch, default wasm tiering': [defaultTiering, splitCli, 'lint', file],
    'lint one file (one bundle)': [join(single, 'cli.js'), 'lint', file],
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  const reps = QUICK ? 7 : 21;
  for (let i = 0; i < reps + 2; i++) {
    for (const [name, args] of Object.entries(runs)) {
      const t = now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const el = now() - t;
      if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
      if (i >= 2) ms[name]!.push(el); // two warm-up rounds (disk cache)
    }
  }
  const floor = median(ms['node -e 0']!);
  table('CLI start (median of interleaved runs)', ['command', 'p50 ms', 'min ms', 'vs node -e 0'],
    Object.keys(runs).map((k) => [k, median(ms[k]!), Math.min(...ms[k]!), `${fmt(median(ms[k]!) / floor, 2)}×`]));
  const goals: Goal[] = [
    goal('claude-doctor --help vs node -e 0', median(ms['--help (per-subcommand bundles)']!) / floor, '×', '<=', 1.3),
    goal('claude-doctor lint <one file> vs node -e 0', median(ms['lint one file (per-subcommand bundles)']!) / floor, '×', '<=', 2.5),
  ];
  printGoals(goals);
  writeResults('cli-start', { ms, goals });
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
