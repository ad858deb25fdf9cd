// Executes the generated TypeScript and JavaScript retry helpers against real SDK error objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
  RequestTimeoutError,
  RetryableError,
  ServiceUnavailableError,
} from '@anthropic-ai/sdk';
import {
  RETRY_HELPER_DEFAULTS,
  RETRY_HELPER_NAMES,
  retryHelperSource,
  sdkRetriesConfigSource,
} from '../../../src/core/analyzer/templates';
import { SPEND_CAP_ERROR_CODE } from '../../../src/core/data/api-facts';
import { cleanupLoaded, loadHelper, type WithClaudeRetry } from './load';

const body = (type: string, extra: Record<string, unknown> = {}) => ({ type: 'error', error: { type, message: 'x', ...extra } });
const hdrs = (h: Record<string, string> = {}) => new Headers({ 'request-id': 'req_1', ...h });

/** Runs fn through the helper with tiny delays; reports attempts, delays, and the outcome. */
async function run(helper: WithClaudeRetry, errors: unknown[], opts: Parameters<WithClaudeRetry>[1] = {}) {
  const delays: number[] = [];
  let attempts = 0;
  const started = Date.now();
  try {
    const value = await helper(async (attempt) => {
      attempts++;
      expect(attempt).toBe(attempts);
      if (attempts <= errors.length) throw errors[attempts - 1];
      return 'ok';
    }, { baseDelayMs: 2, maxDelayMs: 8, ...opts, onRetry: (i) => {
      delays.push(i.delayMs);
      opts.onRetry?.(i);
    } });
    return { value, attempts, delays, error: undefined as unknown, ms: Date.now() - started };
  } catch (error) {
    return { value: undefined, attempts, delays, error, ms: Date.now() - started };
  }
}

describe.each(['typescript', 'javascript'] as const)('generated %s helper', (language) => {
  let helper: WithClaudeRetry;
  beforeAll(async () => {
    helper = await loadHelper(language);
  });
  afterAll(() => cleanupLoaded());

  it('retries 529 overloaded, 500, 503, 408, 409 and 429, then succeeds', async () => {
    const errs = [
      new OverloadedError(529, body('overloaded_error'), undefined, hdrs()),
      new InternalServerError(500, body('api_error'), undefined, hdrs()),
    ];
    const r = await run(helper, errs);
    expect(r.value).toBe('ok');
    expect(r.attempts).toBe(3);
    for (const e of [
      new ServiceUnavailableError(503, undefined, undefined, hdrs()),
      new RequestTimeoutError(408, undefined, undefined, hdrs()),
      new ConflictError(409, body('conflict_error'), undefined, hdrs()),
      new RateLimitError(429, body('rate_limit_error'), undefined, hdrs()),
    ]) {
      const one = await run(helper, [e]);
      expect(one.value, `status ${(e as APIError).status}`).toBe('ok');
      expect(one.attempts).toBe(2);
    }
  });

  it('never retries the monthly spend cap, 400, 401-style 4xx, 404, or an abort', async () => {
    const spendCap = new RateLimitError(429, body('rate_limit_error', { details: { error_code: SPEND_CAP_ERROR_CODE } }), undefined, hdrs());
    expect(spendCap.errorCode).toBe(SPEND_CAP_ERROR_CODE);
    for (const e of [
      spendCap,
      new BadRequestError(400, body('invalid_request_error'), undefined, hdrs()),
      new NotFoundError(404, body('not_found_error'), undefined, hdrs()),
      new APIError(422, body('invalid_request_error'), undefined, hdrs()),
      new APIUserAbortError(),
      Object.assign(new Error('aborted'), { name: 'AbortError' }),
      new TypeError('a bug in fn'),
    ]) {
      const r = await run(helper, [e, e]);
      expect(r.error, String(e)).toBe(e);
      expect(r.attempts).toBe(1);
      expect(r.delays).toEqual([]);
    }
  });

  it('detects the spend cap from a plain body too (no SDK errorCode field)', async () => {
    const e = { status: 429, body: { error: { type: 'rate_limit_error', details: { error_code: SPEND_CAP_ERROR_CODE } } } };
    const r = await run(helper, [e]);
    expect(r.attempts).toBe(1);
    expect(r.error).toBe(e);
  });

  it('obeys x-should-retry over the status table', async () => {
    const no = new InternalServerError(500, body('api_error'), undefined, hdrs({ 'x-should-retry': 'false' }));
    expect((await run(helper, [no])).attempts).toBe(1);
    const yes = new BadRequestError(400, body('invalid_request_error'), undefined, hdrs({ 'x-should-retry': 'true' }));
    const r = await run(helper, [yes]);
    expect(r.value).toBe('ok');
    expect(r.attempts).toBe(2);
  });

  it('retries connection errors, timeouts, RetryableError, mid-stream overloads and raw socket errors', async () => {
    const midStream = new APIError(undefined, body('overloaded_error'), undefined, undefined);
    expect(midStream.status).toBeUndefined();
    const fetchFailed = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    for (const e of [new APIConnectionError({ message: 'down' }), new APIConnectionTimeoutError(), new RetryableError(), midStream, fetchFailed]) {
      const r = await run(helper, [e]);
      expect(r.value, String(e)).toBe('ok');
      expect(r.attempts).toBe(2);
    }
    const midStreamInvalid = new APIError(undefined, body('invalid_request_error'), undefined, undefined);
    expect((await run(helper, [midStreamInvalid])).attempts).toBe(1);
  });

  it('stops after maxAttempts and rethrows the last error', async () => {
    const errs = Array.from({ length: 10 }, (_, i) => new OverloadedError(529, body('overloaded_error', { message: `#${i}` }), undefined, hdrs()));
    const r = await run(helper, errs, { maxAttempts: 3 });
    expect(r.attempts).toBe(3);
    expect(r.error).toBe(errs[2]);
    expect(r.delays).toHaveLength(2);
    const d = await run(helper, errs);
    expect(d.attempts).toBe(RETRY_HELPER_DEFAULTS.maxAttempts);
  });

  it('uses full jitter: each delay uniform in [0, min(maxDelay, base * 2^(n-1))]', async () => {
    const samples: number[][] = [[], [], [], []];
    for (let i = 0; i < 150; i++) {
      const errs = Array.from({ length: 4 }, () => new OverloadedError(529, undefined, undefined, hdrs()));
      // Large nominal delays, but an aborted signal keeps the run instant after onRetry saw them.
      const controller = new AbortController();
      const delays: number[] = [];
      let n = 0;
      await helper(async () => {
        if (n++ < 4) throw errs[n - 1];
        return 1;
      }, { baseDelayMs: 1000, maxDelayMs: 3000, maxAttempts: 5, deadlineMs: 1e9, signal: controller.signal, onRetry: (x) => {
        delays.push(x.delayMs);
        controller.abort();
      } }).catch(() => undefined);
      expect(delays).toHaveLength(1); // the abort stopped the wait
      samples[0].push(delays[0]);
    }
    // Bounds for the later retries, measured with tiny delays.
    for (let i = 0; i < 150; i++) {
      const errs = Array.from({ length: 4 }, () => new OverloadedError(529, undefined, undefined, hdrs()));
      const r = await run(helper, errs, { baseDelayMs: 1, maxDelayMs: 3, maxAttempts: 5 });
      expect(r.value).toBe('ok');
      for (let k = 1; k < 4; k++) samples[k].push(r.delays[k]);
    }
    const bound = [1000, 2, 3, 3];
    samples.forEach((s, k) => {
      for (const v of s) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(bound[k]);
      }
      // Full jitter spreads over the whole range (a fixed or ±25 % delay would not).
      expect(Math.min(...s)).toBeLessThan(bound[k] * 0.25);
      expect(Math.max(...s)).toBeGreaterThan(bound[k] * 0.75);
    });
  });

  it('waits retry-after-ms / retry-after (seconds or HTTP date) and never less', async () => {
    const ms = await run(helper, [new RateLimitError(429, undefined, undefined, hdrs({ 'retry-after-ms': '40', 'retry-after': '30' }))]);
    expect(ms.value).toBe('ok');
    expect(ms.delays[0]).toBeGreaterThanOrEqual(40);
    expect(ms.delays[0]).toBeLessThanOrEqual(40 + 4);
    expect(ms.ms).toBeGreaterThanOrEqual(39); // timers may fire up to 1 ms early
    const s = await run(helper, [new RateLimitError(429, undefined, undefined, hdrs({ 'retry-after': '0.05' }))]);
    expect(s.delays[0]).toBeGreaterThanOrEqual(50);
    expect(s.ms).toBeGreaterThanOrEqual(49);
    const date = new Date(Date.now() + 20_000).toUTCString();
    const controller = new AbortController();
    const d = await run(helper, [new OverloadedError(529, undefined, undefined, hdrs({ 'retry-after': date }))], {
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    // HTTP dates have 1 s resolution.
    expect(d.delays[0]).toBeGreaterThan(18_000);
    expect(d.delays[0]).toBeLessThan(21_000);
    // Zero or garbage falls back to jitter.
    const z = await run(helper, [new RateLimitError(429, undefined, undefined, hdrs({ 'retry-after': '0' }))]);
    expect(z.delays[0]).toBeLessThanOrEqual(2);
  });

  it('reads headers from plain objects and response.headers too', async () => {
    const plain = { status: 429, headers: { 'Retry-After-Ms': '30' } };
    const r = await run(helper, [plain]);
    expect(r.delays[0]).toBeGreaterThanOrEqual(30);
    const nested = { response: { status: 503, headers: new Headers({ 'x-should-retry': 'false' }) } };
    expect((await run(helper, [nested])).attempts).toBe(1);
  });

  it('gives up at once when retry-after exceeds maxRetryAfterMs or the deadline', async () => {
    const long = new RateLimitError(429, undefined, undefined, hdrs({ 'retry-after': '120' }));
    const r = await run(helper, [long]);
    expect(r.error).toBe(long);
    expect(r.attempts).toBe(1);
    expect(r.delays).toEqual([]);
    expect(r.ms).toBeLessThan(5000); // nowhere near the 120 s it would have waited
    const mid = new RateLimitError(429, undefined, undefined, hdrs({ 'retry-after': '2' }));
    const dl = await run(helper, [mid], { deadlineMs: 500 });
    expect(dl.error).toBe(mid);
    expect(dl.delays).toEqual([]);
    expect(dl.ms).toBeLessThan(1900); // did not wait the 2 s
    const capped = await run(helper, [mid], { maxRetryAfterMs: 1000, deadlineMs: 60_000 });
    expect(capped.error).toBe(mid);
    expect(capped.attempts).toBe(1);
  });

  it('cancels a wait when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const started = Date.now();
    const p = helper(async () => {
      throw new OverloadedError(529, undefined, undefined, hdrs({ 'retry-after': '30' }));
    }, { signal: controller.signal, onRetry: () => setTimeout(() => controller.abort(reason), 10) });
    await expect(p).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('template text', () => {
  it('honours indent and quote style exactly, and declares the advertised name', () => {
    for (const language of ['typescript', 'javascript'] as const) {
      const tab = retryHelperSource(language, { indent: '\t', quote: '"' });
      expect(tab.name).toBe(RETRY_HELPER_NAMES[language]);
      expect(tab.code).toMatch(/^async function withClaudeRetry/m);
      expect(tab.code).not.toContain("'");
      const body = tab.code.split('\n').filter((l) => /^\s+\S/.test(l) && !/^\s*\*/.test(l));
      expect(body.length).toBeGreaterThan(20);
      for (const l of body) expect(l, l).toMatch(/^\t+\S/);
      const four = retryHelperSource(language, { indent: '    ', quote: "'" });
      expect(four.code).not.toContain('"');
      expect(four.code).toMatch(/^ {4}const maxAttempts/m);
    }
    const py = retryHelperSource('python', { indent: '  ', quote: '"' });
    expect(py.name).toBe('with_claude_retry');
    expect(py.code).toMatch(/^def with_claude_retry\(/m);
    expect(py.code).toMatch(/^async def with_claude_retry_async\(/m);
    expect(py.code).toMatch(/^ {2}import time$/m);
    expect(py.code).not.toContain("'");
  });

  it('the JavaScript dialect carries no TypeScript syntax', () => {
    const js = retryHelperSource('javascript', { indent: '  ', quote: "'" }).code;
    expect(js).not.toMatch(/[«»‹›]|: (number|string|boolean|any|unknown)\b|<T>|Promise<void>/);
    expect(js).toContain('async function withClaudeRetry(fn, opts = {}) {');
    // Parses as plain JavaScript.
    expect(() => new Function(`${js}; return withClaudeRetry;`)).not.toThrow();
  });

  it('the TypeScript helper type-checks under strict mode', () => {
    const { code } = retryHelperSource('typescript', { indent: '  ', quote: "'" });
    const usage = `${code}
declare const client: { messages: { create(p: { model: string }): Promise<{ id: string }> } };
export async function demo(): Promise<string> {
  const m = await withClaudeRetry(() => client.messages.create({ model: 'claude-opus-5-5' }), { maxAttempts: 3 });
  return m.id;
}
`;
    const file = '/virtual/helper.ts';
    const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [], noUnusedLocals: true, noImplicitReturns: true };
    const host = ts.createCompilerHost(options);
    const orig = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, usage, lang) : orig(name, lang, ...rest));
    host.fileExists = ((f) => (p: string) => p === file || f(p))(host.fileExists.bind(host));
    const program = ts.createProgram([file], options, host);
    const diags = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diags).toEqual([]);
  });

  it('sdkRetriesConfigSource gives the option in each language', () => {
    expect(sdkRetriesConfigSource('typescript')).toMatchObject({ name: 'maxRetries', entry: 'maxRetries: 3', args: '{ maxRetries: 3 }' });
    expect(sdkRetriesConfigSource('python', undefined, { maxRetries: 5 })).toMatchObject({ name: 'max_retries', entry: 'max_retries=5' });
    expect(sdkRetriesConfigSource('javascript').comment).toMatch(/^\/\/ /);
    expect(sdkRetriesConfigSource('python').comment).toMatch(/^# /);
  });
});
