/** Which rules run on a file, and the per-unit step loop over them. */
import type { AnalyzeOptions, Finding, RuleId } from './types';
import type { Ctx } from './context';
import { RULES, type RuleModule } from './rules/index';
import type { Anchor } from './rules/rule';

type Rule = RuleModule<RuleId, unknown>;

/** Cheap per-unit pre-check: units without these words have no call site (phase A). */
export const A_ANCHOR = /\b(?:messages|completions)\s*\??\./;

export const anchorOf = (rule: Rule, py: boolean): RegExp | undefined =>
  typeof rule.on === 'object' ? (py ? (rule.on as Anchor).py : (rule.on as Anchor).ts) : undefined;

/** One pattern matching where any of these anchors matches (phase B's per-unit pre-check). */
export function unionAnchor(anchors: readonly RegExp[]): RegExp | undefined {
  if (anchors.length === 0) return undefined;
  if (anchors.length === 1) return anchors[0];
  return new RegExp(anchors.map((a) => `(?:${a.source})`).join('|'), [...new Set(anchors.flatMap((a) => [...a.flags.replace('g', '')]))].join(''));
}

/** The rules that can report in this file, in catalogue order. */
export function activeRules(options: AnalyzeOptions, text: string, py: boolean, usesSdk: boolean, mentions: (needle: string) => boolean): Rule[] {
  const lang = py ? 'py' : 'ts';
  return RULES.filter((r) => !options.disabled?.has(r.id)
    && (!r.languages || r.languages.includes(lang))
    && (usesSdk || r.withoutSdk === true)
    && (!r.mentions || r.mentions.some(mentions))
    && (!r.gate || r.gate(text, py)));
}

/**
 * One rule's unit part, flattened once per run into objects of one shape: the per-unit loop runs
 * thousands of times on a large file, and reading each rule module's own (differently shaped)
 * object there costs more than the checks of most units.
 */
interface Step {
  rule: Rule;
  check: (ctx: Ctx) => unknown;
  holds: boolean;
  /** The rule has a file part, which reads what `check` returns. */
  keepsNote: boolean;
  /** Phase B: the rule's own anchor (the phase's pre-check is the union of them all). */
  anchor: RegExp | undefined;
}

export function stepsOf(rules: readonly Rule[], py: boolean): Step[] {
  const out: Step[] = [];
  for (const rule of rules) {
    if (!rule.check) continue;
    out.push({ rule, check: rule.check.bind(rule), holds: rule.holds === true, keepsNote: !!rule.file, anchor: anchorOf(rule, py) });
  }
  return out;
}

/** Runs the steps on one unit's context; returns what they held and noted. `unitText` given: each step's anchor is tested on it. */
export function runSteps(ctx: Ctx, steps: readonly Step[], unitText?: () => string): { held?: Finding[]; notes?: Map<string, unknown> } {
  let notes: Map<string, unknown> | undefined;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    if (unitText && st.anchor && steps.length > 1 && !st.anchor.test(unitText())) continue;
    ctx.rule = st.rule;
    ctx.holding = st.holds;
    const note = st.check(ctx);
    if (note !== undefined && st.keepsNote) (notes ??= new Map()).set(st.rule.id, note);
  }
  ctx.holding = false;
  return { held: ctx.held.length > 0 ? ctx.held : undefined, notes };
}
