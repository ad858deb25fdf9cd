import type { Node } from '../parser';
import { lineOf } from '../syntax';
import { defineRule } from './rule';

/** The first ERROR or MISSING node in source order (a loop, not a recursion: nesting can be deep). */
function firstError(root: Node): Node | undefined {
  let n: Node = root;
  for (let guard = 0; guard < 100_000; guard++) {
    if (n.isError || n.isMissing) return n;
    let next: Node | undefined;
    for (let i = 0; i < n.childCount; i++) {
      const c = n.child(i)!;
      if (c.isError || c.isMissing || c.hasError) { next = c; break; }
    }
    if (!next) return n === root ? undefined : n;
    n = next;
  }
  return n;
}

export default defineRule({
  id: 'syntax-errors',
  defaultSeverity: 'info',
  description: 'The file has syntax errors: findings come only from the parts that parse, so some problems may be missed.',
  summary: 'one note when the file does not parse: findings come only from the parts that do',
  fix: 'none',
  on: 'file',
  withoutSdk: true,
  gate: () => true,
  file(ctx) {
    const root = ctx.src.root;
    if (!root.hasError) return;
    const at = firstError(root) ?? root;
    const start = at.startIndex;
    // A MISSING node is empty: point at the character before it (or the start of the file).
    const nl = ctx.src.text.indexOf('\n', start);
    const lineEnd = nl < 0 ? ctx.src.text.length : nl;
    // (to the end of its line at most; a MISSING node is empty: the character before it)
    const span = at.endIndex > start ? { start, end: Math.max(start + 1, Math.min(at.endIndex, lineEnd)) } : { start: Math.max(0, start - 1), end: start };
    const what = at.isMissing ? `a missing ${JSON.stringify(at.type)}` : 'code that does not parse';
    ctx.report(span,
      `This file has syntax errors (first: ${what} on line ${lineOf(ctx.src, start) + 1}). Claude Doctor still checks the parts that parse, but calls in or near the broken part may not be checked — fix the syntax to see every finding.`);
  },
});
