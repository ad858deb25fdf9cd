/**
 * Python retry decorators (tenacity's `@retry`, backoff's `@backoff.on_exception`) on functions
 * that call Claude, read once for every rule that looks at them.
 */
import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { Bag } from '../sdk';
import { descend, field, named, scan } from '../syntax';
import type { TextEdit } from '../types';
import { callsClaude } from './retry-loops';

export interface RetryDecorator {
  kind: 'tenacity' | 'backoff';
  deco: Node;
  /** The decorator call (`@retry(...)`), when called. */
  call?: Node;
  args: Node | null;
  kwargs?: Bag;
}

export function tenacityRef(ctx: Ctx, fn: Node, name: string): boolean {
  if (fn.type === 'identifier') return ctx.imports.tenacity.get(fn.text) === name;
  if (fn.type === 'attribute') return !!ctx.imports.tenacityNs && fn.text === `${ctx.imports.tenacityNs}.${name}`;
  return false;
}

/** Expression and import edit for a tenacity helper. */
export function tenacityName(ctx: Ctx, name: string): { expr: string; edits: TextEdit[] } {
  for (const [local, n] of ctx.imports.tenacity) if (n === name) return { expr: local, edits: [] };
  if (ctx.imports.tenacityNs) return { expr: `${ctx.imports.tenacityNs}.${name}`, edits: [] };
  // add to `from tenacity import …`
  const re = /(^|\n)[ \t]*from[ \t]+tenacity[ \t]+import[ \t]/g;
  const m = re.exec(ctx.src.text);
  if (m) {
    const st = descend(ctx.src, m.index + m[0].length - 2);
    let node: Node | null = st;
    while (node && node.type !== 'import_from_statement') node = node.parent;
    if (node) {
      let last: Node | undefined;
      for (let i = 0; i < node.childCount; i++) if (node.fieldNameForChild(i) === 'name') last = node.child(i)!;
      if (last) return { expr: name, edits: [{ start: last.endIndex, end: last.endIndex, newText: `, ${name}` }] };
    }
  }
  return { expr: name, edits: [{ start: ctx.imports.importInsertAt, end: ctx.imports.importInsertAt, newText: `from tenacity import ${name}\n` }] };
}

/** Remove one keyword argument with its comma. */
export function removeKw(args: Node, item: Node): TextEdit {
  const list = named(args);
  const i = list.findIndex((x) => x.id === item.id);
  if (i > 0) return { start: list[i - 1]!.endIndex, end: item.endIndex, newText: '' };
  const next = list[i + 1];
  return next ? { start: item.startIndex, end: next.startIndex, newText: '' } : { start: item.startIndex, end: item.endIndex, newText: '' };
}

function bagOfKwargs(args: Node): Bag {
  const bag: Bag = { container: args, entries: new Map(), unknownSpread: false, style: 'kwargs' };
  for (const a of named(args)) {
    if (a.type === 'keyword_argument') {
      const k = field(a, 'name')?.text;
      const v = field(a, 'value');
      if (k && v) bag.entries.set(k, { key: k, valueNode: v, item: a, container: args });
    } else if (a.type === 'dictionary_splat') bag.unknownSpread = true;
  }
  return bag;
}


/** The unit's retry decorators on functions that call Claude (Python only). */
export function retryDecoratorsOf(ctx: Ctx): RetryDecorator[] {
  return ctx.memo(retryDecoratorsOf, () => readDecorators(ctx));
}

function readDecorators(ctx: Ctx): RetryDecorator[] {
  const out: RetryDecorator[] = [];
  const { src } = ctx;
  if (src.py) {
    for (const m of scan(/@[ \t]*([\w.]+)/g, src.text, ctx.from, ctx.to)) {
      const node = descend(src, m.index, m.index + 1);
      const deco = node?.parent;
      if (!deco || deco.type !== 'decorator') continue;
      const decorated = deco.parent;
      const def = decorated ? field(decorated, 'definition') : null;
      const defBody = def ? field(def, 'body') : null;
      if (!defBody || !callsClaude(ctx, defBody)) continue;
      const expr = deco.namedChild(0);
      if (!expr) continue;
      const call = expr.type === 'call' ? expr : undefined;
      const fn = call ? field(call, 'function')! : expr;
      const args = call ? field(call, 'arguments') : null;
      const kwargs = args && args.type === 'argument_list' ? bagOfKwargs(args) : undefined;
      if (tenacityRef(ctx, fn, 'retry')) out.push({ kind: 'tenacity', deco, call, args, kwargs });
      else if (ctx.imports.backoffNs && fn.text === `${ctx.imports.backoffNs}.on_exception` && args) out.push({ kind: 'backoff', deco, call, args, kwargs });
    }
  }
  return out;
}
