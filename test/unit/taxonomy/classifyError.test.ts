import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEND_CAP_ERROR_CODE } from '../../../src/core/data/api-facts';
import { classifyError, transportOf } from '../../../src/core/taxonomy';
import { closedPort, httpServer, tcpServer, type TestServer } from '../hostile/servers';

const hdrs = (extra: Record<string, string> = {}) => new Headers({ 'request-id': 'req_sdk', ...extra });
const errBody = (type: string, message: string, code?: string) => ({
  type: 'error',
  error: { type, message, ...(code ? { details: { error_code: code } } : {}) },
  request_id: 'req_body',
});

describe('classifyError: SDK APIError family (built by the SDK itself)', () => {
  const cases: [number, string, string][] = [
    [400, 'invalid_request_error', 'invalid_request'],
    [401, 'authentication_error', 'authentication'],
    [402, 'billing_error', 'billing'],
    [403, 'permission_error', 'permission'],
    [404, 'not_found_error', 'not_found'],
    [408, '', 'request_timeout'],
    [409, 'conflict_error', 'conflict'],
    [413, 'request_too_large', 'request_too_large'],
    [422, 'invalid_request_error', 'unprocessable'],
    [429, 'rate_limit_error', 'rate_limit'],
    [500, 'api_error', 'api_error'],
    [502, '', 'bad_gateway'],
    [503, '', 'unavailable'],
    [504, 'timeout_error', 'gateway_timeout'],
    [529, 'overloaded_error', 'overloaded'],
  ];
  it.each(cases)('%i %s → %s', (status, type, category) => {
    const err = APIError.generate(status, type ? errBody(type, 'msg') : undefined, type ? undefined : 'plain text body', hdrs());
    const c = classifyError(err);
    expect(c.category).toBe(category);
    expect(c.status).toBe(status);
    expect(c.requestId).toBe('req_sdk');
    if (type) {
      expect(c.errorType).toBe(type);
      expect(c.message).toBe('msg');
    }
  });

  it('529 is an OverloadedError in this SDK and classifies as overloaded', () => {
    const err = APIError.generate(529, errBody('overloaded_error', 'Overloaded'), undefined, hdrs({ 'x-should-retry': 'true' }));
    expect(err.constructor.name).toBe('OverloadedError');
    expect(classifyError(err)).toMatchObject({ category: 'overloaded', retryable: true, retrySource: 'x-should-retry' });
  });

  it('spend-cap 429 via error.details.error_code', () => {
    const err = APIError.generate(429, errBody('rate_limit_error', 'cap', SPEND_CAP_ERROR_CODE), undefined, hdrs());
    expect(classifyError(err)).toMatchObject({ category: 'spend_cap', retryable: false, errorCode: SPEND_CAP_ERROR_CODE });
  });

  it('non-JSON bodies (the SDK puts the text in the message)', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const c = classifyError(APIError.generate(502, undefined, html, hdrs()));
    expect(c).toMatchObject({ category: 'bad_gateway', bodyKind: 'html', message: '502 Bad Gateway' });
    const empty = classifyError(APIError.generate(503, undefined, undefined, hdrs()));
    expect(empty).toMatchObject({ category: 'unavailable', bodyKind: 'empty' });
  });

  it('x-should-retry: false on a 500 from the SDK error headers', () => {
    const err = APIError.generate(500, errBody('api_error', 'x'), undefined, hdrs({ 'x-should-retry': 'false' }));
    expect(classifyError(err).retryable).toBe(false);
  });

  it('a mid-stream error: APIError with status undefined and the event type', () => {
    const err = new APIError(undefined, errBody('overloaded_error', 'Overloaded'), undefined, hdrs(), 'overloaded_error');
    const c = classifyError(err);
    expect(c).toMatchObject({ category: 'stream_error', status: null, errorType: 'overloaded_error', retryable: true, requestId: 'req_sdk' });
  });

  it('connection errors, timeouts and aborts', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const conn = new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: refused }) });
    expect(classifyError(conn)).toMatchObject({ category: 'connection', transport: 'refused', retryable: true });
    expect(classifyError(conn).message).toContain('ECONNREFUSED');
    expect(classifyError(new APIConnectionError({}))).toMatchObject({ category: 'connection', transport: 'other' });
    expect(classifyError(new APIConnectionTimeoutError())).toMatchObject({ category: 'timeout', retryable: true });
    expect(classifyError(new APIUserAbortError())).toMatchObject({ category: 'aborted', retryable: false });
  });
});

describe('classifyError: fetch / undici / DOM errors', () => {
  const undici = (code: string, message = code) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ])('%s → %s', (code, kind) => {
    const c = classifyError(undici(code));
    expect(c.transport).toBe(kind);
    expect(c.category).toBe(kind === 'timeout' ? 'timeout' : 'connection');
  });

  it('"terminated" (body cut) is a reset', () => {
    const e = Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(classifyError(e).transport).toBe('reset');
    expect(transportOf(new TypeError('terminated'))?.kind).toBe('reset');
  });

  it('DOM AbortError / TimeoutError', () => {
    expect(classifyError(new DOMException('aborted', 'AbortError')).category).toBe('aborted');
    expect(classifyError(new DOMException('timed out', 'TimeoutError')).category).toBe('timeout');
  });

  it('SyntaxError, plain errors and non-errors', () => {
    let syntax: unknown;
    try {
      JSON.parse('{nope');
    } catch (e) {
      syntax = e;
    }
    expect(classifyError(syntax)).toMatchObject({ category: 'unknown' });
    expect(classifyError(syntax).message).toMatch(/not valid JSON/);
    expect(classifyError(new Error('boom'))).toMatchObject({ category: 'unknown', message: 'boom', retryable: false });
    expect(classifyError('a string')).toMatchObject({ category: 'unknown', message: 'a string' });
    expect(classifyError(null).category).toBe('unknown');
    expect(classifyError(undefined).category).toBe('unknown');
    expect(classifyError(42).message).toBe('42');
  });

  it('hostile thrown objects do not make it throw', () => {
    const evil = new Proxy({}, { get: () => { throw new Error('getter'); }, has: () => { throw new Error('has'); } });
    expect(() => classifyError(evil)).not.toThrow();
    const cyclic: Record<string, unknown> = { name: 'Error', message: 'loop' };
    cyclic.cause = cyclic;
    expect(classifyError(cyclic).category).toBe('unknown');
  });
});

describe('classifyError: real failures on 127.0.0.1', () => {
  let resetServer: TestServer;
  let plain: TestServer;
  beforeAll(async () => {
    resetServer = await tcpServer((s) => s.destroy());
    plain = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello');
    });
  });
  afterAll(async () => {
    await resetServer.close();
    await plain.close();
  });

  it('refused: real fetch to a closed port', async () => {
    const port = await closedPort();
    const err = await fetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(classifyError(err)).toMatchObject({ category: 'connection', transport: 'refused' });
  });

  it('reset: the server destroys the socket', async () => {
    const err = await fetch(resetServer.url, { method: 'POST', body: 'x' }).catch((e: unknown) => e);
    const c = classifyError(err);
    expect(c.category).toBe('connection');
    expect(['reset', 'other']).toContain(c.transport);
  });

  it('tls: https to a plain-http port', async () => {
    const err = await fetch(`https://127.0.0.1:${plain.port}/`).catch((e: unknown) => e);
    expect(classifyError(err)).toMatchObject({ category: 'connection', transport: 'tls' });
  });

  it('fetch refusing locally (bad port, credentials in URL): not retryable, explained', async () => {
    const badPort = await fetch('http://127.0.0.1:9/').catch((e: unknown) => e);
    expect(classifyError(badPort)).toMatchObject({ category: 'connection', retryable: false });
    expect(classifyError(badPort).message).toMatch(/bad ports/);
    const creds = await fetch(`http://user:pw@127.0.0.1:${plain.port}/`).catch((e: unknown) => e);
    expect(classifyError(creds)).toMatchObject({ category: 'connection', retryable: false });
    expect(classifyError(creds).message).toMatch(/user name or password/);
    // Wrapped by the SDK, the same.
    expect(classifyError(new APIConnectionError({ cause: badPort as Error })).retryable).toBe(false);
  });

  it('a generic APIConnectionError reports its deepest cause', () => {
    const e = new APIConnectionError({ cause: new Error('something specific broke') });
    expect(classifyError(e)).toMatchObject({ category: 'connection', transport: 'other', message: 'something specific broke' });
  });

  it('through the real SDK: connection refused and a user abort', async () => {
    const port = await closedPort();
    const client = new Anthropic({ apiKey: 'sk-ant-test-000000', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const err = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(classifyError(err)).toMatchObject({ category: 'connection', transport: 'refused' });
    const ac = new AbortController();
    ac.abort();
    const aborted = await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }, { signal: ac.signal }).catch((e: unknown) => e);
    expect(classifyError(aborted).category).toBe('aborted');
  });
});
