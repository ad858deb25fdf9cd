import { API_VERSION_2026_10_21 } from '../../data/api-facts';
import type { Ctx } from '../context';
import type { Node } from '../parser';
import { bagOf } from '../sdk';
import { insertItem, named, removeItem, valueOf } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { apiVersionState } from '../checks/fixes';
import { requestsOf, type Msg } from '../checks/requests';
import { defineRule } from './rule';

const V = API_VERSION_2026_10_21.version;

/**
 * Two of the three Messages breaking changes of anthropic-version 2026-10-21 (the third, sampling
 * params, is `sampling-params-rejected`): a `document` block directly in an assistant message, and
 * a text block with non-empty `citations` in a user message (directly or inside `search_result`).
 * Claude API only: on Bedrock the change applies to 4.7+ models with its own versioning, and the
 * platform SDKs are not read here.
 */
export default defineRule({
  id: 'content-blocks-rejected',
  defaultSeverity: 'error',
  description: `A document block in an assistant message, or a text block with citations in a user message: a 400 under anthropic-version ${V}.`,
  summary: `a \`document\` block in an assistant turn or \`citations\` in user text: 400 under ${V}`,
  fix: 'yes',
  on: 'calls',
  mentions: ['document', 'citations'],
  check(ctx) {
    const state = apiVersionState(ctx);
    if (state === 'legacy') return;
    const sdkName = ctx.src.py ? 'anthropic ≥ 2.0' : '@anthropic-ai/sdk ≥ 1.0';
    const under = state === 'current' ? `under anthropic-version ${V} (${sdkName})` : `if this project uses ${sdkName} (anthropic-version ${V})`;
    const cap = state === 'current' ? undefined : 'warning' as const;
    for (const req of requestsOf(ctx)) {
      if (req.site.provider !== 'anthropic' && req.site.provider !== 'unknown') continue;
      const msgs = req.messages();
      if (!msgs) continue;
      for (let i = 0; i < msgs.items.length; i++) {
        const m = msgs.resolve(msgs.items[i]!);
        if (m.spread || !m.bag || (m.role !== 'user' && m.role !== 'assistant')) continue;
        const content = m.bag.entries.get('content');
        const cv = content ? valueOf(ctx.src, content.valueNode) : undefined;
        if (cv?.kind !== 'array') continue;
        for (const block of cv.items) {
          const bb = bagOf(ctx.src, block);
          const tv = bb?.entries.get('type');
          const type = tv ? valueOf(ctx.src, tv.valueNode) : undefined;
          if (type?.kind !== 'string') continue;
          if (m.role === 'assistant' && type.value === 'document') {
            const prev = i > 0 ? msgs.resolve(msgs.items[i - 1]!) : undefined;
            const fix = moveDocument(ctx, block, cv.node, cv.items.length, m, prev);
            ctx.report(block,
              `A \`document\` block in an assistant message is a 400 ${under}. Put the document in a user message (the one before, where it was shown to Claude).`,
              fix ? [fix] : [], cap);
          } else if (m.role === 'user') {
            for (const c of citedBlocks(ctx, block, type.value)) {
              ctx.report(c.item,
                `A text block with non-empty \`citations\` in a user message is a 400 ${under}. Send the cited text without \`citations\` (citations belong to Claude's answers).`,
                [{ title: 'Remove citations', kind: 'quickfix', safe: state === 'current', edits: [removeItem(ctx.src, c.container, c.item)] }],
                cap);
            }
          }
        }
      }
    }
  },
});

/** `citations` items with a non-empty array value: the block's own, or those of a `search_result`'s text blocks. */
function citedBlocks(ctx: Ctx, block: Node, type: string): { item: Node; container: Node }[] {
  const bb = bagOf(ctx.src, block);
  if (!bb) return [];
  if (type === 'text') {
    const c = bb.entries.get('citations');
    const v = c ? valueOf(ctx.src, c.valueNode) : undefined;
    return c && v?.kind === 'array' && v.items.length > 0 ? [{ item: c.item, container: c.container }] : [];
  }
  if (type === 'search_result') {
    const inner = bb.entries.get('content');
    const v = inner ? valueOf(ctx.src, inner.valueNode) : undefined;
    if (v?.kind !== 'array') return [];
    return v.items.flatMap((b) => {
      const t = bagOf(ctx.src, b)?.entries.get('type');
      const tv = t ? valueOf(ctx.src, t.valueNode) : undefined;
      return tv?.kind === 'string' && tv.value === 'text' ? citedBlocks(ctx, b, 'text') : [];
    });
  }
  return [];
}

/**
 * Move the document block to the start of the user message before it (a literal string or list
 * content); the assistant message goes when the document was its only block. Not safe: it changes
 * who the conversation says showed the document.
 */
function moveDocument(ctx: Ctx, block: Node, list: Node, count: number, assistant: Msg, prev: Msg | undefined): Fix | undefined {
  if (!prev || prev.spread || prev.role !== 'user' || !prev.bag) return undefined;
  const pc = prev.bag.entries.get('content');
  if (!pc) return undefined;
  const pv = valueOf(ctx.src, pc.valueNode);
  const doc = block.text;
  const edits: TextEdit[] = [];
  if (pv.kind === 'array' && pv.node.id === unwrapNode(pc.valueNode).id) {
    edits.push(insertItem(ctx.src, pv.node, doc, null));
  } else if (pv.kind === 'string' && pv.node.id === unwrapNode(pc.valueNode).id) {
    const text = ctx.src.py ? `{"type": "text", "text": ${pv.node.text}}` : `{ type: 'text', text: ${pv.node.text} }`;
    edits.push({ start: pv.node.startIndex, end: pv.node.endIndex, newText: `[${doc}, ${text}]` });
  } else return undefined;
  const outer = assistant.node.parent;
  if (count === 1 && outer) edits.push(removeItem(ctx.src, outer, assistant.node));
  else edits.push(removeItem(ctx.src, list, block));
  return { title: 'Move the document into the user message before it', kind: 'quickfix', safe: false, edits };
}

function unwrapNode(n: Node): Node {
  let x = n;
  while (x.type === 'parenthesized_expression' && named(x).length === 1) x = named(x)[0]!;
  return x;
}
