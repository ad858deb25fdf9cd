/**
 * URL credential stripping for the error log. Redaction itself (strings and deep values) is the
 * one in src/core/redact.ts.
 */
import { redactSecrets } from '../redact';

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
