/**
 * What one module offers other modules, read from its syntax tree alone (no other file): which
 * exported names are Anthropic clients, factories returning one, string constants, or names taken
 * from another module (re-exports, imported singletons, factories wrapping an imported client).
 * The project index (project.ts) joins these per-module facts across files.
 */
import type { Provider } from './sdk';
import type { Src } from './syntax';
import { tsFacts } from './exportsTs';
import { pyFacts } from './exportsPy';

/** A value of the module, as far as this file alone tells. */
export type LocalValue =
  | { kind: 'client'; provider: Provider }
  | { kind: 'factory'; provider: Provider }
  | { kind: 'constant'; value: string | number }
  /** An object literal (TS), a plain class or its instance (Python): its constant members. */
  | { kind: 'object'; members: Map<string, LocalValue> }
  /** A template / f-string / `+` of parts, some of them names of other modules. */
  | { kind: 'concat'; parts: LocalValue[] }
  /** `name` of the module `spec` ('*' = the module itself); `call`: the result of calling it; `wrap`: a function returning it. */
  | { kind: 'ref'; spec: string; name: string; call?: boolean; wrap?: boolean };

export interface LocalFacts {
  /** Exported name → its value (only names that may matter: clients, factories, constants, refs). */
  exports: Map<string, LocalValue>;
  /** `export * from 'spec'` (TS). */
  stars: string[];
}

/** The facts of a parsed module. `src` covers the whole file. */
export function moduleFacts(src: Src): LocalFacts {
  return src.py ? pyFacts(src) : tsFacts(src);
}
