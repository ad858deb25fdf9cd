import { REQUEST_RULES } from '../../data/api-facts';
import { removeItem, valueOf } from '../syntax';
import type { TextEdit } from '../types';
import { apiVersionState } from '../checks/fixes';
import { requestsOf } from '../checks/requests';
import { defineRule } from './rule';

const SAMPLING_KEYS = ['temperature', 'top_p', 'top_k'] as const;

export default defineRule({
  id: 'sampling-params-rejected',
  defaultSeverity: 'error',
  description: 'temperature/top_p/top_k that the API version or model rejects with a 400.',
  summary: '`temperature`/`top_p`/`top_k` the API version or model rejects',
  fix: 'safe when the SDK version is known',
  on: 'calls',
  check(ctx) {
    for (const { site, bag, cur } of requestsOf(ctx)) {
      if (site.kind === 'countTokens' || site.provider === 'bedrock' || site.provider === 'vertex' || site.provider === 'foundry') continue;
      const keys = SAMPLING_KEYS.filter((k) => bag.entries.has(k));
      if (keys.length === 0) continue;
      const state = apiVersionState(ctx);
      // What the legacy API version (2023-06-01) would reject for this model.
      const legacyBad = new Map<string, string>();
      if (cur) {
        const num = (k: string): number | undefined => {
          const e = bag.entries.get(k);
          const v = e ? valueOf(ctx.src, e.valueNode) : undefined;
          return v?.kind === 'number' ? v.value : undefined;
        };
        if (cur.legacySampling === 'strict') {
          const t = num('temperature');
          const p = num('top_p');
          if (bag.entries.has('temperature') && t !== undefined && t !== REQUEST_RULES.strictSampling.temperature) legacyBad.set('temperature', `${cur.id} accepts only temperature 1.0`);
          if (bag.entries.has('top_p') && p !== undefined && p < REQUEST_RULES.strictSampling.minTopP) legacyBad.set('top_p', `${cur.id} accepts only top_p ≥ ${REQUEST_RULES.strictSampling.minTopP}`);
          if (bag.entries.has('top_k')) legacyBad.set('top_k', `${cur.id} does not accept top_k`);
        } else if (cur.legacySampling === 'no-temperature-with-top-p' && bag.entries.has('temperature') && bag.entries.has('top_p')) {
          legacyBad.set('top_p', `${cur.id} rejects temperature and top_p together`);
        }
      }
      const sdkName = ctx.src.py ? 'anthropic ≥ 2.0' : '@anthropic-ai/sdk ≥ 1.0';
      for (const k of keys) {
        const e = bag.entries.get(k)!;
        const removal: TextEdit = removeItem(ctx.src, e.container, e.item);
        if (state === 'current') {
          ctx.report(e.item,
            `${k} is rejected under anthropic-version 2026-10-21 (${sdkName}): the API answers 400 for any temperature, top_p or top_k. Remove it.`,
            [{ title: `Remove ${k}`, kind: 'quickfix', safe: true, edits: [removal] }]);
        } else if (legacyBad.has(k)) {
          const why = legacyBad.get(k)!;
          ctx.report(e.item,
            `${why}: the API answers 400 (and under anthropic-version 2026-10-21 any sampling parameter is a 400). Remove ${k}.`,
            [{ title: `Remove ${k}`, kind: 'quickfix', safe: state === 'unknown', edits: [removal] }]);
        } else if (state === 'unknown') {
          ctx.report(e.item,
            `If this project uses ${sdkName} (anthropic-version 2026-10-21), ${k} makes the API answer 400: sampling parameters are no longer accepted. Older SDKs still send it.`,
            [{ title: `Remove ${k}`, kind: 'quickfix', safe: false, edits: [removal] }], 'warning');
        }
      }
    }
  },
});
