/** Request bags: the parameters a call is given (object literals, dicts, keyword arguments). */
import { knownType, type Node } from './parser';
import { field, keyWrites, named, resolveIdentifier, stringLiteral, unwrap, valueOf, type Src } from './syntax';

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

export const isMember = (n: Node): boolean => n.type === 'member_expression' || n.type === 'attribute';
export const isCall = (n: Node): boolean => n.type === 'call_expression' || n.type === 'call';
