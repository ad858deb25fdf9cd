/** What the project index tells about modules: exported names as the project sees them, and the cache key over them. */
import type { LocalFacts } from './exports';
import type { Provider } from './sdk';
import type { AnalyzerLanguage } from './types';

/** One exported name as the project sees it. */
export interface ExportFact {
  kind: 'client' | 'factory' | 'constant' | 'module';
  provider?: Provider;
  /** constant: its value (a model id, a number such as a max_tokens). */
  value?: string | number;
  /** module: its exports (a namespace import, a Python submodule; an object's or a class's constant members). */
  exports?: ReadonlyMap<string, ExportFact>;
  /** The file the value is defined in. */
  from: string;
}

export type ModuleExports = ReadonlyMap<string, ExportFact>;

/** What the index tells the engine about one file's imports. */
export interface ProjectImports {
  /** Import specifier as written (`@/lib/anthropic`, `.client`, `app.llm`) → that module's exports; null: not a project module the index can see into. */
  modules: ReadonlyMap<string, ModuleExports | null>;
  /** Whether any import can bring a client or a factory (the file is analysed even without an SDK import). */
  hasClient: boolean;
  /** Stable text of everything above: part of the engine's file-level cache key. */
  key: string;
}

export interface ProjectHost {
  /** The file's text; undefined when it does not exist or cannot be read. */
  read(file: string): Promise<string | undefined>;
}

export interface FactsParser {
  moduleFacts(text: string, language: AnalyzerLanguage): Promise<LocalFacts>;
}

export function reachesClient(exports: ModuleExports, depth: number): boolean {
  for (const f of exports.values()) {
    if (f.kind === 'client' || f.kind === 'factory') return true;
    if (f.kind === 'module' && f.exports && depth < 3 && reachesClient(f.exports, depth + 1)) return true;
  }
  return false;
}

export function exportsKey(m: ModuleExports): string {
  return keyOf(new Map([['', m]]));
}

export function keyOf(modules: ReadonlyMap<string, ModuleExports | null>): string {
  const enc = (m: ModuleExports | null, depth: number): unknown => m === null ? null
    : [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, f]) => [k, f.kind, f.provider ?? '', f.value ?? '', f.from, f.exports && depth < 3 ? enc(f.exports, depth + 1) : 0]);
  return JSON.stringify([...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, m]) => [k, enc(m, 0)]));
}
