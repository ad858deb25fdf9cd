import type { Ctx } from '../context';
import type { Node } from '../parser';
import { descend, field, named, scan, unwrap } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { versionLess } from '../versions';
import { pyAnthropicNames } from '../checks/fixes';
import { handlersOf, lastSegment, type Handler } from '../checks/handlers';
import { retryDecoratorsOf, tenacityRef, type RetryDecorator } from '../checks/decorators';
import { BROAD } from '../checks/retry-loops';
import { apiStatusErrorFix } from '../checks/status-except';
import { SDK } from '../../data/api-facts';
import { defineRule } from './rule';

export default defineRule({
  id: 'overloaded-not-caught',
  defaultSeverity: 'warning',
  description: 'A handler that misses 529 overloaded errors (Python OverloadedError is not an InternalServerError) or the Python Bedrock/Vertex 503/504 classes, or uses OverloadedError where the SDK has none.',
  summary: 'Python `except InternalServerError` misses 529 `OverloadedError` (Bedrock/Vertex: 503/504)',
  fix: 'yes',
  on: { ts: /OverloadedError/, py: /\bexcept\b|@/ },
  readsCallers: true,
  check(ctx) {
    if (!ctx.src.py) {
      tsOverloaded(ctx);
      return;
    }
    for (const h of handlersOf(ctx)) pyHandler(ctx, h);
    for (const d of retryDecoratorsOf(ctx)) if (d.kind === 'tenacity') tenacity(ctx, d);
  },
});

/** InternalServerError without OverloadedError (or a broader class) anywhere in this try. */
function pyHandler(ctx: Ctx, h: Handler): void {
  const { types, allNames, value } = h;
  const ise = types.find((t) => lastSegment(t) === 'InternalServerError' && isAnthropicName(ctx, t));
  if (!ise || allNames.some((n) => BROAD.has(n)) || !value) return;
  const platform = platformOf(ctx, h);
  if (platform) {
    platformHandler(ctx, h, ise, platform);
    return;
  }
  if (allNames.includes('OverloadedError')) return;
  const { exprs, edits } = pyAnthropicNames(ctx, ['OverloadedError']);
  const inner = unwrap(value);
  const qual = ise.type === 'attribute' ? ise.text.replace(/InternalServerError$/, 'OverloadedError') : exprs[0]!;
  const e2: TextEdit[] = ise.type === 'attribute' ? [] : [...edits];
  if (inner.type === 'tuple') e2.push({ start: ise.endIndex, end: ise.endIndex, newText: `, ${qual}` });
  else e2.push({ start: ise.startIndex, end: ise.endIndex, newText: `(${ise.text}, ${qual})` });
  ctx.report(ise,
    '529 overloaded errors raise OverloadedError, which is not a subclass of InternalServerError in the Python SDK: this handler misses them. Catch OverloadedError too.',
    [{ title: 'Also catch OverloadedError', kind: 'quickfix', safe: false, edits: e2 }]);
}

function tenacity(ctx: Ctx, { kwargs }: RetryDecorator): void {
  const retryArg = kwargs?.entries.get('retry');
  if (kwargs?.unknownSpread || !retryArg) return;
  const v = unwrap(retryArg.valueNode);
  if (v.type !== 'call' || !tenacityRef(ctx, field(v, 'function')!, 'retry_if_exception_type')) return;
  const a = named(field(v, 'arguments')!)[0];
  if (!a) return;
  const excNames = (unwrap(a).type === 'tuple' ? named(unwrap(a)) : [unwrap(a)]).map(lastSegment);
  if (excNames.some((n) => BROAD.has(n)) || !excNames.includes('InternalServerError') || excNames.includes('OverloadedError')) return;
  const { exprs, edits } = pyAnthropicNames(ctx, ['OverloadedError']);
  const inner = unwrap(a);
  const e2: TextEdit[] = [...edits];
  if (inner.type === 'tuple') {
    const last = named(inner)[named(inner).length - 1]!;
    e2.push({ start: last.endIndex, end: last.endIndex, newText: `, ${exprs[0]}` });
  } else e2.push({ start: a.startIndex, end: a.endIndex, newText: `(${a.text}, ${exprs[0]})` });
  ctx.report(a,
    '529 overloaded errors raise OverloadedError, which is not a subclass of InternalServerError in the Python SDK: this retry never retries them.',
    [{ title: 'Also retry OverloadedError', kind: 'quickfix', safe: false, edits: e2 }]);
}

function isAnthropicName(ctx: Ctx, n: Node): boolean {
  if (n.type === 'attribute') {
    const obj = field(n, 'object');
    return !!obj && ctx.imports.namespaces.has(obj.text);
  }
  return ctx.imports.errors.get(n.text) === 'InternalServerError';
}

function tsOverloaded(ctx: Ctx): void {
  const sdk = ctx.options.sdk;
  if (sdk?.ts === undefined) return;
  const tooOld = sdk.ts === 0 || (sdk.tsVersion !== undefined && versionLess(sdk.tsVersion, '1.5.0'));
  const maybeOld = !tooOld && sdk.ts === 1 && sdk.tsVersion === undefined;
  if (!tooOld && !maybeOld) return;
  const { src } = ctx;
  const re = /\bOverloadedError\b/g;
  for (const m of scan(re, src.text, ctx.from, ctx.to)) {
    const id = descend(src, m.index, m.index + m[0].length);
    if (!id || id.text !== 'OverloadedError') continue;
    let ref: Node = id;
    if (ref.parent?.type === 'member_expression' && field(ref.parent, 'property')?.id === ref.id) {
      const obj = field(ref.parent, 'object');
      if (!obj || !ctx.imports.namespaces.has(obj.text)) continue;
      ref = ref.parent;
    } else if (ref.parent?.type === 'import_specifier') {
      // the import itself: report once on it
    } else if (ctx.imports.errors.get(id.text) !== 'OverloadedError') continue;
    const bin = ref.parent;
    const fixes: Fix[] = [];
    if (bin?.type === 'binary_expression' && field(bin, 'operator')?.text === 'instanceof' && field(bin, 'right')?.id === ref.id) {
      const left = field(bin, 'left')!;
      const apiError = ref.type === 'member_expression' ? `${field(ref, 'object')!.text}.APIError`
        : [...ctx.imports.errors].find(([, n]) => n === 'APIError')?.[0] ?? (ctx.imports.tsDefault ? `${ctx.imports.tsDefault}.APIError` : undefined);
      if (apiError && /^[\w$.]+$/.test(left.text)) {
        fixes.push({ title: 'Check status 529 instead', kind: 'quickfix', safe: false, edits: [{ start: bin.startIndex, end: bin.endIndex, newText: `(${left.text} instanceof ${apiError} && ${left.text}.status === 529)` }] });
      }
    }
    ctx.report(ref,
      `OverloadedError does not exist before @anthropic-ai/sdk 1.5.0 (${tooOld ? 'this project uses an older version' : 'check your version'}): it is undefined, so \`instanceof\` throws a TypeError inside the handler. A 529 is an InternalServerError with status 529 there.`,
      fixes, tooOld ? undefined : 'info');
  }
}


type PlatformClient = keyof typeof SDK.python.platformErrorClasses;

/** The platform client the try's calls go through (or, without calls in it, the file's only kind of client). */
function platformOf(ctx: Ctx, h: Handler): PlatformClient | undefined {
  const inTry = ctx.calls.filter((c) => c.call.startIndex >= h.tryBody.startIndex && c.call.endIndex <= h.tryBody.endIndex);
  const providers = new Set((inTry.length > 0 ? inTry.map((c) => c.provider) : ctx.ctors.map((c) => c.provider)));
  if (providers.size !== 1) return undefined;
  const p = [...providers][0];
  return p === 'bedrock' ? 'AnthropicBedrock' : p === 'vertex' ? 'AnthropicVertex' : undefined;
}

/**
 * Bedrock and Vertex Python clients raise their own classes for 503/504 (not exported at the top
 * level) that `except InternalServerError` does not catch (facts, December 2026 update).
 */
function platformHandler(ctx: Ctx, h: Handler, ise: Node, platform: PlatformClient): void {
  const classes: Readonly<Record<number, string>> = SDK.python.platformErrorClasses[platform];
  const missed = Object.entries(classes).filter(([, cls]) => cls !== 'InternalServerError');
  const list = missed.map(([status, cls]) => `${status} as ${cls}`).join(', ');
  const also = platform === 'AnthropicBedrock' ? ' (a 529 is an InternalServerError there, so that part is caught)' : h.allNames.includes('OverloadedError') ? '' : ', and a 529 as OverloadedError';
  const fix = apiStatusErrorFix(ctx, h, ise, (e) => `${e}.status_code >= 500`, 'Catch APIStatusError with status ≥ 500');
  ctx.report(ise,
    `${platform} raises ${list}${also}: classes that are not exported at the top level and that \`except InternalServerError\` does not catch. Catch APIStatusError and check status_code >= 500.`,
    fix ? [fix] : []);
}
