import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { CallSite, ClientCtor } from '../sdk';
import { descend, field, scan } from '../syntax';
import type { Finding, Fix, TextEdit } from '../types';
import { enclosingFunction } from '../checks/retry-loops';
import { defineRule } from './rule';

/** One call of a synchronous Python client, as its unit saw it. */
export interface SyncUse { kind: CallSite['kind']; ctor: number; awaited: boolean; inAsync: boolean }
export type Note = SyncUse[];

const SYNC_CLASS = /^(?:Anthropic|Client|AnthropicBedrock|AnthropicVertex|AnthropicFoundry)$/;

/** The client class name a constructor calls (`Anthropic`, `anthropic.AsyncAnthropic`), last segment. */
function className(ctor: ClientCtor): { node: Node; name: string } | undefined {
  const fn = field(ctor.node, 'function');
  if (!fn) return undefined;
  const node = fn.type === 'attribute' ? field(fn, 'attribute') : fn;
  return node ? { node, name: node.text } : undefined;
}

/** The `from anthropic import …` that imports this name (for adding its Async twin). */
function fromImportOf(ctx: Ctx, name: string): Node | undefined {
  for (const st of ctx.imports.pyFrom) {
    for (let i = 0; i < st.childCount; i++) if (st.fieldNameForChild(i) === 'name' && st.child(i)!.text === name) return st.child(i)!;
  }
  return undefined;
}

function isAsyncDef(fn: Node | undefined): boolean {
  return !!fn && fn.type === 'function_definition' && /^async\b/.test(fn.text);
}

export default defineRule<'sync-client-in-async', Note>({
  id: 'sync-client-in-async',
  defaultSeverity: 'warning',
  description: 'A synchronous Anthropic() client awaited (TypeError) or called inside async def (blocks the event loop): use AsyncAnthropic.',
  summary: '`await` on a sync `Anthropic()` call, or a sync client called inside `async def` → `AsyncAnthropic`',
  fix: 'yes',
  languages: ['py'],
  on: 'calls',
  gate: (text) => /\basync\s+def\b/.test(text),
  holds: true,
  /**
   * Each use is reported held (so the engine moves it with its unit across edits), with the one
   * edit it needs (`await ` before the call) as its fix; the note says which client, in the same order.
   */
  check(ctx) {
    const out: SyncUse[] = [];
    for (const s of ctx.calls) {
      const c = s.ctor;
      const cls = c ? className(c) : undefined;
      // (passed by reference: `asyncio.to_thread(client.messages.create, …)` is how not to block)
      if (!c || !cls || !SYNC_CLASS.test(cls.name) || s.byRef) continue;
      const fn = enclosingFunction(ctx, s.call);
      const inAsync = isAsyncDef(fn);
      const awaited = s.call.parent?.type === 'await';
      if (!inAsync && !awaited) continue;
      const anchor = { start: s.resource.startIndex, end: s.method.endIndex };
      const own: Fix[] = awaited ? [] : [{ title: 'await', kind: 'quickfix', safe: false, edits: [{ start: s.call.startIndex, end: s.call.startIndex, newText: 'await ' }] }];
      if (awaited) {
        ctx.report(anchor,
          `This client is the synchronous ${cls.name}(): its calls return a Message, not an awaitable, so await raises TypeError ("object Message can't be used in 'await' expression") — after the request has blocked the event loop. Use AsyncAnthropic for code that awaits.`,
          own, { base: 'error' });
      } else {
        ctx.report(anchor,
          `The synchronous ${cls.name}() client blocks inside async def: the whole event loop (every other request this process serves) stops until Claude answers, seconds to minutes. Use AsyncAnthropic and await the call, or run it in a thread (asyncio.to_thread).`,
          own);
      }
      out.push({ kind: s.kind, ctor: ctx.ctors.indexOf(c), awaited, inAsync });
    }
    return out.length > 0 ? out : undefined;
  },
  /** Per client: one fix that turns it async and awaits its calls, offered when every call of it is in an async def. */
  file(ctx, { notes, held }): Finding[] {
    const uses = notes.flat();
    if (uses.length !== held.length) return [...held].map((f) => ({ ...f, fixes: [] }));
    const byCtor = new Map<number, number[]>();
    uses.forEach((u, k) => byCtor.set(u.ctor, [...(byCtor.get(u.ctor) ?? []), k]));
    const out: Finding[] = [];
    for (const [i, ks] of byCtor) {
      const ctor = ctx.ctors[i];
      const list = ks.map((k) => uses[k]!);
      let fix: Fix | undefined;
      const cls = ctor ? className(ctor) : undefined;
      // Offered when this file's calls are all the client's uses, each in an async def (then awaiting them all is right).
      if (ctor && cls && onlyCallsOf(ctx, ctor) === list.length && list.every((u) => u.inAsync && u.kind !== 'stream')) {
        const async = `Async${cls.name === 'Client' ? 'Anthropic' : cls.name}`;
        const edits: TextEdit[] = [{ start: cls.node.startIndex, end: cls.node.endIndex, newText: async }];
        const imp = cls.node.parent?.type === 'attribute' ? undefined : fromImportOf(ctx, cls.name);
        if (imp) edits.push({ start: imp.endIndex, end: imp.endIndex, newText: `, ${async}` });
        if (imp || cls.node.parent?.type === 'attribute') {
          for (const k of ks) edits.push(...(held[k]!.fixes[0]?.edits ?? []));
          fix = { title: `Use ${async} (and await its calls)`, kind: 'quickfix', safe: false, edits };
        }
      }
      for (const k of ks) out.push({ ...held[k]!, fixes: fix ? [fix] : [] });
    }
    return out;
  },
});

/**
 * How many calls of this client the file has, when every mention of its binding other than the
 * definition is a `binding.messages.create(…)`-style call (else undefined: it is passed around).
 */
function onlyCallsOf(ctx: Ctx, ctor: ClientCtor): number | undefined {
  if (!ctor.binding) return undefined;
  const esc = ctor.binding.replace(/[.$]/g, (c) => `\\${c}`);
  // (matches inside comments and strings are not uses: each must start an identifier of the tree)
  const count = (re: RegExp): number => scan(re, ctx.src.text, 0, ctx.src.text.length)
    .filter((m) => descend(ctx.src, m.index, m.index + 1)?.type === 'identifier').length;
  const mentions = count(new RegExp(`(?<![\\w.])${esc}(?!\\w)`, 'g'));
  const calls = count(new RegExp(`(?<![\\w.])${esc}\\s*\\.\\s*(?:beta\\s*\\.\\s*)?messages\\s*\\.\\s*(?:create|count_tokens|parse)\\s*\\(`, 'g'));
  return mentions - 1 === calls ? calls : undefined;
}
