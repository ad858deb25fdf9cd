/**
 * "Ignore <rule> on this line": the engine honours `// claude-doctor-ignore-next-line <rule>[, rule]`
 * (`#` in Python) on the line above a finding; no rule = every rule. This builds the edit.
 */
import type { AnalyzerLanguage, RuleId, TextEdit } from '../analyzer/types';
import { LineIndex } from '../analyzer/lineIndex';

export const IGNORE_DIRECTIVE = 'claude-doctor-ignore-next-line';

const DIRECTIVE_LINE = /^(\s*)(\/\/|#)\s*claude-doctor-ignore-next-line\b(.*?)(\s*)$/;

/** The rules a directive line lists; [] = all rules; undefined = not a directive. */
export function parseIgnoreDirective(line: string): string[] | undefined {
  const m = DIRECTIVE_LINE.exec(line);
  if (!m) return undefined;
  // `-- reason` ends the rule list.
  return m[3]!.split(/\s--\s|\s--$/)[0]!.split(/[\s,]+/).filter(Boolean);
}

/**
 * The edit that silences `rule` on the line of `offset`, or undefined when it already is.
 * Appends to an existing directive on the line above; else inserts one with the line's indentation.
 */
export function ignoreRuleEdit(text: string, offset: number, rule: RuleId, language: AnalyzerLanguage, index = new LineIndex(text)): TextEdit | undefined {
  const { line } = index.positionAt(offset);
  if (line > 0) {
    const above = index.lineText(line - 1);
    const listed = parseIgnoreDirective(above);
    if (listed !== undefined) {
      if (listed.length === 0 || listed.includes(rule)) return undefined;
      const m = DIRECTIVE_LINE.exec(above)!;
      const reason = /\s--(?:\s|$)/.exec(m[3]!);
      const contentEnd = above.length - m[4]!.length;
      const at = index.lineStart(line - 1) + (reason ? contentEnd - m[3]!.length + reason.index : contentEnd);
      return { start: at, end: at, newText: `, ${rule}` };
    }
  }
  const start = index.lineStart(line);
  const indent = /^[ \t]*/.exec(index.lineText(line))![0];
  const comment = language === 'python' ? '#' : '//';
  return { start, end: start, newText: `${indent}${comment} ${IGNORE_DIRECTIVE} ${rule}${index.eol()}` };
}
