/**
 * The recording, fault-injecting proxy: the real `@anthropic-ai/sdk` with its default settings
 * goes through it over real HTTP to the simulator on 127.0.0.1.
 */
import http from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/core/simulator/index';
import { startProxy, type Exchange, type RunningProxy } from '../../../src/core/proxy/server';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('PROXY-canary', 60);
let upstream: RunningSimulator;
let faults: RunningSimulator;
const proxies: RunningProxy[] = [];

beforeAll(async () => {
  upstream = await startSimulator();
  faults = await startSimulator();
});
afterAll(async () => {
  await upstream.close();
  await faults.close();
});
afterEach(async () => {
  while (proxies.length) await proxies.pop()!.close();
  upstream.reset();
});

async function proxy(opts: Partial<Parameters<typeof startProxy>[0]> = {}): Promise<{ p: RunningProxy; seen: Exchange[] }> {
  const seen: Exchange[] = [];
  const p = await startProxy({ upstream: upstream.url, faultServer: faults.url, secrets: () => [KEY], onExchange: (e) => seen.push(e), ...opts });
  proxies.push(p);
  return { p, seen };
}

const ask = (client: Anthropic, extra: Record<string, unknown> = {}) =>
  client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], ...extra } as Anthropic.MessageCreateParamsNonStreaming);

/** A raw request to the proxy (for what an SDK would never send). */
function raw(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'POST', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const until = async (pred: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('proxy: forwards and records', () => {
  it('the SDK at its defaults works through it; each exchange is recorded with status, request id, model, latency — and no key', async () => {
    const { p, seen } = await proxy();
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl });
    const msg = await ask(client);
    expect(msg.content.length).toBeGreaterThan(0);
    await until(() => seen.length === 1);
    const ex = seen[0]!;
    expect(ex).toMatchObject({ method: 'POST', path: '/v1/messages', status: 200, model: 'claude-haiku-4-5', stream: false, retryCount: 0, injected: null, failure: null });
    expect(ex.requestId).toMatch(/^req_/);
    expect(ex.firstByteMs).not.toBeNull();
    expect(ex.latencyMs).toBeGreaterThanOrEqual(ex.firstByteMs!);
    expect(JSON.stringify(seen)).not.toContain(KEY.slice(12, 30));
  });

  it('streams pass through as a stream; a mid-stream overload is recorded as such', async () => {
    const { p, seen } = await proxy();
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 0 });
    const stream = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const final = await stream.finalMessage();
    expect(final.content.length).toBeGreaterThan(0);
    const broken = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-simulate-scenario': 'stream-overloaded' } });
    await expect(broken.finalMessage()).rejects.toThrow(/overloaded/i);
    await until(() => seen.length === 2);
    expect(seen[0]).toMatchObject({ stream: true, status: 200, errorType: null });
    expect(seen[1]).toMatchObject({ stream: true, status: 200, errorType: 'overloaded_error' });
  });

  it('the SDK\'s own retries are visible: retry count per attempt, retry-after, rate-limit headers', async () => {
    const { p, seen } = await proxy();
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 2 });
    await ask(client, {}).catch(() => undefined);
    const c2 = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 2, defaultHeaders: { 'x-simulate-scenario': 'rate-limited;retryAfterMs=20;count=2', 'x-simulate-session': 'rl' } });
    await ask(c2);
    await until(() => seen.length === 4);
    const rl = seen.slice(1);
    expect(rl.map((e) => e.status)).toEqual([429, 429, 200]);
    expect(rl.map((e) => e.retryCount)).toEqual([0, 1, 2]);
    expect(rl[0]!.errorType).toBe('rate_limit_error');
    expect(rl[0]!.retryAfter).not.toBeNull();
  });
});

describe('proxy: faults on the app\'s traffic', () => {
  it('a rate of 529s, answered by the fault server; the SDK retries them', async () => {
    const draws = [0.1, 0.9, 0.9, 0.9];
    const { p, seen } = await proxy({ faults: { scenario: 'overloaded', rate: 0.3 }, random: () => draws.shift() ?? 0.9 });
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl });
    const msg = await ask(client);
    expect(msg.content.length).toBeGreaterThan(0);
    await until(() => seen.length === 2);
    expect(seen.map((e) => [e.status, e.injected, e.retryCount])).toEqual([[529, 'overloaded', 0], [200, null, 1]]);
    expect(seen[0]!.errorType).toBe('overloaded_error');
    expect(upstream.stats().requests).toBe(1); // the fault never reached the upstream
  });

  it('a schedule: the next N requests fail, then traffic passes; the plan can change while the app runs', async () => {
    const { p, seen } = await proxy({ faults: { scenario: 'server-error', next: 2 } });
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 0 });
    await expect(ask(client)).rejects.toThrow();
    await expect(ask(client)).rejects.toThrow();
    await ask(client);
    expect(p.faults()).toMatchObject({ next: 0 });
    p.setFaults({ scenario: 'spend-cap', next: 1 });
    await expect(ask(client)).rejects.toThrow();
    await until(() => seen.length === 4);
    expect(seen.map((e) => e.status)).toEqual([500, 500, 200, 429]); // the spend cap is a 429 that must not be retried
    expect(seen[3]!.injected).toBe('spend-cap');
  });
});

describe('proxy: not an open relay', () => {
  it('refuses requests without the session token, with a wrong one, or addressed to another host', async () => {
    const { p, seen } = await proxy();
    const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const headers = { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
    expect((await raw(`${p.url}/v1/messages`, { headers, body })).status).toBe(403);
    expect((await raw(`${p.url}/t/${'x'.repeat(32)}/v1/messages`, { headers, body })).status).toBe(403);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
    expect((await raw(`${p.baseUrl}/v1/messages`, { headers: { ...headers, host: `evil.example:${p.port}` }, body })).status).toBe(403);
    expect(upstream.stats().requests).toBe(0);
    expect(seen).toEqual([]);
    // With the token (path or header) it passes.
    expect((await raw(`${p.baseUrl}/v1/messages`, { headers, body })).status).toBe(200);
    expect((await raw(`${p.url}/v1/messages`, { headers: { ...headers, 'x-claude-doctor-token': p.token }, body })).status).toBe(200);
  });

  it('binds only to loopback', async () => {
    await expect(startProxy({ upstream: upstream.url, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});

describe('proxy: when things break', () => {
  it('an unreachable upstream is a clear 502 the SDK reports, recorded with the cause', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const port = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const { p, seen } = await proxy({ upstream: `http://127.0.0.1:${port}` });
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 0 });
    await expect(ask(client)).rejects.toThrow(/could not reach/);
    await until(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ status: 502, errorType: 'api_error' });
    expect(seen[0]!.failure).toMatch(/ECONNREFUSED/);
  });

  it('an app that gives up mid-request: the upstream request is dropped too', async () => {
    const { p, seen } = await proxy();
    const client = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 0, timeout: 300 });
    await expect(ask(client, {}).then(() => undefined)).resolves.toBeUndefined();
    const hang = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl, maxRetries: 0, timeout: 300, defaultHeaders: { 'x-simulate-scenario': 'timeout' } });
    await expect(ask(hang)).rejects.toThrow(/timed out/i);
    await until(() => seen.length === 2);
    expect(seen[1]!.clientAborted).toBe(true);
    await until(() => upstream.stats().inFlight === 0);
  });
});
