/** Syntax helpers shared by the TS/JS and Python paths: values, scopes, list edits, styles. */
import type { Node } from './parser';
import type { TextEdit } from './types';

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

// -------------------------------------------------------------------------------------------------
// Values
// -------------------------------------------------------------------------------------------------

export interface StrVal {
  kind: 'string'; value: string; node: Node; quote: string; contentStart: number; contentEnd: number;
  /** The value is a constant of another module (its file): `node` is the name here, and no fix may edit it as a string. */
  foreign?: string;
  /** The value is computed (a template, an f-string, a `+`): no fix may edit it as a string. */
  computed?: boolean;
}
export type Val =
  | StrVal
  | { kind: 'number'; value: number; node: Node; foreign?: string }
  | { kind: 'bool'; value: boolean; node: Node }
  | { kind: 'null'; node: Node }
  | { kind: 'array'; node: Node; items: Node[]; hasSpread: boolean }
  | { kind: 'object'; node: Node }
  | { kind: 'unknown'; node: Node };

function unescapeSimple(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    if (e === 'n') return '\n';
    if (e === 't') return '\t';
    if (e === 'r') return '\r';
    if (e.startsWith('u{')) return String.fromCodePoint(parseInt(e.slice(2, -1), 16));
    if (e.length > 1 && (e[0] === 'u' || e[0] === 'x')) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e;
  });
}

/** A string literal without interpolation, with its raw content span. */
export function stringLiteral(src: Src, n: Node): StrVal | undefined {
  if (src.py) {
    if (n.type !== 'string') return undefined;
    const start = n.child(0);
    const end = n.child(n.childCount - 1);
    if (!start || !end || start.type !== 'string_start' || end.type !== 'string_end') return undefined;
    const prefix = start.text.replace(/["']+$/, '').toLowerCase();
    if (prefix.includes('f') || prefix.includes('b') || prefix.includes('t')) {
      for (let i = 1; i < n.childCount - 1; i++) if (n.child(i)!.type === 'interpolation') return undefined;
      if (prefix.includes('b')) return undefined;
    }
    const raw = src.text.slice(start.endIndex, end.startIndex);
    const quote = start.text.slice(prefix.length);
    return { kind: 'string', value: prefix.includes('r') ? raw : unescapeSimple(raw), node: n, quote, contentStart: start.endIndex, contentEnd: end.startIndex };
  }
  if (n.type === 'string') {
    const q = src.text[n.startIndex]!;
    const raw = src.text.slice(n.startIndex + 1, n.endIndex - 1);
    return { kind: 'string', value: unescapeSimple(raw), node: n, quote: q, contentStart: n.startIndex + 1, contentEnd: n.endIndex - 1 };
  }
  if (n.type === 'template_string') {
    for (let i = 0; i < n.namedChildCount; i++) if (n.namedChild(i)!.type === 'template_substitution') return undefined;
    const raw = src.text.slice(n.startIndex + 1, n.endIndex - 1);
    return { kind: 'string', value: unescapeSimple(raw), node: n, quote: '`', contentStart: n.startIndex + 1, contentEnd: n.endIndex - 1 };
  }
  return undefined;
}

export function numberValue(src: Src, n: Node): number | undefined {
  const t = n.type;
  if (t === 'number' || t === 'integer' || t === 'float') {
    const v = Number(n.text.replace(/_/g, '').replace(/n$/, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (t === 'unary_expression' || t === 'unary_operator') {
    const op = n.child(0)?.text;
    const arg = n.namedChild(0);
    if (arg && (op === '-' || op === '+')) {
      const v = numberValue(src, unwrap(arg));
      return v === undefined ? undefined : op === '-' ? -v : v;
    }
  }
  if (t === 'binary_expression' || t === 'binary_operator') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    const op = field(n, 'operator')?.text ?? n.child(1)?.text;
    if (!l || !r) return undefined;
    const a = numberValue(src, unwrap(l));
    const b = numberValue(src, unwrap(r));
    if (a === undefined || b === undefined) return undefined;
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '**': return a ** b;
      case '/': return b === 0 ? undefined : a / b;
      case '//': return b === 0 ? undefined : Math.floor(a / b);
      default: return undefined;
    }
  }
  if (t === 'parenthesized_expression') {
    const inner = n.namedChild(0);
    return inner ? numberValue(src, inner) : undefined;
  }
  return undefined;
}

/**
 * A spread (`...x`) / star (`*x`) item of an array or list. Only such an item starts with `.` or
 * `*`, so the source answers for most items without asking the tree for their type.
 */
export function isSpreadItem(src: Src, item: Node): boolean {
  const ch = src.text.charCodeAt(item.startIndex);
  if (ch !== 46 /* . */ && ch !== 42 /* * */) return false;
  const t = item.type;
  return t === 'spread_element' || t === 'list_splat';
}

/** Literal value of an expression, following `const` variables of the same or enclosing scopes. */
export function valueOf(src: Src, node: Node, depth = 0): Val {
  const n = unwrap(node);
  const s = stringLiteral(src, n);
  if (s) return s;
  const num = numberValue(src, n);
  if (num !== undefined) return { kind: 'number', value: num, node: n };
  switch (n.type) {
    case 'true': case 'false': return { kind: 'bool', value: n.type === 'true', node: n };
    case 'null': case 'none': return { kind: 'null', node: n };
    case 'array': case 'list': {
      const items = named(n);
      return { kind: 'array', node: n, items, hasSpread: items.some((i) => isSpreadItem(src, i)) };
    }
    case 'object': case 'dictionary': return { kind: 'object', node: n };
    case 'call':
      if (src.py && field(n, 'function')?.text === 'dict') return { kind: 'object', node: n };
      break;
    case 'call_expression': {
      const f = frozen(n);
      if (f?.type === 'object') return { kind: 'object', node: f };
      break;
    }
    case 'binary_expression':
    case 'boolean_operator': {
      // `opts.model || 'claude-…'`, `?? '…'`, `model or "…"`: the fallback is what is sent when
      // the option is not given (only strings and numbers: an object fallback is not the request).
      if (depth > 4) break;
      const op = field(n, 'operator')?.text ?? n.child(1)?.text;
      if (op !== '||' && op !== '??' && op !== 'or') break;
      const l = field(n, 'left');
      const r = field(n, 'right');
      if (!l || !r) break;
      const lv = valueOf(src, l, depth + 1);
      if ((lv.kind === 'string' && lv.value !== '') || (lv.kind === 'number' && lv.value !== 0 && op !== '??')) return lv;
      const rv = valueOf(src, r, depth + 1);
      if ((rv.kind === 'string' || rv.kind === 'number') && (lv.kind === 'unknown' || lv.kind === 'null')) return rv;
      break;
    }
    case 'member_expression':
    case 'attribute': {
      // `this.model` / `self.model`: the one value the class assigns to the field.
      if (depth > 4) break;
      const v = fieldValue(src, n);
      if (v) return valueOf(src, v, depth + 1);
      // `cfg.MODEL` / `config.models.default`: a constant of another module, or a member of a
      // local constant object (`as const`, `Object.freeze`) or a Python class attribute.
      if (src.imported) {
        const imp = foreignValue(src, n, n.text.replace(/\s+/g, ''));
        if (imp) return imp;
      }
      const m = memberValue(src, n, depth);
      if (m) return valueOf(src, m, depth + 1);
      break;
    }
    case 'identifier':
    case 'shorthand_property_identifier': {
      if (depth > 4) break;
      if (!src.py && n.text === 'undefined') return { kind: 'null', node: n };
      const def = resolveIdentifier(src, n);
      if (def) return valueOf(src, def, depth + 1);
      const imp = src.imported ? foreignValue(src, n, n.text) : undefined;
      if (imp) return imp;
      break;
    }
    case 'template_string':
    case 'string':
      // `\`claude-${FAMILY}-5\`` / f"claude-{family}": only when every part is a known constant.
      if (depth <= 4) return computedString(src, n, depth) ?? { kind: 'unknown', node: n };
      break;
  }
  if ((n.type === 'binary_expression' || n.type === 'binary_operator') && depth <= 4 && (field(n, 'operator')?.text ?? n.child(1)?.text) === '+') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    const lv = l ? valueOf(src, l, depth + 1) : undefined;
    const rv = r ? valueOf(src, r, depth + 1) : undefined;
    if (lv && rv && (lv.kind === 'string' || rv.kind === 'string') && (lv.kind === 'string' || lv.kind === 'number') && (rv.kind === 'string' || rv.kind === 'number')) {
      const foreign = (lv.kind === 'string' ? lv.foreign : lv.foreign) ?? (rv.kind === 'string' ? rv.foreign : rv.foreign);
      return { kind: 'string', value: `${lv.value}${rv.value}`, node: n, quote: '', contentStart: n.startIndex, contentEnd: n.endIndex, computed: true, ...(foreign ? { foreign } : {}) };
    }
  }
  return { kind: 'unknown', node: n };
}

function foreignValue(src: Src, n: Node, key: string): Val | undefined {
  const imp = src.imported?.get(key);
  if (!imp) return undefined;
  if (typeof imp.value === 'number') return { kind: 'number', value: imp.value, node: n, foreign: imp.from };
  return { kind: 'string', value: imp.value, node: n, quote: '', contentStart: n.startIndex, contentEnd: n.endIndex, foreign: imp.from };
}

/** A template or f-string whose substitutions are all known strings or numbers. */
function computedString(src: Src, n: Node, depth: number): StrVal | undefined {
  const subType = src.py ? 'interpolation' : 'template_substitution';
  if (src.py && n.type !== 'string') return undefined;
  const first = src.py ? n.child(0) : null;
  if (src.py && (!first || first.type !== 'string_start' || !/f/i.test(first.text) || /b/i.test(first.text))) return undefined;
  const kids = src.py ? (n.children as Node[]) : (n.namedChildren as Node[]);
  const start = src.py ? first!.endIndex : n.startIndex + 1;
  const end = src.py ? n.child(n.childCount - 1)!.startIndex : n.endIndex - 1;
  let at = start;
  let out = '';
  let foreign: string | undefined;
  let subs = 0;
  for (const k of kids) {
    if (k.type !== subType) continue;
    const raw = src.text.slice(at, k.startIndex);
    if (raw.includes('\\') || (src.py && /[{}]/.test(raw))) return undefined;
    out += raw;
    const inner = named(k);
    if (inner.length !== 1) return undefined; // a format spec or conversion: not followed
    const e = inner[0]!;
    // (a name no declaration in the file can give a value, e.g. a parameter: not followed)
    const root = /^[\p{ID_Start}$_][\p{ID_Continue}$]*/u.exec(src.text.slice(e.startIndex, Math.min(e.endIndex, e.startIndex + 100)))?.[0];
    if (root && !mayDefine(src, root, false) && !src.imported?.has(src.text.slice(e.startIndex, e.endIndex).replace(/\s+/g, ''))) return undefined;
    const v = valueOf(src, e, depth + 1);
    if (v.kind !== 'string' && v.kind !== 'number') return undefined;
    out += String(v.value);
    foreign ??= v.foreign;
    at = k.endIndex;
    subs++;
  }
  if (subs === 0) return undefined;
  const tail = src.text.slice(at, end);
  if (tail.includes('\\') || (src.py && /[{}]/.test(tail))) return undefined;
  out += tail;
  return { kind: 'string', value: out, node: n, quote: '', contentStart: start, contentEnd: end, computed: true, ...(foreign ? { foreign } : {}) };
}

/** Whether a member of `name` is written anywhere in the text (`name.k = …`, `name["k"] = …`, Object.assign, setattr). */
export function objectWritten(text: string, name: string): boolean {
  return OBJECT_WRITE(name).test(text);
}

/**
 * Whether the text can define `name` as something valueOf follows (a cheap search, once per name
 * and run): `object` — TS `const name = {` / `Object.freeze({`, Python `class name` or
 * `name = Cls()`; otherwise any TS `const/let/var name` or Python `name =` / `name: T =`, or an
 * imported constant. Names it rules out (parameters, `process`, `req`) skip the climb through
 * the tree that resolving them costs.
 */
function mayDefine(src: Src, name: string, object: boolean): boolean {
  if (!object && src.imported?.has(name)) return true;
  const key = `${object ? 'o' : 'd'}\u0000${name}`;
  let v = src.mutationCache.get(key);
  if (v === undefined) {
    const n = escapeRe(name);
    const re = src.py
      ? object
        ? new RegExp(`^[ \\t]*(?:class[ \\t]+${n}\\b|${n}[ \\t]*(?::[^=\\n]*)?=[ \\t]*[\\w.]+\\(\\s*\\))`, 'm')
        : new RegExp(`^[ \\t]*${n}[ \\t]*(?::[^=\\n]*)?=(?!=)`, 'm')
      : object
        ? new RegExp(`(?<![\\w$.])(?:const|let|var)\\s+${n}\\s*(?::[^=\\n]*)?=\\s*(?:\\{|Object\\s*\\.\\s*freeze\\s*\\(\\s*\\{)`)
        : new RegExp(`(?<![\\w$.])(?:const|let|var)\\s+${n}(?![\\w$])`);
    src.mutationCache.set(key, (v = re.test(src.text)));
  }
  return v;
}

/** objectWritten over the file being analysed, once per name and run (every call site may ask). */
function writtenIn(src: Src, name: string): boolean {
  const key = `w\u0000${name}`;
  let v = src.mutationCache.get(key);
  if (v === undefined) src.mutationCache.set(key, (v = objectWritten(src.text, name)));
  return v;
}

const OBJECT_WRITE = (name: string): RegExp =>
  new RegExp(`(?<![\\w$.])${escapeRe(name)}\\s*(?:(?:\\.\\s*[\\w$]+|\\[[^\\]\\n]*\\])\\s*)+(?:[-+*/|&]|\\*\\*|\\?\\?|\\|\\||&&)?=(?![=>])|(?:Object\\.assign|setattr)\\(\\s*${escapeRe(name)}\\b`);

/**
 * `obj.key` where `obj` is a local object literal (TS: `const cfg = { … } as const`,
 * `Object.freeze({ … })`; nested: `cfg.models.default`) or a Python class or an instance of one
 * (`class Settings: MODEL = "…"`, `settings = Settings()`): the value node of that key, when the
 * object is defined once and no member of it is written anywhere in the file.
 */
function memberValue(src: Src, n: Node, depth: number): Node | undefined {
  const obj = field(n, 'object');
  const prop = field(n, src.py ? 'attribute' : 'property');
  if (!obj || !prop || depth > 4) return undefined;
  const key = prop.text;
  if (src.py) {
    if (obj.type !== 'identifier' || !mayDefine(src, obj.text, true)) return undefined;
    const cls = pyClassOf(src, obj, 0);
    if (!cls) return undefined;
    src.outside = true; // (the whole text is searched for writes)
    if (writtenIn(src, obj.text)) return undefined;
    return classAttribute(src, cls.node, key, cls.instance);
  }
  let base: Node | undefined;
  if (obj.type === 'identifier') {
    if (!mayDefine(src, obj.text, true)) return undefined;
    const v = valueOf(src, obj, depth + 1);
    if (v.kind !== 'object') return undefined;
    src.outside = true; // (the whole text is searched for writes)
    if (writtenIn(src, obj.text)) return undefined;
    base = v.node;
  } else if (obj.type === 'member_expression') {
    // nested: `cfg.models.default` — the inner member must itself be an object literal
    const inner = memberValue(src, obj, depth + 1);
    if (!inner) return undefined;
    const u = unwrap(inner);
    base = frozen(u) ?? u;
    if (base.type !== 'object') return undefined;
  } else return undefined;
  // (a spread anywhere may override the key; a key given twice: the last wins)
  let found: Node | undefined;
  for (const it of named(base)) {
    if (it.type === 'spread_element') return undefined;
    if (it.type !== 'pair') continue;
    const k = field(it, 'key');
    const kt = k ? (k.type === 'property_identifier' ? k.text : stringLiteral(src, k)?.value) : undefined;
    if (kt === key) found = field(it, 'value') ?? undefined;
  }
  return found;
}

/** `Object.freeze({ … })`: the object literal. */
function frozen(n: Node): Node | undefined {
  if (n.type !== 'call_expression' || field(n, 'function')?.text.replace(/\s+/g, '') !== 'Object.freeze') return undefined;
  const a = named(field(n, 'arguments') ?? n)[0];
  return a ? unwrap(a) : undefined;
}

/** The plain class (no base but `object`, no decorator) a Python name is, or of which it is an instance. */
function pyClassOf(src: Src, id: Node, hops: number): { node: Node; instance: boolean } | undefined {
  for (let a: Node | null = id.parent; a; a = a.parent) {
    if (a.type !== 'module' && a.type !== 'function_definition') continue;
    const defs = pyScopeIndex(src, a).get(id.text);
    if (!defs) continue;
    if (defs.length !== 1) return undefined;
    if (a.startIndex < src.unitFrom || a.endIndex > src.unitTo) src.outside = true;
    const d = defs[0]!;
    if (d.type === 'class_definition') {
      const sup = field(d, 'superclasses');
      if (sup && named(sup).some((b) => b.text !== 'object')) return undefined;
      return { node: d, instance: false };
    }
    if (d.type === 'assignment' && hops === 0) {
      const r = field(d, 'right');
      if (!r || r.type !== 'call') return undefined;
      const fn = field(r, 'function');
      const args = field(r, 'arguments');
      if (fn?.type !== 'identifier' || !args || named(args).length > 0) return undefined;
      const c = pyClassOf(src, fn, hops + 1);
      return c && !c.instance ? { node: c.node, instance: true } : undefined;
    }
    return undefined;
  }
  return undefined;
}

/** A class-level `NAME = value` / `NAME: T = value` of a plain class (its instance: only without `__init__`). */
function classAttribute(src: Src, cls: Node, key: string, instance: boolean): Node | undefined {
  const body = field(cls, 'body');
  if (!body) return undefined;
  let found: Node | undefined;
  for (const st of named(body)) {
    if (instance && st.type === 'function_definition' && /^__(?:init|post_init|new|getattr|getattribute)__$/.test(field(st, 'name')?.text ?? '')) return undefined;
    if (st.type !== 'expression_statement') continue;
    const a = st.namedChild(0);
    if (a?.type !== 'assignment' || field(a, 'left')?.text !== key) continue;
    if (found) return undefined;
    found = field(a, 'right') ?? undefined;
  }
  return found;
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
// Scopes: the single definition of a name, when there is exactly one and nothing mutates it
// -------------------------------------------------------------------------------------------------

const TS_SCOPES = new Set(['program', 'statement_block', 'class_body', 'switch_case', 'switch_default']);
const TS_FUNCS = new Set(['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function']);
const PY_SCOPES = new Set(['module', 'function_definition', 'lambda']);
const PY_COMPOUND = new Set(['block', 'if_statement', 'elif_clause', 'else_clause', 'for_statement', 'while_statement', 'with_statement', 'try_statement', 'except_clause', 'finally_clause', 'expression_statement', 'match_statement', 'case_clause']);

export function isFunctionNode(src: Src, n: Node): boolean {
  return src.py ? n.type === 'function_definition' || n.type === 'lambda' : TS_FUNCS.has(n.type);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text search for writes to `name` after the definition inside [from, to): reassignments and mutations. */
function mutatedAfter(src: Src, name: string, from: number, to: number, def: Node): boolean {
  const key = `${name}\u0000${from}\u0000${to}`;
  const cached = src.mutationCache.get(key);
  if (cached !== undefined) return cached;
  const result = scanMutation(src, name, from, to, def);
  src.mutationCache.set(key, result);
  return result;
}

function scanMutation(src: Src, name: string, from: number, to: number, def: Node): boolean {
  const n = escapeRe(name);
  const re = src.py
    ? new RegExp(`(?<![\\w.])${n}\\s*(?:\\.\\s*(?:append|extend|insert|pop|remove|clear|update|setdefault|sort|reverse)\\s*\\(|\\[[^\\]\\n]*\\]\\s*(?:[-+*/|&]?=)(?!=)|[-+*/|&]=)|\\b(?:global|nonlocal)\\s+[\\w\\s,]*\\b${n}\\b`, 'g')
    : new RegExp(`(?<![\\w$.])${n}\\s*(?:\\.\\s*(?:push|unshift|splice|pop|shift|sort|reverse|fill|copyWithin|set|delete|clear)\\s*\\(|(?:\\.\\s*[\\w$]+|\\[[^\\]\\n]*\\])\\s*(?:[-+*/|&]|\\*\\*|\\?\\?|\\|\\||&&)?=(?![=>])|(?:[-+*/|&]|\\*\\*|\\?\\?|\\|\\||&&)?=(?![=>])|\\+\\+|--)|(?:\\+\\+|--)\\s*${n}\\b|Object\\.assign\\(\\s*${n}\\b|delete\\s+${n}\\s*[.[]`, 'g');
  for (const m of scan(re, src.text, from, to)) {
    // The definition itself (`const x = ...` / `x = ...`) is not a write after it.
    if (m.index >= def.startIndex && m.index < def.endIndex) continue;
    return true;
  }
  return false;
}

function tsScopeIndex(src: Src, scope: Node): Map<string, Node[]> {
  let idx = src.scopeCache.get(scope.id);
  if (idx) return idx;
  idx = new Map();
  for (let st of scope.namedChildren as Node[]) {
    if (st.type === 'export_statement') st = field(st, 'declaration') ?? st;
    if (st.type !== 'lexical_declaration' && st.type !== 'variable_declaration') continue;
    for (const d of named(st)) {
      if (d.type !== 'variable_declarator') continue;
      const nm = field(d, 'name');
      if (nm?.type !== 'identifier') continue;
      const list = idx.get(nm.text) ?? [];
      list.push(d);
      idx.set(nm.text, list);
    }
  }
  src.scopeCache.set(scope.id, idx);
  return idx;
}

function pyCollect(src: Src, n: Node, idx: Map<string, Node[]>): void {
  for (const c of n.namedChildren as Node[]) {
    if (c.type === 'expression_statement') {
      const a = c.namedChild(0);
      if (a?.type === 'assignment') {
        const left = field(a, 'left');
        if (left?.type === 'identifier') {
          const list = idx.get(left.text) ?? [];
          list.push(a);
          idx.set(left.text, list);
        }
      }
      continue;
    }
    if (c.type === 'function_definition' || c.type === 'class_definition' || c.type === 'decorated_definition') {
      const nm = c.type === 'decorated_definition' ? field(field(c, 'definition') ?? c, 'name') : field(c, 'name');
      if (nm) {
        const list = idx.get(nm.text) ?? [];
        list.push(c);
        idx.set(nm.text, list);
      }
      continue;
    }
    if (c.type === 'for_statement') {
      const left = field(c, 'left');
      if (left?.type === 'identifier') {
        const list = idx.get(left.text) ?? [];
        list.push(c);
        idx.set(left.text, list);
      }
    }
    if (PY_COMPOUND.has(c.type) || c.type === 'block') pyCollect(src, c, idx);
  }
}

function pyScopeIndex(src: Src, scope: Node): Map<string, Node[]> {
  let idx = src.scopeCache.get(scope.id);
  if (idx) return idx;
  idx = new Map();
  const body = scope.type === 'module' ? scope : field(scope, 'body');
  if (body) pyCollect(src, body, idx);
  if (scope.type === 'function_definition') {
    // Parameters shadow outer names: record them so lookups stop here (unknown value).
    const params = field(scope, 'parameters');
    if (params) {
      for (const p of named(params)) {
        const nm = p.type === 'identifier' ? p : field(p, 'name') ?? p.namedChild(0);
        if (nm?.type === 'identifier') idx.set(nm.text, [...(idx.get(nm.text) ?? []), p]);
      }
    }
  }
  src.scopeCache.set(scope.id, idx);
  return idx;
}

/** Default parameter values the analysis follows: literals only (an object default is not what callers pass). */
const LITERAL_DEFAULT = new Set(['string', 'template_string', 'number', 'integer', 'float']);

/** A parameter's default value (`model = 'claude-…'`, `model="claude-…"`), when it is a literal. */
function paramDefault(p: Node): Node | undefined {
  const v = field(p, 'value') ?? (p.type === 'assignment_pattern' ? field(p, 'right') : null);
  return v && LITERAL_DEFAULT.has(v.type) ? v : undefined;
}

/** The TS parameter that declares `name` in a parameter list, if any. */
function tsParamNamed(params: Node, name: string): Node | undefined {
  for (const p of named(params)) {
    const pat = p.type === 'assignment_pattern' ? field(p, 'left') : field(p, 'pattern') ?? p;
    if (pat?.type === 'identifier' && pat.text === name) return p;
  }
  return undefined;
}

/**
 * The value node of the only definition of `id` visible here, if it is not written again (a
 * parameter: its literal default). `mutable`: also when keys are written to it afterwards (the
 * caller reads those writes, see keyWrites); `out` then gets the definition and its scope.
 */
export function resolveIdentifier(src: Src, id: Node, mutable = false, out?: { def?: Node; scope?: Node }): Node | undefined {
  const name = id.text;
  if (src.py) {
    for (let a: Node | null = id.parent; a; a = a.parent) {
      if (!PY_SCOPES.has(a.type) || a.type === 'lambda') continue;
      const defs = pyScopeIndex(src, a).get(name);
      if (!defs) continue;
      if (a.startIndex < src.unitFrom || a.endIndex > src.unitTo) src.outside = true;
      if (defs.length !== 1) return undefined;
      const d = defs[0]!;
      if (d.type === 'default_parameter' || d.type === 'typed_default_parameter') {
        const v = paramDefault(d);
        return v && !mutatedAfter(src, name, a.startIndex, a.endIndex, d) ? v : undefined;
      }
      if (d.type !== 'assignment') return undefined;
      if (d.startIndex > id.startIndex && a.type !== 'module') return undefined;
      if (d.startIndex > id.startIndex && !isFunctionBodyUse(src, id, a)) return undefined;
      if (out) { out.def = d; out.scope = a; }
      if (!mutable && mutatedAfter(src, name, d.endIndex, a.endIndex, d)) return undefined;
      return field(d, 'right') ?? undefined;
    }
    return undefined;
  }
  for (let a: Node | null = id.parent; a; a = a.parent) {
    if (!TS_SCOPES.has(a.type)) {
      if (TS_FUNCS.has(a.type)) {
        // Parameters of an enclosing function shadow outer names.
        const params = field(a, 'parameters') ?? field(a, 'parameter');
        if (params && new RegExp(`(?<![\\w$])${escapeRe(name)}(?![\\w$])`).test(params.text)) {
          // `function ask(model = 'claude-…')`: the default, unless the body assigns the parameter.
          const p = params.type === 'identifier' ? undefined : tsParamNamed(params, name);
          const v = p ? paramDefault(p) : undefined;
          const body = field(a, 'body');
          return v && body && !mutatedAfter(src, name, body.startIndex, body.endIndex, p!) ? v : undefined;
        }
      }
      continue;
    }
    const defs = tsScopeIndex(src, a).get(name);
    if (!defs) continue;
    if (a.startIndex < src.unitFrom || a.endIndex > src.unitTo) src.outside = true;
    if (defs.length !== 1) return undefined;
    const d = defs[0]!;
    const decl = d.parent!;
    const kind = decl.type === 'lexical_declaration' ? field(decl, 'kind')?.text ?? decl.child(0)?.text : 'var';
    if (d.startIndex > id.startIndex && !isFunctionBodyUse(src, id, a)) return undefined;
    if (out) { out.def = d; out.scope = a; }
    if (!mutable && kind !== 'const' && mutatedAfter(src, name, a.startIndex, a.endIndex, d)) return undefined;
    if (!mutable && kind === 'const' && mutatedAfter(src, name, d.endIndex, a.endIndex, d)) return undefined;
    return field(d, 'value') ?? undefined;
  }
  return undefined;
}

/**
 * The writes of keys to `name` after its definition, in [from, to): `name.key = v`,
 * `name["key"] = v`. Undefined when anything else writes to it (reassignment, Object.assign,
 * update(), deletes, compound assignments): then its keys are not knowable.
 */
export function keyWrites(src: Src, name: string, from: number, to: number, def: Node): { key: string; value: Node; stmt: Node }[] | undefined {
  const n = escapeRe(name);
  const any = src.py
    ? new RegExp(`(?<![\\w.])${n}\\s*(?:\\.\\s*(?:append|extend|insert|pop|remove|clear|update|setdefault|sort|reverse)\\s*\\(|\\[[^\\]\\n]*\\]\\s*(?:[-+*/|&]?=)(?!=)|[-+*/|&]?=(?!=))|\\b(?:global|nonlocal|del)\\s+[\\w\\s,]*\\b${n}\\b`, 'g')
    : new RegExp(`(?<![\\w$.])${n}\\s*(?:\\.\\s*(?:push|unshift|splice|pop|shift|sort|reverse|fill|copyWithin|set|delete|clear)\\s*\\(|(?:\\.\\s*[\\w$]+|\\[[^\\]\\n]*\\])\\s*(?:[-+*/|&]|\\*\\*|\\?\\?|\\|\\||&&)?=(?![=>])|(?:[-+*/|&]|\\*\\*|\\?\\?|\\|\\||&&)?=(?![=>])|\\+\\+|--)|(?:\\+\\+|--)\\s*${n}\\b|Object\\.assign\\(\\s*${n}\\b|delete\\s+${n}\\s*[.[]`, 'g');
  const plain = src.py
    ? new RegExp(`^${n}\\s*\\[\\s*(['"])([^'"\\\\\\n]+)\\1\\s*\\]\\s*=(?!=)`)
    : new RegExp(`^${n}\\s*(?:\\.\\s*([\\w$]+)|\\[\\s*(['"])([^'"\\\\\\n]+)\\2\\s*\\])\\s*=(?![=>])`);
  const out: { key: string; value: Node; stmt: Node }[] = [];
  for (const m of scan(any, src.text, from, to)) {
    if (m.index >= def.startIndex && m.index < def.endIndex) continue;
    const pm = plain.exec(src.text.slice(m.index, m.index + 200));
    if (!pm) return undefined;
    const key = src.py ? pm[2]! : pm[1] ?? pm[3]!;
    let a: Node | null = descend(src, m.index, m.index + pm[0].length);
    for (let i = 0; a && i < 4 && a.type !== 'assignment_expression' && a.type !== 'assignment'; i++) a = a.parent;
    const value = a ? field(a, 'right') : null;
    const stmt = a?.parent;
    if (!a || !value || !stmt || stmt.type !== 'expression_statement' || a.startIndex !== m.index) return undefined;
    out.push({ key, value, stmt });
  }
  return out;
}

const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration', 'class', 'class_definition']);

/**
 * `this.x` / `self.x`: the value the enclosing class gives the field when it gives exactly one
 * (a field initializer, a constructor parameter property, or a single `this.x = …` / `self.x = …`).
 */
function fieldValue(src: Src, member: Node): Node | undefined {
  const obj = field(member, 'object');
  const prop = field(member, src.py ? 'attribute' : 'property');
  if (!obj || !prop || obj.text !== (src.py ? 'self' : 'this')) return undefined;
  let cls: Node | null = member.parent;
  while (cls && !CLASS_TYPES.has(cls.type)) cls = cls.parent;
  if (!cls) return undefined;
  if (cls.startIndex < src.unitFrom || cls.endIndex > src.unitTo) src.outside = true;
  const name = prop.text;
  const found: Node[] = [];
  const re = new RegExp(`(?<![\\w$.])${src.py ? 'self' : 'this'}\\s*\\.\\s*${escapeRe(name)}\\s*(?:[-+*/|&?]|\\*\\*|\\?\\?|\\|\\||&&)?=(?![=>])`, 'g');
  for (const m of scan(re, src.text, cls.startIndex, cls.endIndex)) {
    let a: Node | null = descend(src, m.index, m.index + m[0].length);
    for (let i = 0; a && i < 4 && a.type !== 'assignment_expression' && a.type !== 'assignment' && a.type !== 'augmented_assignment_expression' && a.type !== 'augmented_assignment'; i++) a = a.parent;
    if (!a || a.type.startsWith('augmented') || a.startIndex !== m.index) return undefined;
    const v = field(a, 'right');
    if (!v) return undefined;
    found.push(v);
  }
  if (!src.py) {
    const body = field(cls, 'body');
    for (const c of body ? named(body) : []) {
      if ((c.type === 'public_field_definition' || c.type === 'field_definition') && (field(c, 'name') ?? field(c, 'property'))?.text === name) {
        const v = field(c, 'value');
        if (v) found.push(v);
      }
      if (c.type === 'method_definition' && field(c, 'name')?.text === 'constructor') {
        const params = field(c, 'parameters');
        const p = params ? tsParamNamed(params, name) : undefined;
        if (p && /^(?:public|private|protected|readonly)\b/.test(p.text)) {
          const v = paramDefault(p);
          if (!v) return undefined;
          found.push(v);
        }
      }
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

/** A use inside a function body may refer to a definition placed later in the enclosing scope. */
function isFunctionBodyUse(src: Src, id: Node, scope: Node): boolean {
  for (let a: Node | null = id.parent; a && a.id !== scope.id; a = a.parent) if (isFunctionNode(src, a)) return true;
  return false;
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

// -------------------------------------------------------------------------------------------------
// Editing items in lists: objects, dicts, argument lists, arrays
// -------------------------------------------------------------------------------------------------

export const ITEM_SKIP = new Set(['comment', '(', ')', '{', '}', '[', ']', ',']);

export function items(container: Node): Node[] {
  return named(container);
}

function commaAfter(n: Node): Node | undefined {
  for (let s = n.nextSibling; s; s = s.nextSibling) {
    if (s.type === ',') return s;
    if (s.type !== 'comment') return undefined;
  }
  return undefined;
}

/** Whether the container puts each item on its own line. */
export function isMultiline(src: Src, container: Node, list: Node[]): boolean {
  if (list.length === 0) return container.startPosition.row !== container.endPosition.row;
  return list.some((i) => isFirstOnLine(src, i));
}

/** Insert `code` (an item: `key: value` / `key=value` / element) after `after`, or first. */
export function insertItem(src: Src, container: Node, code: string, after?: Node | null): TextEdit {
  const list = items(container);
  const multi = isMultiline(src, container, list);
  if (list.length === 0) {
    const open = container.child(0)!;
    const close = container.child(container.childCount - 1)!;
    const inner = src.text.slice(open.endIndex, close.startIndex);
    if (/\S/.test(inner)) return { start: open.endIndex, end: open.endIndex, newText: code };
    if (multi) {
      const ind = indentAt(src, container.startIndex);
      return { start: open.endIndex, end: close.startIndex, newText: `\n${ind}${indentUnit(src)}${code}${src.py ? ',' : ','}\n${ind}` };
    }
    const pad = container.type === 'object' || container.type === 'dictionary' ? ' ' : '';
    return { start: open.endIndex, end: close.startIndex, newText: `${pad}${code}${pad}` };
  }
  if (!after) {
    const first = list[0]!;
    const ind = multi ? indentAt(src, first.startIndex) : '';
    return { start: first.startIndex, end: first.startIndex, newText: multi ? `${code},\n${ind}` : `${code}, ` };
  }
  const comma = commaAfter(after);
  const ind = multi ? indentAt(src, after.startIndex) : '';
  if (comma) return { start: comma.endIndex, end: comma.endIndex, newText: multi ? `\n${ind}${code},` : ` ${code},` };
  return { start: after.endIndex, end: after.endIndex, newText: multi ? `,\n${ind}${code}` : `, ${code}` };
}

/** Insert `code` as an item right before `before` (an item of `container`). */
export function insertBefore(src: Src, container: Node, code: string, before: Node): TextEdit {
  const list = items(container);
  const multi = isMultiline(src, container, list);
  const ind = multi ? indentAt(src, before.startIndex) : '';
  if (multi && isFirstOnLine(src, before)) return { start: before.startIndex, end: before.startIndex, newText: `${code},\n${ind}` };
  return { start: before.startIndex, end: before.startIndex, newText: `${code}, ` };
}

/** Remove one item with its comma, keeping the surrounding layout. */
export function removeItem(src: Src, container: Node, item: Node): TextEdit {
  const list = items(container);
  const i = list.findIndex((x) => x.id === item.id);
  if (list.length <= 1 || i < 0) {
    const open = container.child(0)!;
    const close = container.child(container.childCount - 1)!;
    return { start: open.endIndex, end: close.startIndex, newText: '' };
  }
  const next = list[i + 1];
  if (next) return { start: item.startIndex, end: next.startIndex, newText: '' };
  const prev = list[i - 1]!;
  const trailing = commaAfter(item);
  const prevComma = commaAfter(prev);
  if (trailing && prevComma) return { start: prevComma.endIndex, end: trailing.endIndex, newText: '' };
  return { start: prev.endIndex, end: item.endIndex, newText: '' };
}
