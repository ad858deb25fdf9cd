/** Rules about the request a call site sends: the 400/404 causes (facts §6) and the TS local guard. */
import {
  CURRENT_MODELS, PLATFORM_RETIREMENT_NOTE, REQUEST_RULES, RETIREMENT_WARNING_DAYS, SDK, lookupModel, type CurrentModel, type ModelStatus,
} from '../data/api-facts';
import type { Ctx } from './context';
import type { Node } from './parser';
import { bagOf, type Bag, type CallSite, type Entry } from './sdk';
import {
  field, indentAt, insertBefore, insertItem, isSpreadItem, named, quoteString, quoteStyle, removeItem, unwrap, valueOf, type StrVal, type Val,
} from './syntax';
import type { Fix, TextEdit } from './types';
import { apiVersionState, wrapHelperRefactor, configureRetriesRefactor } from './shared-fixes';

const MAX_CAP = Math.max(...CURRENT_MODELS.map((m) => m.maxOutputTokens));

export function itemCode(ctx: Ctx, bag: Bag, key: string, value: string): string {
  if (bag.style === 'kwargs') return `${key}=${value}`;
  if (bag.style === 'dict') return `${quoteString(key, quoteStyle(ctx.src))}: ${value}`;
  return `${key}: ${value}`;
}

function itemsOf(container: Node): Node[] {
  return named(container);
}

/** Insert a new item before `beforeKey`'s item (when it lives in the bag's container), else after `afterKey`, else first. */
function insertInto(ctx: Ctx, bag: Bag, code: string, opts: { before?: string; after?: string }): TextEdit {
  const list = itemsOf(bag.container);
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

interface ModelRef { val: Val; str?: StrVal; status?: ModelStatus; entry?: Entry }

function modelOf(ctx: Ctx, site: CallSite, bag: Bag): ModelRef | undefined {
  const e = bag.entries.get('model');
  if (!e) return undefined;
  const val = valueOf(ctx.src, e.valueNode);
  if (val.kind !== 'string') return { val, entry: e };
  if (site.provider === 'bedrock' || site.provider === 'vertex' || site.provider === 'foundry') return { val, str: val, entry: e };
  if (/[@:]|^(?:[a-z]{2,4}\.)?anthropic\./.test(val.value)) return { val, str: val, entry: e };
  return { val, str: val, status: lookupModel(val.value, ctx.options.today), entry: e };
}

const currentModel = (m: ModelRef | undefined): CurrentModel | undefined => (m?.status?.kind === 'current' ? m.status.model : undefined);

function edit(node: { startIndex: number; endIndex: number }, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

const suggestions = new Map<string, string | undefined>();

function suggestModel(id: string): string | undefined {
  if (!suggestions.has(id)) {
    if (suggestions.size > 500) suggestions.clear();
    suggestions.set(id, computeSuggestion(id));
  }
  return suggestions.get(id);
}

function computeSuggestion(id: string): string | undefined {
  const dashed = id.replace(/\./g, '-');
  if (dashed !== id && lookupModel(dashed).kind === 'current') return dashed;
  let best: string | undefined;
  let bestD = 4;
  for (const m of CURRENT_MODELS) {
    for (const cand of [m.id, ...(m.aliases ?? [])]) {
      const dist = levenshtein(id, cand);
      if (dist < bestD) { bestD = dist; best = cand; }
    }
  }
  return best;
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

interface Msg { node: Node; spread: boolean; role?: string; bag?: Bag; resolved: boolean }

interface Msgs { array: Node; items: Msg[]; tailUnknown: boolean; resolve(m: Msg): Msg }

/** The messages array, with each message's role read lazily (only where a rule needs it). */
function messagesOf(ctx: Ctx, bag: Bag): Msgs | undefined {
  const e = bag.entries.get('messages');
  if (!e) return undefined;
  const v = valueOf(ctx.src, e.valueNode);
  if (v.kind !== 'array') return undefined;
  const items: Msg[] = v.items.map((it) => {
    const spread = isSpreadItem(ctx.src, it);
    return { node: it, spread, resolved: spread };
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

export function requestRules(ctx: Ctx): void {
  for (const site of ctx.calls) {
    if (site.kind === 'completions') {
      completionsRule(ctx, site);
      continue;
    }
    for (const bag of requestBags(ctx, site)) checkRequest(ctx, site, bag);
  }
}

function checkRequest(ctx: Ctx, site: CallSite, bag: Bag): void {
  const { src } = ctx;
  const anchor = { start: site.resource.startIndex, end: site.method.endIndex };
  const model = modelOf(ctx, site, bag);
  const cur = currentModel(model);
  const known = !bag.unknownSpread;
  const sendsMaxTokens = site.kind !== 'countTokens';

  // --- model id -------------------------------------------------------------------------------
  if (model?.str && model.status) modelRules(ctx, site, model.str, model.status);

  // --- max_tokens -------------------------------------------------------------------------------
  const mt = bag.entries.get('max_tokens');
  if (sendsMaxTokens && !mt && known) {
    const n = ctx.options.defaultMaxTokens ?? 1024;
    const code = itemCode(ctx, bag, 'max_tokens', String(n));
    ctx.report('missing-max-tokens', anchor,
      `max_tokens is required: the API answers 400 "max_tokens: Field required". Add max_tokens (the most tokens the reply may use, e.g. ${n}).`,
      [{ title: `Add max_tokens: ${n}`, kind: 'quickfix', safe: true, edits: [insertInto(ctx, bag, code, { after: 'model' })] }]);
  }
  const mtv = mt ? valueOf(src, mt.valueNode) : undefined;
  if (mt && mtv?.kind === 'number') {
    const cap = cur?.maxOutputTokens;
    // Report and fix where the call says max_tokens (a shared constant stays untouched).
    const shorthand = mt.item.type === 'shorthand_property_identifier';
    const at = shorthand ? mt.item : mt.valueNode;
    const setTo = (n: number): TextEdit => edit(at, shorthand ? `max_tokens: ${n}` : String(n));
    if (cap !== undefined && mtv.value > cap) {
      ctx.report('max-tokens-over-limit', at,
        `The API answers 400 "max_tokens: ${mtv.value} > ${cap}, which is the maximum allowed number of output tokens for ${cur!.id}". Lower max_tokens to at most ${cap}.`,
        [{ title: `Set max_tokens to ${cap}`, kind: 'quickfix', safe: true, edits: [setTo(cap)] }]);
    } else if (cap === undefined && (model?.val.kind !== 'string') && mtv.value > MAX_CAP) {
      ctx.report('max-tokens-over-limit', at,
        `max_tokens ${mtv.value} is above every current model's output cap (${MAX_CAP}): the API answers 400 "max_tokens: ${mtv.value} > …, which is the maximum allowed number of output tokens". Lower it.`,
        [{ title: `Set max_tokens to ${MAX_CAP}`, kind: 'quickfix', safe: false, edits: [setTo(MAX_CAP)] }]);
    }
    // thinking budget
    const th = bag.entries.get('thinking');
    const tb = th ? bagOf(src, th.valueNode) : undefined;
    const type = tb?.entries.get('type');
    const budget = tb?.entries.get('budget_tokens');
    const typeVal = type ? valueOf(src, type.valueNode) : undefined;
    const budgetVal = budget ? valueOf(src, budget.valueNode) : undefined;
    if (typeVal?.kind === 'string' && typeVal.value === 'enabled' && budgetVal?.kind === 'number') {
      if (budgetVal.value < REQUEST_RULES.minThinkingBudget) {
        ctx.report('max-tokens-over-limit', budgetVal.node,
          `thinking.budget_tokens must be at least ${REQUEST_RULES.minThinkingBudget}: the API answers 400 for ${budgetVal.value}.`,
          [{ title: `Set budget_tokens to ${REQUEST_RULES.minThinkingBudget}`, kind: 'quickfix', safe: false, edits: [edit(budgetVal.node, String(REQUEST_RULES.minThinkingBudget))] }]);
      } else if (mtv.value <= budgetVal.value) {
        ctx.report('max-tokens-over-limit', mtv.node,
          `max_tokens (${mtv.value}) must be greater than thinking.budget_tokens (${budgetVal.value}): the API answers 400. Raise max_tokens or lower the budget.`);
      }
    }
    // TS SDK local guard
    if (!src.py && (site.kind === 'create') && mtv.value > SDK.ts.nonStreamingMaxTokensGuard) nonStreaming(ctx, site, bag, mtv.value);
  }

  // --- sampling -------------------------------------------------------------------------------
  if (site.kind !== 'countTokens' && site.provider !== 'bedrock' && site.provider !== 'vertex' && site.provider !== 'foundry') samplingRule(ctx, site, bag, model);

  // --- messages ---------------------------------------------------------------------------------
  const msgs = messagesOf(ctx, bag);
  if (!msgs) return;
  if (msgs.items.length === 0) {
    ctx.report('empty-messages', msgs.array,
      'messages is empty: the API answers 400 (invalid_request_error) — a request needs at least one message. Add a user message.');
    return;
  }
  const platform = site.provider === 'bedrock' ? 'Bedrock' : site.provider === 'vertex' ? 'Vertex AI' : site.provider === 'foundry' ? 'Foundry' : undefined;
  let spreadBefore = false;
  for (let i = 0; i < msgs.items.length; i++) {
    const m = msgs.items[i]!;
    if (m.spread) { spreadBefore = true; continue; }
    if (!m.node.text.includes('system')) continue;
    if (msgs.resolve(m).role !== 'system') continue;
    if (i === 0) {
      systemFirst(ctx, bag, msgs.array, m);
      continue;
    }
    if (spreadBefore) continue; // position unknown
    const prev = msgs.resolve(msgs.items[i - 1]!);
    const roleNode = m.bag?.entries.get('role')?.valueNode ?? m.node;
    const quoted = 'messages: Unexpected role "system"';
    if (platform) {
      ctx.report('system-message-unsupported', roleNode, `${platform} does not accept a system message inside messages: the request fails with 400 (${quoted}). Put it in the top-level system parameter.`);
    } else if (prev.role !== undefined && prev.role !== 'user') {
      ctx.report('system-message-unsupported', roleNode, `A system message later in the conversation must directly follow a user turn; after "${prev.role}" the API answers 400 (${quoted}).`);
    } else if (cur) {
      if (cur.midConversationSystem === 'no') {
        ctx.report('system-message-unsupported', roleNode, `${cur.id} rejects a system message after the first turn: the API answers 400 "${quoted}…". Only Opus 4.8 and the 5.x models accept it; use the top-level system parameter.`);
      } else if (cur.midConversationSystem === 'unverified') {
        ctx.report('system-message-unsupported', roleNode, `Whether ${cur.id} accepts a system message mid-conversation is unverified; older models answer 400 "${quoted}". Prefer the top-level system parameter.`, [], 'info');
      }
    } else if (model?.val.kind !== 'string') {
      ctx.report('system-message-unsupported', roleNode, `A system message after the first turn is accepted only by Opus 4.8 and the 5.x models (on the Claude API); other models answer 400 "${quoted}". The model here is not known statically.`, [], 'info');
    }
  }
  // prefill
  if (site.kind === 'create' || site.kind === 'stream' || site.kind === 'batches') {
    const last = msgs.items[msgs.items.length - 1]!;
    if (!msgs.tailUnknown && last.node.text.includes('assistant') && msgs.resolve(last).role === 'assistant') {
      const roleNode = last.bag?.entries.get('role')?.valueNode ?? last.node;
      const quoted = 'This model does not support assistant message prefill';
      if (cur && !cur.prefill) {
        ctx.report('assistant-prefill-unsupported', roleNode, `${cur.id} answers 400 "${quoted}…": the last message is from the assistant. End with a user message (use structured outputs or instructions instead of a prefill).`);
      } else if (!cur && model?.val.kind !== 'string') {
        ctx.report('assistant-prefill-unsupported', roleNode, `A final assistant message (prefill) is a 400 on Claude 4.6 and later ("${quoted}"). The model here is not known statically.`, [], 'info');
      }
    }
  }
}

function modelRules(ctx: Ctx, site: CallSite, str: StrVal, status: ModelStatus): void {
  const id = str.value;
  const range = str.node;
  const replace = (to: string): TextEdit => ({ start: str.contentStart, end: str.contentEnd, newText: to });
  if (status.kind === 'retired') {
    const when = status.retiredOn ? ` since ${status.retiredOn}` : '';
    const platforms = status.retiredOn ? ` ${PLATFORM_RETIREMENT_NOTE}` : '';
    ctx.report('retired-model', range,
      `${id} is retired${when}: the API answers 404 "model: ${id}". Use ${status.successor}.${platforms}`,
      [{ title: `Replace with ${status.successor}`, kind: 'quickfix', safe: true, edits: [replace(status.successor)] }]);
  } else if (status.kind === 'unknown') {
    const dotted = /\d\.\d/.test(id);
    const suggestion = suggestModel(id);
    const gateway = !!(site.ctor?.options?.entries.get('baseURL') ?? site.ctor?.options?.entries.get('base_url'));
    const msg = dotted
      ? `"${id}" is not an Anthropic model id (ids use dashes, not dots; some gateways use dotted names): the Claude API answers 404 "model: ${id}".${suggestion ? ` Did you mean ${suggestion}?` : ''}`
      : `"${id}" is not a current or retired Claude model id: the API answers 404 "model: ${id}".${suggestion ? ` Did you mean ${suggestion}?` : ''}`;
    ctx.report('unknown-model', range, msg,
      suggestion ? [{ title: `Replace with ${suggestion}`, kind: 'quickfix', safe: false, edits: [replace(suggestion)] }] : [],
      gateway ? 'info' : undefined);
  } else if (status.lifecycle) {
    // Announced retirement: a warning within RETIREMENT_WARNING_DAYS of the day, info before.
    const { entry, daysToRetirement } = status.lifecycle;
    const soon = daysToRetirement <= RETIREMENT_WARNING_DAYS;
    const dep = entry.deprecatedOn ? `deprecated since ${entry.deprecatedOn}, ` : '';
    ctx.report('retired-model', range,
      `${id} is ${dep}retiring on ${entry.retiresOn}${entry.tentative ? ' (tentative)' : ''}, in ${daysToRetirement} day${daysToRetirement === 1 ? '' : 's'}; after that the API answers 404 "model: ${id}". Move to ${entry.successor}. ${PLATFORM_RETIREMENT_NOTE}`,
      [], soon ? 'warning' : 'info');
  }
}

const SAMPLING_KEYS = ['temperature', 'top_p', 'top_k'] as const;

function samplingRule(ctx: Ctx, site: CallSite, bag: Bag, model: ModelRef | undefined): void {
  const keys = SAMPLING_KEYS.filter((k) => bag.entries.has(k));
  if (keys.length === 0) return;
  const state = apiVersionState(ctx);
  const cur = currentModel(model);
  // What the legacy API version (2023-06-01) would reject for this model.
  const legacyBad = new Map<string, string>();
  if (cur) {
    const num = (k: string): number | undefined => {
      const e = bag.entries.get(k);
      const v = e ? valueOf(ctx.src, e.valueNode) : undefined;
      return v?.kind === 'number' ? v.value : undefined;
    };
    if (cur.legacySampling === 'strict') {
      const t = num('temperature');
      const p = num('top_p');
      if (bag.entries.has('temperature') && t !== undefined && t !== REQUEST_RULES.strictSampling.temperature) legacyBad.set('temperature', `${cur.id} accepts only temperature 1.0`);
      if (bag.entries.has('top_p') && p !== undefined && p < REQUEST_RULES.strictSampling.minTopP) legacyBad.set('top_p', `${cur.id} accepts only top_p ≥ ${REQUEST_RULES.strictSampling.minTopP}`);
      if (bag.entries.has('top_k')) legacyBad.set('top_k', `${cur.id} does not accept top_k`);
    } else if (cur.legacySampling === 'no-temperature-with-top-p' && bag.entries.has('temperature') && bag.entries.has('top_p')) {
      legacyBad.set('top_p', `${cur.id} rejects temperature and top_p together`);
    }
  }
  const sdkName = ctx.src.py ? 'anthropic ≥ 2.0' : '@anthropic-ai/sdk ≥ 1.0';
  for (const k of keys) {
    const e = bag.entries.get(k)!;
    const removal: TextEdit = removeItem(ctx.src, e.container, e.item);
    if (state === 'current') {
      ctx.report('sampling-params-rejected', e.item,
        `${k} is rejected under anthropic-version 2026-10-21 (${sdkName}): the API answers 400 for any temperature, top_p or top_k. Remove it.`,
        [{ title: `Remove ${k}`, kind: 'quickfix', safe: true, edits: [removal] }]);
    } else if (legacyBad.has(k)) {
      const why = legacyBad.get(k)!;
      ctx.report('sampling-params-rejected', e.item,
        `${why}: the API answers 400 (and under anthropic-version 2026-10-21 any sampling parameter is a 400). Remove ${k}.`,
        [{ title: `Remove ${k}`, kind: 'quickfix', safe: state === 'unknown', edits: [removal] }]);
    } else if (state === 'unknown') {
      ctx.report('sampling-params-rejected', e.item,
        `If this project uses ${sdkName} (anthropic-version 2026-10-21), ${k} makes the API answer 400: sampling parameters are no longer accepted. Older SDKs still send it.`,
        [{ title: `Remove ${k}`, kind: 'quickfix', safe: false, edits: [removal] }], 'warning');
    }
  }
  void site;
}

function systemFirst(ctx: Ctx, bag: Bag, array: Node, m: Msg): void {
  const { src } = ctx;
  const content = m.bag?.entries.get('content');
  const fixes: Fix[] = [];
  if (content && m.bag && !m.bag.unknownSpread) {
    const contentNode = content.valueNode.type === 'shorthand_property_identifier' ? content.valueNode : content.valueNode;
    const contentText = src.text.slice(contentNode.startIndex, contentNode.endIndex);
    const removal = removeItem(src, array, m.node);
    const existing = bag.entries.get('system');
    const q = quoteStyle(src, field(m.bag.entries.get('role')!.item, 'value') ?? undefined);
    const block = (t: string): string => (src.py
      ? `{${quoteString('type', q)}: ${quoteString('text', q)}, ${quoteString('text', q)}: ${t}}`
      : `{ type: ${quoteString('text', q)}, text: ${t} }`);
    const cv = valueOf(src, contentNode);
    const contentBlocks = cv.kind === 'array' && cv.node.id === unwrap(contentNode).id
      ? cv.items.map((x) => src.text.slice(x.startIndex, x.endIndex))
      : cv.kind === 'string' || cv.kind === 'unknown' && /string|template/.test(unwrap(contentNode).type) ? [block(contentText)] : undefined;
    if (!existing) {
      const code = itemCode(ctx, bag, 'system', contentText);
      const ins = insertInto(ctx, bag, code, { before: 'messages', after: 'model' });
      if (!(ins.start < removal.end && removal.start < ins.end)) {
        fixes.push({ title: 'Move the system message into the system parameter', kind: 'quickfix', safe: true, edits: [removal, ins] });
      }
    } else if (contentBlocks) {
      const ev = valueOf(src, existing.valueNode);
      if (ev.kind === 'string' || (ev.kind === 'unknown' && /^(string|template_string)$/.test(ev.node.type))) {
        const existingText = src.text.slice(ev.node.startIndex, ev.node.endIndex);
        const merged = `[${block(existingText)}, ${contentBlocks.join(', ')}]`;
        fixes.push({ title: 'Merge the system message into the system parameter', kind: 'quickfix', safe: true, edits: [removal, edit(ev.node, merged)] });
      } else if (ev.kind === 'array' && !ev.hasSpread) {
        const last = ev.items[ev.items.length - 1];
        const ins = insertItem(src, ev.node, contentBlocks.join(', '), last ?? null);
        fixes.push({ title: 'Merge the system message into the system parameter', kind: 'quickfix', safe: true, edits: [removal, ins] });
      }
    }
  }
  const roleNode = m.bag?.entries.get('role')?.valueNode ?? m.node;
  ctx.report('system-message-first', roleNode,
    'A "system" role message first in messages is rejected: the API answers 400 "messages: Unexpected role \\"system\\"". The system prompt goes in the top-level system parameter.',
    fixes);
  void indentAt;
}

function nonStreaming(ctx: Ctx, site: CallSite, bag: Bag, maxTokens: number): void {
  if (bag.unknownSpread) return;
  const stream = bag.entries.get('stream');
  if (stream) {
    const v = valueOf(ctx.src, stream.valueNode);
    if (!(v.kind === 'bool' && !v.value)) return;
  }
  const hasTimeout = (b: Bag | undefined): boolean | undefined => (b ? b.entries.has('timeout') || (b.unknownSpread ? undefined : false) : undefined);
  if (site.requestOptions && hasTimeout(site.requestOptions) !== false) return;
  if (named(site.args).length > 1 && !site.requestOptions) return; // options we cannot read
  if (site.withOptions && hasTimeout(site.withOptions) !== false) return;
  const ctorTimeout = site.ctor ? hasTimeout(site.ctor.options) : undefined;
  if (ctorTimeout === true || (site.ctor && ctorTimeout === undefined)) return;
  const fixes: Fix[] = [];
  const parent = site.call.parent;
  if (parent && parent.type !== 'member_expression' && site.method.text === 'create') {
    fixes.push({
      title: 'Stream it: messages.stream(…).finalMessage()', kind: 'quickfix', safe: true,
      edits: [edit(site.method, 'stream'), { start: site.call.endIndex, end: site.call.endIndex, newText: '.finalMessage()' }],
    });
  }
  ctx.report('nonstreaming-long-request', { start: site.resource.startIndex, end: site.method.endIndex },
    `With max_tokens ${maxTokens} (> ${SDK.ts.nonStreamingMaxTokensGuard}) and no timeout, the TypeScript SDK throws before sending: "Streaming is required for operations that may take longer than 10 minutes". Stream the response (messages.stream(…).finalMessage()) or pass an explicit timeout.`,
    fixes, site.ctor ? undefined : 'warning');
}

// -------------------------------------------------------------------------------------------------
// Legacy Text Completions
// -------------------------------------------------------------------------------------------------

function completionsRule(ctx: Ctx, site: CallSite): void {
  const { src } = ctx;
  const bag = site.params;
  const legacyShape = !bag || bag.entries.has('prompt') || bag.entries.has('max_tokens_to_sample');
  if (!legacyShape && site.provider !== 'anthropic') return;
  const removed = !src.py && ctx.options.sdk?.ts !== undefined && ctx.options.sdk.ts >= 1;
  const msg = removed
    ? 'client.completions was removed in @anthropic-ai/sdk 1.0: this call throws a TypeError. Migrate to messages.create (max_tokens, messages: [{ role: "user", content }]).'
    : 'Legacy Text Completions ("\\n\\nHuman:" prompts, max_tokens_to_sample) are removed from the TypeScript SDK 1.0 and only serve retired models: migrate to messages.create.';
  const fixes: Fix[] = [];
  const mig = bag ? migrateCompletions(ctx, site, bag) : undefined;
  if (mig) fixes.push(mig);
  ctx.report('legacy-completions-api', { start: site.resource.startIndex, end: site.method.endIndex }, msg, fixes, removed ? { base: 'error' } : undefined);
  // The model of a completions call is usually retired too.
  const me = bag?.entries.get('model');
  const mv = me ? valueOf(src, me.valueNode) : undefined;
  if (mv?.kind === 'string') {
    const st = lookupModel(mv.value);
    if (st.kind === 'retired') modelRules(ctx, site, mv, st);
  }
}

const HUMAN = /^(?:\\n)*\\n\\nHuman:\s?/;
const ASSISTANT = /\\n\\nAssistant:\s*$/;

/** prompt → the user's text, when the prompt is a recognizable "\n\nHuman: … \n\nAssistant:" shape. */
function promptContent(ctx: Ctx, prompt: Node): string | undefined {
  const { src } = ctx;
  const n = unwrap(prompt);
  const isHuman = (x: Node): boolean => /(?:^|\.)HUMAN_PROMPT$/.test(x.text);
  const isAI = (x: Node): boolean => /(?:^|\.)AI_PROMPT$/.test(x.text);
  // "\n\nHuman: text\n\nAssistant:"
  if (n.type === 'string' || n.type === 'template_string') {
    const open = src.py ? n.child(0)!.text : src.text[n.startIndex]!;
    const close = src.py ? n.child(n.childCount - 1)!.text : src.text[n.endIndex - 1]!;
    const rawStart = src.py ? n.child(0)!.endIndex : n.startIndex + 1;
    const rawEnd = src.py ? n.child(n.childCount - 1)!.startIndex : n.endIndex - 1;
    let raw = src.text.slice(rawStart, rawEnd);
    // template/f-string that starts with ${HUMAN_PROMPT} / {HUMAN_PROMPT} and ends with the AI prompt
    const interp = src.py ? /^\{(?:anthropic\.)?HUMAN_PROMPT\}\s?/ : /^\$\{[\w.]*HUMAN_PROMPT\}\s?/;
    const interpEnd = src.py ? /\{(?:anthropic\.)?AI_PROMPT\}$/ : /\$\{[\w.]*AI_PROMPT\}$/;
    if (HUMAN.test(raw) && ASSISTANT.test(raw)) raw = raw.replace(HUMAN, '').replace(ASSISTANT, '');
    else if (interp.test(raw) && interpEnd.test(raw)) raw = raw.replace(interp, '').replace(interpEnd, '');
    else return undefined;
    if (/HUMAN_PROMPT|AI_PROMPT|\\n\\nHuman:|\\n\\nAssistant:/.test(raw)) return undefined;
    let openQ = open;
    if (src.py && /^[fF]/.test(open) && !/\{/.test(raw)) openQ = open.slice(1);
    return `${openQ}${raw}${close}`;
  }
  // HUMAN_PROMPT + text + AI_PROMPT
  if (n.type === 'binary_expression' || n.type === 'binary_operator') {
    const parts: Node[] = [];
    const flatten = (x: Node): boolean => {
      const u = unwrap(x);
      if ((u.type === 'binary_expression' || u.type === 'binary_operator') && (field(u, 'operator')?.text ?? u.child(1)?.text) === '+') {
        return flatten(field(u, 'left')!) && flatten(field(u, 'right')!);
      }
      parts.push(u);
      return true;
    };
    flatten(n);
    if (parts.length < 3 || !isHuman(parts[0]!) || !isAI(parts[parts.length - 1]!)) return undefined;
    const mid = parts.slice(1, -1);
    if (mid.some((p) => isHuman(p) || isAI(p))) return undefined;
    return mid.map((p) => src.text.slice(p.startIndex, p.endIndex)).join(' + ');
  }
  return undefined;
}

function migrateCompletions(ctx: Ctx, site: CallSite, bag: Bag): Fix | undefined {
  const { src } = ctx;
  if (bag.unknownSpread) return undefined;
  const prompt = bag.entries.get('prompt');
  if (!prompt || prompt.container.id !== bag.container.id) return undefined;
  const content = promptContent(ctx, prompt.valueNode);
  if (!content) return undefined;
  const edits: TextEdit[] = [edit(site.resource, 'messages')];
  const q = quoteStyle(src, unwrap(prompt.valueNode));
  const msg = src.py
    ? `[{${quoteString('role', q)}: ${quoteString('user', q)}, ${quoteString('content', q)}: ${content}}]`
    : `[{ role: ${quoteString('user', q)}, content: ${content} }]`;
  edits.push(edit(prompt.item, itemCode(ctx, bag, 'messages', msg)));
  const mts = bag.entries.get('max_tokens_to_sample');
  if (mts && mts.container.id === bag.container.id) {
    const key = src.py && bag.style === 'kwargs' ? field(mts.item, 'name') : field(mts.item, 'key');
    if (key && mts.item.type !== 'shorthand_property_identifier') {
      edits.push({ start: key.startIndex, end: key.endIndex, newText: bag.style === 'dict' ? quoteString('max_tokens', quoteStyle(src, key)) : 'max_tokens' });
    } else return undefined;
  } else if (!bag.entries.has('max_tokens')) {
    edits.push(insertInto(ctx, bag, itemCode(ctx, bag, 'max_tokens', String(ctx.options.defaultMaxTokens ?? 1024)), { after: 'model' }));
  }
  const me = bag.entries.get('model');
  const mv = me ? valueOf(src, me.valueNode) : undefined;
  if (mv?.kind === 'string') {
    const st = lookupModel(mv.value);
    if (st.kind === 'retired') edits.push({ start: mv.contentStart, end: mv.contentEnd, newText: st.successor });
  }
  return { title: 'Migrate to messages.create (check uses of .completion → .content[0].text)', kind: 'quickfix', safe: false, edits };
}

export { wrapHelperRefactor, configureRetriesRefactor };
