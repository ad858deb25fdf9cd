/** Deep redaction of JSON-like values (messages to the webview, log entries). Pure. */
import { redactSecrets } from '../../core/redact';

/** Replace secrets in every string (values and keys) of a JSON-like value; returns a copy. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return redactSecrets(v, secrets);
    if (depth > 64) return null;
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[redactSecrets(k, secrets)] = walk(x, depth + 1);
      return out;
    }
    return v;
  };
  return walk(value, 0) as T;
}
