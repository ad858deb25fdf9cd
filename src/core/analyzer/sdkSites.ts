/** Where a call's method stands: from the source, from the tree, or passed by reference. */
import { knownType, type Node } from './parser';
import { descend, field, named, unwrap, type Src } from './syntax';
import { type Bag, bagOf, isCall, isMember, kwargsBag } from './sdkBags';
import type { CallKind } from './sdkCalls';

export const METHOD_KIND: Record<string, CallKind> = {
  create: 'create', stream: 'stream', countTokens: 'countTokens', count_tokens: 'countTokens', parse: 'create',
};
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
  const peeled = clientOf(src, resourceExpr);
  if (!peeled) return undefined;
  const { beta } = peeled;
  let receiver = peeled.receiver;
  let withOptions: Bag | undefined;
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
  const peeled = clientOf(src, resourceExpr);
  if (!peeled) return undefined;
  const { beta } = peeled;
  const receiver = peeled.receiver;
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

/**
 * The client a resource expression (`client.messages`, `client.beta.messages`) hangs off, and
 * whether through `.beta`; none for OpenAI's assistants API (`client.beta.threads.messages`).
 */
function clientOf(src: Src, resourceExpr: Node): { receiver: Node; beta: boolean } | undefined {
  let receiver = field(resourceExpr, 'object');
  if (!receiver) return undefined;
  let beta = false;
  if (isMember(receiver) && field(receiver, src.py ? 'attribute' : 'property')?.text === 'beta') {
    beta = true;
    receiver = field(receiver, 'object')!;
  }
  if (isMember(receiver) && field(receiver, src.py ? 'attribute' : 'property')?.text === 'threads') return undefined;
  return { receiver: unwrap(receiver), beta };
}
