// Bundles every entry point: the extension host code, the CLI, the webviews and the
// in-host integration tests. `node esbuild.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildOptions } from './scripts/build-options.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const builds = buildOptions({ production });

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
