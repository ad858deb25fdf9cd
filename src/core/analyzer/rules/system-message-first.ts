import type { Node } from '../parser';
import type { Bag } from '../sdk';
import { descend, field, insertItem, named, quoteString, quoteStyle, removeItem, scan, unwrap, valueOf } from '../syntax';
import { bagOf } from '../sdk';
import { enclosingFunction } from '../checks/retry-loops';
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
    for (const { bag, messages, site } of requestsOf(ctx)) {
      const msgs = messages();
      const list = bag.entries.get('messages');
      const listNode = list ? unwrap(list.valueNode) : undefined;
      if (!msgs && listNode && (listNode.type === 'identifier' || listNode.type === 'shorthand_property_identifier')) {
        prependedSystem(ctx, site.call, listNode.text);
        continue;
      }
      const first = msgs?.items[0];
      if (!msgs || !first || first.spread || !first.text().includes('system')) continue;
      if (msgs.resolve(first).role !== 'system') continue;
      systemFirst(ctx, bag, msgs.array, first);
    }
  },
});

/**
 * `messages.insert(0, {"role": "system", …})` / `messages.unshift({ role: 'system', … })` before the
 * call, in the same function: the array the call sends starts with a system message.
 */
function prependedSystem(ctx: Ctx, call: Node, name: string): void {
  const { src } = ctx;
  const scope = enclosingFunction(ctx, call);
  const from = scope ? scope.startIndex : ctx.from;
  const esc = name.replace(/\$/g, '\\$');
  const re = new RegExp(`(?<![\\w$.])${esc}\\s*\\.\\s*(insert|unshift)\\s*\\(`, 'g');
  for (const m of scan(re, src.text, from, call.startIndex)) {
    const id = descend(src, m.index, m.index + name.length);
    const member = id?.parent;
    const c = member?.parent;
    if (!id || id.type !== 'identifier' || !member || !c || (c.type !== 'call' && c.type !== 'call_expression') || field(c, 'function')?.id !== member.id) continue;
    const args = named(field(c, 'arguments')!);
    const method = m[1]!;
    if (method === 'insert' && (!src.py || args[0]?.text !== '0')) continue;
    const item = method === 'insert' ? args[1] : args[0];
    if (!item || (method === 'unshift' && (src.py || args.length !== 1))) continue;
    const b = bagOf(src, item);
    const role = b?.entries.get('role');
    const rv = role ? valueOf(src, role.valueNode) : undefined;
    if (rv?.kind !== 'string' || rv.value !== 'system') continue;
    ctx.report(role!.valueNode,
      `${name}.${method}(${method === 'insert' ? '0, ' : ''}…) puts a "system" role message first in the messages this call sends: the API answers 400 "messages: Unexpected role \\"system\\"". Pass the system prompt as the top-level system parameter instead.`);
  }
}

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
