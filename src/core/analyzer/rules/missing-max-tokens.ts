import { defineRule } from './rule';
import { insertInto, itemCode, requestsOf } from '../checks/requests';

export default defineRule({
  id: 'missing-max-tokens',
  defaultSeverity: 'error',
  description: 'messages.create without max_tokens: the API answers 400 "max_tokens: Field required".',
  summary: 'no `max_tokens` → 400 "max_tokens: Field required"',
  fix: 'safe',
  on: 'calls',
  check(ctx) {
    for (const { site, bag, anchor } of requestsOf(ctx)) {
      if (site.kind === 'countTokens' || bag.entries.has('max_tokens') || bag.unknownSpread) continue;
      const n = ctx.options.defaultMaxTokens ?? 1024;
      const code = itemCode(ctx, bag, 'max_tokens', String(n));
      ctx.report(anchor,
        `max_tokens is required: the API answers 400 "max_tokens: Field required". Add max_tokens (the most tokens the reply may use, e.g. ${n}).`,
        [{ title: `Add max_tokens: ${n}`, kind: 'quickfix', safe: true, edits: [insertInto(ctx, bag, code, { after: 'model' })] }]);
    }
  },
});
