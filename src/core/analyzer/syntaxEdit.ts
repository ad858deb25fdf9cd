/** Editing items in lists: objects, dicts, argument lists, arrays. */
import type { Node } from './parser';
import type { TextEdit } from './types';
import { type Src, indentAt, indentUnit, isFirstOnLine, named } from './syntaxNodes';

// -------------------------------------------------------------------------------------------------
// Editing items in lists: objects, dicts, argument lists, arrays
// -------------------------------------------------------------------------------------------------

export const ITEM_SKIP = new Set(['comment', '(', ')', '{', '}', '[', ']', ',']);

export function items(container: Node): Node[] {
  return named(container);
}

function commaAfter(n: Node): Node | undefined {
  for (let s = n.nextSibling; s; s = s.nextSibling) {
    if (s.type === ',') return s;
    if (s.type !== 'comment') return undefined;
  }
  return undefined;
}

/** Whether the container puts each item on its own line. */
export function isMultiline(src: Src, container: Node, list: Node[]): boolean {
  if (list.length === 0) return container.startPosition.row !== container.endPosition.row;
  return list.some((i) => isFirstOnLine(src, i));
}

/** Insert `code` (an item: `key: value` / `key=value` / element) after `after`, or first. */
export function insertItem(src: Src, container: Node, code: string, after?: Node | null): TextEdit {
  const list = items(container);
  const multi = isMultiline(src, container, list);
  if (list.length === 0) {
    const open = container.child(0)!;
    const close = container.child(container.childCount - 1)!;
    const inner = src.text.slice(open.endIndex, close.startIndex);
    if (/\S/.test(inner)) return { start: open.endIndex, end: open.endIndex, newText: code };
    if (multi) {
      const ind = indentAt(src, container.startIndex);
      return { start: open.endIndex, end: close.startIndex, newText: `\n${ind}${indentUnit(src)}${code}${src.py ? ',' : ','}\n${ind}` };
    }
    const pad = container.type === 'object' || container.type === 'dictionary' ? ' ' : '';
    return { start: open.endIndex, end: close.startIndex, newText: `${pad}${code}${pad}` };
  }
  if (!after) {
    const first = list[0]!;
    const ind = multi ? indentAt(src, first.startIndex) : '';
    return { start: first.startIndex, end: first.startIndex, newText: multi ? `${code},\n${ind}` : `${code}, ` };
  }
  const comma = commaAfter(after);
  const ind = multi ? indentAt(src, after.startIndex) : '';
  if (comma) return { start: comma.endIndex, end: comma.endIndex, newText: multi ? `\n${ind}${code},` : ` ${code},` };
  return { start: after.endIndex, end: after.endIndex, newText: multi ? `,\n${ind}${code}` : `, ${code}` };
}

/** Insert `code` as an item right before `before` (an item of `container`). */
export function insertBefore(src: Src, container: Node, code: string, before: Node): TextEdit {
  const list = items(container);
  const multi = isMultiline(src, container, list);
  const ind = multi ? indentAt(src, before.startIndex) : '';
  if (multi && isFirstOnLine(src, before)) return { start: before.startIndex, end: before.startIndex, newText: `${code},\n${ind}` };
  return { start: before.startIndex, end: before.startIndex, newText: `${code}, ` };
}

/** Remove one item with its comma, keeping the surrounding layout. */
export function removeItem(src: Src, container: Node, item: Node): TextEdit {
  const list = items(container);
  const i = list.findIndex((x) => x.id === item.id);
  if (list.length <= 1 || i < 0) {
    const open = container.child(0)!;
    const close = container.child(container.childCount - 1)!;
    return { start: open.endIndex, end: close.startIndex, newText: '' };
  }
  const next = list[i + 1];
  if (next) return { start: item.startIndex, end: next.startIndex, newText: '' };
  const prev = list[i - 1]!;
  const trailing = commaAfter(item);
  const prevComma = commaAfter(prev);
  if (trailing && prevComma) return { start: prevComma.endIndex, end: trailing.endIndex, newText: '' };
  return { start: prev.endIndex, end: item.endIndex, newText: '' };
}
