/** dist/analyzer-runtime.js (the engine, the rules, the tree-sitter glue and the controller), on first need. */
import type * as Runtime from './runtime';
import { loadBundle } from '../loadBundle';

export type AnalyzerRuntime = typeof Runtime;

export const ANALYZER_RUNTIME_FILE = 'analyzer-runtime.js';

export function loadAnalyzerRuntime(): AnalyzerRuntime {
  return loadBundle<AnalyzerRuntime>(ANALYZER_RUNTIME_FILE);
}
