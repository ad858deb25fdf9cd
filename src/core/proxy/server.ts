/**
 * The recording, fault-injecting proxy (issue #15): a local Anthropic-compatible endpoint on
 * 127.0.0.1 that forwards the user's own app traffic to an upstream (the Claude API, a gateway, or
 * the built-in simulator) and reports every request/response pair as an `Exchange`.
 *
 * - Loopback only, and every request must carry the per-session token — in the base URL's path
 *   (`ANTHROPIC_BASE_URL=http://127.0.0.1:PORT/t/TOKEN`) or an `x-claude-doctor-token` header —
 *   and a loopback `Host` (no DNS rebinding): another local user or a web page cannot use it as an
 *   open relay to the user's key.
 * - Streams pass through chunk by chunk, never buffered; only a bounded head and tail of each
 *   body is kept to classify it (a mid-stream `event: error` included).
 * - The key is forwarded upstream and never kept: an Exchange carries no header values but the
 *   ones listed, every text in it is redacted.
 * - Faults: a rate, or "the next N requests", answered by a fault server (the simulator) with the
 *   chosen scenario instead of the upstream.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { HEADERS } from '../data/api-facts';
import { redactSecrets } from '../redact';
import { parseRateLimitHeaders } from '../retry/headers';
import type { RateLimitInfo } from '../retry/events';
import { classify } from '../taxonomy';

/** Where the token goes in the app's base URL. */
export const TOKEN_PATH_PREFIX = '/t/';
export const TOKEN_HEADER = 'x-claude-doctor-token';
/** Headers the proxy adds to a request it answers with a fault: the simulator's scenario, and a
 * session of its own so that this very request fails (the simulator counts faults per session). */
const SCENARIO_HEADER = 'x-simulate-scenario';
const SESSION_HEADER = 'x-simulate-session';

export interface FaultPlan {
  /** Simulator scenario spec used for injected faults, e.g. `overloaded`, `rate-limited;retry-after=2`. */
  scenario: string;
  /** Fraction of requests (0–1) answered with the fault. */
  rate?: number;
  /** The next N requests are answered with the fault (before `rate` applies). */
  next?: number;
}

export interface ProxyOptions {
  /** Base URL requests are forwarded to (`https://api.anthropic.com`, a gateway, the simulator). */
  upstream: string;
  /** Base URL of the fault server (the simulator) that answers injected faults. */
  faultServer?: string;
  faults?: FaultPlan | null;
  /** Only loopback: '127.0.0.1' (default) or '::1'. */
  host?: string;
  port?: number;
  /** The session token; default 24 random bytes, base64url. */
  token?: string;
  /** Secrets to redact from everything reported (the app's key is redacted by shape as well). */
  secrets?: () => readonly string[];
  onExchange?: (ex: Exchange) => void;
  /** For tests: the fault-rate draw. */
  random?: () => number;
}

/** One request/response pair as the proxy saw it. Never holds a key. */
export interface Exchange {
  id: string;
  /** Epoch ms the request arrived. */
  ts: number;
  method: string;
  /** Path after the token prefix, without the query string. */
  path: string;
  model: string | null;
  /** `max_tokens` of the request body, when it has one. */
  maxTokens?: number | null;
  /** The request asked for a stream (`"stream": true`). */
  stream: boolean;
  /** `x-stainless-retry-count` of the request (the official SDKs send it), when present. */
  retryCount: number | null;
  /** HTTP status sent to the app; null when no response could be sent. */
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  message: string | null;
  requestId: string | null;
  /** `retry-after` the app was told, as sent. */
  retryAfter: string | null;
  rateLimit?: RateLimitInfo;
  /** Until the response headers arrived, and until the response ended (or broke). */
  firstByteMs: number | null;
  latencyMs: number;
  /** The scenario injected instead of the upstream's answer. */
  injected: string | null;
  /** The upstream could not be reached, or the exchange broke: what happened. */
  failure: string | null;
  /** The app went away before the answer ended. */
  clientAborted: boolean;
  /** Which connection of the app it came on (`remote port`). */
  connection: string;
  /**
   * A digest of the request body (its first 64 KB): attempts of one logical request share it, which
   * is how retries are told apart from new requests. Not reversible; holds no header.
   */
  bodyHash: string;
}

export interface RunningProxy {
  /** What the app uses as its base URL (token included). */
  readonly baseUrl: string;
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Changes the fault plan for the requests that arrive from now on. */
  setFaults(plan: FaultPlan | null): void;
  faults(): FaultPlan | null;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1']);
/** Bytes of a body kept for classification: its head and its tail (mid-stream errors come last). */
const KEEP_HEAD = 64 * 1024;
const KEEP_TAIL = 16 * 1024;
/** Bytes of a request body read for `model` / `stream`. */
const REQUEST_HEAD = 64 * 1024;

/** A bounded copy of a body: the first KEEP_HEAD bytes and the last KEEP_TAIL. */
class BodyTap {
  private head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer = Buffer.alloc(0);
  total = 0;
  constructor(private readonly headMax = KEEP_HEAD, private readonly tailMax = KEEP_TAIL) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headLen < this.headMax) {
      const take = chunk.subarray(0, this.headMax - this.headLen);
      this.head.push(take);
      this.headLen += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length > 0 && this.tailMax > 0) {
      const joined = Buffer.concat([this.tail, chunk]);
      this.tail = joined.subarray(Math.max(0, joined.length - this.tailMax));
    }
  }
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    return this.tail.length > 0 ? `${head}\n${this.tail.toString('utf8')}` : head;
  }
}

/** `model` and `stream` of a Messages request body, read from its head. */
function requestFacts(head: string): { model: string | null; stream: boolean; maxTokens: number | null } {
  try {
    const body = JSON.parse(head) as { model?: unknown; stream?: unknown; max_tokens?: unknown };
    const mt = body.max_tokens;
    return { model: typeof body.model === 'string' ? body.model : null, stream: body.stream === true, maxTokens: typeof mt === 'number' && Number.isFinite(mt) ? mt : null };
  } catch {
    const m = /"model"\s*:\s*"([^"\\]{1,200})"/.exec(head);
    const mt = /"max_tokens"\s*:\s*(\d{1,9})\b/.exec(head);
    return { model: m ? m[1]! : null, stream: /"stream"\s*:\s*true\b/.test(head), maxTokens: mt ? Number(mt[1]) : null };
  }
}

/** The last `event: error` of an SSE body: its error's type and message. */
function streamError(text: string): { type: string | null; message: string | null } | undefined {
  const re = /event:\s*error\s*\r?\ndata:\s*(\{[^\r\n]*\})/g;
  let last: string | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m[1];
  if (!last) return undefined;
  try {
    const e = JSON.parse(last) as { error?: { type?: unknown; message?: unknown } };
    return { type: typeof e.error?.type === 'string' ? e.error.type : null, message: typeof e.error?.message === 'string' ? e.error.message : null };
  } catch {
    return { type: null, message: null };
  }
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function hostIsLoopback(hostHeader: string | undefined, port: number): boolean {
  if (!hostHeader) return false;
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(hostHeader.trim());
  if (!m) return false;
  const host = (m[1] ?? m[2] ?? '').toLowerCase();
  if (m[3] !== undefined && Number(m[3]) !== port) return false;
  return host === 'localhost' || LOOPBACK_HOSTS.has(host);
}

/** An error answered by the proxy itself, shaped like the API's so SDKs surface it as an APIError. */
function answer(res: ServerResponse, status: number, type: string, message: string): void {
  const body = JSON.stringify({ type: 'error', error: { type, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-claude-doctor-proxy': '1' });
  res.end(body);
}

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.has(host)) throw new Error(`the proxy binds only to loopback (127.0.0.1 or ::1), not ${host}`);
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new Error(`upstream must be http(s): ${opts.upstream}`);
  const faultServer = opts.faultServer ? new URL(opts.faultServer) : undefined;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) throw new Error('the proxy token must be at least 16 URL-safe characters');
  let plan: FaultPlan | null = opts.faults ?? null;
  const random = opts.random ?? Math.random;
  const secrets = opts.secrets ?? (() => []);
  const redact = (s: string | null): string | null => (s === null ? null : redactSecrets(s, secrets()));
  const sockets = new Set<import('node:net').Socket>();
  let port = 0;

  const pickFault = (): string | null => {
    if (!plan || !faultServer) return null;
    if (plan.next !== undefined && plan.next > 0) {
      plan = { ...plan, next: plan.next - 1 };
      return plan.scenario;
    }
    if (plan.rate !== undefined && plan.rate > 0 && random() < plan.rate) return plan.scenario;
    return null;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const started = Date.now();
    const t0 = performance.now();
    const rawUrl = req.url ?? '/';
    // ---- the session token and a loopback Host: nothing is forwarded without both --------------
    if (!hostIsLoopback(header(req.headers, 'host'), port)) {
      answer(res, 403, 'permission_error', 'Claude Doctor proxy: requests must be addressed to 127.0.0.1 or localhost.');
      return;
    }
    let path = rawUrl;
    const prefix = `${TOKEN_PATH_PREFIX}${token}`;
    if (path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`)) path = path.slice(prefix.length) || '/';
    else if (header(req.headers, TOKEN_HEADER) !== token) {
      answer(res, 403, 'permission_error', 'Claude Doctor proxy: missing or wrong session token. Use the base URL the proxy printed (…/t/<token>).');
      return;
    }
    const injected = pickFault();
    const target = injected && faultServer ? faultServer : upstream;
    const basePath = target.pathname.replace(/\/$/, '');
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k) || k === TOKEN_HEADER) continue;
      out[k] = v;
    }
    // Bodies pass through as sent and are read to classify them: no compression on the way back.
    out['accept-encoding'] = 'identity';
    const id = randomUUID();
    if (injected) {
      out[SCENARIO_HEADER] = injected;
      out[SESSION_HEADER] = `proxy-${id}`;
    }
    const retryRaw = header(req.headers, HEADERS.retryCount);
    const ex: Exchange = {
      id, ts: started, method: req.method ?? 'GET', path: path.split('?')[0]!, model: null, stream: false,
      retryCount: retryRaw !== undefined && /^\d{1,6}$/.test(retryRaw) ? Number(retryRaw) : null,
      status: null, errorType: null, errorCode: null, message: null, requestId: null, retryAfter: null,
      firstByteMs: null, latencyMs: 0, injected, failure: null, clientAborted: false,
      connection: String(req.socket.remotePort ?? ''), bodyHash: '',
    };
    let reported = false;
    const report = (): void => {
      if (reported) return;
      reported = true;
      ex.latencyMs = Math.round(performance.now() - t0);
      ex.message = redact(ex.message);
      ex.failure = redact(ex.failure);
      opts.onExchange?.(ex);
    };
    const reqTap = new BodyTap(REQUEST_HEAD, 0);
    const client = target.protocol === 'https:' ? https : http;
    const upReq = client.request({
      protocol: target.protocol, hostname: target.hostname, port: target.port || undefined,
      method: req.method, path: `${basePath}${path}`, headers: { ...out, host: target.host },
    });
    req.on('data', (c: Buffer) => reqTap.push(c));
    req.pipe(upReq);
    req.on('end', () => {
      const head = reqTap.text();
      Object.assign(ex, requestFacts(head));
      ex.bodyHash = createHash('sha256').update(head).digest('hex').slice(0, 16);
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        ex.clientAborted = true;
        upReq.destroy();
        report();
      }
    });
    upReq.on('error', (e: NodeJS.ErrnoException) => {
      if (ex.clientAborted) return;
      ex.failure = `${e.code ?? 'error'}: ${e.message}`;
      if (!res.headersSent) {
        ex.status = 502;
        ex.errorType = 'api_error';
        ex.message = `Claude Doctor proxy could not reach ${target.origin} (${e.code ?? e.message})`;
        answer(res, 502, 'api_error', ex.message);
      } else {
        res.destroy();
      }
      report();
    });
    upReq.on('response', (upRes) => {
      ex.firstByteMs = Math.round(performance.now() - t0);
      ex.status = upRes.statusCode ?? null;
      ex.requestId = header(upRes.headers, HEADERS.requestId) ?? null;
      ex.retryAfter = header(upRes.headers, 'retry-after') ?? null;
      ex.rateLimit = parseRateLimitHeaders(upRes.headers as Record<string, string>);
      const headersOut: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headersOut[k] = v;
      if (upRes.headers['content-length'] !== undefined) headersOut['content-length'] = upRes.headers['content-length'];
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, headersOut);
      res.flushHeaders();
      const tap = new BodyTap();
      upRes.on('data', (c: Buffer) => tap.push(c));
      upRes.pipe(res);
      const finish = (broken: boolean): void => {
        const text = tap.text();
        const isStream = /text\/event-stream/i.test(String(upRes.headers['content-type'] ?? ''));
        const midStream = isStream ? streamError(text) : undefined;
        if (midStream) {
          ex.errorType = midStream.type;
          ex.message = midStream.message;
        } else if ((ex.status ?? 0) >= 400) {
          const c = classify({ status: ex.status, body: text, headers: upRes.headers as Record<string, string> });
          ex.errorType = c.errorType;
          ex.errorCode = c.errorCode;
          ex.message = c.message;
          ex.requestId ??= c.requestId;
        }
        if (broken && !ex.clientAborted) ex.failure = 'the upstream closed the response before it ended';
        report();
      };
      upRes.on('end', () => finish(false));
      upRes.on('aborted', () => finish(true));
      upRes.on('error', () => finish(true));
    });
  };

  const server = http.createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  return {
    url,
    port,
    token,
    baseUrl: `${url}${TOKEN_PATH_PREFIX}${token}`,
    setFaults(p) {
      plan = p ? { ...p } : null;
    },
    faults: () => (plan ? { ...plan } : null),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
