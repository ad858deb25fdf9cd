import type { Ctx } from '../context';
import type { Node } from '../parser';
import { descend, field, named, unwrap } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { pyImportEdit } from '../checks/fixes';
import { handlersOf } from '../checks/handlers';
import { removeKw, retryDecoratorsOf, tenacityName, tenacityRef, type RetryDecorator } from '../checks/decorators';
import { valueOf } from '../syntax';
import { defineRule } from './rule';

export default defineRule({
  id: 'retry-without-jitter',
  defaultSeverity: 'warning',
  description: 'A retry sleep that is fixed or purely exponential: clients retry in lockstep. Use full jitter.',
  summary: 'a fixed or purely exponential retry sleep',
  fix: 'safe',
  on: { ts: /\bcatch\b/, py: /\bexcept\b|@/ },
  readsCallers: true,
  check(ctx) {
    for (const h of handlersOf(ctx)) {
      const loop = h.retry();
      if (loop) jitterInLoop(ctx, h.body, loop);
    }
    for (const d of retryDecoratorsOf(ctx)) {
      if (d.kind === 'tenacity') tenacityWait(ctx, d);
      else backoffJitter(ctx, d);
    }
  },
});

function tenacityWait(ctx: Ctx, { kwargs }: RetryDecorator): void {
  if (kwargs?.unknownSpread) return;
  const wait = kwargs?.entries.get('wait');
  if (!wait) return;
  const w = unwrap(wait.valueNode);
  if (/random|jitter/i.test(w.text)) return;
  const fn = w.type === 'call' ? field(w, 'function')! : undefined;
  if (fn && tenacityRef(ctx, fn, 'wait_exponential')) {
    const r = tenacityName(ctx, 'wait_random_exponential');
    ctx.report(w,
      'wait_exponential has no jitter: clients that failed together retry together. wait_random_exponential is full jitter with the same arguments.',
      [{ title: 'Use wait_random_exponential (full jitter)', kind: 'quickfix', safe: true, edits: [...r.edits, { start: fn.startIndex, end: fn.endIndex, newText: r.expr }] }]);
  } else if (fn && tenacityRef(ctx, fn, 'wait_fixed')) {
    const arg = named(field(w, 'arguments')!)[0];
    const r = tenacityName(ctx, 'wait_random');
    const fix: Fix[] = arg && arg.type !== 'keyword_argument'
      ? [{ title: 'Use wait_random(0, …) (full jitter)', kind: 'quickfix', safe: true, edits: [...r.edits, { start: w.startIndex, end: w.endIndex, newText: `${r.expr}(0, ${arg.text})` }] }]
      : [];
    ctx.report(w, 'wait_fixed retries every client at the same moment. Use a random wait (full jitter).', fix);
  }
}

function backoffJitter(ctx: Ctx, { args, kwargs }: RetryDecorator): void {
  const jitter = kwargs?.entries.get('jitter');
  if (!args || !jitter || valueOf(ctx.src, jitter.valueNode).kind !== 'null') return;
  ctx.report(jitter.item,
    'jitter=None turns off backoff\'s full jitter: clients that failed together retry together. Remove it (backoff defaults to full jitter).',
    [{ title: 'Use backoff\'s default full jitter', kind: 'quickfix', safe: true, edits: [removeKw(args, jitter.item)] }]);
}

const TS_SLEEP = /\b(setTimeout|sleep|delay|wait|setTimeoutPromise|timeout)\s*\(/g;
const PY_SLEEP = /\b(sleep)\s*\(/g;

function definitionsText(ctx: Ctx, scope: Node, expr: Node, depth = 0): string {
  let text = expr.text;
  if (depth > 2) return text;
  const ids = new Set<string>();
  const walk = (n: Node): void => {
    if (n.type === 'identifier') ids.add(n.text);
    for (const c of named(n)) walk(c);
  };
  walk(expr);
  const scopeText = scope.text;
  const unitText = ctx.src.text.slice(ctx.from, ctx.to);
  for (const id of ids) {
    const esc = id.replace(/[$]/g, '\\$');
    const re = ctx.src.py
      ? new RegExp(`(?:^|\\n)[ \\t]*${esc}\\s*[-+*/]?=(?!=)([^\\n]*)|def\\s+${esc}\\s*\\(([\\s\\S]*?)(?:\\n\\S|$)`, 'g')
      : new RegExp(`(?<![\\w$.])${esc}\\s*[-+*/]?=(?![=>])([^;\\n]*)|function\\s+${esc}\\s*\\(([\\s\\S]*?)\\n\\}`, 'g');
    for (const source of [scopeText, unitText]) {
      for (let m = re.exec(source); m; m = re.exec(source)) text += ` ${m[1] ?? ''} ${m[2] ?? ''}`;
      if (source === scopeText && new RegExp(`(?<![\\w$.])${esc}\\s*[-+*/]?=`).test(scopeText)) break;
    }
  }
  return text;
}

function jitterInLoop(ctx: Ctx, handler: Node, loop: Node): void {
  const { src } = ctx;
  const re = new RegExp((src.py ? PY_SLEEP : TS_SLEEP).source, 'g');
  const body = field(loop, 'body') ?? loop;
  const region = src.text.slice(handler.startIndex, handler.endIndex);
  for (let m = re.exec(region); m; m = re.exec(region)) {
    const at = handler.startIndex + m.index;
    const id = descend(src, at, at + m[1]!.length);
    let callee: Node | null = id;
    if (callee?.parent && (callee.parent.type === 'member_expression' || callee.parent.type === 'attribute') && field(callee.parent, src.py ? 'attribute' : 'property')?.id === callee.id) callee = callee.parent;
    const call = callee?.parent;
    if (!call || (call.type !== 'call_expression' && call.type !== 'call') || field(call, 'function')?.id !== callee!.id) continue;
    if (src.py && !/^(?:time\.|asyncio\.|trio\.|anyio\.)?sleep$/.test(callee!.text)) continue;
    const args = named(field(call, 'arguments')!);
    const name = m[1]!;
    const delay = !src.py && name === 'setTimeout' ? (args.length >= 2 ? args[1] : undefined) : args[0];
    if (!delay || delay.type === 'keyword_argument') continue;
    const all = definitionsText(ctx, body, delay);
    if (/random|jitter|uniform|retry.?after|retryAfter|headers/i.test(all)) continue;
    // A call to something we cannot see (e.g. computeDelay(attempt) from another module): unknown.
    const unknownCalls = [...all.matchAll(/([\w$.]+)\s*\(/g)].map((x) => x[1]!).filter((f) => !/^(?:Math\.(?:min|max|pow|floor|ceil|round)|min|max|pow|int|float|round)$/.test(f));
    if (unknownCalls.length > 0) continue;
    const exponential = /\*\*|Math\.pow|\bpow\(|<<|\*=|\b2\s*\*/.test(all);
    const edits: TextEdit[] = [];
    const d = unwrap(delay);
    const simple = /^(identifier|number|integer|float|member_expression|attribute|call_expression|call|parenthesized_expression|subscript_expression|subscript)$/.test(d.type);
    const inner = simple ? delay.text : `(${delay.text})`;
    if (src.py) {
      edits.push({ start: delay.startIndex, end: delay.endIndex, newText: `random.uniform(0, ${delay.text})` });
      if (!ctx.imports.hasImportRandom) edits.push(pyImportEdit(ctx, 'random'));
    } else {
      edits.push({ start: delay.startIndex, end: delay.endIndex, newText: `Math.random() * ${inner}` });
    }
    ctx.report(call,
      `This retry waits a ${exponential ? 'purely exponential' : 'fixed'} delay with no jitter: clients that failed together retry together and hit the API in waves. Use full jitter, random(0, min(cap, base·2^attempt)) — against un-jittered backoff it cut total calls by more than half with 100 contending clients.`,
      [{ title: 'Add full jitter to the delay', kind: 'quickfix', safe: true, edits }]);
  }
}

