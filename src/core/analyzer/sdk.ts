/** Where the SDK is used: imports, client constructors, and the request call sites. */
import { knownType, type Node } from './parser';
import { descend, field, keyWrites, named, resolveIdentifier, scan, stringLiteral, unwrap, valueOf, type Src } from './syntax';
import type { ProjectBindings } from './imported';

export type Provider = 'anthropic' | 'bedrock' | 'vertex' | 'foundry' | 'other' | 'unknown';

const CLIENT_CLASSES: Record<string, Provider> = {
  Anthropic: 'anthropic', AsyncAnthropic: 'anthropic',
  AnthropicBedrock: 'bedrock', AsyncAnthropicBedrock: 'bedrock',
  AnthropicVertex: 'vertex', AsyncAnthropicVertex: 'vertex',
  AnthropicFoundry: 'foundry', AsyncAnthropicFoundry: 'foundry',
};
const PY_CLIENT_ALIASES: Record<string, Provider> = { Client: 'anthropic', AsyncClient: 'anthropic' };

const TS_MODULES: Record<string, Provider> = {
  '@anthropic-ai/sdk': 'anthropic',
  '@anthropic-ai/bedrock-sdk': 'bedrock',
  '@anthropic-ai/vertex-sdk': 'vertex',
  '@anthropic-ai/foundry-sdk': 'foundry',
};

export interface SdkImports {
  /** Local identifier → client class it names. */
  classes: Map<string, Provider>;
  /** Local names of the module: TS default/namespace import or require, Python `import anthropic [as x]`. */
  namespaces: Map<string, Provider>;
  /** Local identifier → the SDK error class it names (APIError, RateLimitError, …). */
  errors: Map<string, string>;
  /** Python `from anthropic import …` statements. */
  pyFrom: Node[];
  /** TS: the local name of the default export (`import Anthropic from …`), usable as `X.APIError`. */
  tsDefault?: string;
  /** Another LLM SDK is imported (OpenAI has `completions.create` and `beta.threads.messages.create`). */
  otherSdk: boolean;
  tenacity: Map<string, string>;
  tenacityNs?: string;
  backoffNs?: string;
  hasImportOs: boolean;
  hasImportRandom: boolean;
  /** Where a new import line goes (Python). */
  importInsertAt: number;
  /** Clients, constants and opaque names imported from other project modules (see imported.ts). */
  project?: ProjectBindings;
  /** The file has no SDK import of its own: a call on a receiver the index does not know stays humble. */
  onlyViaProject?: boolean;
  /** Names bound to a client's method: `const create = client.messages.create.bind(client.messages)`. */
  callAliases?: Map<string, CallAlias>;
  tsImportInsertAt: number;
}

function importStatementAt(src: Src, index: number, length: number): Node | undefined {
  let n: Node | null = descend(src, index, index + length);
  // (up to 8: `const { default: A } = await import('…')` puts the declaration 7 nodes above the name)
  for (let i = 0; n && i < 8; i++, n = n.parent) {
    if (n.type === 'import_statement' || n.type === 'import_from_statement' || n.type === 'lexical_declaration' || n.type === 'variable_declaration') return n;
  }
  return undefined;
}

/** Imports, searched in the given top-level ranges first (module-level imports), else the whole text. */
export function collectImports(src: Src, ranges?: readonly { start: number; end: number }[]): SdkImports {
  if (ranges) {
    const first = collectImportsIn(src, ranges);
    // (error classes alone at the top: the client class may still come from an import or a
    // require inside a function, so the rest of the text is searched too)
    if (first.classes.size + first.namespaces.size > 0 || first.otherSdk) return first;
  }
  return collectImportsIn(src, [{ start: 0, end: src.text.length }]);
}

function collectImportsIn(src: Src, ranges: readonly { start: number; end: number }[]): SdkImports {
  const out: SdkImports = {
    classes: new Map(), namespaces: new Map(), errors: new Map(), pyFrom: [], otherSdk: false,
    tenacity: new Map(), hasImportOs: false, hasImportRandom: false, importInsertAt: 0, tsImportInsertAt: 0,
  };
  const text = src.text;
  const seen = new Set<number>();
  const re = src.py ? /\b(anthropic|openai|tenacity|backoff|os|random)\b/g : /@anthropic-ai\/[\w-]+|\bopenai\b/g;
  for (const r of ranges) {
    for (const m of scan(re, text, r.start, r.end)) {
      const st = importStatementAt(src, m.index, m[0].length);
      if (!st || seen.has(st.id)) continue;
      seen.add(st.id);
      if (src.py) pyImport(src, st, out);
      else tsImport(src, st, out);
    }
  }
  if (src.py) out.importInsertAt = pyImportInsertAt(src);
  else out.tsImportInsertAt = tsImportInsertAt(src);
  return out;
}

function moduleProvider(spec: string): Provider | undefined {
  if (TS_MODULES[spec]) return TS_MODULES[spec];
  if (spec.startsWith('@anthropic-ai/sdk/')) return 'anthropic';
  return undefined;
}

function addNamed(out: SdkImports, imported: string, local: string, provider: Provider): void {
  if (CLIENT_CLASSES[imported]) out.classes.set(local, CLIENT_CLASSES[imported]!);
  else if (imported === 'default') {
    out.classes.set(local, provider);
    out.namespaces.set(local, provider);
  } else if (/Error$/.test(imported)) out.errors.set(local, imported);
}

function tsImport(src: Src, st: Node, out: SdkImports): void {
  if (st.type === 'import_statement') {
    const source = field(st, 'source');
    const spec = source ? stringLiteral(src, source)?.value ?? '' : '';
    if (/^openai(\/|$)/.test(spec)) { out.otherSdk = true; return; }
    const provider = moduleProvider(spec);
    if (!provider) return;
    const clause = named(st).find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const c of named(clause)) {
      if (c.type === 'identifier') {
        // default import: the client class, also a namespace for `X.APIError`
        out.classes.set(c.text, provider);
        out.namespaces.set(c.text, provider);
        if (provider === 'anthropic') out.tsDefault ??= c.text;
      } else if (c.type === 'namespace_import') {
        const id = named(c).find((x) => x.type === 'identifier');
        if (id) out.namespaces.set(id.text, provider);
      } else if (c.type === 'named_imports') {
        for (const spec2 of named(c)) {
          if (spec2.type !== 'import_specifier') continue;
          const name = field(spec2, 'name')?.text ?? '';
          const alias = field(spec2, 'alias')?.text ?? name;
          addNamed(out, name, alias, provider);
        }
      }
    }
    return;
  }
  // const X = require('@anthropic-ai/sdk') / const { Anthropic } = require(...) / require(...).default,
  // also inside a function body, and `await import(…)` (a lazily loaded SDK)
  for (const d of named(st)) {
    if (d.type !== 'variable_declarator') continue;
    const value = field(d, 'value');
    const nameNode = field(d, 'name');
    if (!value || !nameNode) continue;
    let v = unwrap(value);
    if (v.type === 'member_expression' && field(v, 'property')?.text === 'default') v = unwrap(field(v, 'object')!);
    if (v.type === 'await_expression') v = unwrap(v.namedChild(0) ?? v);
    if (v.type === 'member_expression' && field(v, 'property')?.text === 'default') v = unwrap(field(v, 'object')!);
    const callee = v.type === 'call_expression' ? field(v, 'function')?.text : undefined;
    if (callee !== 'require' && callee !== 'import') continue;
    const arg = named(field(v, 'arguments')!)[0];
    const spec = arg ? stringLiteral(src, arg)?.value ?? '' : '';
    if (/^openai(\/|$)/.test(spec)) { out.otherSdk = true; continue; }
    const provider = moduleProvider(spec);
    if (!provider) continue;
    if (nameNode.type === 'identifier') {
      out.namespaces.set(nameNode.text, provider);
      out.classes.set(nameNode.text, provider);
      if (provider === 'anthropic') out.tsDefault ??= nameNode.text;
    } else if (nameNode.type === 'object_pattern') {
      for (const p of named(nameNode)) {
        if (p.type === 'shorthand_property_identifier_pattern') addNamed(out, p.text, p.text, provider);
        else if (p.type === 'pair_pattern') {
          const k = field(p, 'key')?.text ?? '';
          const val = field(p, 'value');
          if (val?.type === 'identifier') addNamed(out, k, val.text, provider);
        }
      }
    }
  }
}

function pyImport(src: Src, st: Node, out: SdkImports): void {
  if (st.type === 'import_statement') {
    for (const n of named(st)) {
      const dotted = n.type === 'aliased_import' ? field(n, 'name')?.text : n.text;
      const local = n.type === 'aliased_import' ? field(n, 'alias')?.text : n.text;
      if (!dotted || !local) continue;
      if (dotted === 'anthropic') out.namespaces.set(local, 'anthropic');
      else if (dotted === 'openai' || dotted.startsWith('openai.')) out.otherSdk = true;
      else if (dotted === 'tenacity') out.tenacityNs = local;
      else if (dotted === 'backoff') out.backoffNs = local;
      else if (dotted === 'os' && local === 'os') out.hasImportOs = true;
      else if (dotted === 'random' && local === 'random') out.hasImportRandom = true;
    }
    return;
  }
  if (st.type !== 'import_from_statement') return;
  const mod = field(st, 'module_name')?.text ?? '';
  const names: [string, string][] = [];
  for (let i = 0; i < st.childCount; i++) {
    if (st.fieldNameForChild(i) !== 'name') continue;
    const n = st.child(i)!;
    if (n.type === 'aliased_import') names.push([field(n, 'name')?.text ?? '', field(n, 'alias')?.text ?? '']);
    else names.push([n.text, n.text]);
  }
  if (mod === 'anthropic' || mod.startsWith('anthropic.')) {
    if (mod === 'anthropic') out.pyFrom.push(st);
    for (const [name, local] of names) {
      if (CLIENT_CLASSES[name] || PY_CLIENT_ALIASES[name]) out.classes.set(local, CLIENT_CLASSES[name] ?? PY_CLIENT_ALIASES[name]!);
      else if (/Error$/.test(name)) out.errors.set(local, name);
    }
  } else if (mod === 'openai' || mod.startsWith('openai.')) out.otherSdk = true;
  else if (mod === 'tenacity') for (const [name, local] of names) out.tenacity.set(local, name);
  else if (mod === 'os' && names.some(([n]) => n === 'environ')) out.hasImportOs = out.hasImportOs || false;
}

/** After the leading imports (and module docstring / __future__), at a line start. */
function pyImportInsertAt(src: Src): number {
  let at = 0;
  const root = src.root;
  for (let i = 0; i < root.namedChildCount; i++) {
    const c = root.namedChild(i)!;
    if (c.type === 'comment') continue;
    if (c.type === 'import_statement' || c.type === 'import_from_statement' || c.type === 'future_import_statement') {
      at = c.endIndex;
      continue;
    }
    if (i === 0 && c.type === 'expression_statement' && c.namedChild(0)?.type === 'string') {
      at = c.endIndex;
      continue;
    }
    break;
  }
  if (at === 0) return 0;
  const nl = src.text.indexOf('\n', at);
  return nl === -1 ? src.text.length : nl + 1;
}

function tsImportInsertAt(src: Src): number {
  let at = 0;
  const root = src.root;
  for (let i = 0; i < root.namedChildCount; i++) {
    const c = root.namedChild(i)!;
    if (c.type === 'comment' || c.type === 'hash_bang_line') continue;
    if (c.type === 'import_statement') { at = c.endIndex; continue; }
    break;
  }
  if (at === 0) return 0;
  const nl = src.text.indexOf('\n', at);
  return nl === -1 ? src.text.length : nl + 1;
}

// -------------------------------------------------------------------------------------------------
// Parameter bags: object literals, dicts, keyword arguments — with spreads resolved when local
// -------------------------------------------------------------------------------------------------

export interface Entry {
  key: string;
  valueNode: Node;
  /** The whole item (pair / keyword_argument / shorthand property) for removal. */
  item: Node;
  container: Node;
}

export interface Bag {
  /** Where new keys go. */
  container: Node;
  entries: Map<string, Entry>;
  /** A spread/`**kwargs`/computed key we could not see through: absent keys may be present. */
  unknownSpread: boolean;
  style: 'object' | 'dict' | 'kwargs';
}

const IDENT_KEY = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const PY_IDENT = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;

/**
 * A key read from the source at `at`, without asking the tree for types or ends (wasm calls, on
 * the hottest path of a cold analysis): a plain identifier, or a simple quoted string (not in
 * Python keyword arguments), followed on the same line by `sep` — `:` for an object or dict pair,
 * `=` (not `==`) for a Python keyword argument. Anything else (escapes, string prefixes, numbers,
 * computed keys, shorthand properties, methods, spreads, comments before the separator) answers
 * null: ask the tree.
 */
export function keyFromSource(text: string, at: number, py: boolean, sep: ':' | '=' = ':'): string | null {
  const ch = text.charCodeAt(at);
  let end: number;
  let key: string;
  if ((ch === 34 || ch === 39) && sep === ':') {
    const close = text.indexOf(text[at]!, at + 1);
    if (close < 0) return null;
    key = text.slice(at + 1, close);
    if (key.includes('\\') || key.includes('\n')) return null;
    end = close + 1;
  } else {
    const re = py ? PY_IDENT : IDENT_KEY;
    re.lastIndex = at;
    if (!re.test(text)) return null;
    end = re.lastIndex;
    key = text.slice(at, end);
  }
  const want = sep.charCodeAt(0);
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === want) return sep === '=' && text.charCodeAt(end + 1) === 61 ? null : key;
    if (c !== 32 && c !== 9) return null;
    end++;
  }
  return null;
}

/**
 * A pair whose key was read from the source: the value node is fetched from the tree only when a
 * rule asks for it (most keys are only tested for presence). Only used for a container without a
 * syntax error inside, where every pair has a value.
 */
class LazyEntry implements Entry {
  private value: Node | undefined;
  constructor(readonly key: string, readonly item: Node, readonly container: Node, private readonly valueField: string, itemType: string) {
    knownType(item, itemType);
  }
  get valueNode(): Node {
    return this.value ??= field(this.item, this.valueField) ?? this.item;
  }
}

function bagKey(src: Src, keyNode: Node | null): string | undefined {
  if (!keyNode) return undefined;
  const fast = keyFromSource(src.text, keyNode.startIndex, src.py, ':');
  if (fast !== null) return fast;
  if (keyNode.type === 'property_identifier' || keyNode.type === 'identifier') return keyNode.text;
  const s = stringLiteral(src, keyNode);
  if (s) return s.value;
  if (keyNode.type === 'number' || keyNode.type === 'integer') return keyNode.text;
  return undefined;
}

/**
 * A bag named by a variable: its object literal, and the keys written to it afterwards
 * (`params.max_tokens = …`, `params["max_tokens"] = …`); any other write makes it unknowable.
 */
function bagOfName(src: Src, id: Node, depth: number): Bag | undefined {
  const v = valueOf(src, id);
  if (v.kind === 'object') return bagOf(src, v.node, depth + 1);
  if (v.kind !== 'unknown' || depth > 3) return undefined;
  const where: { def?: Node; scope?: Node } = {};
  const value = resolveIdentifier(src, id, true, where);
  if (!value || !where.def || !where.scope) return undefined;
  const base = valueOf(src, value);
  if (base.kind !== 'object') return undefined;
  const bag = bagOf(src, base.node, depth + 1);
  if (!bag) return undefined;
  const writes = keyWrites(src, id.text, where.def.endIndex, where.scope.endIndex, where.def);
  if (!writes) return { ...bag, entries: new Map(bag.entries), unknownSpread: true };
  const out: Bag = { ...bag, entries: new Map(bag.entries) };
  // An added key's item is its statement (removing it removes the statement).
  for (const w of writes) out.entries.set(w.key, { key: w.key, valueNode: w.value, item: w.stmt, container: w.stmt.parent ?? w.stmt });
  return out;
}

/** The bag a method of the same class returns (`this.params(q)`, `self._request(q)`): its one return. */
function bagOfMethodCall(src: Src, call: Node, depth: number): Bag | undefined {
  const fn = field(call, 'function');
  if (!fn || !isMember(fn) || depth > 3) return undefined;
  const obj = field(fn, 'object');
  const name = field(fn, src.py ? 'attribute' : 'property')?.text;
  if (!name || obj?.text !== (src.py ? 'self' : 'this')) return undefined;
  let cls: Node | null = call.parent;
  while (cls && !['class_declaration', 'abstract_class_declaration', 'class', 'class_definition'].includes(cls.type)) cls = cls.parent;
  const body = cls ? field(cls, 'body') : null;
  if (!cls || !body) return undefined;
  if (cls.startIndex < src.unitFrom || cls.endIndex > src.unitTo) src.outside = true;
  const methods = named(body).map((m) => (m.type === 'decorated_definition' ? field(m, 'definition') ?? m : m))
    .filter((m) => (m.type === 'method_definition' || m.type === 'function_definition') && field(m, 'name')?.text === name);
  if (methods.length !== 1) return undefined;
  const returns: Node[] = [];
  const walk = (n: Node, d: number): void => {
    if (d > 30) return;
    for (const c of named(n)) {
      if (c.type === 'return_statement') {
        const v = c.namedChild(0);
        returns.push(v ?? c);
      } else if (!['arrow_function', 'function_expression', 'function', 'function_definition', 'lambda', 'class', 'class_declaration', 'class_definition'].includes(c.type)) walk(c, d + 1);
    }
  };
  const mbody = field(methods[0]!, 'body');
  if (mbody) walk(mbody, 0);
  return returns.length === 1 && returns[0]!.type !== 'return_statement' ? bagOf(src, returns[0]!, depth + 1) : undefined;
}

function mergeSpread(src: Src, bag: Bag, expr: Node, depth: number): void {
  const u = unwrap(expr);
  if (isCall(u)) {
    const inner = bagOfMethodCall(src, u, depth);
    if (inner) {
      for (const [k, e] of inner.entries) bag.entries.set(k, e);
      if (inner.unknownSpread) bag.unknownSpread = true;
      return;
    }
  }
  if (u.type === 'identifier') {
    const inner = bagOfName(src, u, depth);
    if (inner) {
      for (const [k, e] of inner.entries) bag.entries.set(k, e);
      if (inner.unknownSpread) bag.unknownSpread = true;
      return;
    }
  }
  const v = valueOf(src, expr);
  if (v.kind === 'object') {
    const inner = bagOf(src, v.node, depth + 1);
    if (!inner) { bag.unknownSpread = true; return; }
    for (const [k, e] of inner.entries) bag.entries.set(k, e);
    if (inner.unknownSpread) bag.unknownSpread = true;
  } else if (v.kind === 'null') {
    // spreading null/undefined/None adds nothing
  } else {
    bag.unknownSpread = true;
  }
}

/** A bag of named parameters from an object literal, a dict literal, dict(...), or keyword arguments. */
export function bagOf(src: Src, node: Node, depth = 0): Bag | undefined {
  if (depth > 4) return undefined;
  const n = unwrap(node);
  if (n.type === 'identifier') return bagOfName(src, n, depth);
  if (n.type === 'object' || n.type === 'dictionary') {
    const bag: Bag = { container: n, entries: new Map(), unknownSpread: false, style: n.type === 'object' ? 'object' : 'dict' };
    const lazy = !n.hasError;
    for (const it of named(n)) {
      if (lazy) {
        // `key:` at the item's start: in an object or dict literal only a pair starts so.
        const k = keyFromSource(src.text, it.startIndex, src.py, ':');
        if (k !== null) {
          bag.entries.set(k, new LazyEntry(k, it, n, 'value', 'pair'));
          continue;
        }
      }
      if (it.type === 'pair') {
        // key and value in one batched call (a pair's named children), unless a comment sits inside
        const kids = it.namedChildren as Node[];
        const two = kids.length === 2;
        const k = bagKey(src, two ? kids[0]! : field(it, 'key'));
        const val = two ? kids[1]! : field(it, 'value');
        if (k === undefined || !val) { bag.unknownSpread = true; continue; }
        bag.entries.set(k, { key: k, valueNode: val, item: it, container: n });
      } else if (it.type === 'shorthand_property_identifier') {
        bag.entries.set(it.text, { key: it.text, valueNode: it, item: it, container: n });
      } else if (it.type === 'method_definition') {
        const k = bagKey(src, field(it, 'name'));
        if (k) bag.entries.set(k, { key: k, valueNode: it, item: it, container: n });
      } else if (it.type === 'spread_element' || it.type === 'dictionary_splat') {
        const e = it.namedChild(0);
        if (e) mergeSpread(src, bag, e, depth);
        else bag.unknownSpread = true;
      } else {
        bag.unknownSpread = true;
      }
    }
    return bag;
  }
  if (n.type === 'call' && src.py && field(n, 'function')?.text === 'dict') {
    const args = field(n, 'arguments');
    if (!args || args.type !== 'argument_list') return undefined;
    const bag = kwargsBag(src, args, depth);
    if (named(args).some((a) => a.type !== 'keyword_argument' && a.type !== 'dictionary_splat')) bag.unknownSpread = true;
    return bag;
  }
  if (isCall(n)) return bagOfMethodCall(src, n, depth);
  return undefined;
}

/** Python call keyword arguments (positional arguments are ignored: the SDK methods take none). */
export function kwargsBag(src: Src, args: Node, depth = 0): Bag {
  const bag: Bag = { container: args, entries: new Map(), unknownSpread: false, style: 'kwargs' };
  const lazy = !args.hasError;
  for (const a of named(args)) {
    if (lazy) {
      // `name=` (not `==`) at the argument's start: only a keyword argument starts so.
      const k = keyFromSource(src.text, a.startIndex, true, '=');
      if (k !== null) {
        bag.entries.set(k, new LazyEntry(k, a, args, 'value', 'keyword_argument'));
        continue;
      }
    }
    if (a.type === 'keyword_argument') {
      const kids = a.namedChildren as Node[];
      const two = kids.length === 2;
      const k = (two ? kids[0] : field(a, 'name'))?.text;
      const val = two ? kids[1]! : field(a, 'value');
      if (k && val) bag.entries.set(k, { key: k, valueNode: val, item: a, container: args });
    } else if (a.type === 'dictionary_splat') {
      const e = a.namedChild(0);
      if (e) mergeSpread(src, bag, e, depth);
      else bag.unknownSpread = true;
    } else if (a.type === 'list_splat') {
      bag.unknownSpread = true;
    }
  }
  return bag;
}

// -------------------------------------------------------------------------------------------------
// Client constructors and call sites
// -------------------------------------------------------------------------------------------------

export interface ClientCtor {
  node: Node;
  provider: Provider;
  /** Constructor options (TS first argument / Python keyword arguments); undefined when not knowable. */
  options?: Bag;
  /** TS: the arguments node; Python: the argument list. */
  args: Node;
  /** The expression the client is stored in: `client`, `this.client`, `self.client`. */
  binding?: string;
}

export function ctorBinding(src: Src, ctor: Node): string | undefined {
  let p = ctor.parent;
  while (p && (p.type === 'await_expression' || p.type === 'await' || p.type === 'parenthesized_expression' || p.type === 'as_expression')) p = p.parent;
  if (!p) return undefined;
  if (p.type === 'variable_declarator' && field(p, 'name')?.type === 'identifier') return field(p, 'name')!.text;
  if (p.type === 'assignment_expression' || p.type === 'assignment') return field(p, 'left')?.text.replace(/\s+/g, '');
  if (p.type === 'public_field_definition' || p.type === 'field_definition') {
    const nm = field(p, 'name') ?? field(p, 'property');
    return nm ? `this.${nm.text}` : undefined;
  }
  return undefined;
}

function ctorOf(src: Src, imports: SdkImports, call: Node): ClientCtor | undefined {
  const isNew = call.type === 'new_expression';
  if (!isNew && call.type !== 'call' && call.type !== 'call_expression') return undefined;
  const fn = field(call, isNew ? 'constructor' : 'function');
  if (!fn) return undefined;
  let provider: Provider | undefined;
  if (fn.type === 'identifier') provider = imports.classes.get(fn.text);
  else if (fn.type === 'member_expression' || fn.type === 'attribute') {
    const obj = field(fn, 'object');
    const prop = field(fn, src.py ? 'attribute' : 'property')?.text ?? '';
    const ns = obj?.type === 'identifier' ? imports.namespaces.get(obj.text) : undefined;
    if (ns) {
      provider = CLIENT_CLASSES[prop] ?? (src.py ? PY_CLIENT_ALIASES[prop] : undefined);
      if (!provider && !src.py && prop === 'default') provider = ns;
    }
  }
  if (!provider) return undefined;
  // TS: `new X()` (or a call of X without new in JS is a TypeError, still mark it); Python: a call.
  const args = field(call, 'arguments');
  if (!args) return undefined;
  let options: Bag | undefined;
  if (src.py) options = kwargsBag(src, args);
  else {
    const first = named(args)[0];
    options = first ? bagOf(src, first) : { container: args, entries: new Map(), unknownSpread: false, style: 'object' };
  }
  return { node: call, provider, options, args, binding: ctorBinding(src, call) };
}

/**
 * Where a client class name (imported class or namespace) stands alone in `text`: a name not
 * preceded by [\w$.] nor followed by [\w$]. Each position depends only on the text from one
 * character before it to one character after the name, so positions can be kept across edits.
 */
export interface NameHits { names: string; maxLen: number; at: number[]; len: number[] }

function ctorNames(imports: SdkImports): string[] {
  return [...new Set<string>([...imports.classes.keys(), ...imports.namespaces.keys()])];
}

function scanNames(text: string, names: string[], from: number, to: number, at: number[], len: number[]): void {
  // (?<![\w$.]) is checked by hand: a leading lookbehind keeps the regex engine off its fast literal scan.
  const re = new RegExp(`(?:${names.map((n) => n.replace(/[$]/g, '\\$')).join('|')})(?![\\w$])`, 'g');
  const part = from === 0 && to >= text.length ? text : text.slice(from, to);
  for (let m = re.exec(part); m; m = re.exec(part)) {
    const i = from + m.index;
    const end = i + m[0].length;
    if ((i > 0 && /[\w$.]/.test(text[i - 1]!)) || (end < text.length && /[\w$]/.test(text[end]!))) {
      re.lastIndex = m.index + 1;
      continue;
    }
    at.push(i);
    len.push(m[0].length);
  }
}

/** The name positions of `text`, from those of the text before an edit when given (see NameHits). */
export function ctorNameHits(
  text: string, imports: SdkImports, prev?: NameHits, dirty?: { start: number; end: number; delta: number },
): NameHits | undefined {
  const names = ctorNames(imports);
  if (names.length === 0) return undefined;
  const key = names.join('\u0001');
  const maxLen = Math.max(...names.map((n) => n.length));
  const at: number[] = [];
  const len: number[] = [];
  if (!prev || !dirty || prev.names !== key) {
    scanNames(text, names, 0, text.length, at, len);
    return { names: key, maxLen, at, len };
  }
  const w0 = Math.max(0, dirty.start - maxLen);
  const w1 = Math.min(text.length, dirty.end + 1);
  let k = 0;
  // Kept before: the name and the character after it end before the edit.
  for (; k < prev.at.length && prev.at[k]! < w0; k++) {
    at.push(prev.at[k]!);
    len.push(prev.len[k]!);
  }
  // Read again: every position whose name or neighbours touch the edited range.
  scanNames(text, names, w0, Math.min(text.length, w1 + maxLen + 1), at, len);
  while (at.length > 0 && at[at.length - 1]! >= w1) {
    at.pop();
    len.pop();
  }
  // Kept after, moved: the character before the name is after the edit.
  const oldFrom = w1 - dirty.delta;
  while (k < prev.at.length && prev.at[k]! < oldFrom) k++;
  for (; k < prev.at.length; k++) {
    at.push(prev.at[k]! + dirty.delta);
    len.push(prev.len[k]!);
  }
  return { names: key, maxLen, at, len };
}

export function collectCtors(src: Src, imports: SdkImports, hits?: NameHits): ClientCtor[] {
  const found = hits ?? ctorNameHits(src.text, imports);
  if (!found) return [];
  const out: ClientCtor[] = [];
  const seen = new Set<number>();
  const text = src.text;
  for (let h = 0; h < found.at.length; h++) {
    const at = found.at[h]!;
    const end = at + found.len[h]!;
    let n: Node | null = descend(src, at, end);
    if (!n || n.text !== text.slice(at, end)) continue;
    // climb `ns.Anthropic` to the member node
    if (n.parent && (n.parent.type === 'member_expression' || n.parent.type === 'attribute') && field(n.parent, 'object')?.id === n.id) n = n.parent;
    const call = n.parent;
    if (!call || seen.has(call.id)) continue;
    const fnField = call.type === 'new_expression' ? 'constructor' : 'function';
    if (field(call, fnField)?.id !== n.id) continue;
    const c = ctorOf(src, imports, call);
    if (c) {
      seen.add(call.id);
      out.push(c);
    }
  }
  return out;
}

export type CallKind = 'create' | 'stream' | 'countTokens' | 'completions' | 'batches';

export interface CallSite {
  kind: CallKind;
  beta: boolean;
  call: Node;
  /** The method name (`create`, `stream`, …). */
  method: Span;
  /** The `messages` / `completions` name. */
  resource: Span;
  args: Node;
  /** The request parameters, when they are statically known. */
  params?: Bag;
  /** TS second argument (request options) / Python per-call keyword arguments like timeout. */
  requestOptions?: Bag;
  ctor?: ClientCtor;
  /** Options from `.withOptions(...)` / `.with_options(...)` on the receiver. */
  withOptions?: Bag;
  provider: Provider;
  /** The client was created in another module (its file). */
  via?: string;
  /** The receiver is a name the analysis could not resolve to a client: findings here are at most warnings. */
  humble?: boolean;
  /** Called through a name bound to the method (`create(…)`): `method`/`resource` are that name, which no fix may edit. */
  alias?: boolean;
  /**
   * The method is passed by reference (`retry(client.messages.create, params)`): `call` is the
   * call it is passed to, which makes the request when and where that function decides (a thread:
   * `asyncio.to_thread`, `run_in_executor`), so nothing may be said about how the call is made.
   */
  byRef?: boolean;
}

export interface CallAlias { method: 'create' | 'stream'; recText: string; beta: boolean }

const ALIAS_TS = /\b(?:const|let|var)\s+([\p{ID_Start}$_][\p{ID_Continue}$]*)\s*=\s*([\w$.]+?)\s*\.\s*messages\s*\.\s*(create|stream)\b/gu;
const ALIAS_PY = /^[ \t]*([\p{ID_Start}_][\p{ID_Continue}]*)[ \t]*=[ \t]*([\w.]+?)\.messages\.(create|stream)\b/gmu;

const ALIAS_END = /\s*\.\s*(?:create|stream)\b/uy;
/** Characters a match of ALIAS_TS can hold (surrogates: either half of an astral identifier character). */
const ALIAS_CHAR = /[\s\p{ID_Continue}]/u;
function aliasChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46 || c === 61 || c === 32 || (c >= 9 && c <= 13);
  return (c >= 0xd800 && c <= 0xdfff) || ALIAS_CHAR.test(String.fromCharCode(c));
}

/**
 * The matches of ALIAS_TS / ALIAS_PY in `text`, as a scan of the whole text finds them, searching
 * only around each `messages .create` / `.stream`: every match ends in one, and consists of
 * characters `aliasChar` accepts (Python: of one line), so it lies in the run of such characters
 * (the line) around it.
 * The regex runs on that run alone, which starts and ends where a whole-text scan's matches
 * cannot continue (a whole-text regex over a long file costs more than the rest of an edit).
 */
export function aliasMatches(text: string, py: boolean): RegExpExecArray[] {
  const re = py ? ALIAS_PY : ALIAS_TS;
  const out: RegExpExecArray[] = [];
  let done = 0;
  for (let h = text.indexOf('messages'); h >= 0; h = text.indexOf('messages', Math.max(h + 1, done))) {
    // (a match ends in `messages .create` / `.stream`: a run without one has none)
    ALIAS_END.lastIndex = h + 8;
    if (h < done || !ALIAS_END.test(text)) continue;
    let a = h;
    let b = h + 8;
    if (py) {
      a = text.lastIndexOf('\n', h) + 1;
      b = text.indexOf('\n', h);
      if (b < 0) b = text.length;
    } else {
      while (a > 0 && aliasChar(text.charCodeAt(a - 1))) a--;
      while (b < text.length && aliasChar(text.charCodeAt(b))) b++;
    }
    done = b;
    for (const m of scan(re, text, a, b)) out.push(m);
  }
  return out;
}

/**
 * aliasMatches of `text`, from the previous text's (`prev`) and the edit between them (new
 * offsets; `delta`: how far later offsets moved): only the runs around the edit are searched
 * again — every other run is unchanged, so are its matches (moved).
 */
export function aliasMatchesAfterEdit(text: string, py: boolean, prev: readonly RegExpExecArray[] | undefined, dirty: { start: number; end: number; delta: number } | undefined): RegExpExecArray[] {
  if (!prev || !dirty) return aliasMatches(text, py);
  let a = Math.min(dirty.start, text.length);
  let b = Math.min(dirty.end, text.length);
  if (py) {
    a = a > 0 ? text.lastIndexOf('\n', a - 1) + 1 : 0;
    b = text.indexOf('\n', b);
    if (b < 0) b = text.length;
  } else {
    while (a > 0 && aliasChar(text.charCodeAt(a - 1))) a--;
    while (b < text.length && aliasChar(text.charCodeAt(b))) b++;
  }
  const out: RegExpExecArray[] = [];
  let i = 0;
  for (; i < prev.length && prev[i]!.index + prev[i]![0].length <= a; i++) out.push(prev[i]!);
  if (text.slice(a, b).includes('messages')) for (const m of scan(py ? ALIAS_PY : ALIAS_TS, text, a, b)) out.push(m);
  for (; i < prev.length; i++) {
    const m = prev[i]!;
    if (m.index < b - dirty.delta) continue;
    const moved = m.slice() as unknown as RegExpExecArray;
    moved.index = m.index + dirty.delta;
    out.push(moved);
  }
  return out;
}

/**
 * Names bound to `client.messages.create` (TS: also `.bind(…)`): found by a text search,
 * confirmed by the tree (the declaration's value is exactly that member, or its `.bind(…)` call).
 */
export function collectCallAliases(src: Src, matches: readonly RegExpExecArray[] = aliasMatches(src.text, src.py)): Map<string, CallAlias> {
  const out = new Map<string, CallAlias>();
  for (const m of matches) {
    const nameAt = src.text.indexOf(m[1]!, m.index);
    const id = descend(src, nameAt, nameAt + m[1]!.length);
    const holder = id?.parent;
    if (!id || !holder) continue;
    const value = holder.type === 'variable_declarator' ? field(holder, 'value') : holder.type === 'assignment' ? field(holder, 'right') : null;
    if (!value || field(holder, holder.type === 'assignment' ? 'left' : 'name')?.id !== id.id) continue;
    let v = unwrap(value);
    if (!src.py && v.type === 'call_expression') {
      const fn = field(v, 'function');
      if (!fn || fn.type !== 'member_expression' || field(fn, 'property')?.text !== 'bind') continue;
      v = unwrap(field(fn, 'object')!);
    }
    if (!isMember(v) || field(v, src.py ? 'attribute' : 'property')?.text !== m[3]) continue;
    const res = field(v, 'object');
    if (!res || !isMember(res) || field(res, src.py ? 'attribute' : 'property')?.text !== 'messages') continue;
    let rec = field(res, 'object');
    let beta = false;
    if (rec && isMember(rec) && field(rec, src.py ? 'attribute' : 'property')?.text === 'beta') {
      beta = true;
      rec = field(rec, 'object');
    }
    if (!rec) continue;
    if (out.has(m[1]!)) { out.delete(m[1]!); continue; } // bound twice: not knowable
    out.set(m[1]!, { method: m[3] as 'create' | 'stream', recText: rec.text.replace(/\s+/g, ''), beta });
  }
  return out;
}

const METHOD_KIND: Record<string, CallKind> = {
  create: 'create', stream: 'stream', countTokens: 'countTokens', count_tokens: 'countTokens', parse: 'create',
};

const isMember = (n: Node): boolean => n.type === 'member_expression' || n.type === 'attribute';
const isCall = (n: Node): boolean => n.type === 'call_expression' || n.type === 'call';

/** A stretch of source a finding or fix points at (the resource and method names of a call). */
export interface Span { startIndex: number; endIndex: number; text: string }

const IDENT_CHAR = /[\p{ID_Continue}$\u200c\u200d]/u;

/** Where the `(` after a method name ending at `end` stands, blanks allowed between; -1: none. */
function parenAfter(text: string, end: number): number {
  let p = end;
  while (p < text.length && /\s/.test(text[p]!)) p++;
  return text.charCodeAt(p) === 40 /* ( */ ? p : -1;
}

/**
 * The call whose callee ends in the method named at `mStart` (`….messages.create(`), with its
 * callee; undefined when the name there is not such a callee.
 *
 * Usually one descent finds the call itself: the smallest node spanning from the resource name to
 * the `(` after the method is the call, and a callee (member expression) ending where the method
 * name ends has that name as its property. Asking a node for its parent makes tree-sitter search
 * down from the root across every top-level statement, so climbing up from the method costs far
 * more per call site. Other shapes (`create?.(`, `create<T>(`, comments) take the climb.
 */
export function calleeAt(src: Src, resStart: number, mStart: number, methodName: string): { member: Node; call: Node } | undefined {
  const mEnd = mStart + methodName.length;
  const p = parenAfter(src.text, mEnd);
  if (p >= 0) {
    const call = descend(src, resStart, p + 1);
    if (call && isCall(call)) {
      const member = field(call, 'function');
      if (member && isMember(member) && member.endIndex === mEnd) return { member, call };
    }
  }
  return calleeByClimb(src, mStart, methodName);
}

/** calleeAt the slow way: from the method name up (the fallback, and the reference in tests). */
export function calleeByClimb(src: Src, mStart: number, methodName: string): { member: Node; call: Node } | undefined {
  const mEnd = mStart + methodName.length;
  const method = descend(src, mStart, mEnd);
  if (!method || method.text !== methodName) return undefined;
  const member = method.parent;
  if (!member || !isMember(member)) return undefined;
  const call = member.parent;
  // (the member's parent is a call only when it is the callee: an argument's parent is the argument list)
  if (!call || !isCall(call)) return undefined;
  return { member, call };
}

/** Where a call site stands, as found from the source or from the tree. */
export interface SitePlace {
  call: Node;
  args: Node;
  /** The client expression before `.messages` (`.beta` stripped), whitespace removed. */
  recText: string;
  /** Its node, when the tree was asked (needed for `new Anthropic().messages…`). */
  receiver?: Node;
  beta: boolean;
  withOptions?: Bag;
  /** The method passed by reference (`retry(client.messages.create, params)`): the request it is given. */
  byRef?: { params: Bag; requestOptions: Bag | undefined; humble: boolean };
}

const PLAIN_NAME_TS = /^[A-Za-z_$][\w$]*$/;
const PLAIN_NAME_PY = /^[A-Za-z_]\w*$/;

/**
 * The usual shape, `name.messages.create(…)`, read from the source: one descent for the call, then
 * its arguments. The text between the call's start and `.messages` must be a plain name and only
 * blanks may separate the parts, so the tree can only be `name . messages . create (args)`;
 * anything else (`.beta`, `this.client`, `withOptions(…)`, comments, batches) answers undefined
 * and the tree is asked (`siteFromTree`).
 */
export function siteFromSource(src: Src, resStart: number, mStart: number, methodName: string): SitePlace | undefined {
  const text = src.text;
  const p = parenAfter(text, mStart + methodName.length);
  if (p < 0) return undefined;
  let dot = resStart - 1;
  while (dot >= 0 && /\s/.test(text[dot]!)) dot--;
  if (text[dot] !== '.') return undefined;
  if (text[dot - 1] === '?') dot--;
  const call = descend(src, resStart, p + 1);
  if (!call || !isCall(call) || call.startIndex >= dot) return undefined;
  const recText = text.slice(call.startIndex, dot).trimEnd();
  if (!(src.py ? PLAIN_NAME_PY : PLAIN_NAME_TS).test(recText)) return undefined;
  const args = field(call, 'arguments');
  if (!args || args.startIndex !== p) return undefined;
  // A TS call's arguments starting with `(` can only be `arguments`; Python's may be a generator.
  if (!src.py) knownType(args, 'arguments');
  if (args.type !== 'arguments' && args.type !== 'argument_list') return undefined;
  return { call, args, recText, beta: false };
}

/** The call site from the tree: any receiver (`.beta`, `withOptions(…)`, `new Anthropic()`), batches. */
export function siteFromTree(src: Src, resStart: number, resName: string, mStart: number, methodName: string, isBatches: boolean): SitePlace | undefined {
  const text = src.text;
  const found = calleeAt(src, resStart, mStart, methodName);
  if (!found) return undefined;
  const { member, call } = found;
  const args = field(call, 'arguments');
  if (!args || (args.type !== 'arguments' && args.type !== 'argument_list')) return undefined;
  let resourceExpr = field(member, 'object');
  if (isBatches && resourceExpr) resourceExpr = field(resourceExpr, 'object');
  if (!resourceExpr || !isMember(resourceExpr)) return undefined;
  // A member expression ending where the resource name ends has it as its property, unless the
  // name seen by the regex is the tail of a longer one (`$messages`): then ask the tree.
  if (resourceExpr.endIndex !== resStart + resName.length) return undefined;
  if (resStart > 0 && IDENT_CHAR.test(text[resStart - 1]!) && field(resourceExpr, src.py ? 'attribute' : 'property')?.text !== resName) return undefined;
  let receiver = field(resourceExpr, 'object');
  if (!receiver) return undefined;
  let beta = false;
  if (isMember(receiver) && field(receiver, src.py ? 'attribute' : 'property')?.text === 'beta') {
    beta = true;
    receiver = field(receiver, 'object')!;
  }
  // OpenAI's assistants API: client.beta.threads.messages.create(threadId, {...})
  if (isMember(receiver) && field(receiver, src.py ? 'attribute' : 'property')?.text === 'threads') return undefined;
  let withOptions: Bag | undefined;
  receiver = unwrap(receiver);
  if (isCall(receiver)) {
    const fn = field(receiver, 'function');
    const prop = fn && isMember(fn) ? field(fn, src.py ? 'attribute' : 'property')?.text : undefined;
    if (prop === 'withOptions' || prop === 'with_options') {
      const wargs = field(receiver, 'arguments');
      if (wargs) withOptions = src.py ? kwargsBag(src, wargs) : named(wargs)[0] ? bagOf(src, named(wargs)[0]!) : undefined;
      receiver = unwrap(field(fn!, 'object')!);
    }
  }
  return { call, args, recText: receiver.text.replace(/\s+/g, ''), receiver, beta, withOptions };
}

/** Whether a bag can be a Messages request (it names the model or the messages, or may: a spread). */
const looksLikeRequest = (b: Bag | undefined): b is Bag => !!b && (b.entries.has('model') || b.entries.has('messages'));

/**
 * The method passed by reference to another function, with the request that function is given:
 * `retry(client.messages.create, params)`, `pRetry(c.messages.create.bind(c.messages), params)`,
 * Python `call_with_retry(client.messages.create, **params)` and `functools.partial(create, model=…)`.
 * `call` is the outer call. What a wrapper does with its arguments is not known, so its findings
 * are at most warnings (humble), and only a bag that names `model` or `messages` is taken as the
 * request; `partial` is exact, but its keywords are only part of the request (later calls add
 * more), so absent keys are not reported.
 */
export function siteByReference(src: Src, resStart: number, resName: string, mStart: number, methodName: string): SitePlace | undefined {
  const method = descend(src, mStart, mStart + methodName.length);
  if (!method || method.text !== methodName) return undefined;
  const member = method.parent;
  if (!member || !isMember(member) || field(member, src.py ? 'attribute' : 'property')?.id !== method.id) return undefined;
  let ref: Node = member;
  const up = member.parent;
  if (!src.py && up && up.type === 'member_expression' && field(up, 'property')?.text === 'bind' && up.parent && isCall(up.parent) && field(up.parent, 'function')?.id === up.id) ref = up.parent;
  const list = ref.parent;
  if (!list || (list.type !== 'arguments' && list.type !== 'argument_list')) return undefined;
  const outer = list.parent;
  if (!outer || !isCall(outer) || field(outer, 'arguments')?.id !== list.id) return undefined;
  const resourceExpr = field(member, 'object');
  if (!resourceExpr || !isMember(resourceExpr) || field(resourceExpr, src.py ? 'attribute' : 'property')?.text !== resName) return undefined;
  let receiver = field(resourceExpr, 'object');
  if (!receiver) return undefined;
  let beta = false;
  if (isMember(receiver) && field(receiver, src.py ? 'attribute' : 'property')?.text === 'beta') {
    beta = true;
    receiver = field(receiver, 'object')!;
  }
  if (isMember(receiver) && field(receiver, src.py ? 'attribute' : 'property')?.text === 'threads') return undefined;
  receiver = unwrap(receiver);
  const args = named(list);
  const at = args.findIndex((a) => a.id === ref.id);
  let byRef: SitePlace['byRef'];
  if (src.py) {
    const bag = kwargsBag(src, list);
    const fn = field(outer, 'function')?.text.replace(/\s+/g, '') ?? '';
    if (at === 0 && /(?:^|\.)partial$/.test(fn)) byRef = { params: { ...bag, unknownSpread: true }, requestOptions: undefined, humble: false };
    else if (looksLikeRequest(bag)) byRef = { params: bag, requestOptions: undefined, humble: true };
  } else {
    const next = args[at + 1];
    const bag = next ? bagOf(src, next) : undefined;
    if (looksLikeRequest(bag)) byRef = { params: bag, requestOptions: undefined, humble: true };
  }
  if (!byRef) return undefined;
  return { call: outer, args: list, recText: receiver.text.replace(/\s+/g, ''), receiver, beta, byRef };
}

const ctorIndexes = new WeakMap<ClientCtor[], { byBinding: Map<string, ClientCtor[]>; providers: Set<Provider> }>();

/** The file's clients by binding name, and their providers (worked out once per file, not per unit). */
function ctorIndex(ctors: ClientCtor[]): { byBinding: Map<string, ClientCtor[]>; providers: Set<Provider> } {
  let idx = ctorIndexes.get(ctors);
  if (!idx) {
    const byBinding = new Map<string, ClientCtor[]>();
    for (const c of ctors) if (c.binding) byBinding.set(c.binding, [...(byBinding.get(c.binding) ?? []), c]);
    idx = { byBinding, providers: new Set(ctors.map((c) => c.provider)) };
    ctorIndexes.set(ctors, idx);
  }
  return idx;
}

export function collectCalls(src: Src, imports: SdkImports, ctors: ClientCtor[], from = 0, to = src.text.length): CallSite[] {
  const out: CallSite[] = [];
  const text = src.text;
  const re = /\b(messages|completions)(\s*(?:\?\.|\.)\s*)(create|stream|countTokens|count_tokens|parse|batches\s*(?:\?\.|\.)\s*create)\b/g;
  const { byBinding, providers } = ctorIndex(ctors);
  for (const m of scan(re, text, from, to)) {
    const methodStart = m.index + m[1]!.length + m[2]!.length;
    const methodText = m[3]!;
    const isBatches = methodText.startsWith('batches');
    const methodName = isBatches ? 'create' : methodText;
    const mStart = isBatches ? methodStart + methodText.lastIndexOf('create') : methodStart;
    // (the regex puts only `.`, `?.` and blanks before the method name, so it starts a name)
    const place = (isBatches ? undefined : siteFromSource(src, m.index, mStart, methodName))
      ?? siteFromTree(src, m.index, m[1]!, mStart, methodName, isBatches)
      ?? (isBatches || m[1] === 'completions' ? undefined : siteByReference(src, m.index, m[1]!, mStart, methodName));
    if (!place) continue;
    const { call, args, receiver, recText, beta, withOptions, byRef } = place;
    const method: Span = { startIndex: mStart, endIndex: mStart + methodName.length, text: methodName };
    const resource: Span = { startIndex: m.index, endIndex: m.index + m[1]!.length, text: m[1]! };
    let ctor: ClientCtor | undefined;
    if (receiver && (receiver.type === 'new_expression' || isCall(receiver))) ctor = ctorOf(src, imports, receiver);
    if (!ctor) {
      const cands = byBinding.get(recText);
      if (cands && cands.length > 0) ctor = cands[0];
    }
    let provider: Provider;
    let via: string | undefined;
    let humble = false;
    const proj = !ctor ? imports.project?.clients.get(recText) : undefined;
    if (ctor) provider = ctor.provider;
    else if (proj) {
      provider = proj.provider;
      via = proj.from;
    } else if (providers.size === 1 && !imports.onlyViaProject) provider = [...providers][0]!;
    else provider = 'unknown';
    if (!ctor && !proj && !byBinding.has(recText)) {
      const root = /^[\p{ID_Start}$_][\p{ID_Continue}$]*/u.exec(recText)?.[0];
      if (imports.onlyViaProject || (root !== undefined && imports.project?.opaque.has(root))) humble = true;
    }
    if (byRef?.humble) humble = true;
    const kind: CallKind = isBatches ? 'batches' : m[1] === 'completions' ? 'completions' : METHOD_KIND[methodName]!;
    if (m[1] === 'completions' && methodName !== 'create') continue;
    if (!ctor && !proj && imports.otherSdk && (kind === 'completions' || providers.size === 0)) continue;
    const { params, requestOptions } = byRef ?? callBags(src, args);
    out.push({ kind, beta, call, method, resource, args, params, requestOptions, ctor, withOptions, provider, via, humble, ...(byRef ? { alias: true, byRef: true } : {}) });
  }
  if (imports.callAliases && imports.callAliases.size > 0) collectAliasCalls(src, imports, ctors, from, to, out);
  return out;
}

/** A call's request parameters and request options (Python: one kwargs bag is both). */
function callBags(src: Src, args: Node): { params: Bag | undefined; requestOptions: Bag | undefined } {
  if (src.py) {
    const params = kwargsBag(src, args);
    return { params, requestOptions: params };
  }
  const list = named(args);
  return { params: list[0] ? bagOf(src, list[0]) : undefined, requestOptions: list[1] ? bagOf(src, list[1]) : undefined };
}

/** Calls through a name bound to the method: `create({...})` after `const create = client.messages.create.bind(…)`. */
function collectAliasCalls(src: Src, imports: SdkImports, ctors: ClientCtor[], from: number, to: number, out: CallSite[]): void {
  const aliases = imports.callAliases!;
  const { byBinding, providers } = ctorIndex(ctors);
  const re = new RegExp(`(?<![\\w$.])(${[...aliases.keys()].map((k) => k.replace(/[$]/g, '\\$')).join('|')})\\s*\\(`, 'g');
  for (const m of scan(re, src.text, from, to)) {
    const a = aliases.get(m[1]!)!;
    const id = descend(src, m.index, m.index + m[1]!.length);
    const call = id?.parent;
    if (!id || !call || !isCall(call) || field(call, 'function')?.id !== id.id) continue;
    const args = field(call, 'arguments');
    if (!args || (args.type !== 'arguments' && args.type !== 'argument_list')) continue;
    const ctor = byBinding.get(a.recText)?.[0];
    const proj = !ctor ? imports.project?.clients.get(a.recText) : undefined;
    const provider: Provider = ctor ? ctor.provider : proj ? proj.provider : providers.size === 1 && !imports.onlyViaProject ? [...providers][0]! : 'unknown';
    const humble = !ctor && !proj && (imports.onlyViaProject === true || providers.size !== 1);
    const span: Span = { startIndex: id.startIndex, endIndex: id.endIndex, text: id.text };
    const { params, requestOptions } = callBags(src, args);
    out.push({
      kind: a.method, beta: a.beta, call, method: span, resource: span, args, params, requestOptions, ctor, provider,
      via: proj?.from, humble, alias: true,
    });
  }
}
