// The esbuild options of every bundle, shared by esbuild.mjs and the tests that check what a
// production build contains (test/unit/extension/production-bundle.test.ts).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The CLI's subcommands, one bundle each next to `cli.js`: `--help` and `lint` never load the SDK. */
export const CLI_SUBCOMMANDS = ['test', 'simulate', 'lint', 'batch', 'proxy'];

/**
 * `claude-doctor`: the dispatcher `cli.js` and one bundle per subcommand (`cli-lint.js`, …), which
 * the dispatcher requires on demand. (esbuild would inline a dynamic import into one bundle in
 * CommonJS, so every start parsed the SDK, the simulator and the parsers.)
 * @param {import('esbuild').BuildOptions} common
 * @param {string} outdir
 * @returns {import('esbuild').BuildOptions}
 */
export function cliBuild(common, outdir) {
  const entryPoints = { cli: 'src/cli/main.ts' };
  for (const c of CLI_SUBCOMMANDS) entryPoints[`cli-${c}`] = `src/cli/${c}.ts`;
  const subcommand = new RegExp(`^\\./(${CLI_SUBCOMMANDS.join('|')})$`);
  return {
    ...common,
    entryPoints,
    outdir,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [{
      name: 'cli-subcommands',
      setup(build) {
        // In the dispatcher only: `import('./lint')` → require('./cli-lint.js') at run time, through
        // a one-line module so the dispatcher's import() becomes a require(): Node's import() of a
        // CommonJS file runs the ESM loader and scans the whole bundle for its exports
        // (cjs-module-lexer) first — most of a one-file lint's start.
        build.onResolve({ filter: subcommand }, (args) => {
          if (!/[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer)) return undefined;
          return { path: subcommand.exec(args.path)[1], namespace: 'cli-subcommand' };
        });
        build.onLoad({ filter: /.*/, namespace: 'cli-subcommand' }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(`./cli-${args.path}.js`)});`,
          loader: 'js',
        }));
        build.onResolve({ filter: /^\.\/cli-[a-z]+\.js$/, namespace: 'cli-subcommand' }, (args) => ({ path: args.path, external: true }));
      },
    }],
  };
}

/**
 * @param {{ production: boolean }} opts
 * @returns {import('esbuild').BuildOptions[]}
 */
export function buildOptions({ production }) {
  const common = {
    bundle: true,
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'info',
    legalComments: 'none',
    // Test seams (`__TEST_HOOKS__`) are compiled out of production bundles.
    define: { __TEST_HOOKS__: production ? 'false' : 'true' },
  };

  /** @type {esbuild.BuildOptions[]} */
  const builds = [
    {
      ...common,
      // connection-runtime: the SDK-based client and the simulator, loaded on first use (H5).
      entryPoints: {
        extension: 'src/extension/extension.ts',
        'connection-runtime': 'src/extension/connection/runtime.ts',
        // analyzer-runtime: the engine, the rules and the tree-sitter glue, loaded on the first
        // document that needs them (src/extension/analyzer/index.ts).
        'analyzer-runtime': 'src/extension/analyzer/runtime.ts',
        // analyzer-worker: the engine again, on a worker thread the runtime starts for large files
        // (src/extension/analyzer/workerClient.ts): analysing them never stalls the host.
        'analyzer-worker': 'src/extension/analyzer/worker.ts',
      },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    },
    cliBuild(common, 'dist'),
  ];

  // Webview entry points: every src/webview/<name>/main.ts becomes dist/webview/<name>.js.
  const webviewDir = 'src/webview';
  if (existsSync(webviewDir)) {
    const entries = {};
    for (const name of readdirSync(webviewDir)) {
      const main = join(webviewDir, name, 'main.ts');
      if (existsSync(main)) entries[name] = main;
    }
    if (Object.keys(entries).length) {
      builds.push({
        ...common,
        entryPoints: entries,
        outdir: 'dist/webview',
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
      });
    }
  }

  // In-host integration tests (mocha inside the extension host; owner: test/host). Every
  // test/integration/<suite>.test.ts becomes out/test/integration/<suite>.test.js, plus index.js,
  // which finds the suites at run time by reading its own folder: adding a suite = dropping a file.
  const integrationDir = 'test/integration';
  if (existsSync(join(integrationDir, 'index.ts')) && !production) {
    const entries = { index: join(integrationDir, 'index.ts') };
    for (const f of readdirSync(integrationDir)) {
      if (f.endsWith('.test.ts')) entries[f.slice(0, -'.ts'.length)] = join(integrationDir, f);
    }
    // Stale bundles of deleted suites must not run (only those are removed: a concurrent run
    // reading the folder keeps its files).
    const outDir = 'out/test/integration';
    if (existsSync(outDir)) {
      for (const f of readdirSync(outDir)) {
        const m = /^(.*\.test)\.js(\.map)?$/.exec(f);
        if (m && !entries[m[1]]) rmSync(join(outDir, f), { force: true });
      }
    }
    builds.push({
      ...common,
      entryPoints: entries,
      outdir: 'out/test/integration',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha'],
    });
  }
  return builds;
}
