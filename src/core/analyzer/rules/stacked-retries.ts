import { SDK } from '../../data/api-facts';
import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { Bag, CallSite, ClientCtor } from '../sdk';
import { field, insertItem, named, unwrap, valueOf } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { dropLoopRefactor } from '../checks/fixes';
import { isChatCompletions } from '../checks/requests';
import { handlersOf } from '../checks/handlers';
import { retryDecoratorsOf } from '../checks/decorators';
import { enclosingFunction } from '../checks/retry-loops';
import { PYTHON_ASYNC_RETRY_HELPER_NAME, RETRY_HELPER_DEFAULTS, RETRY_HELPER_NAMES } from '../templates';
import { defineRule } from './rule';

const HELPERS = new Set([RETRY_HELPER_NAMES.typescript, RETRY_HELPER_NAMES.python, PYTHON_ASYNC_RETRY_HELPER_NAME]);

/** The SDK retries this bag sets: a number, 'unset', or undefined when it cannot be read. */
function retriesIn(ctx: Ctx, bag: Bag | undefined): number | 'unset' | undefined {
  if (!bag) return 'unset';
  const e = bag.entries.get(ctx.src.py ? 'max_retries' : 'maxRetries');
  if (!e) return bag.unknownSpread ? undefined : 'unset';
  const v = valueOf(ctx.src, e.valueNode);
  return v.kind === 'number' ? v.value : undefined;
}

/** How many attempts the SDK makes per call on this site (undefined: not knowable, or 1). */
function sdkAttempts(ctx: Ctx, s: CallSite): number | undefined {
  if (isChatCompletions(ctx, s)) return undefined;
  if (!s.ctor || s.ctor.provider === 'unknown' || s.ctor.provider === 'other') return undefined;
  // (Python has no per-call retries: max_retries on a call is a TypeError, see request-option-in-body)
  if (!ctx.src.py && named(s.args).length > 1 && !s.requestOptions) return undefined;
  const perCall = ctx.src.py ? 'unset' : retriesIn(ctx, s.requestOptions);
  const viaWith = retriesIn(ctx, s.withOptions);
  const onClient = retriesIn(ctx, s.ctor.options);
  for (const r of [perCall, viaWith]) {
    if (r === undefined) return undefined;
    if (r !== 'unset') return r > 0 ? r + 1 : undefined;
  }
  if (onClient === undefined) return undefined;
  const n = onClient === 'unset' ? (ctx.src.py ? SDK.python.defaultMaxRetries : SDK.ts.defaultMaxRetries) : onClient;
  return n > 0 ? n + 1 : undefined;
}

/** The attempts a loop makes, when its bound is a literal (`attempt < 5`, `range(5)`). */
function loopAttempts(ctx: Ctx, loop: Node): number | undefined {
  if (ctx.src.py) {
    const right = loop.type === 'for_statement' ? unwrap(field(loop, 'right') ?? loop) : undefined;
    const m = right && /^range\(\s*(\d+)\s*\)$/.exec(right.text);
    return m ? Number(m[1]) : undefined;
  }
  const cond = loop.type === 'for_statement' ? field(loop, 'condition')?.text ?? '' : '';
  const m = /<\s*(\d+)\s*;?$/.exec(cond.trim()) ?? /<=\s*(\d+)\s*;?$/.exec(cond.trim());
  if (!m) return undefined;
  return cond.includes('<=') ? Number(m[1]) + 1 : Number(m[1]);
}

/** "Turn the client's retries off": `maxRetries: 0` / `max_retries=0` on its constructor. */
function retriesOffRefactor(ctx: Ctx, ctor: ClientCtor): Fix | undefined {
  const { src } = ctx;
  const key = src.py ? 'max_retries' : 'maxRetries';
  const entry = src.py ? 'max_retries=0' : 'maxRetries: 0';
  const opts = ctor.options;
  const edits: TextEdit[] = [];
  const existing = opts?.entries.get(key);
  if (existing) {
    if (existing.container.id !== opts!.container.id) return undefined;
    const v = field(existing.item, 'value');
    if (!v) return undefined;
    edits.push({ start: v.startIndex, end: v.endIndex, newText: '0' });
  } else if (!src.py && named(ctor.args).length === 0) {
    const open = ctor.args.child(0)!;
    const close = ctor.args.child(ctor.args.childCount - 1)!;
    edits.push({ start: open.endIndex, end: close.startIndex, newText: `{ ${entry} }` });
  } else if (opts && (src.py || opts.container.type === 'object')) {
    const list = named(opts.container);
    edits.push(insertItem(src, opts.container, entry, list[list.length - 1] ?? null));
  } else return undefined;
  return { title: `Turn the client's retries off (${entry}): one retry loop`, kind: 'refactor', safe: false, edits };
}

function report(ctx: Ctx, s: CallSite, attempts: number, loopN: number | undefined, what: string, extra: Fix | undefined): void {
  const fixes: Fix[] = [];
  const off = retriesOffRefactor(ctx, s.ctor!);
  if (off) fixes.push(off);
  if (extra) fixes.push(extra);
  const total = loopN ? `${attempts} × ${loopN} = ${attempts * loopN}` : `${attempts} × N`;
  const opt = ctx.src.py ? 'max_retries=0' : 'maxRetries: 0';
  ctx.report({ start: s.resource.startIndex, end: s.method.endIndex },
    `${what} retries a client that already retries: the ${ctx.src.py ? 'Python' : 'TypeScript'} SDK makes up to ${attempts} attempts per call, so one failing request becomes ${total} requests, and a 529 overload storm gets worse. Let one layer retry: set ${opt} on the client, or drop the loop and let the SDK retry.`,
    fixes);
}

export default defineRule({
  id: 'stacked-retries',
  defaultSeverity: 'warning',
  description: 'A hand-written retry loop (or retry decorator/helper) around a client that still has the SDK retries: attempts multiply (3 × N).',
  summary: 'a hand-written retry around a client that still retries by itself: attempts multiply (3 × N)',
  fix: 'refactors',
  on: { ts: /\bcatch\b|withClaudeRetry/, py: /\bexcept\b|@|with_claude_retry/ },
  readsCallers: true,
  check(ctx) {
    const seen = new Set<number>();
    for (const h of handlersOf(ctx)) {
      const loop = h.retry();
      if (!loop) continue;
      for (const s of ctx.calls) {
        if (s.call.startIndex < h.tryBody.startIndex || s.call.endIndex > h.tryBody.endIndex || seen.has(s.call.id)) continue;
        const n = sdkAttempts(ctx, s);
        if (!n) continue;
        seen.add(s.call.id);
        report(ctx, s, n, loopAttempts(ctx, loop), 'This retry loop', dropLoopRefactor(ctx, loop, h.tryBody));
      }
    }
    for (const d of retryDecoratorsOf(ctx)) {
      const def = d.deco.parent ? field(d.deco.parent, 'definition') : null;
      if (!def) continue;
      for (const s of ctx.calls) {
        if (s.call.startIndex < def.startIndex || s.call.endIndex > def.endIndex || seen.has(s.call.id)) continue;
        const n = sdkAttempts(ctx, s);
        if (!n) continue;
        seen.add(s.call.id);
        const stop = d.kwargs?.entries.get('stop');
        const m = stop && /stop_after_attempt\(\s*(\d+)\s*\)/.exec(stop.valueNode.text);
        const tries = d.kwargs?.entries.get('max_tries');
        const t = tries ? valueOf(ctx.src, tries.valueNode) : undefined;
        report(ctx, s, n, m ? Number(m[1]) : t?.kind === 'number' ? t.value : undefined, `This ${d.kind} retry`, undefined);
      }
    }
    // Our own helper: withClaudeRetry(() => client.messages.create(…)) on a client that retries too.
    for (const s of ctx.calls) {
      if (seen.has(s.call.id)) continue;
      const fn = enclosingFunction(ctx, s.call);
      const args = fn?.parent;
      const call = args?.parent;
      if (!fn || !args || !call || (call.type !== 'call_expression' && call.type !== 'call')) continue;
      const callee = field(call, 'function')?.text ?? '';
      if (!HELPERS.has(callee)) continue;
      const n = sdkAttempts(ctx, s);
      if (!n) continue;
      seen.add(s.call.id);
      report(ctx, s, n, RETRY_HELPER_DEFAULTS.maxAttempts, callee, undefined);
    }
  },
});
