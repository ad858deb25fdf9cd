/**
 * What the request rules share: the requests each call site of a unit sends (one per parameter
 * bag; a batch sends one per entry), their model and messages, read once per unit.
 */
import { lookupModel, type CurrentModel, type ModelStatus } from '../../data/api-facts';
import type { Ctx } from '../context';
import type { Node } from '../parser';
import { bagOf, type Bag, type CallSite, type Entry } from '../sdk';
import { insertBefore, insertItem, isSpreadItem, named, quoteString, quoteStyle, valueOf, type StrVal, type Val } from '../syntax';
import type { TextEdit } from '../types';

export function itemCode(ctx: Ctx, bag: Bag, key: string, value: string): string {
  if (bag.style === 'kwargs') return `${key}=${value}`;
  if (bag.style === 'dict') return `${quoteString(key, quoteStyle(ctx.src))}: ${value}`;
  return `${key}: ${value}`;
}

/** Insert a new item before `beforeKey`'s item (when it lives in the bag's container), else after `afterKey`, else first. */
export function insertInto(ctx: Ctx, bag: Bag, code: string, opts: { before?: string; after?: string }): TextEdit {
  const list = named(bag.container);
  if (opts.before) {
    const e = bag.entries.get(opts.before);
    if (e && e.container.id === bag.container.id) {
      const i = list.findIndex((x) => x.id === e.item.id);
      if (i >= 0) return insertBefore(ctx.src, bag.container, code, e.item);
    }
  }
  if (opts.after) {
    const e = bag.entries.get(opts.after);
    if (e && e.container.id === bag.container.id) return insertItem(ctx.src, bag.container, code, e.item);
  }
  const last = list[list.length - 1];
  return insertItem(ctx.src, bag.container, code, bag.style === 'kwargs' ? last : null);
}

export function edit(node: { startIndex: number; endIndex: number }, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/** For a value taken from another module: where it is defined (the fix belongs there). */
export function foreignNote(str: StrVal): string {
  if (!str.foreign) return '';
  const file = str.foreign.replace(/^.*[\\/]/, '');
  return ` (${str.node.text} comes from ${file}: change it there)`;
}

export interface ModelRef { val: Val; str?: StrVal; status?: ModelStatus; entry?: Entry }

function modelOf(ctx: Ctx, site: CallSite, bag: Bag): ModelRef | undefined {
  const e = bag.entries.get('model');
  if (!e) return undefined;
  const val = valueOf(ctx.src, e.valueNode);
  if (val.kind !== 'string') return { val, entry: e };
  if (site.provider === 'bedrock' || site.provider === 'vertex' || site.provider === 'foundry') return { val, str: val, entry: e };
  if (/[@:]|^(?:[a-z]{2,4}\.)?anthropic\./.test(val.value)) return { val, str: val, entry: e };
  return { val, str: val, status: lookupModel(val.value, ctx.options.today), entry: e };
}

/** A message of the messages array; its role is read on first use. */
export interface Msg {
  node: Node; spread: boolean; role?: string; bag?: Bag; resolved: boolean;
  /** The message's source text (read on first use). */
  text(): string;
}

export interface Msgs { array: Node; items: Msg[]; tailUnknown: boolean; resolve(m: Msg): Msg }

/** The messages array, with each message's role read lazily (only where a rule needs it). */
function messagesOf(ctx: Ctx, bag: Bag): Msgs | undefined {
  const e = bag.entries.get('messages');
  if (!e) return undefined;
  const v = valueOf(ctx.src, e.valueNode);
  if (v.kind !== 'array') return undefined;
  const items: Msg[] = v.items.map((it) => {
    const spread = isSpreadItem(ctx.src, it);
    let text: string | undefined;
    return { node: it, spread, resolved: spread, text: () => (text ??= it.text) };
  });
  const last = items[items.length - 1];
  const resolve = (m: Msg): Msg => {
    if (m.resolved) return m;
    m.resolved = true;
    m.bag = bagOf(ctx.src, m.node);
    const r = m.bag?.entries.get('role');
    const rv = r ? valueOf(ctx.src, r.valueNode) : undefined;
    m.role = rv?.kind === 'string' ? rv.value : undefined;
    return m;
  };
  return { array: v.node, items, tailUnknown: !!last?.spread, resolve };
}

/** The parameter bags a call sends: its own, or each `params` of a batch's `requests`. */
function requestBags(ctx: Ctx, site: CallSite): Bag[] {
  if (!site.params) return [];
  if (site.kind !== 'batches') return [site.params];
  const reqs = site.params.entries.get('requests');
  if (!reqs) return [];
  const v = valueOf(ctx.src, reqs.valueNode);
  if (v.kind !== 'array') return [];
  const out: Bag[] = [];
  for (const it of v.items) {
    const b = bagOf(ctx.src, it);
    const p = b?.entries.get('params');
    const pb = p ? bagOf(ctx.src, p.valueNode) : undefined;
    if (pb) out.push(pb);
  }
  return out;
}

/** One Messages request a call site sends. */
export interface Request {
  site: CallSite;
  bag: Bag;
  model: ModelRef | undefined;
  /** The model when it is a current Claude API model id. */
  cur: CurrentModel | undefined;
  /** Where the call's findings point: `messages.create`. */
  anchor: { start: number; end: number };
  /** The platform named in messages ("Bedrock", …) when not the Claude API. */
  platform: string | undefined;
  /** The messages array when it is a literal (read on first use). */
  messages(): Msgs | undefined;
  /** `max_tokens` when it is a number literal (read on first use). */
  maxTokens(): MaxTokens | undefined;
}


/** The Messages requests of the unit's call sites (legacy completions calls excluded). */
export function requestsOf(ctx: Ctx): Request[] {
  return ctx.memo(requestsOf, () => readRequests(ctx));
}

function readRequests(ctx: Ctx): Request[] {
  const out: Request[] = [];
  for (const site of ctx.calls) {
    if (site.kind === 'completions') continue;
    for (const bag of requestBags(ctx, site)) {
      const model = modelOf(ctx, site, bag);
      let msgs: Msgs | undefined | null = null;
      let mt: MaxTokens | undefined | null = null;
      out.push({
        site, bag, model,
        cur: model?.status?.kind === 'current' ? model.status.model : undefined,
        anchor: { start: site.resource.startIndex, end: site.method.endIndex },
        platform: site.provider === 'bedrock' ? 'Bedrock' : site.provider === 'vertex' ? 'Vertex AI' : site.provider === 'foundry' ? 'Foundry' : undefined,
        messages: () => (msgs === null ? (msgs = messagesOf(ctx, bag)) : msgs),
        maxTokens: () => (mt === null ? (mt = maxTokensOf(ctx, bag)) : mt),
      });
    }
  }
  return out;
}

/**
 * `….chat.completions.create(…)`: the OpenAI-style chat API (OpenAI, Groq, Together and other
 * OpenAI-compatible clients). The Anthropic SDKs have no `chat` resource, so it is never their
 * legacy Text Completions.
 */
export function isChatCompletions(ctx: Ctx, site: CallSite): boolean {
  return site.kind === 'completions' && /\bchat\s*\??\.\s*$/.test(ctx.src.text.slice(site.call.startIndex, site.resource.startIndex));
}

/** The unit's legacy Text Completions call sites (never `chat.completions`). */
export function completionsOf(ctx: Ctx): CallSite[] {
  return ctx.calls.filter((s) => s.kind === 'completions' && !isChatCompletions(ctx, s));
}

export interface MaxTokens { entry: Entry; value: number; node: Node }

/** The numeric value of `max_tokens` when it is a literal (with the node it was read from). */
export function maxTokensOf(ctx: Ctx, bag: Bag): MaxTokens | undefined {
  const mt = bag.entries.get('max_tokens');
  const v = mt ? valueOf(ctx.src, mt.valueNode) : undefined;
  return mt && v?.kind === 'number' ? { entry: mt, value: v.value, node: v.node } : undefined;
}
