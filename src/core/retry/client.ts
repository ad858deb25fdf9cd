/**
 * The retrying client behind "Test connection": one small Messages request through the official
 * `@anthropic-ai/sdk` with the SDK's own retries off (`maxRetries: 0`), and our attempt loop on
 * top: classification of every failure, jittered backoff, `retry-after` honoured within limits,
 * spend cap never retried, `x-should-retry` obeyed, a total deadline, an optional retry budget,
 * an optional fallback model, streaming with the "retry only before content" rule, and
 * cancellation that stops a sleeping backoff at once, and a process-wide adaptive concurrency
 * limiter (limiter.ts) that makes concurrent runs against one endpoint wait for a slot under
 * overload instead of piling on 529s. Every step is emitted as a `ClientEvent`.
 * The key never appears in any event: every event is passed through `redactSecrets`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { REQUEST_PROFILE } from '../connection/profile';
import { DEFAULT_TEST_MODEL, ERROR_ROWS, HEADERS, bearerProxyNote, officialSdkOnRetryAfter, type ErrorCategory } from '../data/api-facts';
import { createRedactor, describeKey, redactDeep, rememberSecret } from '../redact';
import { classify, classifyError, clip, MAX_MESSAGE_LENGTH, type Classification } from '../taxonomy';
import { isRetryBudget, RetryBudget } from './budget';
import type { AttemptEvent, BackoffReason, ClientEvent, RateLimitInfo, ResultEvent, Verdict } from './events';
import { headerValue, parseRateLimitHeaders } from './headers';
import { isLimiter, overloadSignal, queuePaces, sharedLimiter, type Limiter, type Permit } from './limiter';
import { computeBackoff, parseRetryAfter, resolvePolicy, type RetryPolicy } from './policy';
import { abortableSleep } from './sleep';
import { paceOverload } from './throttle';
import { unwatch, watchSend, wireObservable } from './wire';

export interface ConnectionTestOptions {
  baseURL: string;
  apiKey: string;
  /** How the key is sent: `Authorization: Bearer` (SDK 1.x default) or `x-api-key`. */
  authHeader?: 'bearer' | 'x-api-key';
  model: string;
  /** Default: the request profile's (src/core/connection/profile.ts). */
  maxTokens?: number;
  prompt?: string;
  stream?: boolean;
  /** Per-attempt timeout covering the whole attempt (headers and body). Default: the profile's. */
  timeoutMs?: number;
  policy?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  onEvent?: (e: ClientEvent) => void;
  runId?: string;
  random?: () => number;
  /** A retry budget shared across runs (alternatively pass it as `policy.retryBudget`). */
  budget?: RetryBudget;
}

export const DEFAULT_ATTEMPT_TIMEOUT_MS = REQUEST_PROFILE.attemptTimeoutMs;
/**
 * Near the deadline, an attempt is started only with at least this much time left (or the run's
 * fastest attempt so far, if longer): a request with a 2 ms timeout cannot succeed, it only adds load.
 */
export const MIN_ATTEMPT_MS = 50;
export const DEFAULT_PROMPT = REQUEST_PROFILE.prompt;
/** Header the simulator uses to scope "N failures then 200" counters to one run. */
export const SESSION_HEADER = 'x-simulate-session';

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function newRunId(): string {
  return `run_${Date.now().toString(36)}_${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`;
}

function fmtLimit(n: number): string {
  const f = Math.floor(n);
  return `${plural(Math.max(1, f), 'attempt')}`;
}

function fmtS(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  if (ms >= 1e12) return `${(ms / 1000).toExponential(1)} s`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function ordinal(n: number): string {
  return n === 1 ? 'first' : n === 2 ? 'second' : n === 3 ? 'third' : `${n}th`;
}

const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie|password/i;

function collectSecrets(opts: ConnectionTestOptions): string[] {
  const out: string[] = [];
  if (typeof opts.apiKey === 'string' && opts.apiKey.length > 0) out.push(opts.apiKey);
  for (const [k, v] of Object.entries(opts.headers && typeof opts.headers === 'object' ? opts.headers : {})) {
    if (typeof v !== 'string' || !SECRET_HEADER.test(k)) continue;
    out.push(v);
    const bearer = /^\s*bearer\s+(.+)$/i.exec(v);
    if (bearer?.[1]) out.push(bearer[1]);
  }
  try {
    const u = new URL(opts.baseURL);
    if (u.password) out.push(decodeURIComponent(u.password), u.password);
    if (u.username) out.push(decodeURIComponent(u.username), u.username);
  } catch {
    /* invalid URL: reported by the attempt */
  }
  return out;
}

function safeBaseURL(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return raw;
  }
}

function isLoopbackOrCustom(raw: string): boolean {
  try {
    const host = new URL(raw).hostname;
    return !(host === 'anthropic.com' || host.endsWith('.anthropic.com'));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The shared SDK clients and the fetch wrapper
// ---------------------------------------------------------------------------------------------

interface Captured {
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

function fmtBytes(n: number): string {
  return `${Math.round(n / (1024 * 1024))} MB`;
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
interface RunContext {
  capture: { current: Captured };
  authHeader: 'bearer' | 'x-api-key';
  key: string;
  stripAuthorization: boolean;
  /** Run id for the simulator's session header; null for api.anthropic.com. */
  session: string | null;
}

/** Private request header carrying the run-context token; removed before the request leaves. */
const CTX_HEADER = 'x-claude-doctor-context';
/** The SDK insists on a credential; in x-api-key mode this stands in and its Bearer header is dropped. */
const X_API_KEY_PLACEHOLDER = 'unused-x-api-key-mode';
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
function sharedClient(baseURL: string, authHeader: 'bearer' | 'x-api-key', key: string, headers: Record<string, string>): Anthropic {
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

// ---------------------------------------------------------------------------------------------
// One attempt
// ---------------------------------------------------------------------------------------------

type AttemptOutcome =
  | { ok: true; text: string; status: number; headers: Headers | null; requestId: string | null }
  | {
      ok: false;
      cls: Classification;
      headers: Headers | null;
      partialTextLength?: number;
      /** Our own per-attempt timer fired (as opposed to the caller's signal). */
      timedOut: boolean;
      userAborted: boolean;
    };

interface AttemptContext {
  client: Anthropic;
  capture: { current: Captured };
  /** Value of the private context header that routes the shared fetch wrapper to this run. */
  ctxToken: string;
  /** 0 for the first attempt; sent as `x-stainless-retry-count` like the SDK does. */
  retryCount: number;
  model: string;
  maxTokens: number;
  prompt: string;
  stream: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Characters of stream content so far (kept up to date for an abandoned attempt's outcome). */
  progress: { partial: number };
}

function responseClassification(status: number, headers: Headers | null, message: string): Classification {
  const c = classify({ message, ...(headers ? { headers } : {}) });
  c.status = status;
  return c;
}

/** After our abort, how long the HTTP stack gets to settle before the attempt is abandoned. */
export const ABORT_GRACE_MS = 100;

/** The outcome of an attempt we aborted: the user cancelled, or the per-attempt timer fired. */
function abortOutcome(why: 'user' | 'timeout', ctx: AttemptContext, headers: Headers | null, partial: number, note: string): AttemptOutcome {
  if (why === 'user') {
    return { ok: false, cls: classify({ transport: 'aborted', message: `Cancelled by the user.${note}` }), headers, partialTextLength: partial, timedOut: false, userAborted: true };
  }
  const captured = ctx.capture.current;
  const cls = classify({ transport: 'timeout', message: `${timeoutMessage(ctx.timeoutMs, captured)}${note}`, ...(headers ? { headers } : {}) });
  const known = timeoutKnown(captured);
  cls.fault = known === 'unknown' ? cls.fault : known === 'not-connected' ? 'network' : 'server';
  cls.explanation = TIMEOUT_WHY[known];
  return { ok: false, cls, headers, partialTextLength: partial, timedOut: true, userAborted: false };
}

async function attemptOnce(ctx: AttemptContext): Promise<AttemptOutcome> {
  const ctrl = new AbortController();
  let why: 'timeout' | 'user' | null = null;
  const onUser = () => {
    why ??= 'user';
    ctrl.abort();
  };
  if (ctx.signal?.aborted) onUser();
  ctx.signal?.addEventListener('abort', onUser, { once: true });
  const timer = setTimeout(() => {
    why ??= 'timeout';
    ctrl.abort();
  }, ctx.timeoutMs);
  ctx.capture.current = { status: null, headers: null, contentType: null };
  let partial = 0;
  let streamHeaders: Headers | null = null;

  const params = {
    model: ctx.model,
    max_tokens: ctx.maxTokens,
    messages: [{ role: 'user' as const, content: ctx.prompt }],
  };
  // The SDK's own timer covers only the wait for headers; ours (above) covers the whole attempt.
  // Give the SDK's a little slack so ours decides.
  const reqOpts = {
    signal: ctrl.signal,
    maxRetries: 0,
    timeout: Math.ceil(ctx.timeoutMs) + 1000,
    headers: {
      [CTX_HEADER]: ctx.ctxToken,
      [HEADERS.retryCount]: String(ctx.retryCount),
      [HEADERS.timeout]: String(Math.max(1, Math.trunc(ctx.timeoutMs / 1000))),
    },
  };

  try {
    if (ctx.stream) {
      const stream = ctx.client.messages.stream(params, reqOpts);
      let streamError: unknown;
      stream.on('error', (e) => {
        streamError ??= e;
      });
      stream.on('abort', (e) => {
        streamError ??= e;
      });
      stream.on('connect', () => {
        streamHeaders = stream.response?.headers ?? null;
      });
      let text = '';
      let sawStop = false;
      let sawStart = false;
      try {
        for await (const ev of stream) {
          if (ev.type === 'message_start') sawStart = true;
          else if (ev.type === 'content_block_delta') {
            const d = ev.delta as { type: string; text?: string; partial_json?: string; thinking?: string };
            const piece = d.text ?? d.partial_json ?? d.thinking ?? '';
            text += d.type === 'text_delta' ? piece : '';
            partial += Math.max(1, piece.length);
            ctx.progress.partial = partial;
          } else if (ev.type === 'message_stop') sawStop = true;
        }
      } catch (e) {
        streamError ??= e;
      }
      if (streamError !== undefined) {
        const e = streamError as { name?: unknown; status?: unknown };
        // The SDK's own complaint about an empty or broken stream (not an API error event).
        const ct = ctx.capture.current.contentType;
        if (!why && e && e.name === 'AnthropicError' && !sawStop && !sawStart && ct && !/event-stream/i.test(ct)) {
          const status = ctx.capture.current.status ?? 200;
          const hdrs = streamHeaders ?? ctx.capture.current.headers;
          return {
            ok: false,
            cls: responseClassification(status, hdrs, `HTTP ${status} but the body is not an event stream (content-type ${ct}): not a streaming Messages API reply.`),
            headers: hdrs,
            partialTextLength: 0,
            timedOut: false,
            userAborted: false,
          };
        }
        if (!why && e && e.name === 'AnthropicError' && !sawStop) {
          const headers = streamHeaders ?? ctx.capture.current.headers;
          const cls = classify({
            transport: 'reset',
            message: sawStart
              ? `The stream broke off after ${plural(text.length, 'character')} of text (${String((streamError as Error).message ?? '')}).`
              : 'The response ended without any stream events (not a valid SSE stream).',
            ...(headers ? { headers } : {}),
          });
          return { ok: false, cls, headers, partialTextLength: text.length, timedOut: false, userAborted: false };
        }
        throw streamError;
      }
      if (why) throw new Error('aborted');
      const headers = streamHeaders ?? ctx.capture.current.headers;
      const ct = ctx.capture.current.contentType;
      if (!sawStart && ct && !/event-stream/i.test(ct)) {
        const status = ctx.capture.current.status ?? 200;
        return {
          ok: false,
          cls: responseClassification(status, headers, `HTTP ${status} but the body is not an event stream (content-type ${ct}): not a streaming Messages API reply.`),
          headers,
          partialTextLength: 0,
          timedOut: false,
          userAborted: false,
        };
      }
      if (!sawStop) {
        const cls = classify({
          transport: 'reset',
          message: sawStart
            ? `The stream ended without message_stop after ${plural(text.length, 'character')} of text.`
            : 'The response ended without any stream events (not a valid SSE stream).',
          ...(headers ? { headers } : {}),
        });
        if (!sawStart && ctx.capture.current.status !== null) cls.status = ctx.capture.current.status;
        return { ok: false, cls, headers, partialTextLength: text.length, timedOut: false, userAborted: false };
      }
      return {
        ok: true,
        text,
        status: ctx.capture.current.status ?? 200,
        headers,
        requestId: (headers && headerValue(headers, HEADERS.requestId)) || stream.request_id || null,
      };
    }

    const { data, response } = await ctx.client.messages.create(params, reqOpts).withResponse();
    if (why) throw new Error('aborted');
    const body = data as unknown;
    const msg = body && typeof body === 'object' ? (body as { type?: unknown; content?: unknown }) : undefined;
    if (!msg || !Array.isArray(msg.content)) {
      const ct = response.headers.get('content-type') ?? 'none';
      const shape = typeof body === 'string' ? `a ${body.trim() ? 'non-JSON' : 'empty'} body (content-type ${ct})` : `JSON that is not a message (content-type ${ct})`;
      return {
        ok: false,
        cls: responseClassification(response.status, response.headers, `HTTP ${response.status} but ${shape}: not a Messages API reply. Is the base URL pointing at a proxy or a web page?`),
        headers: response.headers,
        timedOut: false,
        userAborted: false,
      };
    }
    const text = (msg.content as { type?: string; text?: string }[])
      .filter((b) => b && b.type === 'text' && typeof b.text === 'string')
      .map((b) => b.text)
      .join('');
    return { ok: true, text, status: response.status, headers: response.headers, requestId: response.headers.get(HEADERS.requestId) };
  } catch (err) {
    if (!ctrl.signal.aborted) ctrl.abort(); // release any half-read body
    const captured = ctx.capture.current;
    const headers = streamHeaders ?? captured.headers;
    if (why) return abortOutcome(why, ctx, headers, partial, '');
    if (captured.redirect !== undefined && captured.status !== null) {
      const cls = responseClassification(
        captured.status,
        captured.headers,
        `Your base URL or gateway redirects to ${captured.redirect}; not followed, key not sent.`,
      );
      cls.retryable = false;
      return { ok: false, cls, headers: captured.headers, partialTextLength: partial, timedOut: false, userAborted: false };
    }
    let cls = classifyError(err);
    if (cls.category === 'unknown' && captured.status !== null && cls.status === null) {
      // The answer arrived but could not be read (e.g. invalid JSON with a JSON content-type).
      cls = responseClassification(captured.status, captured.headers, cls.message ?? 'The response could not be read.');
    }
    if (captured.cutAt !== undefined) {
      // The note joins the message, which stays within the display length.
      const note = `(The body is larger than ${fmtBytes(captured.cutAt)} after decompression; only the first ${fmtBytes(captured.cutAt)} was read.)`;
      cls.message = cls.message ? `${clip(cls.message, MAX_MESSAGE_LENGTH - note.length - 2)} ${note}` : note;
    }
    if (cls.status !== null && captured.status === cls.status && !cls.requestId && captured.headers) {
      cls.requestId = captured.headers.get(HEADERS.requestId);
    }
    if (cls.status === null && !cls.requestId && headers) cls.requestId = headers.get(HEADERS.requestId);
    const errHeaders = (err && typeof err === 'object' && (err as { headers?: unknown }).headers instanceof Headers
      ? ((err as { headers: Headers }).headers)
      : null) ?? headers;
    return { ok: false, cls, headers: errHeaders, partialTextLength: partial, timedOut: false, userAborted: false };
  } finally {
    clearTimeout(timer);
    ctx.signal?.removeEventListener('abort', onUser);
  }
}

/**
 * One attempt that ends by its timeout whatever the HTTP stack does: if it has not settled
 * ABORT_GRACE_MS after its timer (or the user's cancel) aborted it — a fetch shim or proxy agent
 * that loses the signal, a body whose reader ignores cancel — it is abandoned with the outcome an
 * honoured abort gives.
 */
function runAttempt(attempt: Omit<AttemptContext, 'progress'>): Promise<AttemptOutcome> {
  const ctx: AttemptContext = { ...attempt, progress: { partial: 0 } };
  let grace: ReturnType<typeof setTimeout> | undefined;
  const abandon = (why: 'user' | 'timeout', after: number, resolve: (o: AttemptOutcome) => void) => {
    clearTimeout(grace);
    grace = setTimeout(() => {
      const note = ` The HTTP stack did not stop within ${ABORT_GRACE_MS} ms of the abort; the attempt was abandoned.`;
      resolve(abortOutcome(why, ctx, ctx.capture.current.headers, ctx.progress.partial, note));
    }, after);
  };
  let onUser: (() => void) | undefined;
  const abandoned = new Promise<AttemptOutcome>((resolve) => {
    abandon('timeout', ctx.timeoutMs + ABORT_GRACE_MS, resolve);
    onUser = () => abandon('user', ABORT_GRACE_MS, resolve);
    if (ctx.signal?.aborted) onUser();
    else ctx.signal?.addEventListener('abort', onUser, { once: true });
  });
  return Promise.race([attemptOnce(ctx), abandoned]).finally(() => {
    clearTimeout(grace);
    if (onUser) ctx.signal?.removeEventListener('abort', onUser);
  });
}

// ---------------------------------------------------------------------------------------------
// Verdicts
// ---------------------------------------------------------------------------------------------

/** What is known about a timed-out attempt. */
type TimeoutKnown = 'headers' | 'sent' | 'not-connected' | 'unknown';

function timeoutKnown(c: Captured): TimeoutKnown {
  if (c.status !== null) return 'headers';
  if (c.sent) return 'sent';
  return wireObservable() ? 'not-connected' : 'unknown';
}

const BILLED_TWICE = 'A retried POST after a timeout may be generated and billed twice (there is no idempotency key).';

/** The "Why" of a timeout, by what is known; the summary says the numbers. */
const TIMEOUT_WHY: Record<TimeoutKnown, string> = {
  headers: `The server answered with headers, then the body stopped arriving. ${BILLED_TWICE}`,
  sent: `The server, or a proxy or gateway in front of it, accepted the request and sent nothing back in time. ${BILLED_TWICE}`,
  'not-connected': 'The connection to the server was not set up in time (TCP or TLS), so the request was never sent: a network, proxy or firewall problem, or a host that does not answer.',
  unknown: `Whether the connection was made is not known (this runtime's fetch does not report it), so the network, a proxy and the server are all possible. ${BILLED_TWICE}`,
};

function timeoutMessage(timeoutMs: number, c: Captured): string {
  const limit = fmtS(timeoutMs);
  switch (timeoutKnown(c)) {
    case 'headers': return `HTTP ${c.status} headers arrived, but the body did not finish within ${limit}.`;
    case 'sent': return `Connected and sent the request; no answer within ${limit}.`;
    case 'not-connected': return `No connection set up within ${limit}; the request was not sent.`;
    default: return `No answer within ${limit} (no response headers).`;
  }
}

interface AttemptRecord {
  attempt: number;
  model: string;
  status: number | null;
  category: ErrorCategory;
  errorType: string | null;
  title: string;
  message?: string | null;
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? `${s[0]!.toLowerCase()}${s.slice(1)}` : s;
}

function label(r: Pick<AttemptRecord, 'status' | 'title' | 'errorType'>): string {
  return r.status !== null ? `${r.status} ${r.title}` : r.errorType ? `${r.title}` : r.title;
}

/** "529 Overloaded ×3, 200 Success" */
function historyText(history: AttemptRecord[]): string {
  const parts: { text: string; n: number }[] = [];
  for (const h of history) {
    const t = label(h);
    const last = parts[parts.length - 1];
    if (last && last.text === t) last.n++;
    else parts.push({ text: t, n: 1 });
  }
  return parts.map((p) => (p.n > 1 ? `${p.text} ×${p.n}` : p.text)).join(', ');
}

function keyNote(key: string, authHeader: 'bearer' | 'x-api-key'): string {
  const d = describeKey(key);
  const form = authHeader === 'bearer' ? 'Authorization: Bearer' : 'x-api-key';
  if (!d.present) return `The key is empty (sent as ${form}): set ANTHROPIC_API_KEY or the key setting.`;
  const issues: string[] = [];
  if (d.hasNewline) issues.push('it contains a line break');
  else if (d.hasWhitespace) issues.push('it contains whitespace');
  if (d.kind === 'unknown') issues.push(`it does not start like an Anthropic API key (sk-ant-api…)`);
  if (d.kind === 'admin') issues.push('it is an Admin key, which cannot call the Messages API');
  const shape = `length ${d.length}, prefix "${d.prefix}"`;
  return `Key sent as ${form}: ${shape}${issues.length ? `; ${issues.join('; ')}` : ''}.`;
}

function verdictFrom(cls: Classification | null, category: ErrorCategory, summary: string): Verdict {
  const row = ERROR_ROWS[category];
  return {
    category,
    fault: cls && cls.category === category ? cls.fault : row.fault,
    title: cls && cls.category === category ? cls.title : row.title,
    summary,
    // Which SDK class this is (Python Bedrock/Vertex 503/504, mid-stream APIStatusError): the data module's notes.
    explanation: [cls && cls.category === category ? cls.explanation : row.explanation, ...(row.sdkNotes ?? [])].join(' '),
    nextStep: row.nextStep,
    docsUrl: row.docsUrl,
  };
}

/** End a clause with exactly one full stop. */
function stop(s: string): string {
  const t = s.trimEnd();
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

function describeFailure(cls: Classification): string {
  const head = cls.status !== null ? `${cls.status} ${cls.title}` : cls.title;
  const bits: string[] = [];
  if (cls.errorType) bits.push(cls.errorType);
  if (cls.errorCode) bits.push(`error_code ${cls.errorCode}`);
  const msg = cls.message ? `: ${cls.message}` : '';
  const body = cls.bodyKind === 'html' ? ' (an HTML page, not a JSON error: likely a proxy or gateway)' : cls.bodyKind === 'empty' && cls.status !== null ? ' (empty body)' : '';
  return `${head}${bits.length ? ` (${bits.join(', ')})` : ''}${msg}${body}`;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/**
 * Run one connection test. Never throws: always resolves with the final `result` event (also
 * emitted through `onEvent`).
 */
export async function runConnectionTest(options: ConnectionTestOptions): Promise<ResultEvent> {
  const t0 = performance.now();
  const opts: ConnectionTestOptions = options && typeof options === 'object' ? options : ({} as ConnectionTestOptions);
  const runId = (typeof opts.runId === 'string' && opts.runId) || newRunId();
  const secrets = collectSecrets(opts);
  for (const s of secrets) rememberSecret(s);
  // The x-api-key placeholder is not a secret: only replaced whole (its parts are ordinary words).
  const redact = createRedactor(secrets, opts.authHeader === 'x-api-key' ? [X_API_KEY_PLACEHOLDER] : []);
  const emit = (e: ClientEvent): void => {
    if (typeof opts.onEvent !== 'function') return;
    try {
      opts.onEvent(e);
    } catch {
      /* a throwing listener must not break the run */
    }
  };
  const state: RunState = { history: [], lastStatus: null, model: typeof opts.model === 'string' ? opts.model : '', phase: 'before the first attempt' };
  // Exactly one result event, whoever ends the run (the loop, the watchdog, or the catch below).
  let settled = false;
  const once = (e: ClientEvent): void => {
    if (settled) return;
    if (e.event === 'result') settled = true;
    emit(e);
  };
  const fail = (category: ErrorCategory, summary: string): ResultEvent => {
    const result: ResultEvent = {
      event: 'result',
      runId,
      ok: false,
      attempts: state.history.length,
      status: state.lastStatus,
      totalMs: performance.now() - t0,
      model: state.model,
      verdict: verdictFrom(null, category, summary),
    };
    const safe = redactDeep(result, redact);
    once(safe);
    return safe;
  };

  // The settle guarantee: whatever the network, the HTTP stack or a bug does, the run resolves by
  // its deadline (policy.deadlineMs, else the longest run its policy allows, settleBudgetMs). The
  // watchdog aborts everything still running and answers with what it knows. Its timer also keeps
  // the process alive, so a CLI can never drain its event loop and exit without a verdict.
  const internal = new AbortController();
  const user = opts.signal;
  const onUserAbort = () => internal.abort();
  if (user?.aborted) internal.abort();
  else user?.addEventListener?.('abort', onUserAbort, { once: true });
  const budget = settleBudgetMs(opts);
  const implicit = resolvePolicy(opts.policy).deadlineMs === undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<ResultEvent>((resolve) => {
    watchdog = setTimeout(() => {
      internal.abort();
      const earlier = state.history.length ? ` Attempts: ${historyText(state.history)}.` : '';
      const what = implicit ? `the run's ${fmtS(budget)} time budget (no deadline was set; this is the longest its retry policy allows)` : `the ${fmtS(budget)} deadline`;
      resolve(fail('timeout', `Stopped at ${what}: still ${state.phase}, which did not end in time. Nothing more is sent.${earlier}`));
    }, Math.min(budget, 2 ** 31 - 1));
  });
  const inner: ConnectionTestOptions = { ...opts, signal: internal.signal };
  const loop = run(inner, runId, redact, once, t0, state).catch((err: unknown) => {
    // Defensive: any bug in the loop still ends with a verdict, never a throw.
    const cls = classifyError(err);
    return fail('unknown', `The connection test failed internally: ${cls.message ?? 'unknown error'}.`);
  });
  try {
    return await Promise.race([loop, expired]);
  } finally {
    clearTimeout(watchdog);
    user?.removeEventListener?.('abort', onUserAbort);
    internal.abort(); // nothing of this run outlives its result
  }
}

/** Slack on top of the policy's worst case for the bookkeeping between attempts. */
const SETTLE_SLACK_MS = 1000;
/** Attempts end this long before the deadline, so the loop's own verdict comes before the watchdog's. */
const DEADLINE_MARGIN_MS = 25;

/**
 * The latest a run may settle: `policy.deadlineMs` when set; otherwise the longest run the policy
 * allows (every attempt at its timeout plus the abort grace, every wait at its longest, the
 * fallback attempt) plus a second of slack.
 */
export function settleBudgetMs(opts: Pick<ConnectionTestOptions, 'policy' | 'timeoutMs'>): number {
  const policy = resolvePolicy(opts?.policy);
  if (policy.deadlineMs !== undefined) return policy.deadlineMs;
  const timeout = typeof opts?.timeoutMs === 'number' && Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_ATTEMPT_TIMEOUT_MS;
  const attempts = policy.maxRetries + 1 + (policy.fallbackModel ? 1 : 0);
  const longestWait = Math.max(policy.maxDelayMs, policy.maxRetryAfterMs);
  return attempts * (timeout + ABORT_GRACE_MS) + (attempts - 1) * longestWait + SETTLE_SLACK_MS;
}

interface RunState {
  history: AttemptRecord[];
  lastStatus: number | null;
  model: string;
  /** What the run is doing now, for the watchdog's verdict ("waiting for attempt 2's answer"). */
  phase: string;
}

async function run(
  opts: ConnectionTestOptions,
  runId: string,
  redact: (s: string) => string,
  rawEmit: (e: ClientEvent) => void,
  t0: number,
  state: RunState,
): Promise<ResultEvent> {
  const emit = (e: ClientEvent): void => rawEmit(redactDeep(e, redact));
  const policy = resolvePolicy(opts.policy);
  const random = typeof opts.random === 'function' ? opts.random : Math.random;
  const authHeader = opts.authHeader === 'x-api-key' ? 'x-api-key' : 'bearer';
  const key = typeof opts.apiKey === 'string' ? opts.apiKey : '';
  const baseModel = typeof opts.model === 'string' && opts.model.trim() ? opts.model.trim() : DEFAULT_TEST_MODEL;
  const maxTokens = typeof opts.maxTokens === 'number' && Number.isInteger(opts.maxTokens) && opts.maxTokens >= 0 ? opts.maxTokens : REQUEST_PROFILE.maxTokens;
  const prompt = typeof opts.prompt === 'string' && opts.prompt.length > 0 ? opts.prompt : DEFAULT_PROMPT;
  const stream = opts.stream === true;
  const attemptTimeout = typeof opts.timeoutMs === 'number' && Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_ATTEMPT_TIMEOUT_MS;
  const budget: RetryBudget | undefined = isRetryBudget(opts.budget)
    ? opts.budget
    : isRetryBudget(policy.retryBudget)
      ? policy.retryBudget
      : policy.retryBudget
        ? new RetryBudget(policy.retryBudget)
        : undefined;
  const deadlineAt = policy.deadlineMs !== undefined ? t0 + policy.deadlineMs : undefined;
  const signal = opts.signal;

  const history = state.history;
  let totalBackoffMs = 0;
  /** Time spent waiting for a limiter slot (not counted as backoff). */
  let totalQueuedMs = 0;
  const queuedText = () => (totalQueuedMs > 0 ? ` and ${fmtS(totalQueuedMs)} queued for a slot (other runs were overloading the endpoint)` : '');
  let lastStatus: number | null = null;
  let model = baseModel;
  state.model = model;

  const finish = (ok: boolean, verdict: Verdict, text?: string): ResultEvent => {
    const result: ResultEvent = {
      event: 'result',
      runId,
      ok,
      attempts: history.length,
      status: lastStatus,
      totalMs: performance.now() - t0,
      model,
      verdict,
    };
    if (text !== undefined) result.text = text;
    const safe = redactDeep(result, redact);
    rawEmit(safe);
    return safe;
  };

  // A cancelled run is neither a failure nor anyone's fault: its own neutral verdict (fault
  // 'none'), listing the answers that did arrive, never the cancelled attempt as an "answer".
  const cancelled = (where: string, cls: Classification | null): ResultEvent => {
    const answered = history.filter((h) => h.category !== 'aborted');
    const before = answered.length ? ` Answers before that: ${historyText(answered)}.` : '';
    return finish(false, verdictFrom(cls, 'aborted', `Cancelled ${where}.${before} Nothing more was sent.`));
  };

  if (signal?.aborted) return cancelled('before the first attempt', null);

  // A base URL that is not http(s) cannot work: say so without sending anything.
  let safeURL: URL;
  try {
    safeURL = new URL(String(opts.baseURL));
    if (safeURL.protocol !== 'http:' && safeURL.protocol !== 'https:') throw new Error('protocol');
  } catch {
    return finish(false, verdictFrom(null, 'connection', `No request was sent: the base URL "${safeBaseURL(String(opts.baseURL ?? ''))}" is not a valid http(s) URL (for example https://api.anthropic.com).`));
  }

  // The shared adaptive limiter of this endpoint (origin and path, never credentials), unless the
  // policy brings its own or turns it off.
  const limiter: Limiter | undefined =
    policy.limiter === false ? undefined : isLimiter(policy.limiter) ? policy.limiter : sharedLimiter(`${safeURL.origin}${safeURL.pathname.replace(/\/+$/, '')}`);

  // A line break inside a key cannot be sent in an HTTP header: say so instead of a cryptic error.
  const trimmedKey = key.trim();
  if (/[\r\n\0]/.test(trimmedKey)) {
    return finish(false, verdictFrom(null, 'authentication', `No request was sent: the API key has a line break inside it, which cannot be sent in a header. ${keyNote(key, authHeader)}`));
  }

  // The SDK, with its retries off (one cached instance per base URL, key and headers); our fetch
  // wrapper sets the auth header form and the simulator session header, and records each answer's
  // status and headers into this run's context.
  const capture: { current: Captured } = { current: { status: null, headers: null, contentType: null } };
  const extraHeaders: Record<string, string> = {};
  if (opts.headers && typeof opts.headers === 'object') {
    for (const [k, v] of Object.entries(opts.headers)) if (typeof v === 'string') extraHeaders[k] = v;
  }
  const userHasAuthorization = Object.keys(extraHeaders).some((h) => h.toLowerCase() === 'authorization');
  const runCtx: RunContext = {
    capture,
    authHeader,
    key: trimmedKey,
    stripAuthorization: authHeader === 'x-api-key' && !userHasAuthorization,
    session: isLoopbackOrCustom(opts.baseURL) ? runId : null,
  };
  let client: Anthropic;
  try {
    client = sharedClient(safeURL.toString(), authHeader, key, extraHeaders);
  } catch (err) {
    const cls = classifyError(err);
    return finish(false, verdictFrom(cls, 'unknown', `Could not set up the client: ${cls.message ?? 'unknown error'}.`));
  }
  const ctxToken = `${runId}#${++ctxCounter}`;
  contexts.set(ctxToken, runCtx);
  try {
    let retriesUsed = 0;
    let fallbackUsed = false;
    let prevDelay = 0;
    /** The fastest attempt of this run so far: what another attempt needs at least. */
    let fastestMs = Infinity;
    const attemptFloor = () => Math.max(MIN_ATTEMPT_MS, Number.isFinite(fastestMs) ? fastestMs : 0);
    let lastFailure: Classification | null = null;
    const tooLate = (attempt: number, remaining: number, extra: string): ResultEvent => {
      const last = history.length ? history[history.length - 1]! : undefined;
      const earlier = history.length ? ` Attempts: ${historyText(history)}.` : '';
      return finish(
        false,
        verdictFrom(
          lastFailure,
          last ? last.category : 'timeout',
          `Stopped at the ${fmtS(policy.deadlineMs!)} deadline after ${plural(history.length, 'attempt')}: only ${fmtS(Math.max(0, remaining))} was left, less than the ${fmtS(attemptFloor())} an attempt needs, so attempt ${attempt} was not sent.${extra}${earlier}`,
        ),
      );
    };

    for (;;) {
      if (signal?.aborted) return cancelled(`before attempt ${history.length + 1}`, null);
      const attempt = history.length + 1;

      // Too little time left for another attempt: stop instead of sending a doomed request.
      if (deadlineAt !== undefined && attempt > 1) {
        const remaining = deadlineAt - performance.now();
        if (remaining < attemptFloor()) return tooLate(attempt, remaining, '');
      }

      // A slot in the adaptive limiter. Waiting is not an attempt; it ends at the deadline (less
      // the time an attempt needs) or on cancel.
      let permit: Permit | undefined;
      let queuedMs = 0;
      if (limiter) {
        state.phase = `waiting for a free limiter slot before attempt ${attempt}`;
        const got = await limiter.acquire({
          ...(signal ? { signal } : {}),
          ...(deadlineAt !== undefined ? { deadlineAt: deadlineAt - attemptFloor() } : {}),
        });
        if (!got.ok) {
          const s = got.snapshot;
          const state = ` The shared concurrency limiter for this endpoint allows ${fmtLimit(s.limit)} at once after overload answers (${s.inFlight} in flight, ${s.queued} waiting); waited ${fmtS(got.waitedMs)} for a slot.`;
          if (got.reason === 'aborted') return cancelled(`while waiting for a free slot before attempt ${attempt} (queued ${fmtS(got.waitedMs)})`, null);
          return tooLate(attempt, deadlineAt !== undefined ? deadlineAt - performance.now() : 0, state);
        }
        permit = got.permit;
        if (permit.queued) {
          queuedMs = permit.waitedMs;
          const s = limiter.snapshot();
          emit({ event: 'backoff', runId, attempt: attempt - 1, delayMs: queuedMs, reason: 'limiter', limiter: { limit: s.limit, inFlight: s.inFlight, queued: s.queued } });
          emit({ event: 'backoffDone', runId, attempt: attempt - 1, plannedMs: queuedMs, actualMs: queuedMs });
          totalQueuedMs += queuedMs;
        }
      }

      let outcome: AttemptOutcome;
      let latencyMs: number;
      let startedAt: number;
      try {
        if (signal?.aborted) return cancelled(`before attempt ${attempt}`, null);
        startedAt = Date.now();
        const a0 = performance.now();
        emit({ event: 'attemptStart', runId, attempt, model, startedAt, ...(permit?.queued ? { queuedMs } : {}) });

        let timeoutMs = attemptTimeout;
        if (deadlineAt !== undefined) timeoutMs = Math.max(1, Math.min(timeoutMs, deadlineAt - performance.now() - DEADLINE_MARGIN_MS));
        state.phase = `waiting for the answer to attempt ${attempt}`;
        outcome = await runAttempt({ client, capture, ctxToken, retryCount: attempt - 1, model, maxTokens, prompt, stream, timeoutMs, ...(signal ? { signal } : {}) });
        latencyMs = performance.now() - a0;
        permit?.release(outcome.ok ? 'success' : overloadSignal(outcome.cls.status, outcome.cls.category));
        if (policy.throttle) policy.throttle.record(outcome.ok ? 'success' : overloadSignal(outcome.cls.status, outcome.cls.category)); // storm-policy hook (throttle.ts)
      } finally {
        permit?.release('ignore');
      }
      fastestMs = Math.min(fastestMs, latencyMs);
      const headers = outcome.headers;
      const rateLimit: RateLimitInfo | undefined = parseRateLimitHeaders(headers);

      if (outcome.ok) {
        lastStatus = state.lastStatus = outcome.status;
        const ev: AttemptEvent = {
          event: 'attempt', runId, attempt, model, ok: true, status: outcome.status, errorType: null, errorCode: null, message: null,
          requestId: outcome.requestId, latencyMs, retryable: false, category: 'ok', startedAt,
        };
        if (rateLimit) ev.rateLimit = rateLimit;
        emit(ev);
        history.push({ attempt, model, status: outcome.status, category: 'ok', errorType: null, title: ERROR_ROWS.ok.title });
        budget?.recordSuccess();
        const failures = history.slice(0, -1);
        const rid = outcome.requestId ? ` (request ${outcome.requestId})` : '';
        let summary: string;
        if (failures.length === 0) {
          summary = `Connected: ${model} answered on the first attempt in ${fmtS(latencyMs)}${rid}${totalQueuedMs > 0 ? `, after ${fmtS(totalQueuedMs)} queued for a slot (other runs were overloading the endpoint)` : ''}.`;
        } else if (model !== baseModel) {
          summary = `${baseModel} failed ${plural(failures.length, 'time')} (${historyText(failures)}); the fallback model ${model} answered${rid}. Waited ${fmtS(totalBackoffMs)} in backoff${queuedText()}, ${fmtS(performance.now() - t0)} in total.`;
        } else {
          summary = `Succeeded on the ${ordinal(attempt)} attempt after ${plural(failures.length, 'failure')} (${historyText(failures)})${rid}. Waited ${fmtS(totalBackoffMs)} in backoff${queuedText()}, ${fmtS(performance.now() - t0)} in total.`;
        }
        return finish(true, verdictFrom(null, 'ok', summary), outcome.text);
      }

      const cls = outcome.cls;
      lastFailure = cls;
      lastStatus = state.lastStatus = cls.status;
      const ev: AttemptEvent = {
        event: 'attempt', runId, attempt, model, ok: false, status: cls.status, errorType: cls.errorType, errorCode: cls.errorCode,
        message: cls.message, requestId: cls.requestId, latencyMs, retryable: cls.retryable, category: cls.category, startedAt,
      };
      if (rateLimit) ev.rateLimit = rateLimit;
      if (stream && outcome.partialTextLength !== undefined) ev.partialTextLength = outcome.partialTextLength;
      emit(ev);
      history.push({ attempt, model, status: cls.status, category: cls.category, errorType: cls.errorType, title: cls.title, message: cls.message });

      if (outcome.userAborted) return cancelled(`during attempt ${attempt}`, cls);
      if (cls.retryable) budget?.recordFailure();

      const what = describeFailure(cls);
      const rid = cls.requestId ? ` Request id: ${cls.requestId}.` : '';
      const earlier = history.length > 1 ? ` Attempts: ${historyText(history)}.` : '';

      // 1. Not retryable: say why.
      if (!cls.retryable) {
        let why: string;
        const never = ERROR_ROWS[cls.category]?.neverRetry;
        if (never) why = never;
        else if (cls.retrySource === 'x-should-retry') why = 'Not retried: the server said x-should-retry: false.';
        else if (cls.category === 'stream_error') why = 'Not retried: this error type does not clear by retrying.';
        else why = 'Not retried: sending the same request again would fail the same way.';
        let extra = '';
        if (cls.category === 'authentication') {
          const proxy = bearerProxyNote(safeURL.href, authHeader);
          extra = ` ${keyNote(key, authHeader)}${proxy ? ` ${proxy}` : ''}`;
        }
        if (cls.category === 'not_found' && /\/v1\/?$/.test(safeURL.pathname)) {
          extra = ` The base URL ends in /v1, but the SDK adds /v1/messages itself: use ${safeURL.origin}${safeURL.pathname.replace(/\/v1\/?$/, '') || ''} as the base URL.`;
        }
        return finish(false, verdictFrom(cls, cls.category, `${stop(what)} ${why}${extra}${earlier}${rid}`));
      }

      // 2. A stream that already delivered content is not retried (it would duplicate output).
      const partial = outcome.partialTextLength ?? 0;
      if (stream && partial > 0) {
        return finish(
          false,
          verdictFrom(cls, cls.category, `The stream failed after ${plural(partial, 'character')} of content had arrived: ${stop(what)} Not retried, because a retry would generate (and bill) the reply again; keep or discard the partial text explicitly.${earlier}${rid}`),
        );
      }

      // 3. Out of attempts: maybe one try on the fallback model.
      let useFallback = false;
      if (retriesUsed >= policy.maxRetries) {
        const overloaded = cls.category === 'overloaded' || cls.errorType === 'overloaded_error';
        if (overloaded && policy.fallbackModel && !fallbackUsed && policy.fallbackModel !== model) {
          useFallback = true;
        } else {
          // Timeouts that all ended the same way: say it once ("Timed out" is the title already).
          const same = cls.category === 'timeout' && cls.message !== null && history.every((h) => h.category === 'timeout' && h.message === cls.message);
          const summary = same
            ? `Gave up after ${plural(history.length, 'attempt')}${history.length > 1 ? ', the same each time' : ''}: ${lowerFirst(stop(cls.message!))}${fallbackUsed ? ` The fallback model ${model} timed out too.` : ''} Waited ${fmtS(totalBackoffMs)} in backoff${queuedText()}.${rid}`
            : `Gave up after ${plural(history.length, 'attempt')} (${historyText(history)}); last: ${stop(what)}${fallbackUsed ? ` The fallback model ${model} failed too.` : ''} Waited ${fmtS(totalBackoffMs)} in backoff${queuedText()}.${rid}`;
          return finish(false, verdictFrom(cls, cls.category, summary));
        }
      }

      // 4. How long to wait: the server's demand, else our jitter.
      let delay: number;
      let reason: BackoffReason;
      const ra = parseRetryAfter(headers, Date.now());
      if (ra && 'ms' in ra && ra.ms > 0) {
        if (ra.ms > policy.maxRetryAfterMs) {
          const at = new Date(Date.now() + ra.ms);
          const until = Number.isFinite(at.getTime()) ? ` Try again after ${at.toISOString().replace(/\.\d+Z$/, 'Z')}.` : '';
          return finish(
            false,
            verdictFrom(cls, cls.category, `${stop(what)} The server asked to wait ${fmtS(ra.ms)} (${ra.reason}), more than the ${fmtS(policy.maxRetryAfterMs)} limit (maxRetryAfterMs), so the run stopped now instead of hanging.${until} ${officialSdkOnRetryAfter(ra.ms)}${earlier}${rid}`),
          );
        }
        delay = ra.ms;
        reason = ra.reason;
      } else {
        delay = computeBackoff(retriesUsed, policy, prevDelay, random);
        reason = 'jitter';
      }
      // storm-policy hook (throttle.ts): jitter on top of a 529/503 retry-after; policy.throttle's holds.
      const room = Math.min(Math.max(policy.maxDelayMs, policy.maxRetryAfterMs), deadlineAt !== undefined ? deadlineAt - performance.now() - attemptFloor() - DEADLINE_MARGIN_MS : Infinity);
      delay = paceOverload({ delayMs: delay, reason, status: cls.status, category: cls.category, retryAfterSpread: policy.retryAfterSpread, throttle: policy.throttle, random, draw: () => computeBackoff(retriesUsed, policy, prevDelay, random), roomMs: room });
      // While the shared limiter is throttling (others queued, or every slot taken), an overload
      // answer's retry waits in its queue instead of a jittered sleep: the queue already spreads
      // the retries (FIFO, admitted only as slots free up), and a sleep on top only leaves slots
      // idle. A run alone never sees a saturated limiter, so it keeps its jittered backoff; a
      // server's retry-after is always honoured. Only while a success came back since the last
      // cut (queuePaces, limiter.ts): after nothing but 529s the queue would re-send at 529 speed.
      const paced = reason === 'jitter' && limiter !== undefined && overloadSignal(cls.status, cls.category) === 'overload' && queuePaces(limiter);

      // 5. Retry budget (shared token bucket).
      if (budget && !budget.canRetry()) {
        const s = budget.snapshot();
        return finish(
          false,
          verdictFrom(cls, cls.category, `${stop(what)} Retry budget exhausted (${s.tokens.toFixed(1)} of ${s.maxTokens} tokens, retries pause at ≤ ${s.threshold}): not retrying, to avoid adding load while most requests fail.${earlier}${rid}`),
        );
      }

      // 6. Total deadline: a retry needs the wait plus the time an attempt takes.
      if (deadlineAt !== undefined) {
        const remaining = deadlineAt - performance.now();
        const need = attemptFloor();
        if (remaining < need) {
          return finish(
            false,
            verdictFrom(cls, cls.category, `${stop(what)} Stopped at the ${fmtS(policy.deadlineMs!)} deadline after ${plural(history.length, 'attempt')}: ${fmtS(Math.max(0, remaining))} left is less than the ${fmtS(need)} another attempt needs.${earlier}${rid}`),
          );
        }
        if (!paced && delay + need > remaining) {
          if (reason !== 'jitter') {
            return finish(
              false,
              verdictFrom(cls, cls.category, `${stop(what)} The server asked to wait ${fmtS(delay)} (${reason}) but only ${fmtS(remaining)} of the ${fmtS(policy.deadlineMs!)} deadline was left; stopped.${earlier}${rid}`),
            );
          }
          // Shorten the wait so one last attempt still fits in the time budget.
          delay = Math.min(remaining / 2, remaining - need);
          reason = 'budget';
        }
      }

      if (useFallback) {
        fallbackUsed = true;
        model = state.model = policy.fallbackModel!;
      } else {
        retriesUsed++;
      }
      if (reason === 'jitter' || reason === 'budget') prevDelay = delay;
      if (paced) continue; // the wait happens in the limiter's queue (reported as reason 'limiter')

      emit({ event: 'backoff', runId, attempt, delayMs: delay, reason });
      state.phase = `in the backoff after attempt ${attempt}`;
      const slept = await abortableSleep(delay, signal);
      totalBackoffMs += slept.sleptMs;
      emit({ event: 'backoffDone', runId, attempt, plannedMs: delay, actualMs: slept.sleptMs });
      if (slept.aborted) return cancelled(`during the backoff after attempt ${attempt}`, null);
    }
  } finally {
    contexts.delete(ctxToken);
  }
}
