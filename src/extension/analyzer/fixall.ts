/**
 * Fix-all (pure): applies the safe quick fixes, re-analyzes, and repeats while fixes keep
 * applying (a fix can make another one possible), then expresses the result as minimal edits.
 */
import { applySafeFixes } from '../../core/analyzer';
import type { Finding, TextEdit } from '../../core/analyzer/types';
import { diffEdits } from './diff';

export const MAX_FIX_PASSES = 5;

export interface FixAllResult {
  text: string;
  /** Fixes applied over all passes. */
  applied: number;
  passes: number;
  edits: TextEdit[];
}

export async function fixAll(
  text: string,
  firstFindings: readonly Finding[] | undefined,
  analyze: (text: string) => Promise<readonly Finding[]>,
): Promise<FixAllResult> {
  let cur = text;
  let applied = 0;
  let passes = 0;
  let findings = firstFindings ?? (await analyze(cur));
  while (passes < MAX_FIX_PASSES) {
    const r = applySafeFixes(cur, findings);
    if (r.applied === 0 || r.text === cur) break;
    passes++;
    applied += r.applied;
    cur = r.text;
    if (passes < MAX_FIX_PASSES) findings = await analyze(cur);
  }
  return { text: cur, applied, passes, edits: diffEdits(text, cur) };
}
