import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { Bag, CallSite, ClientCtor } from '../sdk';
import { field, valueOf } from '../syntax';
import type { Finding, Fix } from '../types';
import { configureRetriesRefactor, wrapHelperRefactor } from '../checks/fixes';
import { handlersOf } from '../checks/handlers';
import { fileHasRetryConstruct, unitHasRetryLoop } from '../checks/retry-loops';
import { defineRule } from './rule';

/** What one unit tells the file-level decision. */
export interface Note {
  /** Indices (in `ctx.ctors`) of the clients this unit's calls use. */
  usedCtors: number[];
  /** A loop with a try around a Claude call of this unit. */
  retryLoop: boolean;
}

function retriesOff(ctx: Ctx, bag: Bag | undefined): Node | undefined {
  if (!bag) return undefined;
  const e = bag.entries.get(ctx.src.py ? 'max_retries' : 'maxRetries');
  if (!e) return undefined;
  const v = valueOf(ctx.src, e.valueNode);
  return v.kind === 'number' && v.value === 0 ? e.item : undefined;
}

function report(ctx: Ctx, item: Node, site: CallSite | undefined, ctor: ClientCtor | undefined): void {
  const name = ctx.src.py ? 'max_retries=0' : 'maxRetries: 0';
  const fixes: Fix[] = [];
  const valueNode = field(item, 'value');
  if (valueNode) fixes.push({ title: 'Let the SDK retry (2 retries, its default)', kind: 'quickfix', safe: false, edits: [{ start: valueNode.startIndex, end: valueNode.endIndex, newText: '2' }] });
  if (site) {
    const w = wrapHelperRefactor(ctx, site);
    if (w) fixes.push(w);
  }
  if (ctor) {
    const c = configureRetriesRefactor(ctx, ctor);
    if (c) fixes.push(c);
  }
  const where = site ? { start: site.resource.startIndex, end: site.method.endIndex } : item;
  ctx.report(where,
    `${site ? 'This call is never retried' : 'This client never retries'} (${name}) and nothing retries around it: every 429 rate limit, 529 overload and dropped connection reaches the user. Let the SDK retry, or wrap the call in a retry helper.`,
    fixes);
}

export default defineRule<'no-retry', Note>({
  id: 'no-retry',
  defaultSeverity: 'warning',
  description: 'maxRetries/max_retries 0 with no retry around the calls: every 429/529 reaches the user.',
  summary: '`maxRetries: 0` / `max_retries=0` with nothing retrying around the calls',
  fix: 'refactors',
  on: 'calls',
  gate: (text, py) => (py ? /max_retries\s*=\s*0\b/ : /maxRetries\s*:\s*0\b/).test(text),
  readsCallers: true,
  holds: true,
  /** Calls whose client or request options turn retries off (held until the whole file is known). */
  check(ctx) {
    const usedCtors: number[] = [];
    for (const s of ctx.calls) {
      if (s.ctor) usedCtors.push(ctx.ctors.indexOf(s.ctor));
      if (s.kind === 'stream' || s.kind === 'completions') continue;
      const reqItem = retriesOff(ctx, s.requestOptions !== s.params ? s.requestOptions : undefined) ?? retriesOff(ctx, s.withOptions);
      const ctorItem = s.ctor ? retriesOff(ctx, s.ctor.options) : undefined;
      const item = reqItem ?? ctorItem;
      if (item) report(ctx, item, s, reqItem ? undefined : s.ctor);
    }
    return { usedCtors, retryLoop: unitHasRetryLoop(ctx) };
  },
  /** Released only when nothing in the file retries; clients with retries off that no call here uses (exported) too. */
  file(ctx, { notes, held }): Finding[] {
    const used = new Set<number>();
    for (const n of notes) for (const c of n.usedCtors) used.add(c);
    const unused = ctx.ctors.filter((c, i) => !used.has(i) && retriesOff(ctx, c.options));
    if (held.length === 0 && unused.length === 0) return [];
    if (notes.some((n) => n.retryLoop) || fileHasRetryConstruct(ctx) || handlersOf(ctx).some((h) => h.retry())) return [];
    for (const c of unused) report(ctx, retriesOff(ctx, c.options)!, undefined, c);
    return [...held];
  },
});
