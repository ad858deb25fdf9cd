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

/** A finding's first fix that needs no review (a safe quick fix): what fix-all and `claude-doctor fix` apply. */
export function safeQuickFix(f: Finding): Fix | undefined {
  return f.fixes.find((x) => x.safe && x.kind === 'quickfix');
}

/**
 * The findings whose first safe quick fix applies together: in source order, skipping a fix that
 * would overlap one already taken (identical edits do not clash) or whose own edits overlap.
 */
export function selectSafeFixes(text: string, findings: readonly Finding[]): { findings: Finding[]; edits: TextEdit[] } {
  const taken: TextEdit[] = [];
  const chosen: Finding[] = [];
  const ordered = [...findings].sort((a, b) => a.start - b.start);
  for (const f of ordered) {
    const fix = safeQuickFix(f);
    if (!fix || fix.edits.length === 0) continue;
    if (fix.edits.some((e) => e.start < 0 || e.end > text.length || e.end < e.start)) continue;
    if (fix.edits.some((e) => taken.some((t) => conflicts(e, t)))) continue;
    // Edits inside one fix must not overlap each other either.
    let internal = false;
    for (let i = 0; i < fix.edits.length && !internal; i++) {
      for (let j = i + 1; j < fix.edits.length; j++) if (conflicts(fix.edits[i]!, fix.edits[j]!)) internal = true;
    }
    if (internal) continue;
    chosen.push(f);
    for (const e of fix.edits) if (!taken.some((t) => sameEdit(t, e))) taken.push(e);
  }
  return { findings: chosen, edits: taken };
}

/** Applies the first safe quick fix of each finding, skipping any that would overlap one already taken. */
export function applySafeFixes(text: string, findings: readonly Finding[]): { text: string; applied: number; fixed: Finding[] } {
  const { findings: fixed, edits } = selectSafeFixes(text, findings);
  if (fixed.length === 0) return { text, applied: 0, fixed };
  return { text: applyEdits(text, edits), applied: fixed.length, fixed };
}

/** A fix-all run re-analyses between passes (a fix can make another possible) at most this often. */
export const MAX_FIX_PASSES = 5;

export interface FixAllResult {
  text: string;
  /** Fixes applied over all passes, and per rule. */
  applied: number;
  byRule: Map<Finding['rule'], number>;
  passes: number;
  /** The findings of the final text (only when asked for: it costs one more analysis). */
  remaining?: readonly Finding[];
}

/**
 * Fix all: apply the safe quick fixes, re-analyse, repeat while fixes keep applying, at most
 * MAX_FIX_PASSES times. One loop for the editor's fix-all and `claude-doctor fix`. Pure: writes nothing.
 */
export async function fixAllText(
  text: string,
  analyze: (text: string) => Promise<readonly Finding[]>,
  opts: { first?: readonly Finding[]; remaining?: boolean } = {},
): Promise<FixAllResult> {
  let cur = text;
  let applied = 0;
  let passes = 0;
  const byRule = new Map<Finding['rule'], number>();
  let findings = opts.first ?? (await analyze(cur));
  let current = true; // `findings` are those of `cur`
  while (passes < MAX_FIX_PASSES) {
    const r = applySafeFixes(cur, findings);
    if (r.applied === 0 || r.text === cur) break;
    passes++;
    applied += r.applied;
    for (const f of r.fixed) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    cur = r.text;
    current = false;
    if (passes < MAX_FIX_PASSES || opts.remaining) {
      findings = await analyze(cur);
      current = true;
    }
  }
  return { text: cur, applied, byRule, passes, ...(opts.remaining && current ? { remaining: findings } : {}) };
}
