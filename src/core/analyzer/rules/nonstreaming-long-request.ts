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
  description: 'Non-streaming create with max_tokens > 21333 and no timeout: both SDKs refuse it locally, before sending.',
  summary: 'non-streaming call with `max_tokens` > 21333 and no timeout (both SDKs refuse it)',
  fix: 'safe',
  on: 'calls',
  check(ctx) {
    for (const { site, bag, anchor, maxTokens } of requestsOf(ctx)) {
      if (site.kind !== 'create' || bag.unknownSpread) continue;
      const mt = maxTokens();
      const py = ctx.src.py;
      const guard = py ? SDK.python.nonStreamingMaxTokensGuard : SDK.ts.nonStreamingMaxTokensGuard;
      if (!mt || mt.value <= guard) continue;
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
      if (!py && parent && parent.type !== 'member_expression' && site.method.text === 'create') {
        fixes.push({
          title: 'Stream it: messages.stream(…).finalMessage()', kind: 'quickfix', safe: true,
          edits: [edit(site.method, 'stream'), { start: site.call.endIndex, end: site.call.endIndex, newText: '.finalMessage()' }],
        });
      }
      ctx.report(anchor, py
        ? `With max_tokens ${mt.value} (> ${guard}) and no timeout, the Python SDK raises before sending: ValueError: "Streaming is required for operations that may take longer than 10 minutes". Stream the response (with client.messages.stream(…) as s: s.get_final_message()) or pass an explicit timeout (on the client or as timeout=… on the call).`
        : `With max_tokens ${mt.value} (> ${guard}) and no timeout, the TypeScript SDK throws before sending: "Streaming is required for operations that may take longer than 10 minutes". Stream the response (messages.stream(…).finalMessage()) or pass an explicit timeout.`,
        fixes, site.ctor ? undefined : 'warning');
    }
  },
});
