import { CURRENT_MODELS, lookupModel } from '../../data/api-facts';
import { foreignNote, requestsOf } from '../checks/requests';
import { defineRule } from './rule';

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

const suggestions = new Map<string, string | undefined>();

function suggestModel(id: string): string | undefined {
  if (!suggestions.has(id)) {
    if (suggestions.size > 500) suggestions.clear();
    suggestions.set(id, computeSuggestion(id));
  }
  return suggestions.get(id);
}

function computeSuggestion(id: string): string | undefined {
  const dashed = id.replace(/\./g, '-');
  if (dashed !== id && lookupModel(dashed).kind === 'current') return dashed;
  let best: string | undefined;
  let bestD = 4;
  for (const m of CURRENT_MODELS) {
    for (const cand of [m.id, ...(m.aliases ?? [])]) {
      const dist = levenshtein(id, cand);
      if (dist < bestD) { bestD = dist; best = cand; }
    }
  }
  return best;
}

/**
 * A dated id whose family is real but whose date is not one of its snapshots
 * (`claude-sonnet-4-5-20250930`): the family, its real dated ids, and what to use.
 */
function wrongDate(id: string): { base: string; known: string[]; use: string } | undefined {
  const m = /^(claude-[a-z0-9-]+?)-(\d{8})$/.exec(id);
  if (!m) return undefined;
  const base = m[1]!;
  const model = CURRENT_MODELS.find((x) => x.id === base);
  if (!model) return undefined;
  const known = (model.aliases ?? []).filter((a) => /-\d{8}$/.test(a));
  return { base, known, use: known.length === 1 ? known[0]! : base };
}

const day = (yyyymmdd: string): string => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

export default defineRule({
  id: 'unknown-model',
  defaultSeverity: 'warning',
  description: 'A model id that is neither current nor retired (misspelled, dotted, invented): expect 404.',
  summary: 'an id neither current nor retired (dotted names, typos)',
  fix: 'suggestion',
  on: 'calls',
  check(ctx) {
    for (const { site, model } of requestsOf(ctx)) {
      const str = model?.str;
      if (!str || model.status?.kind !== 'unknown') continue;
      const id = str.value;
      const dotted = /\d\.\d/.test(id);
      const dated = dotted ? undefined : wrongDate(id);
      const suggestion = dated?.use ?? suggestModel(id);
      const gateway = !!(site.ctor?.options?.entries.get('baseURL') ?? site.ctor?.options?.entries.get('base_url'));
      const msg = dated
        ? `${dated.base} is a real model, but it has no snapshot dated ${day(id.slice(-8))}: the API answers 404 "model: ${id}". ${dated.known.length > 0 ? `Its dated id is ${dated.known.join(', ')}` : `It has no dated ids; use ${dated.base}`}${dated.known.length > 0 ? ` (or the alias ${dated.base})` : ''}.`
        : dotted
        ? `"${id}" is not an Anthropic model id (ids use dashes, not dots; some gateways use dotted names): the Claude API answers 404 "model: ${id}".${suggestion ? ` Did you mean ${suggestion}?` : ''}`
        : `"${id}" is not a current or retired Claude model id: the API answers 404 "model: ${id}".${suggestion ? ` Did you mean ${suggestion}?` : ''}`;
      ctx.report(str.node, msg + foreignNote(str),
        suggestion && !str.foreign && !str.computed ? [{ title: `Replace with ${suggestion}`, kind: 'quickfix', safe: false, edits: [{ start: str.contentStart, end: str.contentEnd, newText: suggestion }] }] : [],
        gateway ? 'info' : undefined);
    }
  },
});
