// Bundles every entry point: the extension host code, the CLI, the webviews and the
// in-host integration tests. `node esbuild.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
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

// In-host integration tests (mocha inside the extension host): test/integration/index.ts.
if (existsSync('test/integration/index.ts') && !production) {
  builds.push({
    ...common,
    entryPoints: { index: 'test/integration/index.ts' },
    outdir: 'out/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

function copyAssets() {
  // Tree-sitter runtime and the grammars we parse with ship inside the .vsix.
  const src = 'node_modules/@vscode/tree-sitter-wasm/wasm';
  if (!existsSync(src)) return;
  mkdirSync('dist/wasm', { recursive: true });
  for (const f of ['tree-sitter.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm',
    'tree-sitter-javascript.wasm', 'tree-sitter-python.wasm']) {
    cpSync(join(src, f), join('dist/wasm', f));
  }
}

copyAssets();
if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
