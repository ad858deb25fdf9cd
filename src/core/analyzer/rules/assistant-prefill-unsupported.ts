import { requestsOf } from '../checks/requests';
import { defineRule } from './rule';

const QUOTED = 'This model does not support assistant message prefill';

export default defineRule({
  id: 'assistant-prefill-unsupported',
  defaultSeverity: 'error',
  description: 'A final assistant message (prefill) on Claude 4.6 and later: 400.',
  summary: 'a final assistant message on Claude 4.6 and later',
  fix: 'none',
  on: 'calls',
  check(ctx) {
    for (const { site, model, cur, messages } of requestsOf(ctx)) {
      if (site.kind !== 'create' && site.kind !== 'stream' && site.kind !== 'batches') continue;
      const msgs = messages();
      const last = msgs?.items[msgs.items.length - 1];
      if (!msgs || !last || msgs.tailUnknown || !last.text().includes('assistant') || msgs.resolve(last).role !== 'assistant') continue;
      const roleNode = last.bag?.entries.get('role')?.valueNode ?? last.node;
      if (cur && !cur.prefill) {
        ctx.report(roleNode, `${cur.id} answers 400 "${QUOTED}…": the last message is from the assistant. End with a user message (use structured outputs or instructions instead of a prefill).`);
      } else if (!cur && model?.val.kind !== 'string') {
        ctx.report(roleNode, `A final assistant message (prefill) is a 400 on Claude 4.6 and later ("${QUOTED}"). The model here is not known statically.`, [], 'info');
      }
    }
  },
});
