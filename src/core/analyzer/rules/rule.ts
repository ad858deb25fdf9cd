/**
 * The shape of one analyzer rule. Each rule lives in its own module under `rules/` and exports one
 * `defineRule(...)`; `rules/index.ts` is the catalogue. The engine runs rules by what they declare
 * (which units they read, which text they need, whether they decide at file level) and never by name.
 */
import type { Ctx } from '../context';
import type { Finding, Severity } from '../types';

/** A text anchor per language: units without a match are never shown to the rule. */
export interface Anchor {
  readonly ts?: RegExp;
  readonly py?: RegExp;
}

export type RuleLanguage = 'ts' | 'py';

/** What the rule's fixes are, as the README table says it. */
export type FixSummary = 'safe' | 'yes' | 'suggestion' | 'migration' | 'refactors' | 'safe when the SDK version is known' | 'none';

export interface RuleMeta<Id extends string = string> {
  readonly id: Id;
  readonly defaultSeverity: Severity;
  /** One plain-text sentence: CLI help, SARIF, the settings schema. */
  readonly description: string;
  /** Short Markdown for the README table ("What it catches"). */
  readonly summary: string;
  readonly fix: FixSummary;
  /** The rule's doc page, relative to the repository root. */
  readonly docs: string;
  /** Languages the rule applies to (default: both). */
  readonly languages?: readonly RuleLanguage[];
  /** Findings mark deprecated code (shown struck through in the editor). */
  readonly deprecatedCode?: boolean;
}

/** What a unit's analysis gives a file-level decision. */
export interface UnitResults<N> {
  /** What `check` returned for each unit it ran on. */
  readonly notes: readonly N[];
  /** Findings `check` reported, held back for `file` to release (rules with `holds`). */
  readonly held: readonly Finding[];
}

export interface RuleModule<Id extends string = string, N = unknown> extends RuleMeta<Id> {
  /**
   * Which units the rule reads: `'calls'` — units with Claude call sites (`ctx.calls`); an anchor —
   * units whose text matches it; `'file'` — the rule has only a file-level part.
   */
  readonly on: 'calls' | Anchor | 'file';
  /** Runs in files that never import an Anthropic SDK too (default: only in files that do). */
  readonly withoutSdk?: boolean;
  /** Reads `ctx.callers()` (the file's functions that call Claude): the engine works them out only then. */
  readonly readsCallers?: boolean;
  /** Cheap whole-text test: a file without it cannot have a finding of this rule. */
  gate?(text: string, py: boolean): boolean;
  /**
   * Words one of which the file must contain for the rule to report (a cheaper `gate`: the engine
   * answers it from its per-document search memo, so an edit elsewhere does not rescan the text).
   */
  readonly mentions?: readonly string[];
  /** Findings of `check` are held back and released (or not) by `file`. */
  readonly holds?: boolean;
  /** Per unit. The return value is kept (and cached with the unit) for `file`. */
  check?(ctx: Ctx): N | void;
  /** Once per file, after every unit; returns the held findings to report. */
  file?(ctx: Ctx, units: UnitResults<N>): readonly Finding[] | void;
}

export function defineRule<const Id extends string, N = never>(rule: Omit<RuleModule<Id, N>, 'docs'>): RuleModule<Id, N> {
  return { ...rule, docs: `docs/rules/${rule.id}.md` };
}
