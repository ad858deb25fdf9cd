/**
 * Secret hygiene: every string that leaves the retrying client (events, verdicts, logs, panels,
 * exports) goes through `redactSecrets`. `describeKey` reports the shape of a key (length, prefix,
 * whitespace) without ever returning the key itself.
 */
import { KEY_PREFIXES } from './data/api-facts';

/** What every redacted secret is replaced with. */
export const REDACTED = 'sk-ant-…[redacted]';

/**
 * Anything shaped like an Anthropic credential: `sk-ant-` followed by at least 6 key characters.
 * Six, so that a reported prefix such as `sk-ant-api` (describeKey) stays readable while any real
 * key (about 100 characters) or test key (`sk-ant-test-123`) is caught.
 */
const KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]{6,}/g;

/** Secrets shorter than this are not replaced verbatim (it would shred ordinary text). */
const MIN_SECRET_LENGTH = 6;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms a secret can take once it went through a header, a URL or a JSON string. */
function variants(secret: string): string[] {
  const out = new Set<string>();
  const add = (v: string | undefined) => {
    if (v && v.length >= MIN_SECRET_LENGTH) out.add(v);
  };
  add(secret);
  add(secret.trim());
  try {
    add(encodeURIComponent(secret));
    add(encodeURIComponent(secret.trim()));
  } catch {
    /* lone surrogates: ignore that form */
  }
  add(JSON.stringify(secret).slice(1, -1));
  return [...out];
}

/**
 * Compile a redactor for a fixed list of secrets (cheaper than `redactSecrets` when the same
 * secrets are applied to many strings, as the retrying client does for every event).
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const all = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string') continue;
    for (const v of variants(s)) all.add(v);
  }
  // Longest first, so a secret that contains another one is replaced whole.
  const sorted = [...all].sort((a, b) => b.length - a.length);
  const exact = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
  return (text: string): string => {
    if (typeof text !== 'string') return '';
    if (text.length === 0) return text;
    const out = exact ? text.replace(exact, REDACTED) : text;
    return out.replace(KEY_SHAPE, REDACTED);
  };
}

/**
 * Replace every exact occurrence of each secret (and its trimmed, URL-encoded and JSON-escaped
 * forms), then anything shaped like an Anthropic key, with `sk-ant-…[redacted]`.
 * Idempotent; never throws.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  if (typeof text !== 'string') return '';
  if (text.length === 0) return text;
  return createRedactor(secrets)(text);
}

export interface KeyDescription {
  present: boolean;
  length: number;
  /** At most the first 10 characters, e.g. "sk-ant-api"; shorter for keys of unknown shape. */
  prefix: string;
  hasWhitespace: boolean;
  hasNewline: boolean;
  kind: 'api' | 'admin' | 'oauth' | 'unknown';
}

/**
 * The shape of a key, safe to show: never the key. The prefix is the credential-kind prefix for
 * Anthropic keys (`sk-ant-api`, `sk-ant-adm`, `sk-ant-oat`), and for anything else at most a quarter
 * of the key (capped at 10 characters), so a short or odd secret is not given away.
 */
export function describeKey(key: string | undefined): KeyDescription {
  if (typeof key !== 'string') {
    return { present: false, length: 0, prefix: '', hasWhitespace: false, hasNewline: false, kind: 'unknown' };
  }
  const trimmed = key.trim();
  const kind: KeyDescription['kind'] = trimmed.startsWith(KEY_PREFIXES.admin)
    ? 'admin'
    : trimmed.startsWith(KEY_PREFIXES.oauth)
      ? 'oauth'
      : trimmed.startsWith(KEY_PREFIXES.api)
        ? 'api'
        : 'unknown';
  const start = key.trimStart();
  let prefix: string;
  if (kind !== 'unknown') {
    prefix = start.slice(0, 10);
  } else if (start.startsWith('sk-ant-')) {
    prefix = 'sk-ant-';
  } else {
    prefix = start.slice(0, Math.min(10, Math.floor(trimmed.length / 4)));
  }
  return {
    present: trimmed.length > 0,
    length: key.length,
    prefix,
    hasWhitespace: /\s/.test(key),
    hasNewline: /[\r\n]/.test(key),
    kind,
  };
}
