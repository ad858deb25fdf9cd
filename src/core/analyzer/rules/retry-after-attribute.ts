import type { Ctx } from '../context';
import type { Node } from '../parser';
import { descend, field, named, scan, stringLiteral, unwrap } from '../syntax';
import type { Fix } from '../types';
import { defineRule } from './rule';

/** The names a `catch (e)` / `except … as e` of an enclosing handler binds. */
function handlerBinds(ctx: Ctx, n: Node, name: string): boolean {
  for (let a = n.parent; a; a = a.parent) {
    if (!ctx.src.py && a.type === 'catch_clause' && field(a, 'parameter')?.text === name) return true;
    if (ctx.src.py && a.type === 'except_clause') {
      const m = /\bas\s+([A-Za-z_]\w*)\s*:?\s*$/.exec(a.text.slice(0, (named(a).find((c) => c.type === 'block')?.startIndex ?? a.endIndex) - a.startIndex));
      if (m?.[1] === name) return true;
    }
  }
  return false;
}

export default defineRule({
  id: 'retry-after-attribute',
  defaultSeverity: 'warning',
  description: 'Reading e.retry_after / error.retryAfter, which the SDKs never set: the wait is always the fallback. Read the retry-after header.',
  summary: '`e.retry_after` / `error.retryAfter`, never set by the SDKs → read the `retry-after` header',
  fix: 'yes',
  on: { ts: /\bretryAfter\b/, py: /\bretry_after\b/ },
  check(ctx) {
    const { src } = ctx;
    const attr = src.py ? 'retry_after' : 'retryAfter';
    for (const m of scan(src.py ? /\bretry_after\b/g : /\bretryAfter\b/g, src.text, ctx.from, ctx.to)) {
      const id = descend(src, m.index, m.index + attr.length);
      const parent = id?.parent;
      if (!id || !parent) continue;
      // e.retry_after / error.retryAfter / error?.retryAfter
      if ((parent.type === 'member_expression' || parent.type === 'attribute') && field(parent, src.py ? 'attribute' : 'property')?.id === id.id) {
        const o = field(parent, 'object');
        const obj = o ? unwrap(o) : undefined;
        if (!obj || obj.type !== 'identifier' || !handlerBinds(ctx, parent, obj.text)) continue;
        report(ctx, parent, obj.text, true);
        continue;
      }
      // getattr(e, "retry_after", 1)
      if (src.py && id.type === 'string_content') {
        const str = id.parent;
        const args = str?.parent;
        const call = args?.parent;
        if (!str || !args || !call || call.type !== 'call' || field(call, 'function')?.text !== 'getattr') continue;
        const list = named(args);
        if (list[1]?.id !== str.id || stringLiteral(src, str)?.value !== 'retry_after') continue;
        const obj = list[0];
        if (!obj || obj.type !== 'identifier' || !handlerBinds(ctx, call, obj.text)) continue;
        report(ctx, call, obj.text, false);
      }
    }
  },
});

function report(ctx: Ctx, at: Node, err: string, attribute: boolean): void {
  const py = ctx.src.py;
  const q = py ? '"' : "'";
  const header = py ? `${err}.response.headers.get(${q}retry-after${q})` : `${err}.headers?.get(${q}retry-after${q})`;
  const fixes: Fix[] = attribute
    ? [{ title: `Read the retry-after header (${header})`, kind: 'quickfix', safe: false, edits: [{ start: at.startIndex, end: at.endIndex, newText: header }] }]
    : [];
  ctx.report(at,
    `${py ? 'The Python SDK' : 'The TypeScript SDK'} never sets ${py ? 'retry_after' : 'retryAfter'} on its errors: this always reads ${py ? 'the default (or raises AttributeError)' : 'undefined'}, so the server's wait is ignored. The wait is in the response's retry-after header (seconds; retry-after-ms when present): ${header}${py ? ' (only errors with a response have one)' : ''}.`,
    fixes);
}
