import type { Fix } from '../types';
import { completionsOf } from '../checks/requests';
import { migrateCompletions } from '../checks/completions';
import { defineRule } from './rule';

export default defineRule({
  id: 'legacy-completions-api',
  defaultSeverity: 'warning',
  description: 'Legacy Text Completions (completions.create, prompt, max_tokens_to_sample): removed from the TS SDK 1.0; migrate to Messages.',
  summary: 'Text Completions, removed in TS SDK 1.0',
  fix: 'migration',
  deprecatedCode: true,
  on: 'calls',
  check(ctx) {
    for (const site of completionsOf(ctx)) {
      const bag = site.params;
      const legacyShape = !bag || bag.entries.has('prompt') || bag.entries.has('max_tokens_to_sample');
      if (!legacyShape && site.provider !== 'anthropic') continue;
      const removed = !ctx.src.py && ctx.options.sdk?.ts !== undefined && ctx.options.sdk.ts >= 1;
      const msg = removed
        ? 'client.completions was removed in @anthropic-ai/sdk 1.0: this call throws a TypeError. Migrate to messages.create (max_tokens, messages: [{ role: "user", content }]).'
        : ctx.src.py
          ? 'Legacy Text Completions ("\\n\\nHuman:" prompts, max_tokens_to_sample) only serve retired models: migrate to messages.create (max_tokens, messages=[{"role": "user", "content": …}]).'
          : 'Legacy Text Completions ("\\n\\nHuman:" prompts, max_tokens_to_sample) are removed from the TypeScript SDK 1.0 and only serve retired models: migrate to messages.create.';
      const fixes: Fix[] = [];
      const mig = bag ? migrateCompletions(ctx, site, bag) : undefined;
      if (mig) fixes.push(mig);
      ctx.report({ start: site.resource.startIndex, end: site.method.endIndex }, msg, fixes, removed ? { base: 'error' } : undefined);
    }
  },
});
