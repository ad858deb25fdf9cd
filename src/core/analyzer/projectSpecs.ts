/** Reading import specifiers out of a file's text, file extensions, and tsconfig/jsconfig text. */
import * as path from 'node:path';
import type { AnalyzerLanguage } from './types';

export const TS_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
export const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
export const MAX_CHAIN = 8;
/** A module naming a max_tokens constant offers it (`export const MAX_TOKENS = 1024`). */
export const MAX_TOKENS_NAME = /max_?tokens/i;

export function languageOf(file: string): AnalyzerLanguage | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.py' || ext === '.pyi') return 'python';
  if (ext === '.ts' || ext === '.mts' || ext === '.cts') return 'typescript';
  if (ext === '.tsx') return 'typescriptreact';
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return 'javascript';
  if (ext === '.jsx') return 'javascriptreact';
  return undefined;
}

/** A Python import found by text search: the module and the names taken from it. */
interface PySpec { spec: string; names: string[] }

const TS_SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"\n]+)\1/gm;
const PY_FROM = /^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)/gm;
const PY_IMPORT = /^[ \t]*import[ \t]+([^\n#;]+)/gm;

/** The module specifiers a file imports (a text search: the engine reads the statements from the tree). */
export function importSpecifiers(text: string, py: boolean): PySpec[] {
  const out = new Map<string, Set<string>>();
  const add = (spec: string, names: string[]): void => {
    let s = out.get(spec);
    if (!s) out.set(spec, (s = new Set()));
    for (const n of names) s.add(n);
  };
  if (!py) {
    TS_SPEC.lastIndex = 0;
    for (let m = TS_SPEC.exec(text); m; m = TS_SPEC.exec(text)) {
      const spec = m[2]!;
      if (!spec.startsWith('@anthropic-ai/') && !spec.startsWith('node:')) add(spec, []);
    }
  } else {
    PY_FROM.lastIndex = 0;
    for (let m = PY_FROM.exec(text); m; m = PY_FROM.exec(text)) {
      const spec = m[1]!;
      if (spec === 'anthropic' || spec.startsWith('anthropic.') || spec === '__future__') continue;
      const names = m[2]!.replace(/[()\\]/g, ' ').split(',').map((s) => s.trim().split(/\s+/)[0]!).filter((s) => /^\w+$/.test(s));
      add(spec, names);
    }
    PY_IMPORT.lastIndex = 0;
    for (let m = PY_IMPORT.exec(text); m; m = PY_IMPORT.exec(text)) {
      for (const part of m[1]!.split(',')) {
        const dotted = part.trim().split(/\s+/)[0]!;
        if (/^[\w.]+$/.test(dotted) && dotted !== 'anthropic' && !dotted.startsWith('anthropic.')) add(dotted, []);
      }
    }
  }
  return [...out].map(([spec, names]) => ({ spec, names: [...names] }));
}

/** JSON with comments and trailing commas (tsconfig.json), strings respected. */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

export interface TsConfig { baseUrl?: string; paths: [string, string[]][] }
