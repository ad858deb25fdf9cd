import { requestsOf } from '../checks/requests';
import { defineRule } from './rule';

const QUOTED = 'messages: Unexpected role "system"';

export default defineRule({
  id: 'system-message-unsupported',
  defaultSeverity: 'error',
  description: 'A role "system" message later in the conversation on a model or platform that rejects it (400 Unexpected role "system").',
  summary: 'a later system message the model or platform rejects',
  fix: 'none',
  on: 'calls',
  check(ctx) {
    for (const { model, cur, platform, messages } of requestsOf(ctx)) {
      const msgs = messages();
      if (!msgs) continue;
      for (let i = 0; i < msgs.items.length; i++) {
        const m = msgs.items[i]!;
        if (m.spread) break; // positions after a spread are unknown
        if (i === 0 || !m.text().includes('system')) continue;
        if (msgs.resolve(m).role !== 'system') continue;
        const prev = msgs.resolve(msgs.items[i - 1]!);
        const roleNode = m.bag?.entries.get('role')?.valueNode ?? m.node;
        if (platform) {
          ctx.report(roleNode, `${platform} does not accept a system message inside messages: the request fails with 400 (${QUOTED}). Put it in the top-level system parameter.`);
        } else if (prev.role !== undefined && prev.role !== 'user') {
          ctx.report(roleNode, `A system message later in the conversation must directly follow a user turn; after "${prev.role}" the API answers 400 (${QUOTED}).`);
        } else if (cur) {
          if (cur.midConversationSystem === 'no') {
            ctx.report(roleNode, `${cur.id} rejects a system message after the first turn: the API answers 400 "${QUOTED}…". Only Opus 4.8 and the 5.x models accept it; use the top-level system parameter.`);
          } else if (cur.midConversationSystem === 'unverified') {
            ctx.report(roleNode, `Whether ${cur.id} accepts a system message mid-conversation is unverified; older models answer 400 "${QUOTED}". Prefer the top-level system parameter.`, [], 'info');
          }
        } else if (model?.val.kind !== 'string') {
          ctx.report(roleNode, `A system message after the first turn is accepted only by Opus 4.8 and the 5.x models (on the Claude API); other models answer 400 "${QUOTED}". The model here is not known statically.`, [], 'info');
        }
      }
    }
  },
});
