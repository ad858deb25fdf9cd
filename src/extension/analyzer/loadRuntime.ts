/**
 * Loads dist/analyzer-runtime.js (the engine, the rules, the tree-sitter glue and the controller)
 * on first need. A runtime `require` through `createRequire`, which esbuild does not follow: the
 * runtime is a separate bundle next to dist/extension.js, never parsed at activation.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Runtime from './runtime';

export type AnalyzerRuntime = typeof Runtime;

export const ANALYZER_RUNTIME_FILE = 'analyzer-runtime.js';
let cached: AnalyzerRuntime | undefined;

export function loadAnalyzerRuntime(): AnalyzerRuntime {
  if (cached) return cached;
  const file = join(__dirname, ANALYZER_RUNTIME_FILE);
  if (!existsSync(file)) {
    throw new Error(`Claude Doctor is incomplete: ${ANALYZER_RUNTIME_FILE} is missing next to the extension bundle (run the build).`);
  }
  cached = createRequire(__filename)(file) as AnalyzerRuntime;
  return cached;
}
