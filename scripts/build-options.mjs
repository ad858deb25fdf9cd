// The esbuild options of every bundle, shared by esbuild.mjs and the tests that check what a
// production build contains (test/unit/extension/production-bundle.test.ts).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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
    // Test seams (src/core/flags.ts) are compiled out of production bundles.
    define: { __TEST_HOOKS__: production ? 'false' : 'true' },
  };

  /** @type {esbuild.BuildOptions[]} */
  const builds = [
    {
      ...common,
      // connection-runtime: the SDK-based client and the simulator, loaded on first use (H5).
      entryPoints: { extension: 'src/extension/extension.ts', 'connection-runtime': 'src/extension/connection/runtime.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    },
    {
      ...common,
      entryPoints: { cli: 'src/cli/main.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      banner: { js: '#!/usr/bin/env node' },
    },
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
