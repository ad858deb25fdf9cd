/** The parsed file as rules see it (`Src`), node helpers, positions and the file's style. */
import type { Node } from './parser';

export interface Src {
  text: string;
  py: boolean;
  /** TypeScript syntax allowed (casts in inserted code). */
  typed: boolean;
  root: Node;
  /** Per-run caches. */
  scopeCache: Map<number, Map<string, Node[]>>;
  mutationCache: Map<string, boolean>;
  /** The unit (top-level statement) being analyzed; lookups outside it make the result uncacheable. */
  unitFrom: number;
  unitTo: number;
  outside: boolean;
  /** The node of the unit being analyzed, when known: searches inside it start there. */
  unitNode?: Node;
  lineStarts?: number[];
  quoteGuess?: "'" | '"';
  /**
   * Constants imported from other modules (the project index): local name or member path
   * (`MODEL`, `cfg.MODEL`, `config.models.default`) → value and file.
   */
  imported?: ReadonlyMap<string, { value: string | number; from: string }>;
}

/**
 * The smallest node spanning [start, end). Searched from the current unit's node when it holds the
 * range: tree-sitter looks for the child holding a position one sibling at a time, and the root of
 * a long file has thousands of children.
 */
export function descend(src: Src, start: number, end = start): Node | null {
  const u = src.unitNode;
  const from = u && start >= u.startIndex && end <= u.endIndex ? u : src.root;
  return from.descendantForIndex(start, end);
}

export const WRAPPERS = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

export function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 8 && WRAPPERS.has(cur.type); i++) {
    const inner = cur.type === 'type_assertion' ? cur.namedChild(cur.namedChildCount - 1) : cur.namedChild(0);
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/** The text being analyzed (set by the engine for the duration of a run; lets named() spot comments without a wasm call). */
let currentText: string | undefined;
export function setCurrentText(text: string | undefined): void {
  currentText = text;
}

function isComment(c: Node): boolean {
  const t = currentText;
  if (t === undefined) return c.type === 'comment';
  const ch = t.charCodeAt(c.startIndex);
  if (ch === 35 /* # */) return c.type === 'comment';
  if (ch !== 47 /* / */) return false;
  const next = t.charCodeAt(c.startIndex + 1);
  return next === 47 || next === 42 ? c.type === 'comment' : false;
}

/** Named children without comments (one wasm call per node: `namedChildren` is batched and cached). */
export function named(n: Node): Node[] {
  const all = n.namedChildren as Node[];
  let clean = true;
  for (const c of all) if (!c || isComment(c)) { clean = false; break; }
  return clean ? all : all.filter((c) => c && !isComment(c));
}

export function field(n: Node, name: string): Node | null {
  return n.childForFieldName(name);
}

/** All matches of a global regex inside [from, to), with indexes into the whole text. */
export function scan(re: RegExp, text: string, from: number, to: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  const part = from === 0 && to >= text.length ? text : text.slice(from, to);
  re.lastIndex = 0;
  for (let m = re.exec(part); m; m = re.exec(part)) {
    if (m[0].length === 0) re.lastIndex++;
    m.index += from;
    out.push(m);
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// Positions and style
// -------------------------------------------------------------------------------------------------

export function lineStarts(src: Src): number[] {
  if (!src.lineStarts) {
    const starts = [0];
    const t = src.text;
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
    src.lineStarts = starts;
  }
  return src.lineStarts;
}

export function lineOf(src: Src, offset: number): number {
  const s = lineStarts(src);
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How far back `lineStartOf` searches before it asks the line table (long lines: minified code). */
const SHORT_LINE = 512;

/**
 * Start of the line holding `offset`: a short backwards search (most files never need the
 * whole-file line table), then the table, so a megabyte-long line costs a binary search per call,
 * not a scan.
 */
export function lineStartOf(src: Src, offset: number): number {
  if (offset <= 0) return 0;
  const t = src.text;
  const stop = Math.max(0, offset - SHORT_LINE);
  for (let i = offset - 1; i >= stop; i--) if (t.charCodeAt(i) === 10) return i + 1;
  if (stop === 0) return 0;
  return lineStarts(src)[lineOf(src, offset)]!;
}

/** Leading whitespace of the line holding `offset`. */
export function indentAt(src: Src, offset: number): string {
  const start = lineStartOf(src, offset);
  const m = /^[ \t]*/.exec(src.text.slice(start, Math.min(src.text.length, start + 200)));
  return m ? m[0] : '';
}

/** The file's indentation unit, from the first indented line. */
export function indentUnit(src: Src): string {
  const m = /\n([ \t]+)\S/.exec(src.text);
  if (!m) return src.py ? '    ' : '  ';
  const w = m[1]!;
  return w.startsWith('\t') ? '\t' : w.length >= 4 && src.py ? '    ' : w.length >= 4 ? (w.length % 4 === 0 ? '    ' : '  ') : w;
}

export function isFirstOnLine(src: Src, n: Node): boolean {
  const start = lineStartOf(src, n.startIndex);
  return /^[ \t]*$/.test(src.text.slice(start, n.startIndex));
}

export function quoteStyle(src: Src, near?: Node): "'" | '"' {
  if (near) {
    const q = src.text[near.startIndex];
    if (q === '"' || q === "'") return q;
  }
  if (!src.quoteGuess) {
    const t = src.text;
    let single = 0;
    let double = 0;
    const re = src.py ? /(?<![\w"'])(['"])[^'"\n\\]*\1/g : /(?<![\w"'`])(['"])[^'"\n\\]*\1/g;
    let count = 0;
    for (let m = re.exec(t); m && count < 400; m = re.exec(t), count++) {
      if (m[1] === "'") single++;
      else double++;
    }
    src.quoteGuess = single > double ? "'" : double > single ? '"' : src.py ? '"' : "'";
  }
  return src.quoteGuess;
}

export function quoteString(value: string, q: "'" | '"'): string {
  return q + value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n') + q;
}
