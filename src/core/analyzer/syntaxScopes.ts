/** Scopes: the single definition of a name, when there is exactly one and nothing mutates it. */
import type { Node } from './parser';
import { type Src, descend, field, named, scan } from './syntaxNodes';

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

export function escapeRe(s: string): string {
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

export function pyScopeIndex(src: Src, scope: Node): Map<string, Node[]> {
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
export function fieldValue(src: Src, member: Node): Node | undefined {
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
