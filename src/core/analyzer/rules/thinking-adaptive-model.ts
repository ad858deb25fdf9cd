import { adaptiveThinkingEdit, thinkingRequestsOf } from '../checks/thinking';
import { defineRule } from './rule';

/**
 * Thinking settings on models whose thinking is always on or adaptive (or whose `enabled` form the
 * SDKs call deprecated), where no source states a 400: information only, never a safe fix
 * (facts: unverified facts stay conservative). The stated 400s are `thinking-rejected`.
 */
export default defineRule({
  id: 'thinking-adaptive-model',
  defaultSeverity: 'info',
  description: 'thinking settings on a model whose thinking is always on or adaptive, or whose thinking.type=enabled the SDKs call deprecated.',
  summary: '`thinking` disabled or a manual budget on an always-on/adaptive model; deprecated `enabled`',
  fix: 'suggestion',
  on: 'calls',
  mentions: ['thinking'],
  check(ctx) {
    for (const { cur, p } of thinkingRequestsOf(ctx)) {
      const th = cur.thinking;
      const adaptive = [{ title: 'Use adaptive thinking', kind: 'quickfix' as const, safe: false, edits: [adaptiveThinkingEdit(ctx, p)] }];
      if (p.type === 'disabled' && th.rejectsDisabled === 'unverified' && th.mode === 'always-on') {
        ctx.report(p.entry.item,
          `${cur.id} has thinking always on: thinking: {type: "disabled"} does not switch it off (whether the API refuses it with a 400 is not documented). Remove \`thinking\` or use {type: "adaptive"}.`,
          adaptive);
      } else if (p.type === 'enabled' && th.rejectsBudget === 'unverified' && th.mode) {
        ctx.report(p.entry.item,
          `${cur.id} ${th.mode === 'always-on' ? 'has thinking always on' : 'uses adaptive thinking'}: a manual budget_tokens may be refused (models of its generation answer 400 to it; for this one no source says). Prefer {type: "adaptive"} with \`output_config.effort\`.`,
          adaptive);
      } else if (p.type === 'enabled' && th.enabledDeprecated) {
        ctx.report(p.entry.item,
          `thinking.type "enabled" is deprecated on ${cur.id}: the official SDKs warn about it. Use {type: "adaptive"}.`,
          adaptive, { base: 'warning' });
      }
    }
  },
});
