import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { CallSite } from '../sdk';
import { descend, field, named, resolveIdentifier, scan, unwrap } from '../syntax';
import type { Fix } from '../types';
import { defineRule } from './rule';

const inside = (s: CallSite, n: Node): boolean => s.call.startIndex >= n.startIndex && s.call.endIndex <= n.endIndex;

/** The Claude call an element of the race array stands for: the call itself, or the const it was stored in. */
function raced(ctx: Ctx, el: Node): { site: CallSite; direct: boolean } | undefined {
  let n = unwrap(el);
  if (n.type === 'await_expression') n = unwrap(n.namedChild(0) ?? n);
  let direct = true;
  if (n.type === 'identifier') {
    const def = resolveIdentifier(ctx.src, n);
    if (!def) return undefined;
    n = def;
    direct = false;
  }
  const site = ctx.calls.find((s) => inside(s, n) && s.kind !== 'batches');
  return site ? { site, direct: direct && site.call.id === unwrap(n).id } : undefined;
}

/** The request options already abort or time the call out. */
function aborts(s: CallSite): boolean {
  const o = s.requestOptions !== s.params ? s.requestOptions : undefined;
  if (o && (o.entries.has('signal') || o.entries.has('timeout') || o.unknownSpread)) return true;
  if (s.withOptions && (s.withOptions.entries.has('timeout') || s.withOptions.unknownSpread)) return true;
  // A second argument we cannot read may carry a signal.
  return named(s.args).length > 1 && !o;
}

/** The milliseconds of a `setTimeout(…, 30000)` / `sleep(30_000)` / `timeout(5000)` in the other racers. */
function timeoutMs(others: Node[]): string | undefined {
  for (const o of others) {
    const m = /\b(?:setTimeout\s*\([\s\S]*?,\s*|(?:sleep|delay|timeout|wait|rejectAfter|timeoutAfter)\s*\(\s*)(\d[\d_]*)\s*\)/.exec(o.text);
    if (m) return m[1]!;
  }
  return undefined;
}

export default defineRule({
  id: 'race-timeout-no-abort',
  defaultSeverity: 'warning',
  description: 'Promise.race between a Claude call and a timer that never aborts the request: it keeps running (and billing) after the timeout.',
  summary: '`Promise.race([call, timeout])` that never aborts the request (it keeps running and billing)',
  fix: 'yes',
  languages: ['ts'],
  on: { ts: /\bPromise\s*\.\s*race\b/ },
  check(ctx) {
    for (const m of scan(/\bPromise\s*\.\s*race\b/g, ctx.src.text, ctx.from, ctx.to)) {
      const id = descend(ctx.src, m.index, m.index + 7);
      const member = id?.parent;
      const call = member?.parent;
      if (!member || member.type !== 'member_expression' || !call || call.type !== 'call_expression' || field(call, 'function')?.id !== member.id) continue;
      const arr = named(field(call, 'arguments')!)[0];
      if (!arr || unwrap(arr).type !== 'array') continue;
      const els = named(unwrap(arr));
      if (els.length < 2) continue;
      for (const el of els) {
        const r = raced(ctx, el);
        if (!r || aborts(r.site)) continue;
        const others = els.filter((x) => x.id !== el.id);
        const ms = timeoutMs(others);
        const fixes: Fix[] = [];
        if (ms && r.direct && named(r.site.args).length === 1) {
          const callText = ctx.src.text.slice(r.site.call.startIndex, r.site.args.endIndex - 1);
          fixes.push({
            title: `Use the SDK's timeout option ({ timeout: ${ms} }) instead of the race`, kind: 'quickfix', safe: false,
            edits: [{ start: call.startIndex, end: call.endIndex, newText: `${callText}, { timeout: ${ms} })` }],
          });
        }
        ctx.report(member,
          `Promise.race only stops waiting: the ${r.site.method.text}() request is never aborted, so it keeps running — and billing its tokens — after the timer wins, and its late rejection goes unhandled. Pass the SDK's request options instead: ${r.site.method.text}(body, { timeout: ms }) (per attempt, with the SDK's retries), or { signal: AbortSignal.timeout(ms) } to abort it.`,
          fixes);
        break;
      }
    }
  },
});
