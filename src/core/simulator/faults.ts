/**
 * The simulator's fault decisions: per-session state ("count faults, then one success, then
 * again", flaky's seeded dice, storm's background load) and the API-level fault answers. Nothing
 * here writes to a socket; `server.ts` sends what `apiFault` decides.
 */
import { DOCS, ERROR_TYPE_BY_STATUS, SPEND_CAP_ERROR_CODE } from '../data/api-facts';
import { mulberry32 } from '../util/random';
import { rfc3339, type Buckets } from './shapes';
import { parseScenarioSpec, type RateLimitKind, type ScenarioSpec } from './spec';

const SESSION_LIMIT = 10_000;

interface SessionState {
  faults: number;
  rng?: () => number;
  /** 'storm': when this session's storm began, and its last request (a long pause starts a new storm). */
  stormStart?: number;
  stormSeen?: number;
}

/**
 * 'storm': other clients' requests in flight `sinceMs` after a storm began — `background` at the
 * start, halving every `halfLifeMs` (rounded down, so it reaches 0).
 */
export function stormBackground(background: number, halfLifeMs: number, sinceMs: number): number {
  return Math.floor(background * 2 ** (-Math.max(0, sinceMs) / halfLifeMs));
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Flaky picks among these faults. */
const FLAKY_FAULTS: readonly string[] = [
  'overloaded',
  'rate-limited',
  'server-error;status=500',
  'server-error;status=503',
  'gateway-html',
  'reset',
];

/** Faults of a proxy or the network, before the API sees the request. */
export const NETWORK_FAULTS = new Set(['timeout', 'reset', 'gateway-html', 'request-too-large']);

export function nextMonthStart(): number {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Session state per (session, canonical spec), the least recently used dropped beyond 10 000. */
export class Sessions {
  private readonly map = new Map<string, SessionState>();

  constructor(private readonly seed: number | undefined) {}

  clear(): void {
    this.map.clear();
  }

  get(session: string, spec: ScenarioSpec): SessionState {
    const key = `${session}\u0000${spec.canonical}`;
    let st = this.map.get(key);
    if (st) {
      // Keep recently used sessions at the end (LRU order).
      this.map.delete(key);
    } else {
      st = { faults: 0 };
      if (this.map.size >= SESSION_LIMIT) {
        const oldest = this.map.keys().next().value;
        if (oldest !== undefined) this.map.delete(oldest);
      }
    }
    this.map.set(key, st);
    return st;
  }

  /** "count faults, then one success, then again": true when this request gets the fault. */
  takeFault(spec: ScenarioSpec, session: string): boolean {
    if (spec.count === Infinity) return true;
    if (spec.count <= 0) return false;
    const st = this.get(session, spec);
    if (st.faults < spec.count) {
      st.faults++;
      return true;
    }
    st.faults = 0;
    return false;
  }

  /** 'flaky' resolves to a concrete always-fault spec, or 'ok'. */
  resolveFlaky(spec: ScenarioSpec, session: string): ScenarioSpec {
    const st = this.get(session, spec);
    if (!st.rng) st.rng = mulberry32((spec.seed ?? this.seed ?? 1) ^ hashString(session));
    const roll = st.rng();
    const pick = st.rng();
    if (roll >= spec.rate) return { ...spec, name: 'ok', count: 0 };
    const chosen = FLAKY_FAULTS[Math.floor(pick * FLAKY_FAULTS.length)]!;
    const parsed = parseScenarioSpec(`${chosen};count=always`);
    if (!parsed.ok) throw new Error(parsed.error);
    return { ...parsed.spec, canonical: spec.canonical };
  }
}

/** An API error answer: the body's error, extra headers, and the rate limit it exhausts (for the headers). */
export interface FaultAnswer {
  status: number;
  error: { type: string; message: string; errorCode?: string };
  headers?: Record<string, string>;
  exhausted?: { kind: RateLimitKind; until: number };
}

/** What `apiFault` reads of the running server. */
export interface FaultContext {
  sessions: Sessions;
  buckets: Buckets;
  /** 'storm': this server's own replies in flight, and its capacity option. */
  stormInFlight: number;
  capacity: number;
}

/** 529 overloaded_error, as the API sends it. */
export function overloaded(extra: Record<string, string> = {}): FaultAnswer {
  return { status: 529, error: { type: 'overloaded_error', message: 'Overloaded' }, headers: { 'x-should-retry': 'true', ...extra } };
}

/** The scenario's API-level fault, if this request gets one (null: go on to the reply). */
export function apiFault(fc: FaultContext, spec: ScenarioSpec, session: string, stream: boolean): FaultAnswer | null {
  const { sessions } = fc;
  const retryAfterHeaders = (): Record<string, string> => {
    const h: Record<string, string> = {};
    if (spec.retryAfterMs !== undefined) {
      h['retry-after-ms'] = String(spec.retryAfterMs);
      h['retry-after'] = String(Math.max(1, Math.ceil(spec.retryAfterMs / 1000)));
    } else if (spec.retryAfterS !== undefined) {
      h['retry-after'] = String(spec.retryAfterS);
    }
    return h;
  };
  switch (spec.name) {
    case 'overloaded':
      if (!sessions.takeFault(spec, session)) return null;
      return overloaded(retryAfterHeaders());
    case 'stream-overloaded':
      if (stream) return null; // handled by the stream writer
      if (!sessions.takeFault(spec, session)) return null;
      return overloaded();
    case 'storm': {
      const capacity = spec.capacity ?? fc.capacity;
      const background = spec.background ?? capacity + 2;
      let others = 0;
      if (background > 0) {
        const halfLife = spec.halfLifeMs ?? 1000;
        const st = sessions.get(session, spec);
        const now = performance.now();
        // A session's storm starts with its first request, again after a pause of 10 half-lives.
        if (st.stormStart === undefined || now - (st.stormSeen ?? now) > 10 * halfLife) st.stormStart = now;
        st.stormSeen = now;
        others = stormBackground(background, halfLife, now - st.stormStart);
      }
      if (fc.stormInFlight + others < capacity) return null;
      return overloaded(retryAfterHeaders());
    }
    case 'rate-limited': {
      if (!sessions.takeFault(spec, session)) return null;
      const h = retryAfterHeaders();
      if (h['retry-after'] === undefined) h['retry-after'] = '1';
      const waitMs = spec.retryAfterMs ?? (spec.retryAfterS ?? 1) * 1000;
      const { buckets } = fc;
      const what =
        spec.limit === 'requests' ? `${buckets.requests.limit.toLocaleString('en-US')} requests per minute`
        : spec.limit === 'output-tokens' ? `${buckets.output.limit.toLocaleString('en-US')} output tokens per minute`
        : `${buckets.input.limit.toLocaleString('en-US')} input tokens per minute`;
      return {
        status: 429,
        error: {
          type: 'rate_limit_error',
          message: `This request would exceed your organization's rate limit of ${what}. For details, refer to: ${DOCS.rateLimits}. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`,
        },
        headers: h,
        exhausted: { kind: spec.limit, until: Date.now() + waitMs },
      };
    }
    case 'spend-cap': {
      if (!sessions.takeFault(spec, session)) return null;
      const exhausted = { kind: 'tokens' as const, until: nextMonthStart() };
      return {
        status: 429,
        error: {
          type: 'rate_limit_error',
          message: `You have reached your monthly spend limit for your current usage tier. Your access resets at ${rfc3339(nextMonthStart())}, or upgrade your tier in the Console.`,
          errorCode: SPEND_CAP_ERROR_CODE,
        },
        exhausted,
      };
    }
    case 'server-error': {
      if (!sessions.takeFault(spec, session)) return null;
      const status = spec.status ?? 500;
      const messages: Record<number, string> = {
        500: 'Internal server error',
        502: 'Bad gateway',
        503: 'Service unavailable',
        504: 'Request timed out',
      };
      return {
        status,
        error: { type: ERROR_TYPE_BY_STATUS[status] ?? 'api_error', message: messages[status] ?? 'Internal server error' },
        headers: retryAfterHeaders(),
      };
    }
    case 'gateway-timeout':
      if (!sessions.takeFault(spec, session)) return null;
      return { status: 504, error: { type: 'timeout_error', message: 'Request timed out' } };
    case 'usage-limit':
      if (!sessions.takeFault(spec, session)) return null;
      return {
        status: 400,
        error: {
          type: 'invalid_request_error',
          message: `You have reached your specified API usage limits. You will regain access on ${rfc3339(nextMonthStart())}.`,
        },
      };
    case 'billing-error':
      if (!sessions.takeFault(spec, session)) return null;
      return {
        status: 402,
        error: {
          type: 'billing_error',
          message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        },
      };
    case 'permission-error':
      if (!sessions.takeFault(spec, session)) return null;
      return {
        status: 403,
        error: { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' },
      };
    default:
      return null;
  }
}
