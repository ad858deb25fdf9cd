/** The per-analysis context that rules report into. */
import type { AnalyzeOptions, Finding, Fix, RuleId, Severity } from './types';
import { RULE_BY_ID } from './rules';
import type { Node } from './parser';
import type { Src } from './syntax';
import type { CallSite, ClientCtor, SdkImports } from './sdk';

const NO_CALLERS = (): Set<string> => new Set();

const RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export interface Ctx {
  src: Src;
  options: AnalyzeOptions;
  imports: SdkImports;
  /** An Anthropic SDK import is present (call-site rules run only then). */
  usesSdk: boolean;
  ctors: ClientCtor[];
  calls: CallSite[];
  findings: Finding[];
  /** The unit being analyzed: anchors are searched in [from, to) only. */
  from: number;
  to: number;
  /** Names of functions (anywhere in the file) whose body calls Claude (worked out on first use). */
  callers: () => Set<string>;
  /** The retry helper is already declared somewhere in the file. */
  helperDeclared: boolean;
  /** keyRule: check constructor options (global pass) instead of literals in the unit. */
  keyFromCtors?: boolean;
  /** `cap` lowers the severity (uncertain cases); `{ base }` replaces the rule's default (user overrides still win). */
  report(rule: RuleId, at: Node | { start: number; end: number }, message: string, fixes?: Fix[], cap?: Severity | { base: Severity }): void;
}

export function createCtx(
  src: Src, options: AnalyzeOptions, imports: SdkImports, usesSdk: boolean, ctors: ClientCtor[], calls: CallSite[],
  range: { from: number; to: number; callers?: () => Set<string>; helperDeclared?: boolean },
): Ctx {
  const findings: Finding[] = [];
  let seen: Set<string> | undefined; // most units report nothing: made on the first report
  return {
    src, options, imports, usesSdk, ctors, calls, findings,
    from: range.from, to: range.to, callers: range.callers ?? NO_CALLERS, helperDeclared: range.helperDeclared ?? false,
    report(rule, at, message, fixes = [], cap) {
      if (options.disabled?.has(rule)) return;
      const start = 'startIndex' in at ? at.startIndex : at.start;
      const end = 'endIndex' in at ? at.endIndex : at.end;
      const key = `${rule}:${start}:${end}`;
      seen ??= new Set<string>();
      if (seen.has(key)) return;
      seen.add(key);
      const base = typeof cap === 'object' ? cap.base : RULE_BY_ID.get(rule)!.defaultSeverity;
      let severity: Severity = options.severity?.[rule] ?? base;
      if (typeof cap === 'string' && RANK[cap] < RANK[severity]) severity = cap;
      findings.push({ rule, severity, message, start, end, fixes });
    },
  };
}
