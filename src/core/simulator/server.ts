/**
 * The simulator: a real `node:http` server on 127.0.0.1 that speaks enough of the Claude API
 * for the official `@anthropic-ai/sdk` to work against it unchanged, with fault scenarios.
 *
 * Request pipeline (each stage may answer and stop):
 *   route → body → scenario spec → (GET /api/v2/status.json: the scenario's status page)
 *   → network faults (timeout, reset, HTML gateway, CDN 413, slow)
 *   → CORS → key → auth-error → anthropic-version → validation (400/404) → API faults
 *   (529, 429, spend cap, 5xx, 402/403, storm capacity, stream faults) → success.
 * Validation comes before the API faults, so an invalid request never consumes a fault.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { BODY_LIMITS, DOCS, ERROR_TYPE_BY_STATUS, SPEND_CAP_ERROR_CODE, lookupModel, todayUtc } from '../data/api-facts';
import { parseScenarioSpec, type ScenarioSpec, type RateLimitKind } from './spec';
import {
  checkVersion,
  estimateTokens,
  parseJsonBody,
  validateCountTokens,
  validateMessages,
  type ApiFailure,
  type ValidMessagesRequest,
} from './validate';
import {
  contentBlockDelta,
  contentBlockStart,
  errorBody,
  gatewayHtml,
  messageDelta,
  messageJson,
  modelInfo,
  modelPage,
  newBuckets,
  newMessageId,
  newRequestId,
  planReply,
  replyTextFor,
  rateLimitHeaders,
  retiredModelInfo,
  rfc3339,
  sse,
  tooLargeHtml,
  type Buckets,
  type Lifecycle,
} from './shapes';
import { mulberry32 } from '../util/random';
import { SIMULATOR_STATUS_PATH, simulatedStatus } from './status';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Scenario spec for requests without `x-simulate-scenario`; default 'ok'. */
  scenario?: string;
  /** When set, only this key is accepted (Bearer or x-api-key); otherwise any non-empty key. */
  apiKey?: string;
  /** Seed of the 'flaky' scenario (a spec's `seed=` wins). */
  seed?: number;
  /** Simulated generation time of a successful reply; default 5 ms. */
  serviceTimeMs?: number;
  /** 'storm': requests beyond this many in flight (simulated background load included) get 529; default 10. */
  capacity?: number;
  /** Request body limit in bytes (413 above); default 32 MB like the API. */
  maxBodyBytes?: number;
  /** Called once per request when its outcome is decided (for live logs). Never carries a key. */
  onRequest?: (event: SimulatorRequestEvent) => void;
  /**
   * The day (`YYYY-MM-DD`, UTC) model lifecycles are judged on — a model past its retirement day
   * answers 404 — or a function giving it; default: the real date. For tests.
   */
  today?: string | (() => string);
}

/** One request as the simulator saw it. */
export interface SimulatorRequestEvent {
  requestId: string;
  method: string;
  path: string;
  /** HTTP status, or 'reset' / 'timeout' when no answer is sent. */
  outcome: string;
  /** Canonical scenario spec that applied ('' before the spec was read). */
  scenario: string;
  session: string;
  model: string | null;
  stream: boolean;
  /** `x-stainless-retry-count` of the request, when sent. */
  retryCount: number | null;
  /** Time from the request's arrival to the decision. */
  latencyMs: number;
}

export interface SimulatorStats {
  /** Requests received (every attempt). */
  requests: number;
  /** Requests not yet answered or still streaming (hanging `timeout` requests included). */
  inFlight: number;
  /** Outcomes by HTTP status ('200', '529', …), plus 'reset' and 'timeout' for no-answer faults. */
  byStatus: Record<string, number>;
  /** Requests that carried `x-stainless-retry-count` > 0 (SDK retries). */
  retries: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): SimulatorStats;
  /** Forget session state and zero the counters. */
  reset(): void;
}

const SESSION_LIMIT = 10_000;
const DEFAULT_SESSION = '';

type Route =
  | { kind: 'messages' }
  | { kind: 'count_tokens' }
  | { kind: 'models' }
  | { kind: 'model'; id: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: string };

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  origin: boolean;
  start: number;
  method: string;
  path: string;
  session: string;
  model: string | null;
  stream: boolean;
  retryCount: number | null;
  spec?: ScenarioSpec;
  exhausted?: { kind: RateLimitKind; until: number };
}

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

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  if (Array.isArray(v)) return v[0];
  return v;
}

function route(method: string, path: string): Route {
  const table: { re: RegExp; method: string; make: (m: RegExpMatchArray) => Route }[] = [
    { re: /^\/v1\/messages$/, method: 'POST', make: () => ({ kind: 'messages' }) },
    { re: /^\/v1\/messages\/count_tokens$/, method: 'POST', make: () => ({ kind: 'count_tokens' }) },
    { re: /^\/v1\/models$/, method: 'GET', make: () => ({ kind: 'models' }) },
    { re: /^\/v1\/models\/([^/]+)$/, method: 'GET', make: (m) => ({ kind: 'model', id: decodeURIComponent(m[1]!) }) },
  ];
  for (const r of table) {
    const m = path.match(r.re);
    if (!m) continue;
    return method === r.method ? r.make(m) : { kind: 'method_not_allowed', allow: r.method };
  }
  return { kind: 'not_found' };
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

const NETWORK_FAULTS = new Set(['timeout', 'reset', 'gateway-html', 'request-too-large']);

const EXPOSED_HEADERS =
  'request-id, retry-after, retry-after-ms, x-should-retry, ' +
  ['requests', 'tokens', 'input-tokens', 'output-tokens']
    .flatMap((k) => ['limit', 'remaining', 'reset'].map((f) => `anthropic-ratelimit-${k}-${f}`))
    .join(', ');

class Simulator {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<{ t: NodeJS.Timeout; done: (v: boolean) => void }>();
  private readonly sessions = new Map<string, SessionState>();
  private buckets: Buckets = newBuckets(Date.now());
  private closed = false;
  private stormInFlight = 0;
  private counters = { requests: 0, inFlight: 0, retries: 0, maxInFlight: 0 };
  private byStatus: Record<string, number> = {};

  constructor(
    private readonly opts: Required<Pick<SimulatorOptions, 'serviceTimeMs' | 'capacity' | 'maxBodyBytes'>> &
      Pick<SimulatorOptions, 'apiKey' | 'seed' | 'onRequest' | 'today'>,
    private readonly defaultSpec: ScenarioSpec,
  ) {}

  // ------------------------------------------------------------------------------------------
  // lifecycle

  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  shutdown(): void {
    this.closed = true;
    for (const entry of this.timers) {
      clearTimeout(entry.t);
      entry.done(false);
    }
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  stats(): SimulatorStats {
    return { ...this.counters, byStatus: { ...this.byStatus } };
  }

  reset(): void {
    this.sessions.clear();
    this.byStatus = {};
    this.counters = { requests: 0, inFlight: this.counters.inFlight, retries: 0, maxInFlight: this.counters.inFlight };
    this.buckets = newBuckets(Date.now());
  }

  /** The day model lifecycles are judged on (the `today` option, else the real UTC date). */
  private today(): string {
    const t = this.opts.today;
    return typeof t === 'function' ? t() : t ?? todayUtc();
  }

  /** Resolves true after `ms`, or false at once when the server closes. */
  private wait(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        t: setTimeout(() => {
          this.timers.delete(entry);
          resolve(true);
        }, ms),
        done: resolve,
      };
      this.timers.add(entry);
    });
  }

  private record(outcome: string, ctx: Ctx): void {
    this.byStatus[outcome] = (this.byStatus[outcome] ?? 0) + 1;
    const hook = this.opts.onRequest;
    if (!hook) return;
    try {
      hook({
        requestId: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
        outcome,
        scenario: ctx.spec?.canonical ?? '',
        session: ctx.session,
        model: ctx.model,
        stream: ctx.stream,
        retryCount: ctx.retryCount,
        latencyMs: Math.round((performance.now() - ctx.start) * 10) / 10,
      });
    } catch {
      // a failing listener must not break the server
    }
  }

  // ------------------------------------------------------------------------------------------
  // session state

  private session(session: string, spec: ScenarioSpec): SessionState {
    const key = `${session}\u0000${spec.canonical}`;
    let st = this.sessions.get(key);
    if (st) {
      // Keep recently used sessions at the end (LRU order).
      this.sessions.delete(key);
    } else {
      st = { faults: 0 };
      if (this.sessions.size >= SESSION_LIMIT) {
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
    }
    this.sessions.set(key, st);
    return st;
  }

  /** "count faults, then one success, then again": true when this request gets the fault. */
  private takeFault(spec: ScenarioSpec, session: string): boolean {
    if (spec.count === Infinity) return true;
    if (spec.count <= 0) return false;
    const st = this.session(session, spec);
    if (st.faults < spec.count) {
      st.faults++;
      return true;
    }
    st.faults = 0;
    return false;
  }

  /** 'flaky' resolves to a concrete always-fault spec, or 'ok'. */
  private resolveFlaky(spec: ScenarioSpec, session: string): ScenarioSpec {
    const st = this.session(session, spec);
    if (!st.rng) st.rng = mulberry32((spec.seed ?? this.opts.seed ?? 1) ^ hashString(session));
    const roll = st.rng();
    const pick = st.rng();
    if (roll >= spec.rate) return { ...spec, name: 'ok', count: 0 };
    const chosen = FLAKY_FAULTS[Math.floor(pick * FLAKY_FAULTS.length)]!;
    const parsed = parseScenarioSpec(`${chosen};count=always`);
    if (!parsed.ok) throw new Error(parsed.error);
    return { ...parsed.spec, canonical: spec.canonical };
  }

  // ------------------------------------------------------------------------------------------
  // responses

  /** `proxy`: the answer comes from a proxy or CDN in front of the API, which sends no `request-id` and no `anthropic-ratelimit-*`. */
  private headers(ctx: Ctx, extra: Record<string, string> = {}, proxy = false): Record<string, string> {
    const h: Record<string, string> = proxy
      ? { ...extra }
      : {
        'request-id': ctx.requestId,
        ...rateLimitHeaders(this.buckets, Date.now(), ctx.exhausted),
        ...extra,
      };
    if (ctx.spec) h['x-simulator-scenario'] = ctx.spec.canonical;
    if (ctx.origin) {
      h['access-control-allow-origin'] = '*';
      h['access-control-expose-headers'] = EXPOSED_HEADERS;
    }
    return h;
  }

  private send(ctx: Ctx, status: number, body: string, extra: Record<string, string> = {}, contentType = 'application/json', proxy = false): void {
    const { res } = ctx;
    if (res.headersSent || res.destroyed) return;
    this.record(String(status), ctx);
    res.writeHead(status, this.headers(ctx, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...extra }, proxy));
    res.end(body);
  }

  private sendJson(ctx: Ctx, status: number, value: unknown): void {
    this.send(ctx, status, JSON.stringify(value));
  }

  private sendError(ctx: Ctx, status: number, e: ApiFailure | { type: string; message: string; errorCode?: string }, extra: Record<string, string> = {}): void {
    this.send(ctx, status, errorBody(ctx.requestId, e), extra);
  }

  private sendFailure(ctx: Ctx, f: ApiFailure): void {
    this.sendError(ctx, f.status, f);
  }

  // ------------------------------------------------------------------------------------------
  // the pipeline

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    let path = '/';
    let query = new URLSearchParams();
    try {
      const u = new URL(req.url ?? '/', 'http://simulator.invalid');
      path = u.pathname.replace(/\/+$/, '') || '/';
      query = u.searchParams;
    } catch {
      // unparseable target: answered as an unknown path below
    }
    const retryHeader = header(req, 'x-stainless-retry-count');
    const retryCount = retryHeader !== undefined && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
    const session = header(req, 'x-simulate-session') ?? DEFAULT_SESSION;
    const ctx: Ctx = {
      req,
      res,
      requestId: newRequestId(),
      origin: header(req, 'origin') !== undefined,
      start,
      method,
      path,
      session,
      model: null,
      stream: false,
      retryCount,
    };
    this.counters.requests++;
    this.counters.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.counters.inFlight--;
    };
    res.on('close', finish);
    if (retryCount !== null && retryCount > 0) this.counters.retries++;

    if (method === 'OPTIONS') {
      this.record('204', ctx);
      res.writeHead(204, {
        ...this.headers(ctx),
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': header(req, 'access-control-request-headers') ?? '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }

    const body = await readBody(req, this.opts.maxBodyBytes);
    if (body === null || this.closed) return; // client went away
    const peek = peekBody(body.text);
    ctx.model = peek.model;
    ctx.stream = peek.stream;

    const specHeader = header(req, 'x-simulate-scenario');
    let spec = this.defaultSpec;
    if (specHeader !== undefined) {
      const parsed = parseScenarioSpec(specHeader);
      if (!parsed.ok) {
        this.sendError(ctx, 400, { type: 'invalid_request_error', message: parsed.error });
        return;
      }
      spec = parsed.spec;
    }
    ctx.spec = spec;

    // The simulator's status page (core/simulator/status.ts): before the faults, which are the API's.
    if (path === SIMULATOR_STATUS_PATH) {
      if (method !== 'GET') {
        this.sendError(ctx, 405, { type: 'invalid_request_error', message: `Method ${method} not allowed on ${path} (use GET)` }, { allow: 'GET' });
        return;
      }
      const q = specHeader === undefined ? query.get('scenario') : null;
      if (q !== null) {
        const parsed = parseScenarioSpec(q);
        if (!parsed.ok) {
          this.sendError(ctx, 400, { type: 'invalid_request_error', message: parsed.error.replace(/^x-simulate-scenario: /, 'scenario: ') });
          return;
        }
        ctx.spec = parsed.spec;
      }
      this.sendJson(ctx, 200, simulatedStatus(ctx.spec, `http://${header(req, 'host') ?? '127.0.0.1'}`));
      return;
    }

    const r = route(method, path);
    if (r.kind === 'not_found') {
      this.sendError(ctx, 404, { type: 'not_found_error', message: `Not found: ${method} ${path}` });
      return;
    }
    if (r.kind === 'method_not_allowed') {
      this.sendError(ctx, 405, { type: 'invalid_request_error', message: `Method ${method} not allowed on ${path} (use ${r.allow})` }, { allow: r.allow });
      return;
    }
    if (body.tooLarge) {
      this.sendError(ctx, 413, { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' });
      return;
    }

    let effective = spec;
    if (spec.models && !spec.models.includes(ctx.model ?? '')) {
      effective = { ...spec, name: 'ok', count: 0 }; // the fault is for other models
    } else if (spec.name === 'flaky') {
      effective = this.resolveFlaky(spec, session);
    }

    // --- network-level faults (a proxy or the network, before the API sees the request)
    if (effective.name === 'slow') {
      if (!(await this.wait(effective.delayMs))) return;
    } else if (NETWORK_FAULTS.has(effective.name) && this.takeFault(effective, session)) {
      switch (effective.name) {
        case 'timeout':
          this.record('timeout', ctx);
          return; // never answer; close() destroys the socket
        case 'reset':
          this.record('reset', ctx);
          req.socket.resetAndDestroy();
          return;
        case 'gateway-html': {
          const status = effective.status ?? 502;
          this.send(ctx, status, gatewayHtml(status), { server: 'nginx' }, 'text/html', true);
          return;
        }
        case 'request-too-large':
          this.send(ctx, 413, tooLargeHtml(), { server: 'cloudflare' }, 'text/html', true);
          return;
      }
    }

    // --- CORS and credentials
    if (ctx.origin && header(req, 'anthropic-dangerous-direct-browser-access') !== 'true') {
      this.sendError(ctx, 401, {
        type: 'authentication_error',
        message:
          'CORS requests are not allowed for this Organization because of the following reason: requests from a browser must set the `anthropic-dangerous-direct-browser-access: true` header.',
      });
      return;
    }
    const auth = this.checkKey(req);
    if (auth) {
      this.sendError(ctx, 401, { type: 'authentication_error', message: auth });
      return;
    }
    if (effective.name === 'auth-error' && this.takeFault(effective, session)) {
      this.sendError(ctx, 401, { type: 'authentication_error', message: 'invalid x-api-key' });
      return;
    }
    const version = checkVersion(header(req, 'anthropic-version'));
    if ('status' in version) {
      this.sendFailure(ctx, version);
      return;
    }

    // --- validation
    let valid: ValidMessagesRequest | undefined;
    let countText: string | undefined;
    if (r.kind === 'messages' || r.kind === 'count_tokens') {
      const json = parseJsonBody(body.text);
      if ('status' in json) {
        this.sendFailure(ctx, json);
        return;
      }
      if (r.kind === 'messages') {
        const v = validateMessages(json.body, version.version, this.today());
        if ('status' in v) {
          this.sendFailure(ctx, v);
          return;
        }
        valid = v;
      } else {
        const v = validateCountTokens(json.body, this.today());
        if ('status' in v) {
          this.sendFailure(ctx, v);
          return;
        }
        countText = v.inputText;
      }
    }
    let page: Record<string, unknown> | undefined;
    if (r.kind === 'models') {
      const p = parsePageQuery(query);
      if ('status' in p) {
        this.sendFailure(ctx, p);
        return;
      }
      page = modelPage(p);
    }
    let info: unknown;
    if (r.kind === 'model') {
      const found = lookupModel(r.id, this.today());
      if (found.kind === 'unknown') {
        this.sendError(ctx, 404, { type: 'not_found_error', message: `model: ${r.id}` });
        return;
      }
      info = found.kind === 'current' ? modelInfo(found.model) : retiredModelInfo(r.id);
    }
    this.buckets.requests.take(1, Date.now());

    // --- API-level faults
    const stream = valid?.stream === true;
    if (this.apiFault(ctx, effective, session, stream)) return;

    // --- success
    if (r.kind === 'count_tokens') {
      this.sendJson(ctx, 200, { input_tokens: estimateTokens(countText ?? '') });
      return;
    }
    if (page) {
      this.sendJson(ctx, 200, page);
      return;
    }
    if (info !== undefined) {
      this.sendJson(ctx, 200, info);
      return;
    }
    if (!valid) return;
    const serviceTimeMs = effective.serviceTimeMs ?? this.opts.serviceTimeMs;
    const storm = effective.name === 'storm';
    if (storm) this.stormInFlight++;
    try {
      const streamFault =
        stream && (effective.name === 'stream-overloaded' || effective.name === 'stream-cut') && this.takeFault(effective, session)
          ? { kind: effective.name, afterDeltas: effective.deltas }
          : undefined;
      if (stream) await this.streamReply(ctx, valid, serviceTimeMs, streamFault);
      else await this.jsonReply(ctx, valid, serviceTimeMs, effective.name === 'stream-cut' && this.takeFault(effective, session));
    } finally {
      if (storm) this.stormInFlight--;
    }
  }

  private checkKey(req: IncomingMessage): string | null {
    const xKey = header(req, 'x-api-key');
    const authz = header(req, 'authorization');
    let bearer: string | undefined;
    if (authz !== undefined) {
      const m = /^Bearer\s+(.*)$/i.exec(authz);
      if (!m) return 'invalid authorization header: expected "Authorization: Bearer <key>"';
      bearer = m[1]!.trim();
    }
    const presented = [xKey, bearer].filter((k): k is string => k !== undefined && k !== '');
    if (presented.length === 0) {
      return 'authentication required: send the API key as "x-api-key: <key>" or "Authorization: Bearer <key>"';
    }
    const expected = this.opts.apiKey;
    if (expected === undefined || expected === '') return null;
    const want = Buffer.from(expected);
    const ok = presented.some((k) => {
      const got = Buffer.from(k);
      return got.length === want.length && timingSafeEqual(got, want);
    });
    if (ok) return null;
    return xKey !== undefined && xKey !== '' ? 'invalid x-api-key' : 'invalid bearer token';
  }

  /** Answers the scenario's API-level fault, if this request gets one. */
  private apiFault(ctx: Ctx, spec: ScenarioSpec, session: string, stream: boolean): boolean {
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
        if (!this.takeFault(spec, session)) return false;
        this.overloaded(ctx, retryAfterHeaders());
        return true;
      case 'stream-overloaded':
        if (stream) return false; // handled by the stream writer
        if (!this.takeFault(spec, session)) return false;
        this.overloaded(ctx);
        return true;
      case 'storm': {
        const capacity = spec.capacity ?? this.opts.capacity;
        const background = spec.background ?? capacity + 2;
        let others = 0;
        if (background > 0) {
          const halfLife = spec.halfLifeMs ?? 1000;
          const st = this.session(session, spec);
          const now = performance.now();
          // A session's storm starts with its first request, again after a pause of 10 half-lives.
          if (st.stormStart === undefined || now - (st.stormSeen ?? now) > 10 * halfLife) st.stormStart = now;
          st.stormSeen = now;
          others = stormBackground(background, halfLife, now - st.stormStart);
        }
        if (this.stormInFlight + others < capacity) return false;
        this.overloaded(ctx, retryAfterHeaders());
        return true;
      }
      case 'rate-limited': {
        if (!this.takeFault(spec, session)) return false;
        const h = retryAfterHeaders();
        if (h['retry-after'] === undefined) h['retry-after'] = '1';
        const waitMs = spec.retryAfterMs ?? (spec.retryAfterS ?? 1) * 1000;
        ctx.exhausted = { kind: spec.limit, until: Date.now() + waitMs };
        const what =
          spec.limit === 'requests' ? `${this.buckets.requests.limit.toLocaleString('en-US')} requests per minute`
          : spec.limit === 'output-tokens' ? `${this.buckets.output.limit.toLocaleString('en-US')} output tokens per minute`
          : `${this.buckets.input.limit.toLocaleString('en-US')} input tokens per minute`;
        this.sendError(
          ctx,
          429,
          {
            type: 'rate_limit_error',
            message: `This request would exceed your organization's rate limit of ${what}. For details, refer to: ${DOCS.rateLimits}. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.`,
          },
          h,
        );
        return true;
      }
      case 'spend-cap':
        if (!this.takeFault(spec, session)) return false;
        ctx.exhausted = { kind: 'tokens', until: nextMonthStart() };
        this.sendError(ctx, 429, {
          type: 'rate_limit_error',
          message: `You have reached your monthly spend limit for your current usage tier. Your access resets at ${rfc3339(nextMonthStart())}, or upgrade your tier in the Console.`,
          errorCode: SPEND_CAP_ERROR_CODE,
        });
        return true;
      case 'server-error': {
        if (!this.takeFault(spec, session)) return false;
        const status = spec.status ?? 500;
        const messages: Record<number, string> = {
          500: 'Internal server error',
          502: 'Bad gateway',
          503: 'Service unavailable',
          504: 'Request timed out',
        };
        this.sendError(
          ctx,
          status,
          { type: ERROR_TYPE_BY_STATUS[status] ?? 'api_error', message: messages[status] ?? 'Internal server error' },
          retryAfterHeaders(),
        );
        return true;
      }
      case 'gateway-timeout':
        if (!this.takeFault(spec, session)) return false;
        this.sendError(ctx, 504, { type: 'timeout_error', message: 'Request timed out' });
        return true;
      case 'usage-limit':
        if (!this.takeFault(spec, session)) return false;
        this.sendError(ctx, 400, {
          type: 'invalid_request_error',
          message: `You have reached your specified API usage limits. You will regain access on ${rfc3339(nextMonthStart())}.`,
        });
        return true;
      case 'billing-error':
        if (!this.takeFault(spec, session)) return false;
        this.sendError(ctx, 402, {
          type: 'billing_error',
          message: 'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
        });
        return true;
      case 'permission-error':
        if (!this.takeFault(spec, session)) return false;
        this.sendError(ctx, 403, {
          type: 'permission_error',
          message: 'Your API key does not have permission to use the specified resource.',
        });
        return true;
      default:
        return false;
    }
  }

  private overloaded(ctx: Ctx, extra: Record<string, string> = {}): void {
    this.sendError(ctx, 529, { type: 'overloaded_error', message: 'Overloaded' }, { 'x-should-retry': 'true', ...extra });
  }

  private async jsonReply(ctx: Ctx, v: ValidMessagesRequest, serviceTimeMs: number, truncate: boolean): Promise<void> {
    if (!(await this.wait(serviceTimeMs))) return;
    const inputTokens = estimateTokens(v.inputText);
    const plan = planReply(v.maxTokens, v.thinking === 'enabled', replyTextFor(v.inputText));
    this.consumeTokens(inputTokens, plan.outputTokens);
    const body = JSON.stringify(messageJson(newMessageId(), v.modelId, plan, inputTokens));
    if (!truncate) {
      this.send(ctx, 200, body);
      return;
    }
    // stream-cut on a non-streaming request: headers promise the whole body, half arrives.
    const { res } = ctx;
    if (res.headersSent || res.destroyed) return;
    this.record('200', ctx);
    res.writeHead(200, this.headers(ctx, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }));
    res.write(body.slice(0, Math.floor(body.length / 2)), () => ctx.req.socket.destroy());
  }

  private consumeTokens(input: number, output: number): void {
    const now = Date.now();
    this.buckets.input.take(input, now);
    this.buckets.output.take(output, now);
  }

  private async streamReply(
    ctx: Ctx,
    v: ValidMessagesRequest,
    serviceTimeMs: number,
    fault: { kind: string; afterDeltas: number } | undefined,
  ): Promise<void> {
    const { res } = ctx;
    if (res.headersSent || res.destroyed) return;
    const inputTokens = estimateTokens(v.inputText);
    const plan = planReply(v.maxTokens, v.thinking === 'enabled', replyTextFor(v.inputText));
    this.record('200', ctx);
    res.writeHead(
      200,
      this.headers(ctx, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' }),
    );
    const write = (chunk: string): boolean => {
      if (res.destroyed || this.closed) return false;
      res.write(chunk);
      return true;
    };
    const id = newMessageId();
    if (!write(sse('message_start', { type: 'message_start', message: messageJson(id, v.modelId, null, inputTokens) }))) return;

    // Chunk every block into deltas of two pseudo-tokens.
    const deltasPerBlock = plan.blocks.map((b) => {
      const out: string[] = [];
      for (let i = 0; i < b.tokens.length; i += 2) out.push(b.tokens.slice(i, i + 2).join(''));
      return out;
    });
    const totalDeltas = deltasPerBlock.reduce((n, d) => n + d.length, 0);
    const gap = totalDeltas > 0 ? serviceTimeMs / totalDeltas : serviceTimeMs;
    let delivered = 0;
    let pinged = false;
    const faultNow = (): boolean => {
      if (!fault || delivered < fault.afterDeltas) return false;
      if (fault.kind === 'stream-overloaded') {
        write(sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: ctx.requestId }));
      }
      res.end();
      return true;
    };
    if (faultNow()) return;
    for (let bi = 0; bi < plan.blocks.length; bi++) {
      const block = plan.blocks[bi]!;
      if (!write(sse('content_block_start', contentBlockStart(bi, block)))) return;
      if (!pinged) {
        pinged = true;
        if (!write(sse('ping', { type: 'ping' }))) return;
      }
      for (const text of deltasPerBlock[bi]!) {
        if (gap >= 1 && !(await this.wait(gap))) return;
        if (!write(sse('content_block_delta', contentBlockDelta(bi, block.kind, text)))) return;
        delivered++;
        if (faultNow()) return;
      }
      if (block.kind === 'thinking') {
        if (!write(sse('content_block_delta', { type: 'content_block_delta', index: bi, delta: { type: 'signature_delta', signature: block.signature ?? '' } }))) return;
      }
      if (!write(sse('content_block_stop', { type: 'content_block_stop', index: bi }))) return;
    }
    if (!pinged && !write(sse('ping', { type: 'ping' }))) return;
    if (totalDeltas === 0 && serviceTimeMs > 0 && !(await this.wait(serviceTimeMs))) return;
    if (fault) {
      // Fewer deltas than asked for (a short reply): the fault still happens before the end.
      delivered = Math.max(delivered, fault.afterDeltas);
      if (faultNow()) return;
    }
    this.consumeTokens(inputTokens, plan.outputTokens);
    if (!write(sse('message_delta', messageDelta(plan, inputTokens)))) return;
    if (!write(sse('message_stop', { type: 'message_stop' }))) return;
    res.end();
  }
}

/** `model` and `stream` of a JSON body, when present (before validation; for logs and `model=`). */
function peekBody(text: string): { model: string | null; stream: boolean } {
  if (text === '') return { model: null, stream: false };
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null) {
      const o = v as { model?: unknown; stream?: unknown };
      return { model: typeof o.model === 'string' ? o.model : null, stream: o.stream === true };
    }
  } catch {
    // not JSON: validation answers it later
  }
  return { model: null, stream: false };
}

function nextMonthStart(): number {
  const d = new Date();
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

const LIFECYCLES: readonly Lifecycle[] = ['active', 'deprecated', 'retired'];

function parsePageQuery(q: URLSearchParams): ApiFailure | { limit: number; afterId?: string; beforeId?: string; lifecycles: Lifecycle[] } {
  const bad = (message: string): ApiFailure => ({ status: 400, type: 'invalid_request_error', message });
  let limit = 20;
  const rawLimit = q.get('limit');
  if (rawLimit !== null) {
    if (!/^\d+$/.test(rawLimit)) return bad('limit: Input should be a valid integer');
    limit = Number(rawLimit);
    if (limit < 1) return bad('limit: Input should be greater than or equal to 1');
    if (limit > 1000) return bad('limit: Input should be less than or equal to 1000');
  }
  const afterId = q.get('after_id') ?? undefined;
  const beforeId = q.get('before_id') ?? undefined;
  if (afterId !== undefined && beforeId !== undefined) return bad('after_id and before_id cannot both be set');
  const wanted = [...q.getAll('lifecycle'), ...q.getAll('lifecycle[]')].flatMap((s) => s.split(','));
  for (const l of wanted) {
    if (!(LIFECYCLES as readonly string[]).includes(l)) {
      return bad(`lifecycle: Input should be 'active', 'deprecated' or 'retired'`);
    }
  }
  const lifecycles: Lifecycle[] = wanted.length ? [...new Set(wanted as Lifecycle[])] : ['active', 'deprecated'];
  return { limit, afterId, beforeId, lifecycles };
}

function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let settled = false;
    const settle = (v: { text: string; tooLarge: boolean } | null): void => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(c);
      }
    });
    req.on('end', () => settle({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => settle(null));
    req.on('close', () => settle(req.complete ? { text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge } : null));
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const parsed = parseScenarioSpec(opts.scenario ?? 'ok');
  if (!parsed.ok) throw new Error(parsed.error.replace(/^x-simulate-scenario: /, 'scenario: '));
  const host = opts.host ?? '127.0.0.1';
  const sim = new Simulator(
    {
      serviceTimeMs: Math.max(0, opts.serviceTimeMs ?? 5),
      capacity: Math.max(1, opts.capacity ?? 10),
      maxBodyBytes: opts.maxBodyBytes ?? BODY_LIMITS.messages,
      apiKey: opts.apiKey,
      seed: opts.seed,
      onRequest: opts.onRequest,
      today: opts.today,
    },
    parsed.spec,
  );
  const server = createServer((req, res) => {
    sim.handle(req, res).catch(() => {
      // A bug in the simulator must not take the host down: answer 500 if we still can.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'simulator internal error' } }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => sim.track(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats: () => sim.stats(),
    reset: () => sim.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        sim.shutdown();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
