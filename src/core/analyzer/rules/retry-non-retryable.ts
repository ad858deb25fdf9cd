import { SDK_RETRYABLE_STATUSES } from '../../data/api-facts';
import type { Ctx } from '../context';
import { field, indentAt, indentUnit, named, unwrap } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { loopToHelperRefactor, pyAnthropicNames } from '../checks/fixes';
import { handlersOf, lastSegment, type Handler } from '../checks/handlers';
import { retryDecoratorsOf, tenacityName, tenacityRef, type RetryDecorator } from '../checks/decorators';
import { BROAD, RETRYABLE_PY, SPECIFIC_4XX, discriminates, unusedName } from '../checks/retry-loops';
import { defineRule } from './rule';

export default defineRule({
  id: 'retry-non-retryable',
  defaultSeverity: 'warning',
  description: 'A hand-written retry that also retries 400/401/403/404/413, which fail the same way every time.',
  summary: 'a hand-written retry that also retries 400/401/403/404/413',
  fix: 'yes',
  on: { ts: /\bcatch\b/, py: /\bexcept\b|@/ },
  readsCallers: true,
  check(ctx) {
    for (const h of handlersOf(ctx)) {
      if (!h.retry()) continue;
      if (ctx.src.py) pyHandler(ctx, h);
      else tsHandler(ctx, h);
    }
    for (const d of retryDecoratorsOf(ctx)) {
      if (d.kind === 'tenacity') tenacity(ctx, d);
      else backoff(ctx, d);
    }
  },
});

function tsHandler(ctx: Ctx, h: Handler): void {
  const { clause, body } = h;
  const { src } = ctx;
  if (discriminates(ctx, body)) return;
  const head = { start: clause.startIndex, end: body.startIndex + 1 };
  const param = field(clause, 'parameter');
  const edits: TextEdit[] = [];
  let errName = param?.type === 'identifier' ? param.text : undefined;
  if (!param) {
    errName = unusedName(body.text, 'err');
    edits.push({ start: body.startIndex, end: body.startIndex, newText: `(${errName}) ` });
  }
  if (!errName) return;
  const status = unusedName(body.text, 'status');
  const first = named(body)[0];
  const ind = first ? indentAt(src, first.startIndex) : indentAt(src, clause.startIndex) + indentUnit(src);
  const cast = src.typed ? `(${errName} as { status?: unknown } | null)?.status` : `${errName}?.status`;
  const guard = `const ${status} = ${cast};\n${ind}if (typeof ${status} === 'number' && ${status} < 500 && ![${SDK_RETRYABLE_STATUSES.join(', ')}].includes(${status})) throw ${errName};`;
  const styled = src.text.includes('"') && !src.text.includes("'") ? guard.replace(/'/g, '"') : guard;
  if (first && first.startPosition.row !== body.startPosition.row) {
    edits.push({ start: first.startIndex, end: first.startIndex, newText: `${styled}\n${ind}` });
  } else {
    const base = indentAt(src, clause.startIndex);
    edits.push({ start: body.startIndex + 1, end: body.startIndex + 1, newText: `\n${base}${indentUnit(src)}${styled.replace(`\n${ind}`, `\n${base}${indentUnit(src)}`)}${first ? `\n${base}${indentUnit(src)}` : `\n${base}`}` });
  }
  ctx.report(head,
    `This retry loop retries every error, including 400/401/403/404/413, which fail the same way on every attempt (and 401/403 just burn time). Retry only 408, 409, 429, 5xx/529 and connection errors.`,
    withHelper(ctx, h, [{ title: 'Retry only retryable errors (rethrow 4xx other than 408/409/429)', kind: 'quickfix', safe: false, edits }]));
}

function pyHandler(ctx: Ctx, h: Handler): void {
  const { src } = ctx;
  const { clause, kw, body, value, types, names, alias, clauses } = h;
  const broad = types.length === 0 || names.some((n) => BROAD.has(n));
  const earlier = clauses.slice(0, clauses.findIndex((c) => c.id === clause.id));
  const earlierHandles4xx = earlier.some((c) => SPECIFIC_4XX.test(c.text));
  if (!broad || earlierHandles4xx || discriminates(ctx, body)) return;
  const first = named(body)[0];
  if (!first || first.startPosition.row === clause.startPosition.row) return;
  const edits: TextEdit[] = [];
  let errName = alias?.text;
  if (!errName) {
    errName = unusedName(body.text, 'err');
    if (value) edits.push({ start: value.endIndex, end: value.endIndex, newText: ` as ${errName}` });
    else edits.push({ start: kw.endIndex, end: kw.endIndex, newText: ` Exception as ${errName}` });
  }
  const ind = indentAt(src, first.startIndex);
  const status = unusedName(body.text, 'status');
  const q = src.text.includes("'") && !src.text.includes('"') ? "'" : '"';
  const guard = `${status} = getattr(${errName}, ${q}status_code${q}, None)\n${ind}if isinstance(${status}, int) and ${status} < 500 and ${status} not in (${SDK_RETRYABLE_STATUSES.join(', ')}):\n${ind}${indentUnit(src)}raise\n${ind}`;
  edits.push({ start: first.startIndex, end: first.startIndex, newText: guard });
  ctx.report({ start: clause.startIndex, end: (value ?? kw).endIndex },
    `This retry loop catches ${types.length === 0 ? 'every exception' : names.join(', ')} and retries 400/401/403/404/413 too: they fail the same way on every attempt. Retry only 408, 409, 429, 5xx/529 and connection errors.`,
    withHelper(ctx, h, [{ title: 'Retry only retryable errors (re-raise other 4xx)', kind: 'quickfix', safe: false, edits }]));
}

/** The quick fix, then the refactor that replaces the whole loop with the retry helper (when its shape allows). */
function withHelper(ctx: Ctx, h: Handler, fixes: Fix[]): Fix[] {
  const loop = h.retry();
  const w = loop ? loopToHelperRefactor(ctx, loop, h.tryBody) : undefined;
  return w ? [...fixes, w] : fixes;
}

function tenacity(ctx: Ctx, { deco, call, args, kwargs }: RetryDecorator): void {
  if (kwargs?.unknownSpread) return;
  const retryArg = kwargs?.entries.get('retry');
  if (!retryArg) {
    const r = tenacityName(ctx, 'retry_if_exception_type');
    const { exprs, edits } = pyAnthropicNames(ctx, RETRYABLE_PY);
    const code = `retry=${r.expr}((${exprs.join(', ')}))`;
    const fixEdits: TextEdit[] = [...r.edits, ...edits];
    if (args) {
      const list = named(args);
      const last = list[list.length - 1];
      fixEdits.push(last ? { start: last.endIndex, end: last.endIndex, newText: `, ${code}` } : { start: args.startIndex + 1, end: args.startIndex + 1, newText: code });
    } else {
      const fnNode = deco.namedChild(0)!;
      fixEdits.push({ start: fnNode.endIndex, end: fnNode.endIndex, newText: `(${code})` });
    }
    ctx.report(call ?? deco,
      'tenacity retries on every exception unless told otherwise, including 400/401/403/404/413, which fail the same way on every attempt. Retry only rate limits, 5xx/529 and connection errors.',
      [{ title: 'Retry only retryable errors', kind: 'quickfix', safe: false, edits: fixEdits }]);
    return;
  }
  const v = unwrap(retryArg.valueNode);
  if (v.type !== 'call' || !tenacityRef(ctx, field(v, 'function')!, 'retry_if_exception_type')) return;
  const a = named(field(v, 'arguments')!)[0];
  const excNames = a ? (unwrap(a).type === 'tuple' ? named(unwrap(a)) : [unwrap(a)]).map(lastSegment) : ['Exception'];
  if (!excNames.some((n) => BROAD.has(n))) return;
  const { exprs, edits } = pyAnthropicNames(ctx, RETRYABLE_PY);
  const fix: TextEdit[] = [...edits];
  if (a) fix.push({ start: a.startIndex, end: a.endIndex, newText: `(${exprs.join(', ')})` });
  else fix.push({ start: field(v, 'arguments')!.startIndex + 1, end: field(v, 'arguments')!.startIndex + 1, newText: `(${exprs.join(', ')})` });
  ctx.report(a ?? v,
    `retry_if_exception_type(${excNames.join(', ')}) retries 400/401/403/404/413 too: they fail the same way on every attempt. Retry only rate limits, 5xx/529 and connection errors.`,
    [{ title: 'Retry only retryable errors', kind: 'quickfix', safe: false, edits: fix }]);
}

function backoff(ctx: Ctx, { args, kwargs }: RetryDecorator): void {
  if (!args) return;
  const pos = named(args).filter((a) => a.type !== 'keyword_argument');
  const exc = pos[1];
  const excNames = exc ? (unwrap(exc).type === 'tuple' ? named(unwrap(exc)) : [unwrap(exc)]).map(lastSegment) : [];
  if (!exc || !excNames.some((n) => BROAD.has(n)) || kwargs?.entries.has('giveup')) return;
  const { exprs, edits } = pyAnthropicNames(ctx, RETRYABLE_PY);
  ctx.report(exc,
    `backoff retries every ${excNames.join('/')} here, including 400/401/403/404/413, which fail the same way on every attempt. Retry only rate limits, 5xx/529 and connection errors.`,
    [{ title: 'Retry only retryable errors', kind: 'quickfix', safe: false, edits: [...edits, { start: exc.startIndex, end: exc.endIndex, newText: `(${exprs.join(', ')})` }] }]);
}
