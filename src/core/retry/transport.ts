/**
 * Transport: the official SDK with its retries off (`maxRetries: 0`), one cached client per base
 * URL, auth form, key and extra headers, over a fetch wrapper that
 *   - sets the auth header form (`x-api-key` or Bearer) and the simulator's session header,
 *   - never follows a redirect (it records where it pointed, credentials stripped),
 *   - reads bodies through a byte counter (1 MB of an error body, 8 MB of a success body),
 *   - records each answer's status and headers, and whether the request was sent (wire.ts),
 * into the context of the run the request belongs to (a private header carries its token); and
 * which of a run's options are secrets (for its redactor).
 * No retry logic and no verdict text here.
 */
import Anthropic from '@anthropic-ai/sdk';
import { HEADERS } from '../data/api-facts';
import { unwatch, watchSend } from './wire';

/** Header the simulator uses to scope "N failures then 200" counters to one run. */
export const SESSION_HEADER = 'x-simulate-session';

/** What the fetch wrapper saw of the current attempt's answer. */
export interface Captured {
  status: number | null;
  headers: Headers | null;
  contentType: string | null;
  /** A 3xx answer: where it pointed (credentials stripped). Never followed. */
  redirect?: string;
  /** The body went over its read limit (bytes after decompression) and was cut there. */
  cutAt?: number;
  /** A connection was up and the request headers were written to it (see wire.ts). */
  sent?: boolean;
}

/** Read limits after decompression: an error body needs only its JSON head; a test reply is tiny. */
export const ERROR_BODY_LIMIT = 1024 * 1024;
export const SUCCESS_BODY_LIMIT = 8 * 1024 * 1024;

export function fmtBytes(n: number): string {
  return `${Math.round(n / (1024 * 1024))} MB`;
}

/** A base URL without its credentials. */
export function safeBaseURL(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return raw;
  }
}

const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

/** The run's secrets, for its redactor: the key, secret-looking extra headers (and their Bearer part), URL credentials. */
export function collectSecrets(opts: { apiKey?: unknown; headers?: unknown; baseURL?: unknown }): string[] {
  const out: string[] = [];
  if (typeof opts.apiKey === 'string' && opts.apiKey.length > 0) out.push(opts.apiKey);
  for (const [k, v] of Object.entries(opts.headers && typeof opts.headers === 'object' ? (opts.headers as Record<string, unknown>) : {})) {
    if (typeof v !== 'string' || !SECRET_HEADER.test(k)) continue;
    out.push(v);
    const bearer = /^\s*bearer\s+(.+)$/i.exec(v);
    if (bearer?.[1]) out.push(bearer[1]);
  }
  try {
    const u = new URL(String(opts.baseURL));
    if (u.password) out.push(decodeURIComponent(u.password), u.password);
    if (u.username) out.push(decodeURIComponent(u.username), u.username);
  } catch {
    /* invalid URL: reported by the attempt */
  }
  return out;
}

/** Anything but api.anthropic.com (and its subdomains): the simulator's session header is sent there. */
export function isLoopbackOrCustom(raw: string): boolean {
  try {
    const host = new URL(raw).hostname;
    return !(host === 'anthropic.com' || host.endsWith('.anthropic.com'));
  } catch {
    return false;
  }
}

/**
 * The body, read through a byte counter: an error body is cut cleanly at its limit (its head is
 * still classified), a success body over its limit fails the read. Cancelling the source stops
 * the download and the decompression, so a gzip bomb or a flood costs at most the limit.
 */
function bounded(res: Response, capture: { current: Captured }): Response {
  if (!res.body || res.status < 200) return res;
  // A 2xx that claims to be JSON or a stream must fit; anything else (HTML from a proxy) is only
  // read for its head, like an error body, so it can still be classified.
  const type = res.headers.get('content-type') ?? '';
  const success = res.status < 300 && /json|event-stream/i.test(type);
  const limit = success ? SUCCESS_BODY_LIMIT : ERROR_BODY_LIMIT;
  // A body sent as is (no content-encoding) with a Content-Length within the limit cannot grow
  // past it (HTTP framing ends it there): no counter needed. This is every ordinary API answer,
  // and it spares each attempt a TransformStream and a second Response.
  const length = res.headers.get('content-length');
  const encoding = res.headers.get('content-encoding');
  if ((encoding === null || /^\s*identity\s*$/i.test(encoding)) && length !== null && /^\d{1,15}$/.test(length) && Number(length) <= limit) return res;
  let seen = 0;
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctrl) {
        const room = limit - seen;
        if (chunk.byteLength <= room) {
          seen += chunk.byteLength;
          ctrl.enqueue(chunk);
          return;
        }
        if (success) {
          ctrl.error(new Error(`The response body is larger than ${fmtBytes(limit)} after decompression; stopped reading.`));
          return;
        }
        capture.current.cutAt = limit;
        if (room > 0) ctrl.enqueue(chunk.subarray(0, room));
        seen = limit;
        ctrl.terminate();
      },
    }),
  );
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** What the fetch wrapper needs to know about the run a request belongs to. */
export interface RunContext {
  capture: { current: Captured };
  authHeader: 'bearer' | 'x-api-key';
  key: string;
  stripAuthorization: boolean;
  /** Run id for the simulator's session header; null for api.anthropic.com. */
  session: string | null;
}

/** Private request header carrying the run-context token; removed before the request leaves. */
export const CTX_HEADER = 'x-claude-doctor-context';
/** The SDK insists on a credential; in x-api-key mode this stands in and its Bearer header is dropped. */
export const X_API_KEY_PLACEHOLDER = 'unused-x-api-key-mode';
const contexts = new Map<string, RunContext>();
let ctxCounter = 0;

async function contextFetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const headers = init?.headers instanceof Headers ? init.headers : new Headers(init?.headers);
  const token = headers.get(CTX_HEADER);
  headers.delete(CTX_HEADER);
  const ctx = token ? contexts.get(token) : undefined;
  if (ctx) {
    if (ctx.authHeader === 'x-api-key') {
      if (ctx.stripAuthorization) headers.delete('authorization');
      headers.set(HEADERS.apiKey, ctx.key);
    }
    if (ctx.session !== null && !headers.has(SESSION_HEADER)) headers.set(SESSION_HEADER, ctx.session);
  }
  // Never follow a redirect: the Claude API does not redirect, and fetch would resend custom
  // headers (x-api-key) to whatever origin the Location names.
  const href = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
  const probe = ctx ? watchSend(href, headers, [HEADERS.retryCount, SESSION_HEADER], () => { ctx.capture.current.sent = true; }) : undefined;
  let res: Response;
  try {
    res = await globalThis.fetch(url, { ...init, headers, redirect: 'manual' });
  } finally {
    unwatch(probe);
  }
  if (ctx) {
    ctx.capture.current = { status: res.status, headers: res.headers, contentType: res.headers.get('content-type'), sent: true };
    if (res.status >= 300 && res.status < 400) {
      const loc = res.headers.get('location');
      let where = loc ?? '(no Location header)';
      if (loc) {
        try {
          where = safeBaseURL(new URL(loc, typeof url === 'string' || url instanceof URL ? url : url.url).toString());
        } catch {
          where = loc.slice(0, 200);
        }
      }
      ctx.capture.current.redirect = where;
    }
    return bounded(res, ctx.capture);
  }
  return res;
}

const CLIENT_CACHE_SIZE = 16;
const clients = new Map<string, Anthropic>();

/**
 * Building an SDK client costs about a millisecond and a half; connection tests reuse one per
 * (base URL, auth form, key, extra headers). Per-run state travels in the private context header.
 */
export function sharedClient(baseURL: string, authHeader: 'bearer' | 'x-api-key', key: string, headers: Record<string, string>): Anthropic {
  const cacheKey = JSON.stringify([baseURL, authHeader, authHeader === 'bearer' ? key : '', Object.entries(headers).sort()]);
  const hit = clients.get(cacheKey);
  if (hit) {
    clients.delete(cacheKey);
    clients.set(cacheKey, hit);
    return hit;
  }
  const client = new Anthropic({
    apiKey: authHeader === 'bearer' ? key : X_API_KEY_PLACEHOLDER,
    baseURL,
    maxRetries: 0,
    fetch: contextFetch as unknown as typeof fetch,
    defaultHeaders: { ...headers },
    logLevel: 'off',
  });
  clients.set(cacheKey, client);
  if (clients.size > CLIENT_CACHE_SIZE) {
    const oldest = clients.keys().next().value;
    if (oldest !== undefined) clients.delete(oldest);
  }
  return client;
}


/**
 * Register a run's context with the fetch wrapper; returns the token its requests carry. Every
 * token opened is closed (`closeRunContext`) when the run ends.
 */
export function openRunContext(runId: string, ctx: RunContext): string {
  const token = `${runId}#${++ctxCounter}`;
  contexts.set(token, ctx);
  return token;
}

export function closeRunContext(token: string): void {
  contexts.delete(token);
}
