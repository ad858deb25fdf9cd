/**
 * Fix-all (pure): applies the safe quick fixes, re-analyzes, and repeats while fixes keep
 * applying (a fix can make another one possible), then expresses the result as minimal edits.
 */
import { fixAllText } from '../analyzer';
import type { Finding, TextEdit } from '../analyzer/types';
import { diffEdits } from './diff';

export interface FixAllResult {
  text: string;
  /** Fixes applied over all passes. */
  applied: number;
  passes: number;
  edits: TextEdit[];
}

/** The core's fix-all loop, expressed as the minimal edits from `text` to its result. */
export async function fixAll(
  text: string,
  firstFindings: readonly Finding[] | undefined,
  analyze: (text: string) => Promise<readonly Finding[]>,
): Promise<FixAllResult> {
  const r = await fixAllText(text, analyze, { first: firstFindings });
  return { text: r.text, applied: r.applied, passes: r.passes, edits: diffEdits(text, r.text) };
}
