/** Values: what an expression evaluates to when the file says so (literals, constants, members). */
import type { Node } from './parser';
import { type Src, field, named, unwrap } from './syntaxNodes';
import { escapeRe, fieldValue, pyScopeIndex, resolveIdentifier } from './syntaxScopes';

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
