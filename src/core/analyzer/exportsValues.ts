/** Module facts, shared by both languages: module-level bindings (CommonJS loads included) and what their values are. */
import type { Node } from './parser';
import { collectCtors, collectImports, type Provider } from './sdk';
import { field, named, numberValue, objectWritten, stringLiteral, unwrap, type Src } from './syntax';
import type { LocalValue } from './exports';

const MAX_DEPTH = 6;
// -------------------------------------------------------------------------------------------------
// Shared: module-level bindings and what their values are
// -------------------------------------------------------------------------------------------------

interface Scope {
  src: Src;
  /** Local name → its defining value node (module level), or an import. */
  defs: Map<string, Node | { spec: string; name: string }>;
  /** Module-level names a client constructor is stored in (`client = Anthropic()`, memoised singletons). */
  clients: Map<string, Provider>;
  /** Providers of client constructors anywhere in the file (a factory body's `new Anthropic()`). */
  ctorAt: Map<number, Provider>;
  memo: Map<string, LocalValue | null>;
}

export function scopeOf(src: Src): Scope {
  const imports = collectImports(src);
  const ctors = collectCtors(src, imports);
  const clients = new Map<string, Provider>();
  const ctorAt = new Map<number, Provider>();
  for (const c of ctors) {
    ctorAt.set(c.node.startIndex, c.provider);
    if (c.binding && /^[\w$]+$/.test(c.binding)) clients.set(c.binding, c.provider);
  }
  return { src, defs: new Map(), clients, ctorAt, memo: new Map() };
}

export const FUNCTION_TYPES = new Set(['arrow_function', 'function_expression', 'function', 'function_declaration', 'generator_function_declaration', 'function_definition', 'lambda']);

/** What an expression evaluates to, as far as the module tells. */
export function valueOfExpr(sc: Scope, node: Node | null, depth: number): LocalValue | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  let n = unwrap(node);
  while (n.type === 'await_expression' || n.type === 'await' || n.type === 'non_null_expression' || n.type === 'satisfies_expression') {
    const inner = n.namedChild(0);
    if (!inner) return undefined;
    n = unwrap(inner);
  }
  const p = sc.ctorAt.get(n.startIndex);
  if (p && (n.type === 'new_expression' || n.type === 'call_expression' || n.type === 'call')) return { kind: 'client', provider: p };
  const s = stringLiteral(sc.src, n);
  if (s) return { kind: 'constant', value: s.value };
  const num = numberValue(sc.src, n);
  if (num !== undefined) return { kind: 'constant', value: num };
  if (n.type === 'identifier') return nameValue(sc, n.text, depth + 1);
  if (n.type === 'member_expression' || n.type === 'attribute') {
    const obj = field(n, 'object');
    const prop = field(n, sc.src.py ? 'attribute' : 'property');
    if (obj?.type === 'identifier' && prop) {
      const d = sc.defs.get(obj.text);
      if (d && !('type' in d) && d.name === '*') return { kind: 'ref', spec: d.spec, name: prop.text };
    }
    // `LIMITS.model`: a member of an object of this module
    if (obj && prop) {
      const o = valueOfExpr(sc, obj, depth + 1);
      if (o?.kind === 'object') return o.members.get(prop.text);
    }
    return undefined;
  }
  if (n.type === 'template_string' || n.type === 'string') return concatValue(sc, n, depth + 1);
  if ((n.type === 'binary_expression' || n.type === 'binary_operator') && (field(n, 'operator')?.text ?? n.child(1)?.text) === '+') {
    const l = valueOfExpr(sc, field(n, 'left'), depth + 1);
    const r = valueOfExpr(sc, field(n, 'right'), depth + 1);
    if (!l || !r || !isTextual(l) || !isTextual(r)) return undefined;
    return { kind: 'concat', parts: [l, r] };
  }
  if (n.type === 'object') return objectValue(sc, n, depth + 1);
  if (n.type === 'call_expression' && field(n, 'function')?.text.replace(/\s+/g, '') === 'Object.freeze') {
    const a = named(field(n, 'arguments') ?? n)[0];
    const o = a ? unwrap(a) : undefined;
    return o?.type === 'object' ? objectValue(sc, o, depth + 1) : undefined;
  }
  if (n.type === 'class_definition') return pyClassValue(sc, n, depth + 1, false);
  if (n.type === 'call_expression' || n.type === 'call') {
    const fn = field(n, 'function');
    // `settings = Settings()`: an instance of a plain class (no arguments) has its class attributes
    if (sc.src.py && fn?.type === 'identifier' && named(field(n, 'arguments') ?? n).length === 0) {
      const d = sc.defs.get(fn.text);
      if (d && 'type' in d && d.type === 'class_definition') return pyClassValue(sc, d, depth + 1, true);
    }
    const f = valueOfExpr(sc, fn, depth + 1);
    if (!f) return undefined;
    if (f.kind === 'factory') return { kind: 'client', provider: f.provider };
    if (f.kind === 'ref' && !f.call && !f.wrap) return { ...f, call: true };
    if (f.kind === 'ref' && f.wrap && !f.call) return { kind: 'ref', spec: f.spec, name: f.name, call: false };
    return undefined;
  }
  if (FUNCTION_TYPES.has(n.type)) return functionValue(sc, n, depth + 1);
  return undefined;
}

const isTextual = (v: LocalValue): boolean => v.kind === 'constant' || v.kind === 'concat' || (v.kind === 'ref' && !v.call && !v.wrap);

/** A template or f-string: its literal pieces and the values of its substitutions (each a constant or a name). */
function concatValue(sc: Scope, n: Node, depth: number): LocalValue | undefined {
  const { src } = sc;
  const subType = src.py ? 'interpolation' : 'template_substitution';
  const first = src.py ? n.child(0) : null;
  if (src.py && (!first || first.type !== 'string_start' || !/f/i.test(first.text) || /b/i.test(first.text))) return undefined;
  const start = src.py ? first!.endIndex : n.startIndex + 1;
  const end = src.py ? n.child(n.childCount - 1)!.startIndex : n.endIndex - 1;
  const parts: LocalValue[] = [];
  let at = start;
  const piece = (to: number): boolean => {
    const raw = src.text.slice(at, to);
    if (raw.includes('\\') || (src.py && /[{}]/.test(raw))) return false;
    if (raw) parts.push({ kind: 'constant', value: raw });
    return true;
  };
  for (const k of (src.py ? n.children : n.namedChildren) as Node[]) {
    if (k.type !== subType) continue;
    if (!piece(k.startIndex)) return undefined;
    const inner = named(k);
    if (inner.length !== 1) return undefined;
    const v = valueOfExpr(sc, inner[0]!, depth + 1);
    if (!v || !isTextual(v)) return undefined;
    parts.push(v);
    at = k.endIndex;
  }
  if (!piece(end)) return undefined;
  return parts.length > 0 ? { kind: 'concat', parts } : undefined;
}

/** An object literal's members whose values are known (a spread or a write to it: unknown). */
function objectValue(sc: Scope, n: Node, depth: number): LocalValue | undefined {
  const members = new Map<string, LocalValue>();
  for (const it of named(n)) {
    if (it.type === 'spread_element') return undefined;
    let key: string | undefined;
    let v: LocalValue | undefined;
    if (it.type === 'pair') {
      const k = field(it, 'key');
      key = k ? (k.type === 'property_identifier' ? k.text : stringLiteral(sc.src, k)?.value) : undefined;
      v = valueOfExpr(sc, field(it, 'value'), depth + 1);
    } else if (it.type === 'shorthand_property_identifier') {
      key = it.text;
      v = nameValue(sc, it.text, depth + 1);
    }
    if (key !== undefined) {
      if (v) members.set(key, v);
      else members.delete(key);
    }
  }
  return members.size > 0 ? { kind: 'object', members } : undefined;
}

/** A plain Python class (no base but `object`): its class-level constants; an instance's only without `__init__`. */
function pyClassValue(sc: Scope, cls: Node, depth: number, instance: boolean): LocalValue | undefined {
  const sup = field(cls, 'superclasses');
  if (sup && named(sup).some((b) => b.text !== 'object')) return undefined;
  const body = field(cls, 'body');
  const nm = field(cls, 'name')?.text;
  if (!body || !nm || objectWritten(sc.src.text, nm)) return undefined;
  const members = new Map<string, LocalValue>();
  const twice = new Set<string>();
  for (const st of named(body)) {
    if (instance && st.type === 'function_definition' && /^__(?:init|post_init|new|getattr|getattribute)__$/.test(field(st, 'name')?.text ?? '')) return undefined;
    if (st.type !== 'expression_statement') continue;
    const a = st.namedChild(0);
    const left = a?.type === 'assignment' ? field(a, 'left') : null;
    if (!left || left.type !== 'identifier') continue;
    if (members.has(left.text)) twice.add(left.text);
    const v = valueOfExpr(sc, field(a!, 'right'), depth + 1);
    if (v && (v.kind === 'constant' || v.kind === 'concat' || v.kind === 'object')) members.set(left.text, v);
  }
  for (const t of twice) members.delete(t);
  return members.size > 0 ? { kind: 'object', members } : undefined;
}

export function nameValue(sc: Scope, name: string, depth: number): LocalValue | undefined {
  if (sc.memo.has(name)) return sc.memo.get(name) ?? undefined;
  sc.memo.set(name, null); // cycles: unknown
  let v: LocalValue | undefined;
  const c = sc.clients.get(name);
  if (c) v = { kind: 'client', provider: c };
  else {
    const d = sc.defs.get(name);
    if (d && 'type' in d) v = valueOfExpr(sc, d, depth);
    else if (d) v = { kind: 'ref', spec: d.spec, name: d.name };
    // an object (or class) whose members the module writes: its members are not constants
    if (v?.kind === 'object' && objectWritten(sc.src.text, name)) v = undefined;
  }
  sc.memo.set(name, v ?? null);
  return v;
}

/** A function returning a client (a factory), or returning an imported one. */
function functionValue(sc: Scope, fn: Node, depth: number): LocalValue | undefined {
  const body = field(fn, 'body');
  if (!body) return undefined;
  const returned: Node[] = [];
  if (body.type !== 'statement_block' && body.type !== 'block') returned.push(body);
  else collectReturns(body, returned, 0);
  if (returned.length === 0) return undefined;
  // Modules loaded inside the body (`const { client } = require('./base')`, `from .base import
  // client`) name what the body returns: bound for this body only.
  const restore = bodyLoads(sc, body);
  try {
    for (const r of returned) {
      const v = valueOfExpr(sc, r, depth + 1);
      if (v?.kind === 'client') return { kind: 'factory', provider: v.provider };
      if (v?.kind === 'ref' && !v.wrap) return { ...v, wrap: true };
    }
    return undefined;
  } finally {
    restore?.();
  }
}

/** Binds the names a function body's own top-level imports/requires define; returns how to undo it. */
function bodyLoads(sc: Scope, body: Node): (() => void) | undefined {
  const { src } = sc;
  if (body.type !== 'statement_block' && body.type !== 'block') return undefined;
  const t = src.text.slice(body.startIndex, body.endIndex);
  if (src.py ? !/\bimport\b/.test(t) : !/\b(?:require|import)\s*\(/.test(t)) return undefined;
  const defs = new Map(sc.defs);
  const memo = new Map(sc.memo);
  let changed = false;
  for (const st of named(body)) {
    if (src.py) {
      if (st.type !== 'import_from_statement') continue;
      const imp = pyFromImports(st);
      if (!imp) continue;
      for (const [local, name] of imp.names) {
        sc.defs.set(local, { spec: imp.mod, name });
        sc.memo.delete(local);
        changed = true;
      }
    } else if (st.type === 'lexical_declaration' || st.type === 'variable_declaration') {
      for (const d of named(st)) {
        if (d.type !== 'variable_declarator') continue;
        const nm = field(d, 'name');
        const value = field(d, 'value');
        if (!nm || !value) continue;
        const names = nm.type === 'identifier' ? [nm.text] : nm.type === 'object_pattern' ? named(nm).map((p) => (p.type === 'pair_pattern' ? field(p, 'value')?.text ?? '' : p.text)) : [];
        for (const n of names) { sc.defs.delete(n); sc.memo.delete(n); }
        if (nm.type === 'identifier') cjsRequire(src, sc, nm.text, value);
        else if (nm.type === 'object_pattern') cjsDestructure(src, sc, nm, value);
        changed = true;
      }
    }
  }
  if (!changed) return undefined;
  return () => {
    sc.defs.clear();
    for (const [k, v] of defs) sc.defs.set(k, v);
    sc.memo.clear();
    for (const [k, v] of memo) sc.memo.set(k, v);
  };
}

function collectReturns(n: Node, out: Node[], depth: number): void {
  if (depth > 40) return;
  for (const c of named(n)) {
    if (c.type === 'return_statement') {
      const v = c.namedChild(0);
      if (v) out.push(v.type === 'expression_list' ? v.namedChild(0) ?? v : v);
      continue;
    }
    if (FUNCTION_TYPES.has(c.type) || c.type === 'class_declaration' || c.type === 'class_definition' || c.type === 'class') continue;
    collectReturns(c, out, depth + 1);
  }
}

/**
 * The names a Python `from M import a, b as c` binds, as [local, imported name] pairs, and M; none
 * for an import from the SDK itself (`anthropic`, `anthropic.*`).
 */
export function pyFromImports(st: Node): { mod: string; names: [local: string, name: string][] } | undefined {
  const mod = field(st, 'module_name')?.text ?? '';
  if (mod === 'anthropic' || mod.startsWith('anthropic.')) return undefined;
  const names: [string, string][] = [];
  for (let i = 0; i < st.childCount; i++) {
    if (st.fieldNameForChild(i) !== 'name') continue;
    const n = st.child(i)!;
    const name = n.type === 'aliased_import' ? field(n, 'name')?.text : n.text;
    const local = n.type === 'aliased_import' ? field(n, 'alias')?.text : n.text;
    if (name && local) names.push([local, name]);
  }
  return { mod, names };
}

export function keep(v: LocalValue | undefined): v is LocalValue {
  return v !== undefined;
}

export function specOf(src: Src, n: Node | null): string | undefined {
  return n ? stringLiteral(src, n)?.value : undefined;
}

/** The spec a value loads: `require('./m')`, `await import('./m')` (undefined: not such a load). */
function loadedSpec(src: Src, node: Node): string | undefined {
  let v = unwrap(node);
  if (v.type === 'await_expression') v = unwrap(v.namedChild(0) ?? v);
  if (v.type !== 'call_expression') return undefined;
  const fn = field(v, 'function')?.text;
  if (fn !== 'require' && fn !== 'import') return undefined;
  return specOf(src, named(field(v, 'arguments') ?? v)[0] ?? null);
}

/** `const x = require('./m')` / `require('./m').name` / `(await import('./m')).name`. */
export function cjsRequire(src: Src, sc: Scope, local: string, value: Node): void {
  let v = unwrap(value);
  let name = '*';
  if (v.type === 'member_expression') {
    name = field(v, 'property')?.text ?? '*';
    v = unwrap(field(v, 'object') ?? v);
  }
  const spec = loadedSpec(src, v);
  if (spec !== undefined && !spec.startsWith('@anthropic-ai/')) sc.defs.set(local, { spec, name });
}

/** `const { a, b: c } = require('./m')` / `= await import('./m')`. */
export function cjsDestructure(src: Src, sc: Scope, pattern: Node, value: Node): void {
  const spec = loadedSpec(src, value);
  if (spec === undefined || spec.startsWith('@anthropic-ai/')) return;
  for (const p of named(pattern)) {
    if (p.type === 'shorthand_property_identifier_pattern') sc.defs.set(p.text, { spec, name: p.text });
    else if (p.type === 'pair_pattern') {
      const k = field(p, 'key')?.text;
      const val = field(p, 'value');
      if (k && val?.type === 'identifier') sc.defs.set(val.text, { spec, name: k });
    }
  }
}

/** `module.exports = x` / `module.exports = { a, b: c }` / `exports.a = …` / `module.exports.a = …`. */
