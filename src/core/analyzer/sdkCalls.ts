/** Request call sites: `client.messages.create(...)` and friends, directly or through an alias. */
import type { Node } from './parser';
import { descend, field, named, scan, type Src } from './syntax';
import type { Provider, SdkImports } from './sdkImports';
import { type Bag, bagOf, isCall, kwargsBag } from './sdkBags';
import { type ClientCtor, ctorOf } from './sdkCtors';
import { METHOD_KIND, type Span, siteByReference, siteFromSource, siteFromTree } from './sdkSites';

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
