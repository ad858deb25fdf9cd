/**
 * Header helpers shared by the taxonomy, the policy and the client: case-insensitive lookup over
 * `Headers` or plain records, and parsing of the `anthropic-ratelimit-*` family.
 */
import { HEADERS } from '../data/api-facts';
import type { RateLimitInfo, RateLimitWindow, UnifiedRateLimit, UnifiedWindow } from './events';

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

const KIND_KEYS: Record<(typeof HEADERS.rateLimitKinds)[number], 'requests' | 'tokens' | 'inputTokens' | 'outputTokens'> = {
  requests: 'requests',
  tokens: 'tokens',
  'input-tokens': 'inputTokens',
  'output-tokens': 'outputTokens',
};

/** `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`. */
export function parseRateLimitHeaders(headers: HeadersLike): RateLimitInfo | undefined {
  if (!headers) return undefined;
  // A `Headers` is read once into a lower-cased record (one pass instead of a dozen lookups, and
  // parseUnified reuses it): this runs on every attempt.
  const rec = typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function' ? headersToRecord(headers) : undefined;
  const get = rec ? (name: string) => rec[name] : (name: string) => headerValue(headers, name);
  const info: RateLimitInfo = {};
  let any = false;
  for (const kind of HEADERS.rateLimitKinds) {
    const base = `${HEADERS.rateLimitPrefix}${kind}-`;
    const limit = num(get(`${base}limit`));
    const remaining = num(get(`${base}remaining`));
    const resetRaw = get(`${base}reset`);
    const reset = resetRaw && !Number.isNaN(Date.parse(resetRaw)) ? resetRaw.trim() : undefined;
    if (limit === undefined && remaining === undefined && reset === undefined) continue;
    const w: RateLimitWindow = {};
    if (limit !== undefined) w.limit = limit;
    if (remaining !== undefined) w.remaining = remaining;
    if (reset !== undefined) w.reset = reset;
    info[KIND_KEYS[kind]] = w;
    any = true;
  }
  const unified = parseUnified(rec ?? headers);
  if (unified) {
    info.unified = unified;
    any = true;
  }
  return any ? info : undefined;
}

/** Epoch seconds → RFC 3339; anything else → undefined. */
function epochReset(v: string | undefined): string | undefined {
  const n = num(v);
  if (n === undefined || n < 0 || n > 1e11) return undefined;
  return new Date(n * 1000).toISOString();
}

/** A short token (status words, window names): letters, digits, `_`, `-` only, at most 32. */
function token(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t && /^[A-Za-z0-9_-]{1,32}$/.test(t) ? t : undefined;
}

const MAX_UNIFIED_WINDOWS = 8;

/**
 * `anthropic-ratelimit-unified-status`, `-reset` (epoch seconds) and per window
 * `anthropic-ratelimit-unified-{window}-{utilization,reset,status}`. At most 8 windows; values
 * that are not short tokens or numbers are dropped (they reach terminals and panels).
 */
export function parseUnified(headers: HeadersLike): UnifiedRateLimit | undefined {
  const prefix = HEADERS.rateLimitUnifiedPrefix;
  const rec = headersToRecord(headers);
  const status = token(rec[`${prefix}status`]);
  const reset = epochReset(rec[`${prefix}reset`]);
  const byWindow = new Map<string, UnifiedWindow>();
  for (const [k, v] of Object.entries(rec)) {
    if (!k.startsWith(prefix)) continue;
    const m = /^([0-9a-z]{1,8})-(utilization|reset|status)$/.exec(k.slice(prefix.length));
    if (!m) continue;
    const name = m[1]!;
    if (!byWindow.has(name) && byWindow.size >= MAX_UNIFIED_WINDOWS) continue;
    const w = byWindow.get(name) ?? { window: name };
    if (m[2] === 'utilization') {
      const u = num(v);
      if (u !== undefined) w.utilization = u;
    } else if (m[2] === 'reset') {
      const r = epochReset(v);
      if (r) w.reset = r;
    } else {
      const st = token(v);
      if (st) w.status = st;
    }
    byWindow.set(name, w);
  }
  const windows = [...byWindow.values()].filter((w) => w.utilization !== undefined || w.reset !== undefined || w.status !== undefined);
  if (status === undefined && reset === undefined && windows.length === 0) return undefined;
  const out: UnifiedRateLimit = { windows };
  if (status !== undefined) out.status = status;
  if (reset !== undefined) out.reset = reset;
  return out;
}
