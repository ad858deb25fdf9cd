import { describe, expect, it } from 'vitest';
import { ERROR_ROWS, MESSAGE_MARKERS, SPEND_CAP_ERROR_CODE, type ErrorCategory } from '../../../src/core/data/api-facts';
import { classify, parseErrorBody, type ClassifyInput } from '../../../src/core/taxonomy';

const body = (type: string, message: string, code?: string) =>
  JSON.stringify({ type: 'error', error: { type, message, ...(code ? { details: { error_code: code } } : {}) }, request_id: 'req_b' });

interface Row {
  name: string;
  input: ClassifyInput;
  category: ErrorCategory;
  retryable: boolean;
}

// Every row of facts §1, in order, plus the transport rows.
const FACTS_ROWS: Row[] = [
  { name: '400 invalid_request_error', input: { status: 400, body: body('invalid_request_error', 'max_tokens: Field required') }, category: 'invalid_request', retryable: false },
  { name: '400 usage limit (message exception)', input: { status: 400, body: body('invalid_request_error', `${MESSAGE_MARKERS.usageLimit}. You will regain access on 2026-12-01.`) }, category: 'usage_limit', retryable: false },
  { name: '401 authentication_error', input: { status: 401, body: body('authentication_error', 'invalid x-api-key') }, category: 'authentication', retryable: false },
  { name: '401 CORS', input: { status: 401, body: body('authentication_error', `${MESSAGE_MARKERS.corsPrefix}, set anthropic-dangerous-direct-browser-access`) }, category: 'cors', retryable: false },
  { name: '402 billing_error', input: { status: 402, body: body('billing_error', 'no credit') }, category: 'billing', retryable: false },
  { name: '403 permission_error', input: { status: 403, body: body('permission_error', 'no access') }, category: 'permission', retryable: false },
  { name: '404 not_found_error', input: { status: 404, body: body('not_found_error', 'model: claude-3-opus-20240229') }, category: 'not_found', retryable: false },
  { name: '408 (no type)', input: { status: 408, body: '' }, category: 'request_timeout', retryable: true },
  { name: '409 conflict_error', input: { status: 409, body: body('conflict_error', 'lock timeout') }, category: 'conflict', retryable: true },
  { name: '409 value must be unique (message exception; the SDK would retry it)', input: { status: 409, body: body('conflict_error', 'A value that must be unique is already in use.') }, category: 'conflict_unique', retryable: false },
  { name: '409 must be unique, even with x-should-retry: true', input: { status: 409, headers: { 'x-should-retry': 'true' }, body: body('conflict_error', 'name: value must be unique') }, category: 'conflict_unique', retryable: false },
  { name: '429 Claude Code workspace spend limit (429, not 400)', input: { status: 429, body: body('rate_limit_error', `${MESSAGE_MARKERS.workspaceUsageLimit}. You will regain access on 2027-01-01 at 00:00 UTC.`) }, category: 'workspace_spend_limit', retryable: false },
  { name: '200 with an error type: Python mid-stream APIStatusError(status_code=200)', input: { status: 200, errorType: 'overloaded_error', message: 'Overloaded' }, category: 'stream_error', retryable: true },
  { name: '413 from Cloudflare (HTML)', input: { status: 413, body: '<html><head><title>413 Request Entity Too Large</title></head><body>cloudflare</body></html>' }, category: 'request_too_large', retryable: false },
  { name: '413 request_too_large JSON', input: { status: 413, body: body('request_too_large', 'Request exceeds the maximum allowed number of bytes.') }, category: 'request_too_large', retryable: false },
  { name: '422', input: { status: 422, body: body('invalid_request_error', 'unprocessable') }, category: 'unprocessable', retryable: false },
  { name: '429 rate_limit_error + retry-after', input: { status: 429, headers: { 'retry-after': '3' }, body: body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit') }, category: 'rate_limit', retryable: true },
  { name: '429 spend cap', input: { status: 429, body: body('rate_limit_error', 'monthly spend limit', SPEND_CAP_ERROR_CODE) }, category: 'spend_cap', retryable: false },
  { name: '500 api_error', input: { status: 500, body: body('api_error', 'Internal server error') }, category: 'api_error', retryable: true },
  { name: '502 HTML from a proxy', input: { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>' }, category: 'bad_gateway', retryable: true },
  { name: '503 HTML', input: { status: 503, body: '<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>' }, category: 'unavailable', retryable: true },
  { name: '504 timeout_error', input: { status: 504, body: body('timeout_error', 'Request timed out') }, category: 'gateway_timeout', retryable: true },
  { name: '529 overloaded_error', input: { status: 529, headers: { 'x-should-retry': 'true' }, body: body('overloaded_error', 'Overloaded') }, category: 'overloaded', retryable: true },
  { name: '5xx other (501)', input: { status: 501, body: '' }, category: 'server_error', retryable: true },
  { name: 'connection refused', input: { transport: 'refused' }, category: 'connection', retryable: true },
  { name: 'connection reset', input: { transport: 'reset' }, category: 'connection', retryable: true },
  { name: 'DNS', input: { transport: 'dns' }, category: 'connection', retryable: true },
  { name: 'TLS', input: { transport: 'tls' }, category: 'connection', retryable: true },
  { name: 'other transport', input: { transport: 'other' }, category: 'connection', retryable: true },
  { name: 'socket/per-attempt timeout', input: { transport: 'timeout' }, category: 'timeout', retryable: true },
  { name: 'aborted', input: { transport: 'aborted' }, category: 'aborted', retryable: false },
  { name: 'mid-stream overloaded', input: { midStream: true, errorType: 'overloaded_error', message: 'Overloaded' }, category: 'stream_error', retryable: true },
  { name: 'mid-stream invalid_request', input: { midStream: true, errorType: 'invalid_request_error', message: 'bad' }, category: 'stream_error', retryable: false },
  { name: '200', input: { status: 200 }, category: 'ok', retryable: false },
  { name: '418 no type', input: { status: 418, body: '' }, category: 'unknown', retryable: false },
];

describe('classify: every row of facts §1', () => {
  it.each(FACTS_ROWS)('$name → $category (retryable $retryable)', ({ input, category, retryable }) => {
    const c = classify(input);
    expect(c.category).toBe(category);
    expect(c.retryable).toBe(retryable);
    const row = ERROR_ROWS[category];
    expect(c.fault).toBe(row.fault);
    expect(c.nextStep).toBe(row.nextStep);
    expect(c.docsUrl).toBe(row.docsUrl);
    expect(c.title.length).toBeGreaterThan(0);
    expect(c.explanation.length).toBeGreaterThan(0);
  });

  it('CORS 401 suggests no browser-side fix; Python notes travel with the classification', () => {
    const c = classify({ status: 401, body: body('authentication_error', `${MESSAGE_MARKERS.corsPrefix} for this Organization.`) });
    expect(c.category).toBe('cors');
    expect(c.nextStep).not.toMatch(/dangerous-direct-browser-access|header/);
    expect(classify({ status: 503, body: '' }).sdkNotes!.join(' ')).toMatch(/AnthropicBedrock.*ServiceUnavailableError/);
    expect(classify({ status: 504, body: '' }).sdkNotes!.join(' ')).toMatch(/DeadlineExceededError/);
    expect(classify({ status: 200, errorType: 'overloaded_error' }).sdkNotes!.join(' ')).toMatch(/except OverloadedError/);
    expect(classify({ status: 200 }).category).toBe('ok');
    expect(classify({ status: 409, body: body('conflict_error', 'lock timeout') }).retryable).toBe(true);
  });

  it('covers every category of the data module', () => {
    const covered = new Set(FACTS_ROWS.map((r) => r.category));
    const missing = (Object.keys(ERROR_ROWS) as ErrorCategory[]).filter((c) => !covered.has(c));
    expect(missing).toEqual([]);
  });

  it('takes status, type, code, message and request id out of the parts', () => {
    const c = classify({ status: 429, headers: new Headers({ 'request-id': 'req_hdr' }), body: body('rate_limit_error', 'slow down', SPEND_CAP_ERROR_CODE) });
    expect(c).toMatchObject({ status: 429, errorType: 'rate_limit_error', errorCode: SPEND_CAP_ERROR_CODE, message: 'slow down', requestId: 'req_hdr', bodyKind: 'json' });
    // Falls back to the body's request_id when there is no header.
    expect(classify({ status: 500, body: body('api_error', 'x') }).requestId).toBe('req_b');
  });

  it('explicit fields win over the body', () => {
    const c = classify({ status: 529, errorType: 'overloaded_error', message: 'explicit', body: body('api_error', 'from body') });
    expect(c.errorType).toBe('overloaded_error');
    expect(c.message).toBe('explicit');
  });
});

describe('classify: order is status, then error.type, then error_code; never message text', () => {
  it('status decides even when the type disagrees', () => {
    expect(classify({ status: 529, errorType: 'api_error' }).category).toBe('overloaded');
    expect(classify({ status: 500, errorType: 'overloaded_error' }).category).toBe('api_error');
  });
  it('error.type decides for a status outside the table', () => {
    expect(classify({ status: 418, errorType: 'rate_limit_error' }).category).toBe('rate_limit');
    expect(classify({ status: 599, errorType: 'overloaded_error' }).category).toBe('overloaded');
    expect(classify({ status: 599 }).category).toBe('server_error');
  });
  it('a status-less error takes its type (an SDK error without a response)', () => {
    expect(classify({ errorType: 'overloaded_error' }).category).toBe('overloaded');
    expect(classify({ errorType: 'authentication_error' }).category).toBe('authentication');
    expect(classify({ errorType: 'no_such_type' }).category).toBe('unknown');
  });
  it('the spend cap is told by error_code only, not by wording', () => {
    expect(classify({ status: 429, errorType: 'rate_limit_error', message: 'You have reached your monthly spend limit' }).category).toBe('rate_limit');
    expect(classify({ status: 429, errorCode: SPEND_CAP_ERROR_CODE }).category).toBe('spend_cap');
    expect(classify({ status: 429, errorCode: 'some_future_code' }).category).toBe('rate_limit');
  });
  it('the usage-limit 400 is the isolated message exception; other 400 messages stay invalid_request', () => {
    expect(classify({ status: 400, message: 'messages: Unexpected role "system"' }).category).toBe('invalid_request');
    expect(classify({ status: 400, message: `${MESSAGE_MARKERS.usageLimit}` }).category).toBe('usage_limit');
    // The marker on another status means nothing.
    expect(classify({ status: 500, message: `${MESSAGE_MARKERS.usageLimit}` }).category).toBe('api_error');
  });
  it('CORS only on a 401 whose message starts with the marker', () => {
    expect(classify({ status: 401, message: `x ${MESSAGE_MARKERS.corsPrefix}` }).category).toBe('authentication');
    expect(classify({ status: 403, message: MESSAGE_MARKERS.corsPrefix }).category).toBe('permission');
  });
});

describe('x-should-retry overrides the table', () => {
  it('false makes a 529 not retryable', () => {
    const c = classify({ status: 529, headers: { 'x-should-retry': 'false' } });
    expect(c.retryable).toBe(false);
    expect(c.retrySource).toBe('x-should-retry');
  });
  it('true makes a 400 retryable', () => {
    const c = classify({ status: 400, headers: new Headers({ 'X-Should-Retry': 'TRUE' }) });
    expect(c.retryable).toBe(true);
    expect(c.retrySource).toBe('x-should-retry');
  });
  it('agreeing header is recorded as the source', () => {
    expect(classify({ status: 529, headers: { 'x-should-retry': 'true' } }).retrySource).toBe('x-should-retry');
    expect(classify({ status: 529 }).retrySource).toBe('table');
  });
  it('garbage values are ignored', () => {
    expect(classify({ status: 529, headers: { 'x-should-retry': 'maybe' } }).retryable).toBe(true);
    expect(classify({ status: 400, headers: { 'x-should-retry': ['yes'] } }).retryable).toBe(false);
  });
  it('cannot make the spend cap or the usage limit retryable', () => {
    expect(classify({ status: 429, errorCode: SPEND_CAP_ERROR_CODE, headers: { 'x-should-retry': 'true' } }).retryable).toBe(false);
    expect(classify({ status: 400, message: MESSAGE_MARKERS.usageLimit, headers: { 'x-should-retry': 'true' } }).retryable).toBe(false);
  });
});

describe('classify: odd inputs', () => {
  it('redacts key-shaped text in messages', () => {
    const c = classify({ status: 401, message: 'bad key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(c.message).not.toContain('AAAAAAAA');
    expect(c.message).toContain('[redacted]');
  });
  it('clips huge messages', () => {
    const c = classify({ status: 500, message: 'x'.repeat(100_000) });
    expect(c.message!.length).toBeLessThanOrEqual(1001);
  });
  it('NaN or non-number status is treated as absent', () => {
    expect(classify({ status: Number.NaN }).category).toBe('unknown');
    expect(classify({ status: null, transport: 'reset' }).status).toBeNull();
  });
  it('transport titles are specific', () => {
    expect(classify({ transport: 'refused' }).title).toBe('Connection refused');
    expect(classify({ transport: 'dns' }).explanation).toMatch(/DNS/);
    expect(classify({ transport: 'tls' }).explanation).toMatch(/TLS|certificate/);
  });
  it('mid-stream titles name the inner type', () => {
    expect(classify({ midStream: true, errorType: 'overloaded_error' }).title).toMatch(/Overloaded.*stream/);
    expect(classify({ midStream: true, errorType: 'weird_error' }).title).toMatch(/weird_error/);
    expect(classify({ midStream: true, errorType: 'weird_error' }).retryable).toBe(true);
  });
});

describe('parseErrorBody never throws', () => {
  it('reads a full error body', () => {
    expect(parseErrorBody(body('overloaded_error', 'Overloaded', 'x_code'))).toEqual({
      bodyKind: 'json', errorType: 'overloaded_error', message: 'Overloaded', errorCode: 'x_code', requestId: 'req_b',
    });
  });
  it('salvages truncated JSON', () => {
    const full = body('rate_limit_error', 'He said \\"slow\\" down', SPEND_CAP_ERROR_CODE);
    const cut = full.slice(0, full.indexOf('request_id') - 3);
    const p = parseErrorBody(cut);
    expect(p.bodyKind).toBe('truncated-json');
    expect(p.errorType).toBe('rate_limit_error');
    expect(p.errorCode).toBe(SPEND_CAP_ERROR_CODE);
    expect(p.message).toContain('slow');
    expect(parseErrorBody('{"type":"error","error":{"type":"overl')).toMatchObject({ bodyKind: 'truncated-json' });
    expect(parseErrorBody('{"type":"error","error":{"type":"overl').errorType).toBe('overl');
    expect(parseErrorBody('{')).toEqual({ bodyKind: 'truncated-json' });
  });
  it('HTML gives its title as the message', () => {
    expect(parseErrorBody('<html><head><title>502 Bad Gateway</title></head></html>')).toEqual({ bodyKind: 'html', message: '502 Bad Gateway' });
    expect(parseErrorBody('<!doctype html><body><h1>Oops &amp; sorry</h1></body>').message).toBe('Oops & sorry');
    expect(parseErrorBody('<html><body><p>no title</p></body></html>').message).toBe('no title');
  });
  it('empty, whitespace, text and odd JSON', () => {
    expect(parseErrorBody('')).toEqual({ bodyKind: 'empty' });
    expect(parseErrorBody(' \n\t ')).toEqual({ bodyKind: 'empty' });
    expect(parseErrorBody('upstream connect error')).toEqual({ bodyKind: 'text', message: 'upstream connect error' });
    expect(parseErrorBody('[1,2,3]')).toEqual({ bodyKind: 'json' });
    expect(parseErrorBody('{"error":"plain string"}')).toEqual({ bodyKind: 'json', message: 'plain string' });
    expect(parseErrorBody('{"error":{"type":42,"message":{"nested":true}}}')).toEqual({ bodyKind: 'json' });
    expect(parseErrorBody(undefined as unknown as string)).toEqual({ bodyKind: 'empty' });
  });
  it('a 10 MB body is handled quickly and the message clipped', () => {
    const huge = JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'y'.repeat(10 * 1024 * 1024) } });
    const t = performance.now();
    const p = parseErrorBody(huge);
    expect(performance.now() - t).toBeLessThan(3000);
    expect(p.errorType).toBe('api_error');
    expect(p.message!.length).toBeLessThanOrEqual(1001);
    const garbage = '<html>' + 'z'.repeat(10 * 1024 * 1024);
    expect(parseErrorBody(garbage).bodyKind).toBe('html');
  });
});
