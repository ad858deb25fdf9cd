/**
 * A Python fix shared by the handler rules: `except X as e:` → `except APIStatusError as e:` with a
 * first line that re-raises what X did not mean to catch. Only for a handler naming one class.
 */
import type { Ctx } from '../context';
import type { Node } from '../parser';
import { field, indentAt, indentUnit, named } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { pyAnthropicNames } from './fixes';
import type { Handler } from './handlers';

export function apiStatusErrorFix(ctx: Ctx, h: Handler, typeNode: Node, keep: (e: string) => string, title: string): Fix | undefined {
  const { src } = ctx;
  if (h.types.length !== 1 || !h.value) return undefined;
  const first = named(h.body)[0];
  // `except X: pass` on one line: no room for a guard line.
  if (!first || src.text.slice(h.clause.startIndex, first.startIndex).indexOf('\n') < 0) return undefined;
  const edits: TextEdit[] = [];
  let qual: string;
  if (typeNode.type === 'attribute') {
    const obj = field(typeNode, 'object');
    if (!obj) return undefined;
    qual = `${obj.text}.APIStatusError`;
  } else {
    const names = pyAnthropicNames(ctx, ['APIStatusError']);
    qual = names.exprs[0]!;
    edits.push(...names.edits);
  }
  let alias = h.alias?.text;
  if (alias) edits.push({ start: typeNode.startIndex, end: typeNode.endIndex, newText: qual });
  else {
    alias = /\be\b/.test(h.body.text) ? 'status_error' : 'e';
    edits.push({ start: h.value.startIndex, end: h.value.endIndex, newText: `${qual} as ${alias}` });
  }
  const ind = indentAt(src, first.startIndex);
  edits.push({ start: first.startIndex, end: first.startIndex, newText: `if not (${keep(alias)}):\n${ind}${indentUnit(src)}raise\n${ind}` });
  return { title, kind: 'quickfix', safe: false, edits };
}

/** The mid-stream-safe test for an overload: status 529, or an `overloaded_error` body (a 200 stream's error event). */
export const isOverloadedExpr = (e: string): string =>
  `${e}.status_code == 529 or (isinstance(${e}.body, dict) and isinstance(${e}.body.get("error"), dict) and ${e}.body["error"].get("type") == "overloaded_error")`;
