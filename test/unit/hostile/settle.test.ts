/**
 * Issue #11.3: `runConnectionTest` settles within its deadline on every path, with exactly one
 * result event, and the CLI `test` never exits 0 without a verdict. The hostile servers run on
 * 127.0.0.1; where the HTTP stack itself misbehaves (a fetch shim or proxy agent that loses the
 * abort, lossy-fetch.cjs) the attempt is abandoned after ABORT_GRACE_MS and the run's watchdog
 * answers at the deadline.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import type http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ABORT_GRACE_MS, runConnectionTest, settleBudgetMs, type ConnectionTestOptions } from '../../../src/core/retry/client';
import type { ClientEvent, ResultEvent } from '../../../src/core/retry/events';
import { httpServer, type TestServer } from './servers';
import { bundleCli, cleanEnv, runCli, type CliBundle } from '../cli/helpers';
import { fakeKey } from '../fake-key';

const { lossyFetch } = createRequire(__filename)('./lossy-fetch.cjs') as {
  lossyFetch: (f: typeof fetch, mode: 'stall' | 'lossy') => typeof fetch;
};
const KEY = fakeKey('SETTLE', 90);
/** Timer and scheduling slack on 2 busy shared cores. */
const SLACK = 400;
const BOMB = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20));

const open: TestServer[] = [];
const realFetch = globalThis.fetch;
afterEach(async () => {
  globalThis.fetch = realFetch;
  for (const s of open.splice(0)) await s.close();
});

async function serve(h: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const s = await httpServer(h);
  open.push(s);
  return s;
}

/** A 529 whose gzip body (16 MB of spaces per 16 KB of wire) arrives slowly and never ends. */
const slowBomb529 = (_q: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(529, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'request-id': 'req_slow_bomb' });
  let i = 0;
  const t = setInterval(() => {
    if (res.destroyed) return clearInterval(t);
    res.write(BOMB.subarray(i, i + 16));
    i = (i + 16) % BOMB.length;
  }, 5);
  res.on('close', () => clearInterval(t));
};

/** A 200 JSON body that trickles one space every 10 ms, forever. */
const trickle200 = (_q: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 10);
  res.on('close', () => clearInterval(t));
};

/** A real gzip stream of a valid 529 error, flushed a few bytes at a time: decompression is under way when the timer fires. */
const slowGzip529 = (_q: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(529, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
  const gz = createGzip();
  gz.on('data', (d: Buffer) => res.destroyed || res.write(d));
  gz.write('{"type":"error","error":{"type":"overloaded_error","message":"');
  gz.flush();
  const t = setInterval(() => {
    if (res.destroyed) return clearInterval(t), gz.destroy();
    gz.write('x'.repeat(64));
    gz.flush();
  }, 10);
  res.on('close', () => (clearInterval(t), gz.destroy()));
};

async function timed(opts: Partial<ConnectionTestOptions> & { baseURL: string }) {
  const events: ClientEvent[] = [];
  const t = performance.now();
  const result: ResultEvent = await runConnectionTest({ apiKey: KEY, model: 'claude-haiku-4-5', onEvent: (e) => events.push(e), ...opts });
  const ms = performance.now() - t;
  // Let anything a late loop could still emit come out before counting.
  await new Promise((r) => setTimeout(r, ABORT_GRACE_MS + 50));
  return { result, ms, results: events.filter((e) => e.event === 'result') };
}

describe('settle guarantee: real HTTP stack', () => {
  it.each([
    ['529 with a slow, endless gzip body and a per-attempt timeout', slowBomb529],
    ['a timeout during decompression (gzip flushed a few bytes at a time)', slowGzip529],
    ['a 200 body that trickles forever', trickle200],
  ])('%s: settles by the deadline with one verdict', async (_n, handler) => {
    const s = await serve(handler);
    const { result, ms, results } = await timed({ baseURL: s.url, timeoutMs: 300, policy: { maxRetries: 20, baseDelayMs: 10, maxDelayMs: 20, deadlineMs: 1000 } });
    expect(ms).toBeLessThan(1000 + SLACK);
    expect(result.ok).toBe(false);
    expect(result.verdict.category).toBe('timeout');
    expect(results).toHaveLength(1);
  });
});

describe('settle guarantee: an HTTP stack that loses the abort', () => {
  it('529 with a large gzip body, per-attempt timeout: every attempt ends at its timeout (+ grace)', async () => {
    const s = await serve(slowBomb529);
    globalThis.fetch = lossyFetch(realFetch, 'lossy');
    const { result, ms, results } = await timed({ baseURL: s.url, timeoutMs: 200, policy: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 10 } });
    expect(result.attempts).toBe(2);
    expect(result.verdict.category).toBe('timeout');
    expect(result.verdict.summary).toMatch(/did not stop within 100 ms of the abort/);
    expect(ms).toBeLessThan(2 * (200 + ABORT_GRACE_MS) + 10 + SLACK);
    expect(results).toHaveLength(1);
  });

  it('a body that never arrives, with a deadline: the watchdog answers at the deadline', async () => {
    const s = await serve(trickle200);
    globalThis.fetch = lossyFetch(realFetch, 'stall');
    const { result, ms, results } = await timed({ baseURL: s.url, timeoutMs: 60_000, policy: { maxRetries: 3, deadlineMs: 700 } });
    expect(ms).toBeGreaterThanOrEqual(650);
    expect(ms).toBeLessThan(700 + SLACK);
    expect(result.ok).toBe(false);
    expect(result.verdict.category).toBe('timeout');
    expect(result.verdict.summary).toMatch(/deadline/);
    expect(results).toHaveLength(1);
  });

  it('cancel while the stack ignores the abort: the run still ends promptly as cancelled', async () => {
    const s = await serve(trickle200);
    globalThis.fetch = lossyFetch(realFetch, 'stall');
    const ctrl = new AbortController();
    const events: ClientEvent[] = [];
    const p = runConnectionTest({ baseURL: s.url, apiKey: KEY, model: 'claude-haiku-4-5', timeoutMs: 60_000, signal: ctrl.signal, onEvent: (e) => events.push(e) });
    await new Promise((r) => setTimeout(r, 150));
    const t = performance.now();
    ctrl.abort();
    const r = await p;
    expect(performance.now() - t).toBeLessThan(ABORT_GRACE_MS + SLACK);
    expect(r.verdict.category).toBe('aborted');
  });

  it('without a deadline the budget is the longest run the policy allows', () => {
    expect(settleBudgetMs({ timeoutMs: 1000, policy: { maxRetries: 2, maxDelayMs: 500, maxRetryAfterMs: 2000 } })).toBe(3 * (1000 + ABORT_GRACE_MS) + 2 * 2000 + 1000);
    expect(settleBudgetMs({ timeoutMs: 1000, policy: { deadlineMs: 1234 } })).toBe(1234);
  });
});

describe('CLI test: never exit 0 without a verdict', () => {
  let cli: CliBundle;
  beforeAll(async () => {
    cli = await bundleCli();
  });
  afterAll(() => cli?.dispose());

  it('an answer that never comes through a lossy fetch: a verdict and exit 1, not a silent exit 0', async () => {
    const s = await serve(trickle200);
    const env = cleanEnv({
      ANTHROPIC_API_KEY: KEY,
      NODE_OPTIONS: `--require ${join(__dirname, 'lossy-fetch.cjs')}`,
      CLAUDE_DOCTOR_TEST_LOSSY_FETCH: 'stall',
    });
    const r = await runCli(cli, ['test', '--base-url', s.url, '--timeout-ms', '300', '--max-retries', '0'], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✘ .*after 1 attempt/);
    expect(r.stdout).toMatch(/What happened +Gave up after 1 attempt: .*within 300 ms/);
  });

  it('and if nothing at all is left to wait for (every timer unref’d): a clear message and exit 1', async () => {
    const s = await serve(trickle200);
    const env = cleanEnv({
      ANTHROPIC_API_KEY: KEY,
      NODE_OPTIONS: `--require ${join(__dirname, 'lossy-fetch.cjs')}`,
      CLAUDE_DOCTOR_TEST_LOSSY_FETCH: 'stall',
      CLAUDE_DOCTOR_TEST_UNREF_TIMERS: '1',
    });
    const r = await runCli(cli, ['test', '--base-url', s.url, '--timeout-ms', '60000', '--max-retries', '0'], { env, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/claude-doctor test: the run could not complete/);
  });
});
