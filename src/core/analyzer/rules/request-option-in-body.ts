import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { CallSite } from '../sdk';
import { field, insertItem, named, removeItem, unwrap } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { defineRule } from './rule';

/** TS request options (the second argument): in the body they are sent to the API as unknown fields. */
const TS_OPTIONS = ['signal', 'timeout', 'maxRetries'] as const;

export default defineRule({
  id: 'request-option-in-body',
  defaultSeverity: 'error',
  description: 'A request option (TS signal/timeout/maxRetries, Python max_retries) in the request body, or stream: true passed to .stream().',
  summary: '`signal`/`timeout`/`maxRetries` in the body instead of the options argument; `max_retries=` on a Python call; `stream: true` in `.stream()`',
  fix: 'yes',
  on: 'calls',
  gate: (text, py) => (py ? /\bmax_retries\b|\bstream\s*=/ : /\b(?:signal|timeout|maxRetries|stream)\b/).test(text),
  check(ctx) {
    for (const site of ctx.calls) {
      if (site.kind === 'completions' || site.kind === 'batches' || !site.params) continue;
      // (a Python wrapper's keywords mix its own options with the request: `retries=`, `max_retries=` may be its own)
      if (ctx.src.py && site.byRef && site.humble) continue;
      if (ctx.src.py) pyCall(ctx, site);
      else tsCall(ctx, site);
    }
  },
});

function tsCall(ctx: Ctx, site: CallSite): void {
  const body = site.params!;
  const first = named(site.args)[0];
  const second = named(site.args)[1];
  for (const key of TS_OPTIONS) {
    const e = body.entries.get(key);
    if (!e) continue;
    const fixes: Fix[] = [];
    const inLiteral = first && e.container.id === unwrap(first).id;
    if (inLiteral) {
      const itemText = ctx.src.text.slice(e.item.startIndex, e.item.endIndex);
      const edits: TextEdit[] = [removeItem(ctx.src, e.container, e.item)];
      if (!second) edits.push({ start: first.endIndex, end: first.endIndex, newText: `, { ${itemText} }` });
      else if (site.requestOptions && unwrap(second).type === 'object' && site.requestOptions.container.id === unwrap(second).id) {
        if (!site.requestOptions.entries.has(key)) {
          const list = named(site.requestOptions.container);
          edits.push(insertItem(ctx.src, site.requestOptions.container, itemText, list[list.length - 1] ?? null));
        }
      } else edits.length = 0;
      if (edits.length > 0) fixes.push({ title: `Move ${key} to the request options (second argument)`, kind: 'quickfix', safe: false, edits });
    }
    const what = key === 'signal' ? 'the request cannot be aborted' : key === 'timeout' ? 'no timeout applies' : 'the retry setting is ignored';
    ctx.report(e.item,
      `${key} is a request option, not a request field: inside the body the TypeScript SDK sends it to the API as an unknown field (a 400 "${key}: Extra inputs are not permitted") and ${what}. Pass it in the second argument: ${site.method.text}(body, { ${key} }).`,
      fixes);
  }
  if (site.kind === 'stream') {
    const e = body.entries.get('stream');
    if (e) {
      const fixes: Fix[] = first && e.container.id === unwrap(first).id
        ? [{ title: 'Remove stream (messages.stream always streams)', kind: 'quickfix', safe: true, edits: [removeItem(ctx.src, e.container, e.item)] }]
        : [];
      ctx.report(e.item, 'messages.stream() always streams (the TypeScript SDK sets stream: true itself): this stream key does nothing. Remove it.', fixes, 'info');
    }
  }
}

function pyCall(ctx: Ctx, site: CallSite): void {
  const { src } = ctx;
  const kw = site.params!;
  const e = kw.entries.get('max_retries');
  if (e) {
    const fixes: Fix[] = [];
    const receiverEnd = receiverEndOf(site);
    const value = e.container.id === site.args.id ? field(e.item, 'value') : null;
    if (value && receiverEnd !== undefined) {
      fixes.push({
        title: `Use .with_options(max_retries=${value.text})`, kind: 'quickfix', safe: false,
        edits: [
          { start: receiverEnd, end: receiverEnd, newText: `.with_options(max_retries=${value.text})` },
          removeItem(src, site.args, e.item),
        ],
      });
    }
    ctx.report(e.item,
      `The Python SDK's ${site.method.text}() has no max_retries parameter: this raises TypeError: ${site.method.text}() got an unexpected keyword argument 'max_retries' before any request is sent. Set it per call with client.with_options(max_retries=…), or on the client.`,
      fixes);
  }
  if (site.kind === 'stream') {
    const s = kw.entries.get('stream');
    if (s) {
      const fixes: Fix[] = s.container.id === site.args.id
        ? [{ title: 'Remove stream (messages.stream always streams)', kind: 'quickfix', safe: true, edits: [removeItem(src, site.args, s.item)] }]
        : [];
      ctx.report(s.item,
        "messages.stream() has no stream parameter (it always streams): this raises TypeError: stream() got an unexpected keyword argument 'stream'. Remove it.",
        fixes);
    }
  }
}

/** Where the client expression before `.messages` (and `.beta`) ends. */
function receiverEndOf(site: CallSite): number | undefined {
  const fn = field(site.call, 'function');
  let obj: Node | null = fn ? field(fn, 'object') : null; // X.messages
  obj = obj ? field(obj, 'object') : null; // X
  if (obj && site.beta && obj.type === 'attribute') obj = field(obj, 'object');
  return obj ? obj.endIndex : undefined;
}

