/**
 * Redaction used by the error log: the shared `redactSecrets` (src/core/redact.ts), plus URL
 * credential stripping and a deep walk over whole entries.
 */
import { redactSecrets } from '../redact';

export { redactSecrets };
/** Drops userinfo and secret-looking query parameters from a URL; redacts the rest. */
export function sanitizeUrl(url: string, secrets: readonly string[]): string {
  let out = url;
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    for (const k of [...u.searchParams.keys()]) {
      if (/key|token|secret|auth|password|sig/i.test(k)) u.searchParams.set(k, '[redacted]');
    }
    out = u.toString();
    // URL() adds a trailing slash to bare origins; keep the user's form when nothing changed.
    if (out === url + '/') out = url;
  } catch {
    // Not a URL: fall through to text redaction.
  }
  return redactSecrets(out, secrets);
}

/** Deep copy of a JSON-like value with every string redacted. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return redactSecrets(value, secrets) as unknown as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as unknown as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, secrets);
    return out as T;
  }
  return value;
}
