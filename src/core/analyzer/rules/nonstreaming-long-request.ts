import { SDK } from '../../data/api-facts';
import type { Bag } from '../sdk';
import { named, valueOf } from '../syntax';
import type { Fix } from '../types';
import { edit, requestsOf } from '../checks/requests';
import { defineRule } from './rule';

const hasTimeout = (b: Bag | undefined): boolean | undefined => (b ? b.entries.has('timeout') || (b.unknownSpread ? undefined : false) : undefined);

export default defineRule({
  id: 'nonstreaming-long-request',
  defaultSeverity: 'error',
  description: 'TS SDK: non-streaming create with max_tokens > 21333 and no timeout throws locally before sending.',
  summary: 'TS non-streaming call with `max_tokens` > 21333 and no timeout',
  fix: 'safe',
  languages: ['ts'],
  on: 'calls',
  check(ctx) {
    for (const { site, bag, anchor, maxTokens } of requestsOf(ctx)) {
      if (site.kind !== 'create' || bag.unknownSpread) continue;
      const mt = maxTokens();
      if (!mt || mt.value <= SDK.ts.nonStreamingMaxTokensGuard) continue;
      const stream = bag.entries.get('stream');
      if (stream) {
        const v = valueOf(ctx.src, stream.valueNode);
        if (!(v.kind === 'bool' && !v.value)) continue;
      }
      if (site.requestOptions && hasTimeout(site.requestOptions) !== false) continue;
      if (named(site.args).length > 1 && !site.requestOptions) continue; // options we cannot read
      if (site.withOptions && hasTimeout(site.withOptions) !== false) continue;
      const ctorTimeout = site.ctor ? hasTimeout(site.ctor.options) : undefined;
      if (ctorTimeout === true || (site.ctor && ctorTimeout === undefined)) continue;
      const fixes: Fix[] = [];
      const parent = site.call.parent;
      if (parent && parent.type !== 'member_expression' && site.method.text === 'create') {
        fixes.push({
          title: 'Stream it: messages.stream(…).finalMessage()', kind: 'quickfix', safe: true,
          edits: [edit(site.method, 'stream'), { start: site.call.endIndex, end: site.call.endIndex, newText: '.finalMessage()' }],
        });
      }
      ctx.report(anchor,
        `With max_tokens ${mt.value} (> ${SDK.ts.nonStreamingMaxTokensGuard}) and no timeout, the TypeScript SDK throws before sending: "Streaming is required for operations that may take longer than 10 minutes". Stream the response (messages.stream(…).finalMessage()) or pass an explicit timeout.`,
        fixes, site.ctor ? undefined : 'warning');
    }
  },
});
