import { REQUEST_RULES, SDK } from '../../data/api-facts';
import type { Ctx } from '../context';
import { bagOf, type Bag } from '../sdk';
import { insertItem, named, quoteString, quoteStyle, removeItem, valueOf } from '../syntax';
import type { Fix, TextEdit } from '../types';
import { apiVersionState } from '../checks/fixes';
import { itemCode, requestsOf } from '../checks/requests';
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
        if (cur.rejectsSampling) {
          // Haiku 5.5: a 400 for any sampling parameter, under every API version.
          for (const k of keys) legacyBad.set(k, `${cur.id} rejects ${k} under every API version`);
        } else if (cur.legacySampling === 'strict') {
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
      // Python anthropic ≥ 1.0 (2026-08-20) has no sampling keyword arguments: a local TypeError.
      const pyMajor = ctx.src.py ? ctx.options.sdk?.python : undefined;
      // A batch's params are a JSON body, not keyword arguments: no TypeError there.
      if (pyMajor !== undefined && pyMajor >= SDK.python.samplingRemovedInMajor && bag.style !== 'object' && site.kind !== 'batches') {
        pyTypeError(ctx, bag, keys, pyMajor, state, legacyBad);
        continue;
      }
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
            [{ title: `Remove ${k}`, kind: 'quickfix', safe: state === 'unknown' || cur?.rejectsSampling === true, edits: [removal] }]);
        } else if (state === 'unknown') {
          ctx.report(e.item,
            ctx.src.py
              ? `If this project uses anthropic ≥ ${SDK.python.samplingRemovedInMajor}.0, passing ${k} raises TypeError before anything is sent (the method no longer takes it); with ${sdkName} (anthropic-version 2026-10-21) the API answers 400 for any sampling parameter. Older SDKs still send it.`
              : `If this project uses ${sdkName} (anthropic-version 2026-10-21), ${k} makes the API answer 400: sampling parameters are no longer accepted. Older SDKs still send it.`,
            [{ title: `Remove ${k}`, kind: 'quickfix', safe: false, edits: [removal] }], 'warning');
        }
      }
    }
  },
});

/**
 * The third state (Python anthropic 1.x and later): `temperature`/`top_p`/`top_k` are gone from the
 * method signatures, so the call raises TypeError locally and nothing is sent. On 1.x (still
 * anthropic-version 2023-06-01) `extra_body` sends them and the legacy per-model rules decide; on
 * 2.x (2026-10-21) the API answers 400 to them anyway, so the fix is to remove them.
 */
function pyTypeError(ctx: Ctx, bag: Bag, keys: readonly string[], major: number, state: string, legacyBad: ReadonlyMap<string, string>): void {
  const entries = keys.map((k) => bag.entries.get(k)!);
  const removeAll = mergeDeletions(entries.map((e) => removeItem(ctx.src, e.container, e.item)));
  const remove: Fix = { title: keys.length > 1 ? 'Remove the sampling parameters' : `Remove ${keys[0]}`, kind: 'quickfix', safe: false, edits: removeAll };
  const move = major < 2 ? moveToExtraBody(ctx, bag, keys) : undefined;
  const movable = !!move && keys.every((k) => !legacyBad.has(k));
  const fixes: Fix[] = [];
  if (movable) fixes.push({ ...move!, safe: true }, remove);
  else fixes.push({ ...remove, safe: true });
  const err = SDK.python.samplingTypeError.replace('temperature', keys[0]!);
  for (const [i, k] of keys.entries()) {
    const why = legacyBad.get(k);
    const after = major >= 2 || state === 'current'
      ? `Sending it through ${SDK.python.samplingWorkaround} does not help here: under anthropic-version 2026-10-21 the API answers 400 to any sampling parameter. Remove it.`
      : why
        ? `Through ${SDK.python.samplingWorkaround} it would reach the API, which answers 400 (${why}). Remove it.`
        : `Move it into ${SDK.python.samplingWorkaround}={…} (still sent with anthropic-version 2023-06-01) or remove it.`;
    ctx.report(entries[i]!.item,
      `anthropic ${major}.x has no ${k} parameter (removed in ${SDK.python.samplingRemovedInMajor}.0, ${SDK.python.samplingRemovedDate}): the call fails locally with ${err}, before any request is sent. ${after}`,
      fixes);
  }
}

/** One fix for every sampling key of the call: into an existing `extra_body` dict literal, or a new `extra_body=` item in place of the first. */
function moveToExtraBody(ctx: Ctx, bag: Bag, keys: readonly string[]): Fix | undefined {
  const q = quoteStyle(ctx.src);
  const entries = keys.map((k) => bag.entries.get(k)!);
  const pairs = entries.map((e) => `${quoteString(e.key, q)}: ${e.valueNode.text}`).join(', ');
  const existing = bag.entries.get(SDK.python.samplingWorkaround);
  const edits: TextEdit[] = [];
  if (existing) {
    const eb = bagOf(ctx.src, existing.valueNode);
    if (!eb || eb.unknownSpread || eb.container.type !== 'dictionary' || keys.some((k) => eb.entries.has(k))) return undefined;
    const list = named(eb.container);
    edits.push(insertItem(ctx.src, eb.container, pairs, list[list.length - 1] ?? null));
    edits.push(...mergeDeletions(entries.map((e) => removeItem(ctx.src, e.container, e.item))));
  } else {
    // The new item goes where the sampling keys are: the call's keyword arguments, or the dict
    // literal a `**params` spread passes on.
    const container = entries[0]!.container;
    if (entries.some((e) => e.container.id !== container.id)) return undefined;
    const style: Bag['style'] = container.type === 'dictionary' ? 'dict' : container.id === bag.container.id ? bag.style : 'kwargs';
    const [first, ...rest] = entries;
    edits.push({ start: first!.item.startIndex, end: first!.item.endIndex, newText: itemCode(ctx, { ...bag, style }, SDK.python.samplingWorkaround, `{${pairs}}`) });
    edits.push(...mergeDeletions(rest.map((e) => removeItem(ctx.src, e.container, e.item))));
  }
  return { title: `Move ${keys.join(', ')} into ${SDK.python.samplingWorkaround}`, kind: 'quickfix', safe: true, edits };
}

/** Deletions of neighbouring items can overlap (a last item takes the comma before it): merge them. */
function mergeDeletions(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.start < last.end) last.end = Math.max(last.end, e.end);
    else out.push({ ...e });
  }
  return out;
}
