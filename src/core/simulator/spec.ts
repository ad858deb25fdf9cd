/**
 * Scenario specs of the simulator: `name;key=value;…`, sent per request in the
 * `x-simulate-scenario` header (or set as the server default).
 *
 * Faults that end ("N failures then 200") count per session: after `count` faults the next
 * request succeeds and the cycle starts again, so every logical call (the SDK repeats the session
 * header on its retries) sees the same story.
 */
import { SDK } from '../data/api-facts';

export type ScenarioName =
  | 'ok'
  | 'overloaded'
  | 'rate-limited'
  | 'spend-cap'
  | 'server-error'
  | 'gateway-html'
  | 'timeout'
  | 'reset'
  | 'stream-overloaded'
  | 'flaky'
  | 'storm'
  | 'auth-error'
  | 'slow'
  | 'gateway-timeout'
  | 'usage-limit'
  | 'billing-error'
  | 'permission-error'
  | 'request-too-large'
  | 'stream-cut';

/** `stream`: the fault lives inside a stream, so a test of it always sends a streaming request. */
export const SCENARIOS: readonly { name: ScenarioName; description: string; stream?: true }[] = [
  { name: 'ok', description: 'Every request succeeds (200, or a normal SSE stream).' },
  { name: 'overloaded', description: '529 overloaded_error (x-should-retry: true) count times (default 2), then 200.' },
  {
    name: 'rate-limited',
    description: `429 with retry-after (retryAfter=S or retryAfterMs=N) count times, then 200. retryAfter=${SDK.python.retryAfterMaxS + 1}: @anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} waits it, Python anthropic only 0–${SDK.python.retryAfterMaxS} s.`,
  },
  { name: 'spend-cap', description: '429 with details.error_code enforced_spend_limit_reached and no retry-after, on every request: retrying cannot help.' },
  { name: 'server-error', description: '500 api_error (or status=503 …) count times (default 1), then 200.' },
  { name: 'gateway-html', description: '502 with an HTML page from a proxy (status=503|504 too) count times (default 1), then 200.' },
  { name: 'timeout', description: 'Accepts the request and never answers (count=N to answer after N hangs); tests client timeouts.' },
  { name: 'reset', description: 'Connection reset before any answer count times (default 1), then 200.' },
  { name: 'stream-overloaded', description: 'Streams start with 200, send deltas=2 text deltas, then event: error overloaded_error; non-stream requests get 529.', stream: true },
  { name: 'flaky', description: 'Seeded random mix (seed=N, rate=0.5): overloaded, rate limit, 500, 503, HTML 502, reset, or success.' },
  { name: 'storm', description: 'capacity=10 shared with other clients (background=capacity+2 in flight, halving every halfLifeMs=1000): one run meets 529s. background=0: real load only.' },
  { name: 'auth-error', description: '401 authentication_error (invalid x-api-key) on every request, whatever the key.' },
  { name: 'slow', description: 'Answers after delayMs=2000 (headers late), then normally; for per-attempt timeout tests.' },
  { name: 'gateway-timeout', description: '504 timeout_error count times (default 1), then 200.' },
  { name: 'usage-limit', description: '400 "You have reached your specified API usage limits" on every request (not retryable).' },
  { name: 'billing-error', description: '402 billing_error on every request.' },
  { name: 'permission-error', description: '403 permission_error on every request (the key has no access to this model).' },
  { name: 'request-too-large', description: '413 request_too_large from the CDN (text/html, not JSON) on every request.' },
  { name: 'stream-cut', description: 'Streams send deltas=2 text deltas, then the connection ends without message_stop.', stream: true },
];

const NAMES = new Set<string>(SCENARIOS.map((s) => s.name));

/** Default number of faults before a success; Infinity = every request. */
const DEFAULT_COUNT: Record<ScenarioName, number> = {
  ok: 0,
  overloaded: 2,
  'rate-limited': 1,
  'spend-cap': Infinity,
  'server-error': 1,
  'gateway-html': 1,
  timeout: Infinity,
  reset: 1,
  'stream-overloaded': Infinity,
  flaky: Infinity,
  storm: Infinity,
  'auth-error': Infinity,
  slow: Infinity,
  'gateway-timeout': 1,
  'usage-limit': Infinity,
  'billing-error': Infinity,
  'permission-error': Infinity,
  'request-too-large': Infinity,
  'stream-cut': Infinity,
};

type KeyKind = 'count' | 'uint' | 'status' | 'rate' | 'limit' | 'int' | 'models';

/**
 * Keys every scenario accepts: `serviceTimeMs` of a success, and `model=a,b` to limit the fault
 * to requests for those models (others succeed), e.g. to exercise a fallback model.
 */
const COMMON_KEYS: Record<string, KeyKind> = { serviceTimeMs: 'uint', model: 'models' };

const KEYS: Record<ScenarioName, Record<string, KeyKind>> = {
  ok: {},
  overloaded: { count: 'count', retryAfter: 'uint', retryAfterMs: 'uint' },
  'rate-limited': { count: 'count', retryAfter: 'uint', retryAfterMs: 'uint', limit: 'limit' },
  'spend-cap': { count: 'count' },
  'server-error': { count: 'count', status: 'status', retryAfter: 'uint', retryAfterMs: 'uint' },
  'gateway-html': { count: 'count', status: 'status' },
  timeout: { count: 'count' },
  reset: { count: 'count' },
  'stream-overloaded': { count: 'count', deltas: 'uint' },
  flaky: { seed: 'int', rate: 'rate' },
  storm: { capacity: 'uint', background: 'uint', halfLifeMs: 'uint', retryAfter: 'uint', retryAfterMs: 'uint' },
  'auth-error': { count: 'count' },
  slow: { delayMs: 'uint' },
  'gateway-timeout': { count: 'count' },
  'usage-limit': { count: 'count' },
  'billing-error': { count: 'count' },
  'permission-error': { count: 'count' },
  'request-too-large': { count: 'count' },
  'stream-cut': { count: 'count', deltas: 'uint' },
};

export type RateLimitKind = 'requests' | 'tokens' | 'input-tokens' | 'output-tokens';
const LIMIT_KINDS: readonly RateLimitKind[] = ['requests', 'tokens', 'input-tokens', 'output-tokens'];

export interface ScenarioSpec {
  name: ScenarioName;
  /** Canonical text (`name;k=v` with keys sorted): the session-state key. */
  canonical: string;
  /** Faults before a success; Infinity = always. */
  count: number;
  retryAfterS?: number;
  retryAfterMs?: number;
  status?: number;
  deltas: number;
  seed?: number;
  rate: number;
  capacity?: number;
  /** 'storm': other clients' requests in flight when a session's storm starts (default capacity + 2). */
  background?: number;
  /** 'storm': the background load halves every this many ms (default 1000). */
  halfLifeMs?: number;
  serviceTimeMs?: number;
  /** Only requests for these models get the fault; undefined = every request. */
  models?: readonly string[];
  delayMs: number;
  limit: RateLimitKind;
}

export type ParseResult = { ok: true; spec: ScenarioSpec } | { ok: false; error: string };

const STATUS_ALLOWED: Partial<Record<ScenarioName, (n: number) => boolean>> = {
  'server-error': (n) => n >= 500 && n <= 599,
  'gateway-html': (n) => n === 502 || n === 503 || n === 504,
};

/** Parse `name;key=value;…`. Whitespace around parts is ignored; keys are case-sensitive. */
export function parseScenarioSpec(text: string): ParseResult {
  const fail = (msg: string): ParseResult => ({ ok: false, error: `x-simulate-scenario: ${msg}` });
  const parts = text.split(';').map((p) => p.trim());
  const name = parts[0] ?? '';
  if (!name) return fail('empty scenario (expected "name;key=value;…")');
  if (!NAMES.has(name)) {
    return fail(`unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  }
  const scenario = name as ScenarioName;
  const allowed: Record<string, KeyKind> = { ...COMMON_KEYS, ...KEYS[scenario] };
  const values: Record<string, number | string> = {};
  const seen: string[] = [];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return fail(`malformed part "${part}" (expected key=value)`);
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    const kind = allowed[key];
    if (!kind) {
      const keys = Object.keys(allowed);
      return fail(`unknown key "${key}" for scenario "${scenario}" (allowed: ${keys.join(', ')})`);
    }
    if (key in values) return fail(`duplicate key "${key}"`);
    const value = parseValue(kind, raw);
    if (value === undefined) return fail(`invalid value for "${key}": "${raw}" (expected ${describeKind(kind)})`);
    if (kind === 'status' && !(STATUS_ALLOWED[scenario]?.(value as number) ?? false)) {
      return fail(`status ${raw} is not valid for scenario "${scenario}"`);
    }
    values[key] = value;
    seen.push(`${key}=${raw}`);
  }
  seen.sort();
  const num = (k: string): number | undefined => (typeof values[k] === 'number' ? (values[k] as number) : undefined);
  const spec: ScenarioSpec = {
    name: scenario,
    canonical: [scenario, ...seen].join(';'),
    count: num('count') ?? DEFAULT_COUNT[scenario],
    retryAfterS: num('retryAfter'),
    retryAfterMs: num('retryAfterMs'),
    status: num('status'),
    deltas: num('deltas') ?? 2,
    seed: num('seed'),
    rate: num('rate') ?? 0.5,
    capacity: num('capacity'),
    background: num('background'),
    halfLifeMs: num('halfLifeMs'),
    serviceTimeMs: num('serviceTimeMs'),
    models: typeof values['model'] === 'string' ? (values['model'] as string).split(',') : undefined,
    delayMs: num('delayMs') ?? 2000,
    limit: (values['limit'] as RateLimitKind | undefined) ?? 'requests',
  };
  if (spec.capacity === 0) return fail('capacity must be at least 1');
  if (spec.halfLifeMs === 0) return fail('halfLifeMs must be at least 1');
  return { ok: true, spec };
}

function parseValue(kind: KeyKind, raw: string): number | string | undefined {
  switch (kind) {
    case 'count':
      if (raw === 'always' || raw === 'inf' || raw === 'infinite') return Infinity;
      return uint(raw);
    case 'uint':
      return uint(raw);
    case 'int':
      return /^-?\d{1,15}$/.test(raw) ? Number(raw) : undefined;
    case 'status': {
      const n = uint(raw);
      return n !== undefined && n >= 100 && n <= 599 ? n : undefined;
    }
    case 'rate': {
      if (!/^(?:0|1|0?\.\d+|1\.0*)$/.test(raw)) return undefined;
      const n = Number(raw);
      return n >= 0 && n <= 1 ? n : undefined;
    }
    case 'models':
      return /^[A-Za-z0-9._-]+(?:,[A-Za-z0-9._-]+)*$/.test(raw) ? raw : undefined;
    case 'limit':
      return (LIMIT_KINDS as readonly string[]).includes(raw) ? raw : undefined;
  }
}

function uint(raw: string): number | undefined {
  return /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

function describeKind(kind: KeyKind): string {
  switch (kind) {
    case 'count': return 'a non-negative integer or "always"';
    case 'uint': return 'a non-negative integer';
    case 'int': return 'an integer';
    case 'status': return 'an HTTP status';
    case 'rate': return 'a number from 0 to 1';
    case 'limit': return LIMIT_KINDS.join(' | ');
    case 'models': return 'model ids separated by commas';
  }
}

export function isScenarioName(name: string): name is ScenarioName {
  return NAMES.has(name);
}
