/** Incremental re-analysis: the edited range, and the units of a new tree read from the previous run's around the edit. */
import type { Node, Tree } from './parser';
import { type Frame, type OldUnits, SPLITTABLE, SPLIT_CHARS, type Unit, copyUnits, oldUnits, splitBody, splitInto, unitAt, unitsOf } from './engineUnits';

type TreeCursor = ReturnType<Tree['walk']>;

/**
 * The first index of `needle` in `text`, answered from the previous text's answer when the edit
 * cannot have changed it: an occurrence wholly before the edit stays first; when the old text had
 * none, or its first lies wholly after the edit, any new one before it must overlap the edited
 * range, so only a window around it is searched.
 */
export function firstIndexAfterEdit(needle: string, text: string, prev: number | undefined, dirty: Dirty | undefined): number {
  if (prev === undefined || !dirty) return text.indexOf(needle);
  const len = needle.length;
  if (prev >= 0 && prev + len <= dirty.start) return prev;
  // (an old first occurrence wholly after the edit is still there, moved: only one overlapping
  // the edit can come before it)
  if (prev >= 0 && prev < dirty.end - dirty.delta) return text.indexOf(needle);
  const w0 = Math.max(0, dirty.start - len + 1);
  const w1 = Math.min(text.length, dirty.end + len - 1);
  const i = w1 - w0 < len ? -1 : text.slice(w0, w1).indexOf(needle);
  return i >= 0 ? w0 + i : prev >= 0 ? prev + dirty.delta : -1;
}

/** The part of the new text an edit touched: [start, end) in new offsets; offsets after it moved by delta. */
export interface Dirty {
  start: number; end: number; delta: number;
  /**
   * Where the syntax changed (the new tree's changed ranges against the edited old one, as one
   * span in new offsets; absent when not computed): outside it and the edit, the top level is
   * the previous one, moved.
   */
  changed?: { start: number; end: number } | null;
}

/** Common prefix / suffix of two texts: the dirty range when no edit list is known. */
export function diffRange(before: string, after: string): Dirty {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { start: p, end: after.length - s, delta: after.length - before.length };
}

/** Reads one top-level node into units (a long one: its parts). */
function readTopNode(node: Node, text: string, old: () => OldUnits, gen: number, out: Unit[], nodes: (Node | undefined)[]): void {
  const split = splitBody(node, true);
  if (split) {
    splitInto(node, split.body, split.call, text, old(), gen, undefined, node.id, out, nodes);
    return;
  }
  out.push(unitAt(node.type, node.startIndex, node.endIndex, node.id, gen, text));
  nodes.push(node);
}

/** Reads one top-level node at the cursor into units (a long one: its parts). */
function readTop(cursor: TreeCursor, text: string, old: () => OldUnits, gen: number, out: Unit[], nodes: (Node | undefined)[]): void {
  const id = cursor.nodeId;
  const start = cursor.startIndex;
  const end = cursor.endIndex;
  if (end - start >= SPLIT_CHARS) {
    const type = cursor.nodeType;
    if (type === 'expression_statement' || SPLITTABLE.has(type)) {
      const node = cursor.currentNode as Node;
      const split = splitBody(node, true);
      if (split) {
        splitInto(node, split.body, split.call, text, old(), gen, undefined, id, out, nodes);
        return;
      }
      out.push(unitAt(type, start, end, id, gen, text));
      nodes.push(node);
      return;
    }
  }
  out.push(unitAt(cursor.nodeType, start, end, id, gen, text));
  nodes.push(cursor.currentNode as Node);
}

/** The split top-level node holding unit `u`, if it is part of one. */
function topFrame(u: Unit): Frame | undefined {
  let f = u.frame;
  while (f?.up) f = f.up;
  return f;
}

/** Where the top-level node holding unit `u` starts and ends. */
function topSpan(u: Unit): { start: number; end: number } {
  return topFrame(u) ?? u;
}

/**
 * The units after an incremental re-parse whose changed ranges are known: only the top-level
 * nodes from the edit and the changed syntax on are read from the tree, until one that is a
 * previous top-level node exactly (moved); the units of the top-level nodes before them are the
 * previous ones, those from that node on the previous ones moved. (The changed ranges alone do
 * not bound it: when error recovery splits a function, the part before the edit is not among
 * them.) Undefined when the boundary before them does not line up.
 */
function unitsAroundEdit(tree: Tree, text: string, old: Unit[], dirty: Dirty, changed: { start: number; end: number }, gen: number): { units: Unit[]; nodes: (Node | undefined)[] } | undefined {
  const r0 = Math.min(dirty.start, changed.start);
  const r1 = Math.max(dirty.end, changed.end);
  const delta = dirty.delta;
  const root = tree.rootNode as Node & { firstChildForIndex(i: number): Node | null };
  // Before: whole top-level nodes ending by r0 (old offsets are new ones there); the last must
  // still be a top-level node of the new tree.
  let i = 0;
  while (i < old.length && topSpan(old[i]!).end <= r0) i++;
  const from = i > 0 ? topSpan(old[i - 1]!).end : 0;
  if (i > 0) {
    const last = root.firstChildForIndex(from - 1);
    if (!last || last.startIndex !== topSpan(old[i - 1]!).start || last.endIndex !== from) return undefined;
  }
  let index: OldUnits | undefined;
  const oldIndex = (): OldUnits => (index ??= oldUnits(old, gen - 1));
  const mid: Unit[] = [];
  const midNodes: (Node | undefined)[] = [];
  let j = i;
  let rest = old.length;
  // (the first top-level node ending after `from`; the tree cursor's own search answers nothing here)
  let n = root.firstChildForIndex(from);
  if (n && n.startIndex < from) return undefined;
  for (; n; n = n.nextSibling) {
    const start = n.startIndex;
    if (start >= r1) {
      while (j < old.length && topSpan(old[j]!).start + delta < start) j++;
      const g = j < old.length ? topSpan(old[j]!) : undefined;
      if (g && g.start + delta === start && g.end + delta === n.endIndex) {
        rest = j;
        break;
      }
    }
    if (n.isNamed) readTopNode(n, text, oldIndex, gen, mid, midNodes);
  }
  const units: Unit[] = old.slice(0, i);
  const nodes: (Node | undefined)[] = new Array(i);
  units.push(...mid);
  nodes.push(...midNodes);
  if (rest < old.length) copyUnits(old, rest, old.length, delta, undefined, units, nodes);
  return { units, nodes };
}

/**
 * The units after an incremental re-parse. A top-level node whose syntax subtree the parser
 * reused from the previous tree has the same node id (tree-sitter's subtree pointer: the previous
 * tree is still alive while the new one is built, and the edit marked every subtree it touched as
 * changed, so such subtrees are never reused): its type and length are the old unit's (a split
 * node: its units, moved), only its start is read. Every other node is read from the tree, with
 * its node (a split node's parts likewise, reusing what the parser reused inside it). With the
 * changed ranges known, only the top-level nodes around the edit are visited. Without the
 * previous list, or without a known edit, lists them all.
 */
export function unitsAfterEdit(tree: Tree, text: string, old: Unit[] | undefined, dirty: Dirty | undefined, gen: number): { units: Unit[]; nodes: (Node | undefined)[] } {
  if (!old || !dirty) return unitsOf(tree, text, gen);
  if (dirty.changed !== undefined) {
    const around = unitsAroundEdit(tree, text, old, dirty, dirty.changed ?? { start: dirty.start, end: dirty.end }, gen);
    if (around) return around;
  }
  const out: Unit[] = [];
  const nodes: (Node | undefined)[] = [];
  const delta = dirty.delta;
  let j = 0;
  /** The previous run's split units by node id (made when a split node changed). */
  let index: OldUnits | undefined;
  const oldIndex = (): OldUnits => (index ??= oldUnits(old, gen - 1));
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return { units: out, nodes };
    do {
      const id = cursor.nodeId;
      const start = cursor.startIndex;
      const oldStart = start < dirty.start ? start : start - delta;
      while (j < old.length && old[j]!.start < oldStart && old[j]!.parent !== id) j++;
      const o = old[j];
      if (o && o.gen === gen - 1 && o.start === oldStart && o.id === id && o.parent === undefined) {
        out.push({ start, end: start + (o.end - o.start), fn: o.fn, type: o.type, id, gen });
        nodes.push(undefined);
        j++;
        continue;
      }
      if (o && o.parent === id && topFrame(o)?.gen === gen - 1) {
        // A split node whose subtree was reused: its units are the old ones, moved.
        let k = j;
        while (k < old.length && old[k]!.parent === id) k++;
        copyUnits(old, j, k, start - oldStart, id, out, nodes);
        j = k;
        continue;
      }
      if (!cursor.nodeIsNamed) continue;
      readTop(cursor, text, oldIndex, gen, out, nodes);
    } while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  return { units: out, nodes };
}
