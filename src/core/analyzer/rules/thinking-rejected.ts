import { removeItem } from '../syntax';
import { adaptiveThinkingEdit, thinkingRequestsOf } from '../checks/thinking';
import { defineRule } from './rule';

/**
 * `thinking: {type: "disabled"}` or a manual `{type: "enabled", budget_tokens}` on a model that
 * answers 400 to it (the data module's `thinking.rejectsDisabled` / `rejectsBudget` = true: Fable 5,
 * Mythos 5; Haiku 5.5 for budgets). Models where the data says "unverified" are left to
 * `thinking-adaptive-model`.
 */
export default defineRule({
  id: 'thinking-rejected',
  defaultSeverity: 'error',
  description: 'thinking: {type: "disabled"} or a manual budget_tokens on a model that answers 400 to it (Fable 5, Mythos 5; budgets on Haiku 5.5).',
  summary: '`thinking` disabled or a manual `budget_tokens` where the model answers 400',
  fix: 'safe',
  on: 'calls',
  mentions: ['thinking'],
  check(ctx) {
    for (const { cur, p } of thinkingRequestsOf(ctx)) {
      if (p.type === 'disabled' && cur.thinking.rejectsDisabled === true) {
        ctx.report(p.entry.item,
          `${cur.id} answers 400 to thinking: {type: "disabled"}: thinking cannot be switched off on this model. Remove \`thinking\` (the model's default applies) or use {type: "adaptive"}.`,
          [
            { title: 'Remove thinking', kind: 'quickfix', safe: true, edits: [removeItem(ctx.src, p.entry.container, p.entry.item)] },
            { title: 'Use adaptive thinking', kind: 'quickfix', safe: false, edits: [adaptiveThinkingEdit(ctx, p)] },
          ]);
      } else if (p.type === 'enabled' && cur.thinking.rejectsBudget === true) {
        ctx.report(p.entry.item,
          `${cur.id} answers 400 to a manual thinking budget ({type: "enabled", budget_tokens}): it decides its thinking itself. Use {type: "adaptive"} (steer it with \`output_config.effort\`).`,
          [{ title: 'Use adaptive thinking', kind: 'quickfix', safe: true, edits: [adaptiveThinkingEdit(ctx, p)] }]);
      }
    }
  },
});
