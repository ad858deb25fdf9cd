import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { CallSite } from '../sdk';
import { descend, field, scan } from '../syntax';
import { handlersOf, type Handler } from '../checks/handlers';
import { defineRule } from './rule';

/** The name a stream call's result is stored in (`const stream = …`, `s = …`), if any. */
function bindingOf(call: Node): string | undefined {
  const p = call.parent;
  if (!p) return undefined;
  if (p.type === 'variable_declarator' && field(p, 'name')?.type === 'identifier') return field(p, 'name')!.text;
  if ((p.type === 'assignment_expression' || p.type === 'assignment') && field(p, 'right')?.id === call.id) {
    const left = field(p, 'left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  return undefined;
}

/**
 * The stream is only created inside the try, never consumed there: `const s = client.messages.stream(…)`
 * (or `return client.messages.stream(…)`) with no use of `s` after it inside the try, and no method
 * chained onto the call. Python: not the context manager of a `with` inside the try either.
 */
function createdOnly(ctx: Ctx, h: Handler, s: CallSite): boolean {
  const p = s.call.parent;
  if (!p) return false;
  if (p.type === 'member_expression' || p.type === 'attribute' || p.type === 'await_expression' || p.type === 'await') return false;
  if (p.type === 'with_item' || p.type === 'as_pattern' || p.type === 'with_clause') return false;
  if (p.type === 'return_statement') return true;
  const name = bindingOf(s.call);
  if (!name) return false;
  // Any later use of the name in the try (identifiers only: not comments or strings) may consume it.
  const re = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  for (const m of scan(re, ctx.src.text, s.call.endIndex, h.tryBody.endIndex)) {
    const n = descend(ctx.src, m.index, m.index + name.length);
    if (n && n.type === 'identifier') return false;
  }
  return true;
}

export default defineRule({
  id: 'stream-retry-catches-nothing',
  defaultSeverity: 'warning',
  description: 'A try (or retry) around messages.stream() creation only: the stream fails later, while it is read, outside this try.',
  summary: 'try/retry around creating `messages.stream()` only; errors surface while reading it',
  fix: 'none',
  on: { ts: /\bcatch\b/, py: /\bexcept\b/ },
  check(ctx) {
    for (const h of handlersOf(ctx)) {
      for (const s of ctx.calls) {
        if (s.kind !== 'stream' || s.call.startIndex < h.tryBody.startIndex || s.call.endIndex > h.tryBody.endIndex) continue;
        if (!createdOnly(ctx, h, s)) continue;
        const retry = !!h.retry();
        const msg = ctx.src.py
          ? `client.messages.stream(…) only builds a stream manager: the request is sent when a with block enters it, and errors (429, 529, dropped connections, mid-stream overloads) are raised there and while iterating — outside this try, so this ${retry ? 'retry never retries and ' : ''}except never catches them. Put the with block (and the iteration) inside the try.`
          : `client.messages.stream(…) returns a MessageStream without throwing: errors (429, 529, dropped connections, mid-stream overloads) surface while it is iterated or in finalMessage() — outside this try, so this ${retry ? 'retry never retries and ' : ''}catch never sees them. Consume the stream (for await … / await stream.finalMessage()) inside the try.`;
        ctx.report({ start: s.resource.startIndex, end: s.method.endIndex }, msg);
      }
    }
  },
});
