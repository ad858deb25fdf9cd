/** The migration of a legacy Text Completions call to Messages (offered by every rule that sees one). */
import { lookupModel } from '../../data/api-facts';
import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { Bag, CallSite } from '../sdk';
import { field, quoteString, quoteStyle, unwrap, valueOf } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { edit, insertInto, itemCode } from './requests';

const HUMAN = /^(?:\\n)*\\n\\nHuman:\s?/;
const ASSISTANT = /\\n\\nAssistant:\s*$/;

/** prompt → the user's text, when the prompt is a recognizable "\n\nHuman: … \n\nAssistant:" shape. */
function promptContent(ctx: Ctx, prompt: Node): string | undefined {
  const { src } = ctx;
  const n = unwrap(prompt);
  const isHuman = (x: Node): boolean => /(?:^|\.)HUMAN_PROMPT$/.test(x.text);
  const isAI = (x: Node): boolean => /(?:^|\.)AI_PROMPT$/.test(x.text);
  // "\n\nHuman: text\n\nAssistant:"
  if (n.type === 'string' || n.type === 'template_string') {
    const open = src.py ? n.child(0)!.text : src.text[n.startIndex]!;
    const close = src.py ? n.child(n.childCount - 1)!.text : src.text[n.endIndex - 1]!;
    const rawStart = src.py ? n.child(0)!.endIndex : n.startIndex + 1;
    const rawEnd = src.py ? n.child(n.childCount - 1)!.startIndex : n.endIndex - 1;
    let raw = src.text.slice(rawStart, rawEnd);
    // template/f-string that starts with ${HUMAN_PROMPT} / {HUMAN_PROMPT} and ends with the AI prompt
    const interp = src.py ? /^\{(?:anthropic\.)?HUMAN_PROMPT\}\s?/ : /^\$\{[\w.]*HUMAN_PROMPT\}\s?/;
    const interpEnd = src.py ? /\{(?:anthropic\.)?AI_PROMPT\}$/ : /\$\{[\w.]*AI_PROMPT\}$/;
    if (HUMAN.test(raw) && ASSISTANT.test(raw)) raw = raw.replace(HUMAN, '').replace(ASSISTANT, '');
    else if (interp.test(raw) && interpEnd.test(raw)) raw = raw.replace(interp, '').replace(interpEnd, '');
    else return undefined;
    if (/HUMAN_PROMPT|AI_PROMPT|\\n\\nHuman:|\\n\\nAssistant:/.test(raw)) return undefined;
    let openQ = open;
    if (src.py && /^[fF]/.test(open) && !/\{/.test(raw)) openQ = open.slice(1);
    return `${openQ}${raw}${close}`;
  }
  // HUMAN_PROMPT + text + AI_PROMPT
  if (n.type === 'binary_expression' || n.type === 'binary_operator') {
    const parts: Node[] = [];
    const flatten = (x: Node): boolean => {
      const u = unwrap(x);
      if ((u.type === 'binary_expression' || u.type === 'binary_operator') && (field(u, 'operator')?.text ?? u.child(1)?.text) === '+') {
        return flatten(field(u, 'left')!) && flatten(field(u, 'right')!);
      }
      parts.push(u);
      return true;
    };
    flatten(n);
    if (parts.length < 3 || !isHuman(parts[0]!) || !isAI(parts[parts.length - 1]!)) return undefined;
    const mid = parts.slice(1, -1);
    if (mid.some((p) => isHuman(p) || isAI(p))) return undefined;
    return mid.map((p) => src.text.slice(p.startIndex, p.endIndex)).join(' + ');
  }
  return undefined;
}

export function migrateCompletions(ctx: Ctx, site: CallSite, bag: Bag): Fix | undefined {
  const { src } = ctx;
  if (bag.unknownSpread) return undefined;
  const prompt = bag.entries.get('prompt');
  if (!prompt || prompt.container.id !== bag.container.id) return undefined;
  const content = promptContent(ctx, prompt.valueNode);
  if (!content) return undefined;
  const edits: TextEdit[] = [edit(site.resource, 'messages')];
  const q = quoteStyle(src, unwrap(prompt.valueNode));
  const msg = src.py
    ? `[{${quoteString('role', q)}: ${quoteString('user', q)}, ${quoteString('content', q)}: ${content}}]`
    : `[{ role: ${quoteString('user', q)}, content: ${content} }]`;
  edits.push(edit(prompt.item, itemCode(ctx, bag, 'messages', msg)));
  const mts = bag.entries.get('max_tokens_to_sample');
  if (mts && mts.container.id === bag.container.id) {
    const key = src.py && bag.style === 'kwargs' ? field(mts.item, 'name') : field(mts.item, 'key');
    if (key && mts.item.type !== 'shorthand_property_identifier') {
      edits.push({ start: key.startIndex, end: key.endIndex, newText: bag.style === 'dict' ? quoteString('max_tokens', quoteStyle(src, key)) : 'max_tokens' });
    } else return undefined;
  } else if (!bag.entries.has('max_tokens')) {
    edits.push(insertInto(ctx, bag, itemCode(ctx, bag, 'max_tokens', String(ctx.options.defaultMaxTokens ?? 1024)), { after: 'model' }));
  }
  const me = bag.entries.get('model');
  const mv = me ? valueOf(src, me.valueNode) : undefined;
  if (mv?.kind === 'string' && !mv.foreign && !mv.computed) {
    const st = lookupModel(mv.value, ctx.options.today);
    if (st.kind === 'retired') edits.push({ start: mv.contentStart, end: mv.contentEnd, newText: st.successor });
  }
  return { title: 'Migrate to messages.create (check uses of .completion → .content[0].text)', kind: 'quickfix', safe: false, edits };
}

