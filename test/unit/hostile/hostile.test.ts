/**
 * Hostile responses: raw node:http / node:net servers on 127.0.0.1 that answer in every broken
 * way a proxy, a gateway or a bad day can. For each: no crash, no unbounded wait (the per-attempt
 * timeout holds), and a clear, specific verdict.
 */
import type http from 'node:http';
import type net from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ErrorCategory } from '../../../src/core/data/api-facts';
import { runConnectionTest, type ConnectionTestOptions } from '../../../src/core/retry/client';
import type { AttemptEvent, BackoffEvent, ClientEvent, ResultEvent } from '../../../src/core/retry/events';
import { closedPort, errorBody, httpServer, messageBody, sendJson, sseFrames, tcpServer, type TestServer } from './servers';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('HOSTILE', 67);
/** Per-attempt timeout for the cases that test hangs; kept small so the suite stays fast. */
const TIMEOUT = 300;
/** Per-attempt timeout for every other case: generous, so a loaded machine never turns them into timeouts. */
const ROOMY = 5000;
const SLACK = 1500;

interface Case {
  name: string;
  server: () => Promise<TestServer>;
  opts?: Partial<ConnectionTestOptions>;
  /** Category of the first attempt. */
  first: ErrorCategory;
  /** Final outcome. */
  ok?: boolean;
  attempts?: number;
  /** Summary must match. */
  summary?: RegExp;
  /** Upper bound on total time. */
  maxMs?: number;
  check?: (r: { result: ResultEvent; events: ClientEvent[]; attempts: AttemptEvent[]; backoffs: BackoffEvent[]; server: TestServer }) => void;
}

type H = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;
const http1 = (h: H) => () => httpServer(h);
const tcp1 = (h: (s: net.Socket, n: number) => void) => () => tcpServer(h);
/** First request: the hostile answer; afterwards a good 200 (so retryable cases can recover). */
const thenOk = (h: H): H => (req, res, n) => (n === 1 ? h(req, res, n) : sendJson(res, 200, messageBody('recovered')));

const sse = (res: http.ServerResponse, frames: string[], end = true) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_sse' });
  for (const f of frames) res.write(f);
  if (end) res.end();
};

const CASES: Case[] = [
  {
    name: '500 with an empty body',
    server: http1(thenOk((_q, res) => { res.writeHead(500, { 'request-id': 'req_empty' }); res.end(); })),
    first: 'api_error', ok: true, attempts: 2,
    check: ({ attempts }) => expect(attempts[0]!.requestId).toBe('req_empty'),
  },
  {
    name: '529 with truncated JSON: type salvaged',
    server: http1(thenOk((_q, res) => { res.writeHead(529, { 'content-type': 'application/json' }); res.end('{"type":"error","error":{"type":"overloaded_error","message":"Overlo'); })),
    first: 'overloaded', ok: true, attempts: 2,
    check: ({ attempts }) => expect(attempts[0]!.errorType).toBe('overloaded_error'),
  },
  {
    name: '502 HTML page from a proxy',
    server: http1(thenOk((_q, res) => { res.writeHead(502, { 'content-type': 'text/html' }); res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>'); })),
    first: 'bad_gateway', ok: true, attempts: 2,
    check: ({ attempts }) => expect(attempts[0]!.message).toBe('502 Bad Gateway'),
  },
  {
    name: '400 with a 10 MB JSON body: message clipped, no crash',
    server: http1((_q, res) => sendJson(res, 400, errorBody('invalid_request_error', 'x'.repeat(10 * 1024 * 1024)))),
    opts: { timeoutMs: 10_000 },
    first: 'invalid_request', ok: false, attempts: 1, maxMs: 10_000,
    check: ({ attempts, result }) => {
      expect(attempts[0]!.message!.length).toBeLessThanOrEqual(1001);
      expect(result.verdict.summary.length).toBeLessThan(2000);
    },
  },
  {
    name: '200 with a 10 MB non-JSON body',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>' + 'z'.repeat(10 * 1024 * 1024)); }),
    opts: { timeoutMs: 10_000 },
    first: 'unknown', ok: false, attempts: 1, maxMs: 10_000, summary: /not a Messages API reply/,
    check: ({ result }) => expect(result.verdict.summary.length).toBeLessThan(1000),
  },
  {
    name: 'negative retry-after: ignored, jitter used',
    server: http1(thenOk((_q, res) => sendJson(res, 429, errorBody('rate_limit_error', 'slow'), { 'retry-after': '-5' }))),
    first: 'rate_limit', ok: true, attempts: 2,
    check: ({ backoffs }) => expect(backoffs[0]!.reason).toBe('jitter'),
  },
  {
    name: 'huge retry-after: stops at once with a clear verdict',
    server: http1((_q, res) => sendJson(res, 429, errorBody('rate_limit_error', 'slow'), { 'retry-after': '86400' })),
    first: 'rate_limit', ok: false, attempts: 1, maxMs: 4000, summary: /asked to wait 86400 s.*maxRetryAfterMs/,
  },
  {
    name: 'absurd retry-after (1e300 seconds)',
    server: http1((_q, res) => sendJson(res, 503, errorBody('api_error', 'x'), { 'retry-after': '1' + '0'.repeat(300) })),
    first: 'unavailable', ok: false, attempts: 1, maxMs: 4000, summary: /maxRetryAfterMs/,
  },
  {
    name: 'garbage retry-after: jitter used',
    server: http1(thenOk((_q, res) => sendJson(res, 529, errorBody('overloaded_error', 'x'), { 'retry-after': 'soon, maybe' }))),
    first: 'overloaded', ok: true, attempts: 2,
    check: ({ backoffs }) => expect(backoffs[0]!.reason).toBe('jitter'),
  },
  {
    name: 'HTTP-date retry-after in the past: jitter used',
    server: http1(thenOk((_q, res) => sendJson(res, 429, errorBody('rate_limit_error', 'x'), { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))),
    first: 'rate_limit', ok: true, attempts: 2,
    check: ({ backoffs }) => expect(backoffs[0]!.reason).toBe('jitter'),
  },
  {
    name: 'HTTP-date retry-after in the near future is honoured',
    server: http1(thenOk((_q, res) => sendJson(res, 429, errorBody('rate_limit_error', 'x'), { 'retry-after': new Date(Date.now() + 2000).toUTCString() }))),
    first: 'rate_limit', ok: true, attempts: 2,
    check: ({ backoffs }) => {
      expect(backoffs[0]!.reason).toBe('retry-after');
      expect(backoffs[0]!.delayMs).toBeGreaterThan(500);
      expect(backoffs[0]!.delayMs).toBeLessThanOrEqual(2000);
    },
  },
  {
    name: 'slow headers (never answers): per-attempt timeout',
    server: http1(() => { /* hang */ }),
    opts: { timeoutMs: TIMEOUT, policy: { maxRetries: 1 } },
    first: 'timeout', ok: false, attempts: 2, maxMs: 2 * TIMEOUT + SLACK, summary: /Gave up after 2 attempts.*connected and sent the request; no answer within/,
  },
  {
    name: 'headers then a stalled body: the timeout covers the body too',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_stall' }); res.write('{"id":"msg_1","type":"mess'); }),
    opts: { timeoutMs: TIMEOUT, policy: { maxRetries: 0 } },
    first: 'timeout', ok: false, attempts: 1, maxMs: TIMEOUT + SLACK, summary: /HTTP 200 headers arrived, but the body did not finish/,
  },
  {
    name: 'slow headers that arrive after the timeout are not waited for',
    server: http1((_q, res, n) => { if (n > 1) sendJson(res, 200, messageBody()); else setTimeout(() => { if (!res.destroyed) sendJson(res, 200, messageBody()); }, 3000); }),
    opts: { timeoutMs: TIMEOUT },
    first: 'timeout', ok: true, attempts: 2, maxMs: TIMEOUT + SLACK,
  },
  {
    name: 'connection reset mid-body (content-length promised, socket destroyed)',
    server: tcp1((s, n) => {
      if (n === 1) {
        s.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"id":"msg_1","type":"message","content":[');
        setTimeout(() => s.destroy(), 20);
      } else {
        const b = JSON.stringify(messageBody());
        s.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\nconnection: close\r\n\r\n${b}`);
      }
    }),
    first: 'connection', ok: true, attempts: 2,
  },
  {
    name: 'socket closed before any answer',
    server: tcp1((s) => s.destroy()),
    opts: { policy: { maxRetries: 1 } },
    first: 'connection', ok: false, attempts: 2, summary: /Gave up after 2 attempts/,
  },
  {
    name: 'not HTTP at all (raw garbage bytes)',
    server: tcp1((s) => { s.end('\x00\x01garbage that is not HTTP\r\n\r\n'); }),
    opts: { policy: { maxRetries: 0 } },
    first: 'connection', ok: false, attempts: 1,
  },
  {
    name: 'connection refused (nothing listening)',
    server: async () => {
      const port = await closedPort();
      return { url: `http://127.0.0.1:${port}`, port, requests: [], close: async () => {} };
    },
    opts: { policy: { maxRetries: 1 } },
    first: 'connection', ok: false, attempts: 2, summary: /Connection refused/,
  },
  {
    name: 'SSE garbage: a 200 event-stream full of noise',
    server: http1((_q, res) => sse(res, [': comment\n\n', 'data: not json at all\n\n', 'event: \ndata: \n\n', 'random line\n\n'])),
    opts: { stream: true, policy: { maxRetries: 0 } },
    first: 'connection', ok: false, attempts: 1, summary: /not a valid SSE stream/,
  },
  {
    name: 'streaming request answered with plain JSON (a proxy that buffers or ignores stream)',
    server: http1((_q, res) => sendJson(res, 200, messageBody('not streamed'))),
    opts: { stream: true },
    first: 'unknown', ok: false, attempts: 1, summary: /not an event stream \(content-type application\/json\)/,
    check: ({ result }) => expect(result.status).toBe(200),
  },
  {
    name: 'SSE stream ending without message_stop, after content',
    server: http1((_q, res) => sse(res, sseFrames('partial reply', { stop: false }))),
    opts: { stream: true },
    first: 'connection', ok: false, attempts: 1, summary: /ended without message_stop.*content had arrived|content had arrived/,
    check: ({ attempts }) => expect(attempts[0]!.partialTextLength).toBe('partial reply'.length),
  },
  {
    name: 'SSE stream ending before any event: retried',
    server: http1((_q, res) => sse(res, [])),
    opts: { stream: true },
    first: 'connection', ok: false, attempts: 5, summary: /Gave up after 5 attempts/,
  },
  {
    name: 'SSE error event with a non-JSON payload',
    server: http1((_q, res) => sse(res, [sseFrames('')[0]!, 'event: error\ndata: upstream exploded\n\n'])),
    opts: { stream: true, policy: { maxRetries: 1 } },
    first: 'stream_error', attempts: 2, ok: false,
  },
  {
    name: 'SSE then the socket hangs: per-attempt timeout, partial reported',
    server: http1((_q, res) => sse(res, sseFrames('hello world', { stop: false }).slice(0, 3), false)),
    opts: { timeoutMs: TIMEOUT, stream: true },
    first: 'timeout', ok: false, attempts: 1, maxMs: TIMEOUT + SLACK, summary: /content had arrived/,
  },
  {
    name: 'wrong content-type: a JSON error sent as text/plain',
    server: http1(thenOk((_q, res) => { res.writeHead(529, { 'content-type': 'text/plain' }); res.end(JSON.stringify(errorBody('overloaded_error', 'Overloaded'))); })),
    first: 'overloaded', ok: true, attempts: 2,
    check: ({ attempts }) => expect(attempts[0]!.errorType).toBe('overloaded_error'),
  },
  {
    name: 'non-JSON 200 (text/plain)',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('Welcome to the captive portal'); }),
    first: 'unknown', ok: false, attempts: 1, summary: /HTTP 200 but a non-JSON body.*not a Messages API reply/,
  },
  {
    name: 'invalid JSON 200 with a JSON content-type',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"id": "msg_1", oops'); }),
    first: 'unknown', ok: false, attempts: 1, summary: /not valid JSON/,
    check: ({ result }) => expect(result.status).toBe(200),
  },
  {
    name: 'JSON 200 that is not a message',
    server: http1((_q, res) => sendJson(res, 200, { hello: 'world' })),
    first: 'unknown', ok: false, attempts: 1, summary: /JSON that is not a message/,
  },
  {
    name: 'empty 200 with content-length 0',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': '0' }); res.end(); }),
    first: 'unknown', ok: false, attempts: 1, summary: /not a Messages API reply/,
  },
  {
    name: 'corrupt gzip body',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }); res.end(Buffer.from('definitely not gzip')); }),
    opts: { policy: { maxRetries: 0 } },
    first: 'unknown', ok: false, attempts: 1, summary: /could not be decompressed/,
  },
  {
    name: 'valid gzip body works',
    server: http1((_q, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }); res.end(gzipSync(JSON.stringify(messageBody('zipped')))); }),
    first: 'ok', ok: true, attempts: 1,
    check: ({ result }) => expect(result.text).toBe('zipped'),
  },
  {
    name: 'unknown status 418 without body: not retried, explained',
    server: http1((_q, res) => { res.writeHead(418); res.end(); }),
    first: 'unknown', ok: false, attempts: 1, summary: /418/,
  },
  {
    name: 'odd 5xx (599) is retried as a server error',
    server: http1(thenOk((_q, res) => { res.writeHead(599); res.end('?'); })),
    first: 'server_error', ok: true, attempts: 2,
  },
  {
    name: 'rate-limit headers full of garbage are ignored, not crashed on',
    server: http1((_q, res) => sendJson(res, 200, messageBody(), {
      'anthropic-ratelimit-requests-limit': 'lots', 'anthropic-ratelimit-requests-remaining': '-', 'anthropic-ratelimit-requests-reset': 'tomorrow',
      'anthropic-ratelimit-tokens-limit': '80000', 'anthropic-ratelimit-tokens-reset': '2026-11-23T09:00:00Z',
    })),
    first: 'ok', ok: true, attempts: 1,
    check: ({ attempts }) => expect(attempts[0]!.rateLimit).toEqual({ tokens: { limit: 80000, reset: '2026-11-23T09:00:00Z' } }),
  },
  {
    name: 'a server that echoes the key in the error and in headers: redacted everywhere',
    server: http1((req, res) => sendJson(res, 401, errorBody('authentication_error', `bad key: ${req.headers.authorization}`), { 'request-id': String(req.headers.authorization) })),
    first: 'authentication', ok: false, attempts: 1,
    check: ({ events, result }) => {
      const all = JSON.stringify(events) + JSON.stringify(result);
      expect(all).not.toContain(KEY);
      expect(all).not.toContain('api03-HOSTILE-');
    },
  },
  {
    name: 'a 401 CORS answer names the Origin header problem',
    server: http1((_q, res) => sendJson(res, 401, errorBody('authentication_error', 'CORS requests are not allowed for this Organization because of the anthropic-dangerous-direct-browser-access header.'))),
    first: 'cors', ok: false, attempts: 1,
  },
];

describe('hostile responses', () => {
  it('has at least 20 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)('$name', async (c) => {
    const server = await c.server();
    try {
      const events: ClientEvent[] = [];
      const t = performance.now();
      const result = await runConnectionTest({
        baseURL: server.url,
        apiKey: KEY,
        model: 'claude-haiku-4-5',
        timeoutMs: ROOMY,
        ...c.opts,
        policy: { baseDelayMs: 10, maxDelayMs: 40, ...(c.opts?.policy ?? {}) },
        onEvent: (e) => events.push(e),
      });
      const took = performance.now() - t;
      const attempts = events.filter((e): e is AttemptEvent => e.event === 'attempt');
      const backoffs = events.filter((e): e is BackoffEvent => e.event === 'backoff');

      // Always: a result event last, a verdict in words, no key anywhere, bounded time.
      expect(events.at(-1)?.event).toBe('result');
      expect(result.verdict.summary.length).toBeGreaterThan(15);
      expect(result.verdict.title.length).toBeGreaterThan(0);
      expect(result.verdict.nextStep.length).toBeGreaterThan(0);
      expect(JSON.stringify(events)).not.toContain(KEY);
      expect(took).toBeLessThan(c.maxMs ?? ROOMY);

      expect(attempts[0]?.category).toBe(c.first);
      if (c.ok !== undefined) expect(result.ok).toBe(c.ok);
      if (c.attempts !== undefined) expect(result.attempts).toBe(c.attempts);
      if (c.summary) expect(result.verdict.summary).toMatch(c.summary);
      c.check?.({ result, events, attempts, backoffs, server });
    } finally {
      await server.close();
    }
  });
});
