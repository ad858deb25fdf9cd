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

/**
 * Partial echoes: any run of at least PARTIAL_ECHO_MIN characters that is a substring of a known
 * secret is redacted too, so an echo without the `sk-ant-` prefix, a half of the key, or a key
 * split across two fields never shows. Eight: shorter runs of a random key occur in ordinary text
 * by chance (and a key cut into pieces this small is no longer a usable key); eight characters of
 * a key's random part do not. Only secrets of at least PARTIAL_SECRET_MIN characters take part
 * (a short secret is matched whole), a credential-kind prefix such as `sk-ant-api03-` is not
 * part of what is matched (it is public, and describeKey reports it), and a piece made only of
 * lowercase letters, `-` and `_` is left alone (it looks like words; see WORDLIKE).
 */
export const PARTIAL_ECHO_MIN = 8;
export const PARTIAL_SECRET_MIN = 16;
const PUBLIC_PREFIX = /^sk-ant-[a-z]+\d*-/;

// ---------------------------------------------------------------------------------------------
// The seen-secrets registry: every key this process has been given (the CLI's key, each key a
// VS Code window read from Secret Storage or the environment, the headers and URL credentials a
// connection test sent). Memory only, never written anywhere; every redactor includes them, so a
// key cleared or replaced since is still redacted.
// ---------------------------------------------------------------------------------------------

const REGISTRY_MAX = 64;
const registry = new Set<string>();
let registryVersion = 0;

/** Remember a secret for the life of the process (trimmed form too). Ignores short or non-strings. */
export function rememberSecret(secret: unknown): void {
  if (typeof secret !== 'string') return;
  for (const s of new Set([secret, secret.trim()])) {
    if (s.length < MIN_SECRET_LENGTH || registry.has(s)) continue;
    registry.add(s);
    registryVersion++;
    if (registry.size > REGISTRY_MAX) registry.delete(registry.values().next().value as string);
  }
}

/** The secrets remembered so far (for tests and diagnostics; never print them). */
export function seenSecrets(): readonly string[] {
  return [...registry];
}

/** Forget every remembered secret (tests only). */
export function forgetSecretsForTests(): void {
  registry.clear();
  registryVersion++;
}

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

interface Compiled {
  exact: RegExp | null;
  /** Every PARTIAL_ECHO_MIN-long substring of every partial-matched secret. */
  grams: Set<string>;
  /** Runs of PARTIAL_ECHO_MIN or more characters that all occur in those secrets: the only places a partial echo can be. */
  runs: RegExp | null;
}

function compile(secrets: readonly string[], exactOnly: readonly string[]): Compiled {
  const all = new Set<string>();
  const grams = new Set<string>();
  const chars = new Set<number>();
  const partial = (s: string) => {
    const body = s.trim().replace(PUBLIC_PREFIX, '');
    if (s.trim().length < PARTIAL_SECRET_MIN || body.length < PARTIAL_ECHO_MIN) return;
    for (let i = 0; i + PARTIAL_ECHO_MIN <= body.length; i++) grams.add(body.slice(i, i + PARTIAL_ECHO_MIN));
    for (let i = 0; i < body.length; i++) chars.add(body.charCodeAt(i));
  };
  for (const s of [...secrets, ...registry]) {
    if (typeof s !== 'string') continue;
    for (const v of variants(s)) all.add(v);
    partial(s);
  }
  for (const s of exactOnly) if (typeof s === 'string') for (const v of variants(s)) all.add(v);
  // Longest first, so a secret that contains another one is replaced whole.
  const sorted = [...all].sort((a, b) => b.length - a.length);
  const exact = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
  const cls = [...chars].map((c) => `\\u${c.toString(16).padStart(4, '0')}`).join('');
  const runs = grams.size > 0 ? new RegExp(`[${cls}]{${PARTIAL_ECHO_MIN},}`, 'g') : null;
  return { exact, grams, runs };
}

/**
 * A stretch made only of lowercase letters, `-` and `_` looks like words: left alone, so that a
 * word-like secret or placeholder (`simulator-placeholder-key`, a `my-company-gateway` header)
 * does not shred "simulator" or "gateway" wherever they occur. Such a secret is still replaced
 * whole; a real key's random part (upper and lower case, digits) is always caught.
 */
const WORDLIKE = /^[a-z_-]*$/;

/** Within one run of secret characters: replace every maximal stretch covered by secret substrings. */
function redactRun(run: string, grams: Set<string>): string {
  const n = PARTIAL_ECHO_MIN;
  const stretches: [number, number][] = [];
  for (let i = 0; i + n <= run.length; i++) {
    if (!grams.has(run.slice(i, i + n))) continue;
    const last = stretches[stretches.length - 1];
    if (last && i <= last[1]) last[1] = i + n;
    else stretches.push([i, i + n]);
  }
  let out = '';
  let pos = 0;
  for (const [a, b] of stretches) {
    if (WORDLIKE.test(run.slice(a, b))) continue;
    out += run.slice(pos, a) + REDACTED;
    pos = b;
  }
  return pos === 0 ? run : out + run.slice(pos);
}

/** Partial echoes: the native regex finds the candidate runs, the gram set decides inside them. */
function redactPartial(text: string, c: Compiled): string {
  if (!c.runs || text.length < PARTIAL_ECHO_MIN) return text;
  return text.replace(c.runs, (run) => redactRun(run, c.grams));
}

/** The per-redactor memo: strings up to this length, at most this many (then it starts over). */
const MEMO_MAX_LENGTH = 128;
const MEMO_MAX_ENTRIES = 512;

/**
 * Compile a redactor for a fixed list of secrets plus the seen-secrets registry (cheaper than
 * `redactSecrets` when the same secrets are applied to many strings, as the retrying client does
 * for every event). It recompiles by itself when the registry grows. `exactOnly` values are
 * replaced only whole (placeholders that are not secrets, whose parts are ordinary words).
 */
export function createRedactor(secrets: readonly string[], exactOnly: readonly string[] = []): (text: string) => string {
  const list = Array.isArray(secrets) ? [...secrets] : [];
  let version = -1;
  let compiled: Compiled = { exact: null, grams: new Set(), runs: null };
  // Short strings recur (event keys, run ids, model names, categories): their answers are kept
  // until the next recompile, which clears them with the rest of the compiled state.
  const memo = new Map<string, string>();
  return (text: string): string => {
    if (typeof text !== 'string') return '';
    if (text.length === 0) return text;
    if (version !== registryVersion) {
      compiled = compile(list, exactOnly);
      version = registryVersion;
      memo.clear();
    }
    const short = text.length <= MEMO_MAX_LENGTH;
    if (short) {
      const hit = memo.get(text);
      if (hit !== undefined) return hit;
    }
    let out = compiled.exact ? text.replace(compiled.exact, REDACTED) : text;
    out = redactPartial(out, compiled);
    out = out.replace(KEY_SHAPE, REDACTED);
    if (short) {
      if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
      memo.set(text, out);
    }
    return out;
  };
}

const recent = new Map<string, (text: string) => string>();

/**
 * Replace every exact occurrence of each secret (and its trimmed, URL-encoded and JSON-escaped
 * forms), every partial echo of one (see PARTIAL_ECHO_MIN), the same for every remembered secret,
 * then anything shaped like an Anthropic key, with `sk-ant-…[redacted]`. Idempotent; never throws.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  if (typeof text !== 'string') return '';
  if (text.length === 0) return text;
  const list = Array.isArray(secrets) ? secrets : [];
  const key = list.join('\u0000');
  let r = recent.get(key);
  if (!r) {
    r = createRedactor(list);
    recent.set(key, r);
    if (recent.size > 8) recent.delete(recent.keys().next().value as string);
  }
  return r(text);
}

/** Nesting deeper than this is cut (a hostile or buggy value cannot blow the stack). */
export const REDACT_MAX_DEPTH = 64;
export const TOO_DEEP = '[nested too deep]';
export const CIRCULAR = '[circular]';

/**
 * The one deep redaction (client events, log entries, panel messages, exports, CLI): a copy of a
 * JSON-like value with every string redacted, object keys included. Nesting beyond
 * REDACT_MAX_DEPTH becomes TOO_DEEP and a reference back to an enclosing object or array becomes
 * CIRCULAR, so it terminates on any input. Other values (numbers, booleans, null) pass as they are.
 */
export function redactDeep<T>(value: T, secrets: readonly string[] | ((text: string) => string)): T {
  const redact = typeof secrets === 'function' ? secrets : createRedactor(secrets);
  return walkRedact(value, 0, redact, new Set<object>()) as T;
}

/** redactDeep's walk (a module-level function: no closure per call, it runs for every client event). */
function walkRedact(v: unknown, depth: number, redact: (text: string) => string, open: Set<object>): unknown {
  if (typeof v === 'string') return redact(v);
  if (!v || typeof v !== 'object') return v;
  if (depth >= REDACT_MAX_DEPTH) return TOO_DEEP;
  if (open.has(v)) return CIRCULAR;
  open.add(v);
  try {
    if (Array.isArray(v)) return v.map((x) => walkRedact(x, depth + 1, redact, open));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[redact(k)] = walkRedact(x, depth + 1, redact, open);
    return out;
  } finally {
    open.delete(v);
  }
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
 * of the key (capped at 7 characters, below PARTIAL_ECHO_MIN), so a short or odd secret is not given away.
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
    // Shorter than a partial echo (PARTIAL_ECHO_MIN), so the redactor leaves it readable.
    prefix = start.slice(0, Math.min(PARTIAL_ECHO_MIN - 1, Math.floor(trimmed.length / 4)));
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
