import { requestsOf } from '../checks/requests';
import { defineRule } from './rule';

export default defineRule({
  id: 'empty-messages',
  defaultSeverity: 'error',
  description: 'An empty messages list: 400.',
  summary: '`messages: []`',
  fix: 'none',
  on: 'calls',
  check(ctx) {
    for (const req of requestsOf(ctx)) {
      const msgs = req.messages();
      if (msgs && msgs.items.length === 0) {
        ctx.report(msgs.array,
          'messages is empty: the API answers 400 (invalid_request_error) — a request needs at least one message. Add a user message.');
      }
    }
  },
});
