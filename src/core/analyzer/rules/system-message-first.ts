import type { Node } from '../parser';
import type { Bag } from '../sdk';
import { field, insertItem, quoteString, quoteStyle, removeItem, unwrap, valueOf } from '../syntax';
import type { Fix } from '../types';
import type { Ctx } from '../context';
import { edit, insertInto, itemCode, requestsOf, type Msg } from '../checks/requests';
import { defineRule } from './rule';

export default defineRule({
  id: 'system-message-first',
  defaultSeverity: 'error',
  description: 'A role "system" message first in messages: the system prompt belongs in the top-level system parameter.',
  summary: '`role: "system"` first in `messages` → move it to `system`',
  fix: 'safe',
  on: 'calls',
  check(ctx) {
    for (const { bag, messages } of requestsOf(ctx)) {
      const msgs = messages();
      const first = msgs?.items[0];
      if (!msgs || !first || first.spread || !first.text().includes('system')) continue;
      if (msgs.resolve(first).role !== 'system') continue;
      systemFirst(ctx, bag, msgs.array, first);
    }
  },
});

function systemFirst(ctx: Ctx, bag: Bag, array: Node, m: Msg): void {
  const { src } = ctx;
  const content = m.bag?.entries.get('content');
  const fixes: Fix[] = [];
  if (content && m.bag && !m.bag.unknownSpread) {
    const contentNode = content.valueNode;
    const contentText = src.text.slice(contentNode.startIndex, contentNode.endIndex);
    const removal = removeItem(src, array, m.node);
    const existing = bag.entries.get('system');
    const q = quoteStyle(src, field(m.bag.entries.get('role')!.item, 'value') ?? undefined);
    const block = (t: string): string => (src.py
      ? `{${quoteString('type', q)}: ${quoteString('text', q)}, ${quoteString('text', q)}: ${t}}`
      : `{ type: ${quoteString('text', q)}, text: ${t} }`);
    const cv = valueOf(src, contentNode);
    const contentBlocks = cv.kind === 'array' && cv.node.id === unwrap(contentNode).id
      ? cv.items.map((x) => src.text.slice(x.startIndex, x.endIndex))
      : cv.kind === 'string' || cv.kind === 'unknown' && /string|template/.test(unwrap(contentNode).type) ? [block(contentText)] : undefined;
    if (!existing) {
      const code = itemCode(ctx, bag, 'system', contentText);
      const ins = insertInto(ctx, bag, code, { before: 'messages', after: 'model' });
      if (!(ins.start < removal.end && removal.start < ins.end)) {
        fixes.push({ title: 'Move the system message into the system parameter', kind: 'quickfix', safe: true, edits: [removal, ins] });
      }
    } else if (contentBlocks) {
      const ev = valueOf(src, existing.valueNode);
      if (ev.kind === 'string' || (ev.kind === 'unknown' && /^(string|template_string)$/.test(ev.node.type))) {
        const existingText = src.text.slice(ev.node.startIndex, ev.node.endIndex);
        const merged = `[${block(existingText)}, ${contentBlocks.join(', ')}]`;
        fixes.push({ title: 'Merge the system message into the system parameter', kind: 'quickfix', safe: true, edits: [removal, edit(ev.node, merged)] });
      } else if (ev.kind === 'array' && !ev.hasSpread) {
        const last = ev.items[ev.items.length - 1];
        const ins = insertItem(src, ev.node, contentBlocks.join(', '), last ?? null);
        fixes.push({ title: 'Merge the system message into the system parameter', kind: 'quickfix', safe: true, edits: [removal, ins] });
      }
    }
  }
  const roleNode = m.bag?.entries.get('role')?.valueNode ?? m.node;
  ctx.report(roleNode,
    'A "system" role message first in messages is rejected: the API answers 400 "messages: Unexpected role \\"system\\"". The system prompt goes in the top-level system parameter.',
    fixes);
}
