/**
 * The simulator's reading of a request: its route, headers, body, key, and — for the routes that
 * take input — validation into what the reply needs. Pure but for `readBody` (which reads the stream).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { lookupModel } from '../data/api-facts';
import type { RateLimitKind, ScenarioSpec } from './spec';
import { modelInfo, modelPage, newRequestId, rateLimitHeaders, retiredModelInfo, type Buckets, type Lifecycle } from './shapes';
import { parseJsonBody, validateCountTokens, validateMessages, type ApiFailure, type ValidMessagesRequest } from './validate';

export type Route =
  | { kind: 'messages' }
  | { kind: 'count_tokens' }
  | { kind: 'models' }
  | { kind: 'model'; id: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: string };

/** One request in flight: what the pipeline has learnt of it so far. */
export interface Ctx {
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

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  if (Array.isArray(v)) return v[0];
  return v;
}

export function route(method: string, path: string): Route {
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

const DEFAULT_SESSION = '';

/** The request's context, and its query, from the request line and headers. */
export function readCtx(req: IncomingMessage, res: ServerResponse, start: number): { ctx: Ctx; query: URLSearchParams } {
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
  return { ctx, query };
}

const EXPOSED_HEADERS =
  'request-id, retry-after, retry-after-ms, x-should-retry, ' +
  ['requests', 'tokens', 'input-tokens', 'output-tokens']
    .flatMap((k) => ['limit', 'remaining', 'reset'].map((f) => `anthropic-ratelimit-${k}-${f}`))
    .join(', ');

/**
 * The headers of an answer: the API's (`request-id`, `anthropic-ratelimit-*` from `buckets`) or,
 * with `buckets` null, a proxy's or CDN's in front of it, which sends neither; plus the scenario and CORS.
 */
export function answerHeaders(ctx: Ctx, buckets: Buckets | null, extra: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = buckets === null
    ? { ...extra }
    : {
      'request-id': ctx.requestId,
      ...rateLimitHeaders(buckets, Date.now(), ctx.exhausted),
      ...extra,
    };
  if (ctx.spec) h['x-simulator-scenario'] = ctx.spec.canonical;
  if (ctx.origin) {
    h['access-control-allow-origin'] = '*';
    h['access-control-expose-headers'] = EXPOSED_HEADERS;
  }
  return h;
}

/** Why the presented key is refused (the 401 message), or null when it is accepted. */
export function checkKey(req: IncomingMessage, expected: string | undefined): string | null {
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
  if (expected === undefined || expected === '') return null;
  const want = Buffer.from(expected);
  const ok = presented.some((k) => {
    const got = Buffer.from(k);
    return got.length === want.length && timingSafeEqual(got, want);
  });
  if (ok) return null;
  return xKey !== undefined && xKey !== '' ? 'invalid x-api-key' : 'invalid bearer token';
}

/** What a valid request of a route carries to its reply. */
export interface Prepared {
  valid?: ValidMessagesRequest;
  countText?: string;
  page?: Record<string, unknown>;
  info?: unknown;
}

/** Validates the body or query of a route (400/404 as the API answers them), else what its reply needs. */
export function prepare(r: Route, bodyText: string, query: URLSearchParams, version: string, today: () => string): ApiFailure | Prepared {
  const out: Prepared = {};
  if (r.kind === 'messages' || r.kind === 'count_tokens') {
    const json = parseJsonBody(bodyText);
    if ('status' in json) return json;
    if (r.kind === 'messages') {
      const v = validateMessages(json.body, version, today());
      if ('status' in v) return v;
      out.valid = v;
    } else {
      const v = validateCountTokens(json.body, today());
      if ('status' in v) return v;
      out.countText = v.inputText;
    }
  }
  if (r.kind === 'models') {
    const p = parsePageQuery(query);
    if ('status' in p) return p;
    out.page = modelPage(p);
  }
  if (r.kind === 'model') {
    const found = lookupModel(r.id, today());
    if (found.kind === 'unknown') return { status: 404, type: 'not_found_error', message: `model: ${r.id}` };
    out.info = found.kind === 'current' ? modelInfo(found.model) : retiredModelInfo(r.id);
  }
  return out;
}

/** `model` and `stream` of a JSON body, when present (before validation; for logs and `model=`). */
export function peekBody(text: string): { model: string | null; stream: boolean } {
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

const LIFECYCLES: readonly Lifecycle[] = ['active', 'deprecated', 'retired'];

export function parsePageQuery(q: URLSearchParams): ApiFailure | { limit: number; afterId?: string; beforeId?: string; lifecycles: Lifecycle[] } {
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

export function readBody(req: IncomingMessage, limit: number): Promise<{ text: string; tooLarge: boolean } | null> {
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
