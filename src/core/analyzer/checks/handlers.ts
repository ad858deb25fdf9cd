/**
 * Error handlers of a unit, read once for every rule that looks at them: TS/JS `catch` clauses
 * and Python `except` clauses, each with the retry loop it goes round (when it does).
 */
import type { Ctx } from '../context';
import type { Node } from '../parser';
import { descend, field, named, scan, unwrap } from '../syntax';
import { callsClaude, handlerRetries, inHelper, retryLoop } from './retry-loops';

export interface Handler {
  /** The `catch` / `except` keyword. */
  kw: Node;
  clause: Node;
  tryStmt: Node;
  tryBody: Node;
  /** The handler's block. */
  body: Node;
  /** The loop this handler goes round to retry a Claude call (worked out on first use). */
  retry(): Node | undefined;
  /** Python: the `except` expression, its classes, `as` name, and every class the try handles. */
  value?: Node;
  types: Node[];
  names: string[];
  alias?: Node;
  clauses: Node[];
  allNames: string[];
}

export const lastSegment = (n: Node): string => n.text.replace(/^.*\./, '');

function exceptTypesOf(value: Node): { value?: Node; types: Node[]; alias?: Node } {
  let v = value;
  let alias: Node | undefined;
  if (v.type === 'as_pattern') {
    alias = field(v, 'alias')?.namedChild(0) ?? field(v, 'alias') ?? undefined;
    v = v.namedChild(0)!;
  }
  const inner = unwrap(v);
  const types = inner.type === 'tuple' ? named(inner) : [inner];
  return { value: v, types, alias };
}

export function exceptTypes(clause: Node): { value?: Node; types: Node[]; alias?: Node } {
  const value = field(clause, 'value');
  if (!value) {
    // older grammar shapes: first named child that is not the block
    const first = named(clause).find((c) => c.type !== 'block');
    if (!first) return { types: [] };
    return exceptTypesOf(first);
  }
  return exceptTypesOf(value);
}


function retryOf(ctx: Ctx, h: Pick<Handler, 'clause' | 'tryStmt' | 'tryBody' | 'body'>): () => Node | undefined {
  let done = false;
  let loop: Node | undefined;
  return () => {
    if (!done) {
      done = true;
      const l = retryLoop(ctx, h.tryStmt);
      loop = l && !inHelper(ctx, h.clause) && handlerRetries(ctx, h.body) && callsClaude(ctx, h.tryBody) ? l : undefined;
    }
    return loop;
  };
}

/** The unit's handlers, in source order. */
export function handlersOf(ctx: Ctx): Handler[] {
  return ctx.memo(handlersOf, () => readHandlers(ctx));
}

function readHandlers(ctx: Ctx): Handler[] {
  const out: Handler[] = [];
  const { src } = ctx;
  if (!src.py) {
    for (const m of scan(/\bcatch\b/g, src.text, ctx.from, ctx.to)) {
      const kw = descend(src, m.index, m.index + 5);
      const clause = kw?.parent;
      if (!kw || !clause || clause.type !== 'catch_clause') continue;
      const tryStmt = clause.parent;
      const body = field(clause, 'body');
      const tryBody = tryStmt ? field(tryStmt, 'body') : null;
      if (!tryStmt || !body || !tryBody) continue;
      const h = { kw, clause, tryStmt, tryBody, body, types: [], names: [], clauses: [], allNames: [] };
      out.push({ ...h, retry: retryOf(ctx, h) });
    }
  } else {
    for (const m of scan(/\bexcept\b/g, src.text, ctx.from, ctx.to)) {
      const kw = descend(src, m.index, m.index + 6);
      const clause = kw?.parent;
      if (!kw || !clause || clause.type !== 'except_clause') continue;
      const tryStmt = clause.parent;
      const tryBody = tryStmt ? field(tryStmt, 'body') : null;
      const body = named(clause).find((c) => c.type === 'block');
      if (!tryStmt || !tryBody || !body) continue;
      const { value, types, alias } = exceptTypes(clause);
      const clauses = named(tryStmt).filter((c) => c.type === 'except_clause');
      const h = {
        kw, clause, tryStmt, tryBody, body, value, types, alias, clauses,
        names: types.map(lastSegment),
        allNames: clauses.flatMap((c) => exceptTypes(c).types.map(lastSegment)),
      };
      out.push({ ...h, retry: retryOf(ctx, h) });
    }
  }
  return out;
}
