/** The per-unit context that rules read and report into. */
import type { AnalyzeOptions, Finding, Fix, Severity } from './types';
import type { Node } from './parser';
import type { Src } from './syntax';
import type { CallSite, ClientCtor, SdkImports } from './sdk';
import type { RuleModule } from './rules/rule';

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
  /** The unit being analyzed: anchors are searched in [from, to) only. */
  from: number;
  to: number;
  /** Names of functions (anywhere in the file) whose body calls Claude (worked out on first use). */
  callers: () => Set<string>;
  /** The retry helper is already declared somewhere in the file. */
  helperDeclared: boolean;
  /** The rule now running (set by the engine before each rule's check). */
  rule: RuleModule;
  findings: Finding[];
  /** Findings the running rule holds for its file-level decision (see `holding`). */
  held: Finding[];
  /** Reports go to `held` instead of `findings` (the engine sets it while a `holds` rule's check runs). */
  holding: boolean;
  /**
   * Report a finding of the running rule. `cap` lowers the severity (uncertain cases); `{ base }`
   * replaces the rule's default (user overrides still win).
   */
  report(at: Node | { start: number; end: number }, message: string, fixes?: Fix[], cap?: Severity | { base: Severity }): void;
  /** What `make` gives, worked out once per context (shared reads of the unit: requests, handlers). */
  memo<T>(key: object, make: () => T): T;
}

export function createCtx(
  src: Src, options: AnalyzeOptions, imports: SdkImports, usesSdk: boolean, ctors: ClientCtor[], calls: CallSite[],
  range: { from: number; to: number; callers?: () => Set<string>; helperDeclared?: boolean },
): Ctx {
  let seen: Set<string> | undefined; // most units report nothing: made on the first report
  let memos: Map<object, unknown> | undefined;
  const ctx: Ctx = {
    src, options, imports, usesSdk, ctors, calls, findings: [], held: [], holding: false,
    from: range.from, to: range.to, callers: range.callers ?? NO_CALLERS, helperDeclared: range.helperDeclared ?? false,
    rule: undefined as unknown as RuleModule,
    report(at, message, fixes = [], cap) {
      const rule = ctx.rule;
      const start = 'startIndex' in at ? at.startIndex : at.start;
      const end = 'endIndex' in at ? at.endIndex : at.end;
      const key = `${rule.id}:${start}:${end}`;
      seen ??= new Set<string>();
      if (seen.has(key)) return;
      seen.add(key);
      const base = typeof cap === 'object' ? cap.base : rule.defaultSeverity;
      let severity: Severity = options.severity?.[rule.id as keyof typeof options.severity] ?? base;
      if (typeof cap === 'string' && RANK[cap] < RANK[severity]) severity = cap;
      (ctx.holding ? ctx.held : ctx.findings).push({ rule: rule.id as Finding['rule'], severity, message, start, end, fixes });
    },
    memo<T>(key: object, make: () => T): T {
      memos ??= new Map();
      if (memos.has(key)) return memos.get(key) as T;
      const v = make();
      memos.set(key, v);
      return v;
    },
  };
  return ctx;
}
