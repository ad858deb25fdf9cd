import { CURRENT_MODELS, REQUEST_RULES } from '../../data/api-facts';
import { bagOf } from '../sdk';
import { valueOf } from '../syntax';
import type { TextEdit } from '../types';
import { edit, requestsOf } from '../checks/requests';
import { defineRule } from './rule';

const MAX_CAP = Math.max(...CURRENT_MODELS.map((m) => m.maxOutputTokens));

export default defineRule({
  id: 'max-tokens-over-limit',
  defaultSeverity: 'error',
  description: 'max_tokens above the model\'s output cap, or not above thinking.budget_tokens: 400.',
  summary: 'above the model\'s output cap, or not above the thinking budget',
  fix: 'yes',
  on: 'calls',
  check(ctx) {
    const { src } = ctx;
    for (const { bag, model, cur, maxTokens } of requestsOf(ctx)) {
      const mt = maxTokens();
      if (!mt) continue;
      const cap = cur?.maxOutputTokens;
      // Report and fix where the call says max_tokens (a shared constant stays untouched).
      const shorthand = mt.entry.item.type === 'shorthand_property_identifier';
      const at = shorthand ? mt.entry.item : mt.entry.valueNode;
      const setTo = (n: number): TextEdit => edit(at, shorthand ? `max_tokens: ${n}` : String(n));
      if (cap !== undefined && mt.value > cap) {
        ctx.report(at,
          `The API answers 400 "max_tokens: ${mt.value} > ${cap}, which is the maximum allowed number of output tokens for ${cur!.id}". Lower max_tokens to at most ${cap}.`,
          [{ title: `Set max_tokens to ${cap}`, kind: 'quickfix', safe: true, edits: [setTo(cap)] }]);
      } else if (cap === undefined && (model?.val.kind !== 'string') && mt.value > MAX_CAP) {
        ctx.report(at,
          `max_tokens ${mt.value} is above every current model's output cap (${MAX_CAP}): the API answers 400 "max_tokens: ${mt.value} > …, which is the maximum allowed number of output tokens". Lower it.`,
          [{ title: `Set max_tokens to ${MAX_CAP}`, kind: 'quickfix', safe: false, edits: [setTo(MAX_CAP)] }]);
      }
      // thinking budget
      const th = bag.entries.get('thinking');
      const tb = th ? bagOf(src, th.valueNode) : undefined;
      const type = tb?.entries.get('type');
      const budget = tb?.entries.get('budget_tokens');
      const typeVal = type ? valueOf(src, type.valueNode) : undefined;
      const budgetVal = budget ? valueOf(src, budget.valueNode) : undefined;
      if (typeVal?.kind === 'string' && typeVal.value === 'enabled' && budgetVal?.kind === 'number') {
        if (budgetVal.value < REQUEST_RULES.minThinkingBudget) {
          ctx.report(budgetVal.node,
            `thinking.budget_tokens must be at least ${REQUEST_RULES.minThinkingBudget}: the API answers 400 for ${budgetVal.value}.`,
            [{ title: `Set budget_tokens to ${REQUEST_RULES.minThinkingBudget}`, kind: 'quickfix', safe: false, edits: [edit(budgetVal.node, String(REQUEST_RULES.minThinkingBudget))] }]);
        } else if (mt.value <= budgetVal.value) {
          ctx.report(mt.node,
            `max_tokens (${mt.value}) must be greater than thinking.budget_tokens (${budgetVal.value}): the API answers 400. Raise max_tokens or lower the budget.`);
        }
      }
    }
  },
});
