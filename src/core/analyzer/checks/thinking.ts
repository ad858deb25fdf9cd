/** The `thinking` parameter of a request, read for the thinking rules. */
import { bagOf, type Bag, type Entry } from '../sdk';
import { quoteString, quoteStyle, valueOf } from '../syntax';
import type { Ctx } from '../context';
import { requestsOf, type Request } from './requests';
import type { CurrentModel } from '../../data/api-facts';

export interface ThinkingParam {
  entry: Entry;
  /** `thinking.type` when it is a string literal. */
  type?: string;
  /** `thinking.budget_tokens` is present. */
  hasBudget: boolean;
  bag?: Bag;
}

/** The request's `thinking` when it is an object literal (or a const one) with a literal `type`. */
export function thinkingOf(ctx: Ctx, req: Request): ThinkingParam | undefined {
  const entry = req.bag.entries.get('thinking');
  if (!entry) return undefined;
  const bag = bagOf(ctx.src, entry.valueNode);
  if (!bag) return undefined;
  const t = bag.entries.get('type');
  const v = t ? valueOf(ctx.src, t.valueNode) : undefined;
  return { entry, bag, type: v?.kind === 'string' ? v.value : undefined, hasBudget: bag.entries.has('budget_tokens') };
}

/**
 * The unit's requests to a current Claude API model (not Bedrock/Vertex/Foundry) whose `thinking`
 * has a literal `type`: what both thinking rules read, worked out once per unit.
 */
export function thinkingRequestsOf(ctx: Ctx): { req: Request; cur: CurrentModel; p: ThinkingParam & { type: string } }[] {
  return ctx.memo(thinkingRequestsOf, () => {
    const out: { req: Request; cur: CurrentModel; p: ThinkingParam & { type: string } }[] = [];
    for (const req of requestsOf(ctx)) {
      if (!req.cur || req.platform) continue;
      const p = thinkingOf(ctx, req);
      if (p?.type) out.push({ req, cur: req.cur, p: p as ThinkingParam & { type: string } });
    }
    return out;
  });
}

/** `{ type: 'adaptive' }` / `{"type": "adaptive"}` in the file's style. */
export function adaptiveThinkingCode(ctx: Ctx): string {
  const q = quoteStyle(ctx.src);
  return ctx.src.py ? `{${quoteString('type', q)}: ${quoteString('adaptive', q)}}` : `{ type: ${quoteString('adaptive', q)} }`;
}

/** The edit that makes `thinking` adaptive: the value, or the whole item when it is a shorthand. */
export function adaptiveThinkingEdit(ctx: Ctx, p: ThinkingParam): { start: number; end: number; newText: string } {
  const code = adaptiveThinkingCode(ctx);
  if (p.entry.item.type === 'shorthand_property_identifier') {
    return { start: p.entry.item.startIndex, end: p.entry.item.endIndex, newText: `thinking: ${code}` };
  }
  return { start: p.entry.valueNode.startIndex, end: p.entry.valueNode.endIndex, newText: code };
}
