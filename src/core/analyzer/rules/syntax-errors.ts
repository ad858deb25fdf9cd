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
  file(ctx) {
    const root = ctx.src.root;
    if (!root.hasError) return;
    const at = firstError(root) ?? root;
    // The whole line of the first error, and only its line number in the text: where exactly
    // tree-sitter's error recovery puts the error (and what it calls it) can differ between an
    // incremental re-parse and a fresh parse of the same text; the line it is on rarely does.
    const text = ctx.src.text;
    const start = Math.min(at.startIndex, text.length);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const nl = text.indexOf('\n', start);
    const lineEnd = nl < 0 ? text.length : nl;
    const span = lineEnd > lineStart ? { start: lineStart, end: lineEnd } : { start: Math.max(0, lineStart - 1), end: lineStart };
    ctx.report(span,
      `This file has syntax errors (the first on line ${lineOf(ctx.src, start) + 1}). Claude Doctor still checks the parts that parse, but calls in or near the broken part may not be checked — fix the syntax to see every finding.`);
  },
});
