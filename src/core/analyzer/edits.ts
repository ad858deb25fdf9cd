import type { Finding, Fix, TextEdit } from './types';

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.newText === b.newText;
}

/** Two edits conflict when their ranges overlap, or both insert at the same point (order would be ambiguous). */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  if (sameEdit(a, b)) return false;
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end || (a.start === a.end && a.start > b.start && a.start < b.end) || (b.start === b.end && b.start > a.start && b.start < a.end);
}

/** Applies non-overlapping edits (offsets into the original text). Identical duplicates apply once. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const unique: TextEdit[] = [];
  for (const e of edits) {
    if (e.start < 0 || e.end < e.start || e.end > text.length) throw new RangeError(`edit out of range: ${e.start}-${e.end}`);
    if (!unique.some((u) => sameEdit(u, e))) unique.push(e);
  }
  const sorted = [...unique].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.end || (cur.start === prev.start && cur.start === cur.end && prev.start === prev.end)) {
      throw new RangeError(`overlapping edits at ${cur.start}`);
    }
  }
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** Applies the first safe quick fix of each finding, skipping any that would overlap one already taken. */
export function applySafeFixes(text: string, findings: readonly Finding[]): { text: string; applied: number } {
  const taken: TextEdit[] = [];
  const chosen: Fix[] = [];
  const ordered = [...findings].sort((a, b) => a.start - b.start);
  for (const f of ordered) {
    const fix = f.fixes.find((x) => x.safe && x.kind === 'quickfix');
    if (!fix || fix.edits.length === 0) continue;
    if (fix.edits.some((e) => e.start < 0 || e.end > text.length || e.end < e.start)) continue;
    if (fix.edits.some((e) => taken.some((t) => conflicts(e, t)))) continue;
    // Edits inside one fix must not overlap each other either.
    let internal = false;
    for (let i = 0; i < fix.edits.length && !internal; i++) {
      for (let j = i + 1; j < fix.edits.length; j++) if (conflicts(fix.edits[i]!, fix.edits[j]!)) internal = true;
    }
    if (internal) continue;
    chosen.push(fix);
    for (const e of fix.edits) if (!taken.some((t) => sameEdit(t, e))) taken.push(e);
  }
  if (chosen.length === 0) return { text, applied: 0 };
  return { text: applyEdits(text, taken), applied: chosen.length };
}
