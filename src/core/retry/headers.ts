/**
 * Header helpers shared by the taxonomy, the policy and the client: case-insensitive lookup over
 * `Headers` or plain records, and parsing of the `anthropic-ratelimit-*` family.
 */
import { HEADERS } from '../data/api-facts';
import type { RateLimitInfo, RateLimitWindow } from './events';

export type HeadersLike = Headers | Record<string, string | string[] | undefined> | null | undefined;

/** Case-insensitive header value; repeated headers are joined with ", " like `Headers` does. */
export function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  try {
    if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
      const v = (headers as Headers).get(lower);
      return v === null ? undefined : v;
    }
  } catch {
    return undefined;
  }
  const rec = headers as Record<string, string | string[] | undefined>;
  for (const key of Object.keys(rec)) {
    if (key.toLowerCase() !== lower) continue;
    const v = rec[key];
    if (v === undefined) continue;
    return Array.isArray(v) ? v.join(', ') : String(v);
  }
  return undefined;
}

/** A plain lower-cased record of any headers-like value (for events and logs). */
export function headersToRecord(headers: HeadersLike): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') {
    (headers as Headers).forEach((v, k) => {
      out[k.toLowerCase()] = v;
    });
    return out;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!/^-?\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

const KIND_KEYS: Record<(typeof HEADERS.rateLimitKinds)[number], keyof RateLimitInfo> = {
  requests: 'requests',
  tokens: 'tokens',
  'input-tokens': 'inputTokens',
  'output-tokens': 'outputTokens',
};

/** `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`. */
export function parseRateLimitHeaders(headers: HeadersLike): RateLimitInfo | undefined {
  if (!headers) return undefined;
  const info: RateLimitInfo = {};
  let any = false;
  for (const kind of HEADERS.rateLimitKinds) {
    const base = `${HEADERS.rateLimitPrefix}${kind}-`;
    const limit = num(headerValue(headers, `${base}limit`));
    const remaining = num(headerValue(headers, `${base}remaining`));
    const resetRaw = headerValue(headers, `${base}reset`);
    const reset = resetRaw && !Number.isNaN(Date.parse(resetRaw)) ? resetRaw.trim() : undefined;
    if (limit === undefined && remaining === undefined && reset === undefined) continue;
    const w: RateLimitWindow = {};
    if (limit !== undefined) w.limit = limit;
    if (remaining !== undefined) w.remaining = remaining;
    if (reset !== undefined) w.reset = reset;
    info[KIND_KEYS[kind]] = w;
    any = true;
  }
  return any ? info : undefined;
}
