/**
 * Minimal line-level edits that turn one text into another (pure), so fix-all and multi-pass
 * fixes touch only the lines they change (cursor, folding and markers elsewhere survive).
 */
import type { TextEdit } from '../analyzer/types';

/** Splits keeping each line's break, so joining the pieces gives the text back. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  const re = /\r\n|\n|\r/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push(text.slice(last, m.index + m[0].length));
    last = m.index + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push(text.slice(last));
  return out;
}

/** Beyond this many line pairs in the changed middle, emit one replacement instead of an LCS. */
const MAX_LCS_CELLS = 4_000_000;

export function diffEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const offsets: number[] = [0];
  for (const l of a) offsets.push(offsets[offsets.length - 1]! + l.length);
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  const edit = (ai: number, aj: number, bi: number, bj: number): TextEdit => ({
    start: offsets[pre + ai]!,
    end: offsets[pre + aj]!,
    newText: bm.slice(bi, bj).join(''),
  });
  if (am.length * bm.length > MAX_LCS_CELLS || am.length === 0 || bm.length === 0) {
    return [edit(0, am.length, 0, bm.length)];
  }
  // LCS table over the middle (rows: am, cols: bm), suffix form.
  const n = am.length;
  const m = bm.length;
  const dp = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * (m + 1) + j] = am[i] === bm[j] ? dp[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(dp[(i + 1) * (m + 1) + j]!, dp[i * (m + 1) + j + 1]!);
    }
  }
  const edits: TextEdit[] = [];
  let i = 0;
  let j = 0;
  let hunkA = -1;
  let hunkB = -1;
  const flush = () => {
    if (hunkA >= 0) edits.push(edit(hunkA, i, hunkB, j));
    hunkA = -1;
    hunkB = -1;
  };
  while (i < n || j < m) {
    if (i < n && j < m && am[i] === bm[j]) {
      flush();
      i++;
      j++;
      continue;
    }
    if (hunkA < 0) {
      hunkA = i;
      hunkB = j;
    }
    if (j < m && (i >= n || dp[i * (m + 1) + j + 1]! >= dp[(i + 1) * (m + 1) + j]!)) j++;
    else i++;
  }
  flush();
  return edits;
}
