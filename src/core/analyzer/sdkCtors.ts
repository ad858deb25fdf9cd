/** Client constructors: where a client class is instantiated, and the name it is bound to. */
import type { Node } from './parser';
import { descend, field, named, type Src } from './syntax';
import { CLIENT_CLASSES, PY_CLIENT_ALIASES, type Provider, type SdkImports } from './sdkImports';
import { type Bag, bagOf, kwargsBag } from './sdkBags';

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

export function ctorOf(src: Src, imports: SdkImports, call: Node): ClientCtor | undefined {
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
