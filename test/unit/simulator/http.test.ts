import { describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { startSimulator } from '../../../src/core/simulator/index';
import { sim, post, get, msg, errorOf, parseSse, until, KEY, MODEL, USER, baseHeaders } from './helpers';

const RATE_KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function expectCommonHeaders(r: Response): void {
  expect(r.headers.get('request-id')).toMatch(/^req_011[0-9A-Za-z]{21}$/);
  for (const k of RATE_KINDS) {
    const limit = Number(r.headers.get(`anthropic-ratelimit-${k}-limit`));
    const remaining = Number(r.headers.get(`anthropic-ratelimit-${k}-remaining`));
    expect(limit, k).toBeGreaterThan(0);
    expect(remaining, k).toBeGreaterThanOrEqual(0);
    expect(remaining, k).toBeLessThanOrEqual(limit);
    if (k !== 'requests') expect(remaining % 1000, k).toBe(0);
    expect(r.headers.get(`anthropic-ratelimit-${k}-reset`), k).toMatch(RFC3339);
  }
}

const scen = (spec: string, session?: string): Record<string, string> => ({
  'x-simulate-scenario': spec,
  ...(session ? { 'x-simulate-session': session } : {}),
});

describe('startSimulator', () => {
  it('listens on 127.0.0.1 on a free port and reports its url', async () => {
    const s = await sim();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.port).toBeGreaterThan(0);
    const s2 = await sim();
    expect(s2.port).not.toBe(s.port);
  });

  it('rejects a bad default scenario', async () => {
    await expect(startSimulator({ scenario: 'nope' })).rejects.toThrow(/scenario: unknown scenario "nope"/);
  });

  it('uses the default scenario for requests without the header; the header wins', async () => {
    const s = await sim({ scenario: 'overloaded;count=always' });
    expect((await post(s, msg())).status).toBe(529);
    expect((await post(s, msg(), scen('ok'))).status).toBe(200);
  });
});

describe('POST /v1/messages', () => {
  it('answers a real-shaped message with every common header', async () => {
    const s = await sim();
    const r = await post(s, msg({ max_tokens: 1000 }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expectCommonHeaders(r);
    const m = (await r.json()) as any;
    expect(m.id).toMatch(/^msg_011[0-9A-Za-z]{21}$/);
    expect(m).toMatchObject({ type: 'message', role: 'assistant', model: MODEL, stop_reason: 'end_turn', stop_sequence: null });
    expect(m.content).toHaveLength(1);
    expect(m.content[0].type).toBe('text');
    expect(m.content[0].text).toMatch(/^Hello from the Claude Doctor simulator!/);
    expect(m.usage.input_tokens).toBeGreaterThan(0);
    expect(m.usage.output_tokens).toBeGreaterThan(10);
  });

  it('cuts the reply at max_tokens with stop_reason max_tokens', async () => {
    const s = await sim();
    const m = (await (await post(s, msg({ max_tokens: 3 }))).json()) as any;
    expect(m.stop_reason).toBe('max_tokens');
    expect(m.usage.output_tokens).toBe(3);
    expect(m.content[0].text).toBe('Hello from the ');
  });

  it('answers thinking blocks when thinking is enabled', async () => {
    const s = await sim();
    const m = (await (await post(s, msg({ max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1024 } }))).json()) as any;
    expect(m.content.map((b: any) => b.type)).toEqual(['thinking', 'text']);
    expect(m.content[0].signature.length).toBeGreaterThan(10);
  });

  it('spends serviceTimeMs on a success', async () => {
    const s = await sim({ serviceTimeMs: 500 });
    const t0 = performance.now();
    expect((await post(s, msg())).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(490);
    const t1 = performance.now();
    expect((await post(s, msg(), scen('overloaded;count=always'))).status).toBe(529);
    expect(performance.now() - t1).toBeLessThan(400); // faults answer at once
  });

  it('streams SSE in the API order with pings, deltas and usage', async () => {
    const s = await sim();
    const r = await post(s, msg({ stream: true, max_tokens: 1000 }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expectCommonHeaders(r);
    const events = parseSse(await r.text());
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names[1]).toBe('content_block_start');
    expect(names).toContain('ping');
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const start = events[0]!.data.message;
    expect(start).toMatchObject({ type: 'message', role: 'assistant', content: [], stop_reason: null, model: MODEL });
    expect(start.id).toMatch(/^msg_/);
    const deltas = events.filter((e) => e.event === 'content_block_delta');
    expect(deltas.length).toBeGreaterThan(5);
    const text = deltas.map((d) => d.data.delta.text).join('');
    expect(text).toMatch(/^Hello from the Claude Doctor simulator!.*them\.$/);
    const md = events.find((e) => e.event === 'message_delta')!.data;
    expect(md.delta.stop_reason).toBe('end_turn');
    expect(md.usage.output_tokens).toBeGreaterThan(10);
  });

  it('streams stop_reason max_tokens when cut, and thinking deltas with a signature', async () => {
    const s = await sim();
    const cut = parseSse(await (await post(s, msg({ stream: true, max_tokens: 4 }))).text());
    expect(cut.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('max_tokens');
    expect(cut.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('')).toBe('Hello from the Claude ');
    const th = parseSse(await (await post(s, msg({ stream: true, max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1024 } }))).text());
    const types = th.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.type);
    expect(types[0]).toBe('thinking_delta');
    expect(types).toContain('signature_delta');
    expect(types[types.length - 1]).toBe('text_delta');
  });
});

describe('POST /v1/messages/count_tokens and GET /v1/models', () => {
  it('counts tokens, more for longer input', async () => {
    const s = await sim();
    const a = (await (await post(s, { model: MODEL, messages: USER }, {}, '/v1/messages/count_tokens')).json()) as any;
    const b = (await (await post(s, { model: MODEL, system: 'x'.repeat(4000), messages: USER }, {}, '/v1/messages/count_tokens')).json()) as any;
    expect(a.input_tokens).toBeGreaterThan(0);
    expect(b.input_tokens).toBeGreaterThan(a.input_tokens + 900);
  });

  it('lists models from CURRENT_MODELS in the SDK page shape, with paging', async () => {
    const { CURRENT_MODELS } = await import('../../../src/core/data/api-facts');
    const s = await sim();
    const r = await get(s, '/v1/models');
    expectCommonHeaders(r);
    const page = (await r.json()) as any;
    expect(page.data.map((m: any) => m.id)).toEqual(CURRENT_MODELS.map((m) => m.id));
    expect(page).toMatchObject({ has_more: false, first_id: CURRENT_MODELS[0]!.id, last_id: CURRENT_MODELS[CURRENT_MODELS.length - 1]!.id });
    expect(page.data[0]).toMatchObject({ type: 'model', id: 'claude-opus-5-5', display_name: 'Claude Opus 5.5', lifecycle: 'active', max_tokens: 128000 });
    const sonnet45 = page.data.find((m: any) => m.id === 'claude-sonnet-4-5');
    expect(sonnet45).toMatchObject({ lifecycle: 'deprecated', retires_at: '2026-11-30T00:00:00Z', display_name: 'Claude Sonnet 4.5' });

    const p1 = (await (await get(s, '/v1/models?limit=5')).json()) as any;
    expect(p1.data).toHaveLength(5);
    expect(p1.has_more).toBe(true);
    const p2 = (await (await get(s, `/v1/models?limit=5&after_id=${p1.last_id}`)).json()) as any;
    expect(p2.data[0].id).toBe(CURRENT_MODELS[5]!.id);
    const back = (await (await get(s, `/v1/models?limit=2&before_id=${p2.first_id}`)).json()) as any;
    expect(back.data.map((m: any) => m.id)).toEqual([CURRENT_MODELS[3]!.id, CURRENT_MODELS[4]!.id]);
    expect(back.has_more).toBe(true);

    const retired = (await (await get(s, '/v1/models?lifecycle[]=retired&limit=1000')).json()) as any;
    expect(retired.data.length).toBeGreaterThan(5);
    expect(retired.data.every((m: any) => m.lifecycle === 'retired')).toBe(true);

    for (const q of ['limit=0', 'limit=1001', 'limit=x', 'lifecycle=gone', 'after_id=a&before_id=b']) {
      expect((await get(s, `/v1/models?${q}`)).status, q).toBe(400);
    }
  });

  it('retrieves one model; unknown ids are 404', async () => {
    const s = await sim();
    expect(((await (await get(s, '/v1/models/claude-opus-4-8')).json()) as any).display_name).toBe('Claude Opus 4.8');
    expect(((await (await get(s, '/v1/models/claude-3-5-haiku-latest')).json()) as any).lifecycle).toBe('retired');
    const r = await get(s, '/v1/models/claude-sonnet-4.5');
    expect(r.status).toBe(404);
    expect((await errorOf(r)).error).toEqual({ type: 'not_found_error', message: 'model: claude-sonnet-4.5' });
  });

  it('unknown paths are 404, wrong methods 405, preflight 204', async () => {
    const s = await sim();
    const nf = await post(s, msg(), {}, '/v1/complete');
    expect(nf.status).toBe(404);
    expect((await errorOf(nf)).error.type).toBe('not_found_error');
    expectCommonHeaders(nf);
    const na = await get(s, '/v1/messages');
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('POST');
    const pre = await fetch(s.url + '/v1/messages', { method: 'OPTIONS', headers: { origin: 'http://x', 'access-control-request-headers': 'x-api-key' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toBe('x-api-key');
    expectCommonHeaders(pre);
  });

  it('bodies over the limit are 413 request_too_large', async () => {
    const s = await sim({ maxBodyBytes: 1000 });
    const r = await post(s, msg({ system: 'x'.repeat(2000) }));
    expect(r.status).toBe(413);
    expect((await errorOf(r)).error.type).toBe('request_too_large');
    expect((await post(s, msg())).status).toBe(200);
  });
});

describe('authentication', () => {
  it('accepts any non-empty key when no key is configured, in either header; a missing key is 401', async () => {
    const s = await sim();
    expect((await post(s, msg(), { authorization: 'Bearer anything' })).status).toBe(200);
    const xk = await fetch(s.url + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'k' }, body: JSON.stringify(msg()) });
    expect(xk.status).toBe(200);
    const none = await fetch(s.url + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21' }, body: JSON.stringify(msg()) });
    expect(none.status).toBe(401);
    const e = await errorOf(none);
    expect(e.error.type).toBe('authentication_error');
    expectCommonHeaders(none);
    expect((await post(s, msg(), { authorization: 'Basic abc' })).status).toBe(401);
    expect((await post(s, msg(), { authorization: 'Bearer ' })).status).toBe(401);
  });

  it('accepts only the configured key and never echoes a key', async () => {
    const s = await sim({ apiKey: KEY });
    expect((await post(s, msg())).status).toBe(200);
    const wrongKey = 'sk-ant-api03-WRONG-canary-value';
    const wrong = await post(s, msg(), { authorization: `Bearer ${wrongKey}` });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).toMatch(/invalid bearer token/);
    expect(text).not.toContain(wrongKey);
    expect(text).not.toContain(KEY);
    const xk = await fetch(s.url + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': wrongKey }, body: JSON.stringify(msg()) });
    expect(xk.status).toBe(401);
    expect(((await errorOf(xk)).error.message)).toBe('invalid x-api-key');
    const right = await fetch(s.url + '/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': KEY }, body: JSON.stringify(msg()) });
    expect(right.status).toBe(200);
  });

  it('a browser Origin without the dangerous-direct-browser-access header gets the CORS 401', async () => {
    const s = await sim();
    const r = await post(s, msg(), { origin: 'http://localhost:3000' });
    expect(r.status).toBe(401);
    const e = await errorOf(r);
    expect(e.error.type).toBe('authentication_error');
    expect(e.error.message).toMatch(/^CORS requests are not allowed/);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    const ok = await post(s, msg(), { origin: 'http://localhost:3000', 'anthropic-dangerous-direct-browser-access': 'true' });
    expect(ok.status).toBe(200);
  });
});

describe('scenarios (raw HTTP)', () => {
  it('overloaded: 529 ×count with x-should-retry: true, then 200, then the cycle repeats', async () => {
    const s = await sim();
    const h = scen('overloaded;count=2', 'o1');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await post(s, msg(), h);
      statuses.push(r.status);
      if (r.status === 529) {
        expect(r.headers.get('x-should-retry')).toBe('true');
        expectCommonHeaders(r);
        const e = await errorOf(r);
        expect(e).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: r.headers.get('request-id') });
      } else await r.arrayBuffer();
    }
    expect(statuses).toEqual([529, 529, 200, 529, 529, 200]);
  });

  it('rate-limited: 429 rate_limit_error with retry-after, or retry-after-ms, and an exhausted window', async () => {
    const s = await sim();
    const r = await post(s, msg(), scen('rate-limited;retryAfter=3', 'r1'));
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.headers.get('retry-after-ms')).toBeNull();
    expect(r.headers.get('x-should-retry')).toBeNull();
    expect(r.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    const reset = Date.parse(r.headers.get('anthropic-ratelimit-requests-reset')!);
    expect(reset - Date.now()).toBeGreaterThan(1000);
    expect(reset - Date.now()).toBeLessThan(5000);
    const e = await errorOf(r);
    expect(e.error.type).toBe('rate_limit_error');
    expect(e.error.details).toBeUndefined();
    expect((await post(s, msg(), scen('rate-limited;retryAfter=3', 'r1'))).status).toBe(200);

    const ms = await post(s, msg(), scen('rate-limited;retryAfterMs=200;limit=output-tokens', 'r2'));
    expect(ms.status).toBe(429);
    expect(ms.headers.get('retry-after-ms')).toBe('200');
    expect(ms.headers.get('retry-after')).toBe('1');
    expect(ms.headers.get('anthropic-ratelimit-output-tokens-remaining')).toBe('0');
    expect(ms.headers.get('anthropic-ratelimit-tokens-remaining')).toBe('0');
    expect(Number(ms.headers.get('anthropic-ratelimit-requests-remaining'))).toBeGreaterThan(0);
  });

  it('spend-cap: 429 with details.error_code enforced_spend_limit_reached and no retry-after, every time', async () => {
    const s = await sim();
    for (let i = 0; i < 3; i++) {
      const r = await post(s, msg(), scen('spend-cap'));
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBeNull();
      expect(r.headers.get('retry-after-ms')).toBeNull();
      const e = await errorOf(r);
      expect(e.error.type).toBe('rate_limit_error');
      expect(e.error.details).toEqual({ error_code: 'enforced_spend_limit_reached' });
    }
  });

  it('server-error: 500 api_error or the chosen status ×count, then 200', async () => {
    const s = await sim();
    const a = await post(s, msg(), scen('server-error', 's1'));
    expect(a.status).toBe(500);
    expect((await errorOf(a)).error.type).toBe('api_error');
    expect((await post(s, msg(), scen('server-error', 's1'))).status).toBe(200);
    const h = scen('server-error;count=2;status=503', 's2');
    expect((await post(s, msg(), h)).status).toBe(503);
    expect((await post(s, msg(), h)).status).toBe(503);
    expect((await post(s, msg(), h)).status).toBe(200);
    const g = await post(s, msg(), scen('server-error;status=504', 's3'));
    expect((await errorOf(g)).error.type).toBe('timeout_error');
  });

  it('gateway-html: a 502 HTML page from a proxy, then 200', async () => {
    const s = await sim();
    const r = await post(s, msg(), scen('gateway-html', 'g1'));
    expect(r.status).toBe(502);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    // From a proxy, not the API: no request-id, no anthropic-ratelimit-* (issue #11).
    expect(r.headers.get('request-id')).toBeNull();
    expect([...r.headers.keys()].filter((k) => k.startsWith('anthropic-ratelimit-'))).toEqual([]);
    expect(await r.text()).toMatch(/<title>502 Bad Gateway<\/title>/);
    expect((await post(s, msg(), scen('gateway-html', 'g1'))).status).toBe(200);
    const t = await post(s, msg(), scen('gateway-html;status=504', 'g2'));
    expect(t.status).toBe(504);
    expect(await t.text()).toMatch(/Gateway Time-out/);
  });

  it('timeout: never answers until the client gives up; count=1 answers the retry', async () => {
    const s = await sim();
    const h = scen('timeout;count=1', 't1');
    const t0 = performance.now();
    const outcome = await fetch(s.url + '/v1/messages', {
      method: 'POST',
      headers: baseHeaders(h),
      body: JSON.stringify(msg()),
      signal: AbortSignal.timeout(300),
    }).then(
      (r) => `answered ${r.status}`,
      (e: Error) => e.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(s.stats().byStatus['timeout']).toBe(1);
    await until(() => s.stats().inFlight === 0); // the client hung up
    expect((await post(s, msg(), h)).status).toBe(200);
  });

  it('reset: the connection is destroyed before any answer, then 200', async () => {
    const s = await sim();
    const err = await post(s, msg(), scen('reset', 'x1')).then(
      () => null,
      (e: unknown) => e as Error & { cause?: { code?: string } },
    );
    expect(err).not.toBeNull();
    expect(err!.cause?.code ?? String(err!.cause)).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed/);
    expect((await post(s, msg(), scen('reset', 'x1'))).status).toBe(200);
    expect(s.stats().byStatus['reset']).toBe(1);
  });

  it('stream-overloaded: 200, `deltas` content deltas, then event: error; non-stream gets 529', async () => {
    const s = await sim();
    const r = await post(s, msg({ stream: true }), scen('stream-overloaded;deltas=3'));
    expect(r.status).toBe(200);
    const events = parseSse(await r.text());
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'content_block_delta')).toHaveLength(3);
    expect(names[names.length - 1]).toBe('error');
    expect(names).not.toContain('message_stop');
    expect(events[events.length - 1]!.data).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const zero = parseSse(await (await post(s, msg({ stream: true }), scen('stream-overloaded;deltas=0'))).text());
    expect(zero.map((e) => e.event)).toEqual(['message_start', 'error']);
    const ns = await post(s, msg(), scen('stream-overloaded'));
    expect(ns.status).toBe(529);
    expect(ns.headers.get('x-should-retry')).toBe('true');
  });

  it('stream-cut: the stream ends without message_stop; non-stream gets a truncated body', async () => {
    const s = await sim();
    const events = parseSse(await (await post(s, msg({ stream: true }), scen('stream-cut;deltas=2'))).text());
    expect(events.map((e) => e.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta']);
    const r = await post(s, msg(), scen('stream-cut'));
    expect(r.status).toBe(200);
    await expect(r.text().then((t) => JSON.parse(t))).rejects.toThrow();
  });

  it('auth-error: 401 whatever the key', async () => {
    const s = await sim();
    const r = await post(s, msg(), scen('auth-error'));
    expect(r.status).toBe(401);
    expect((await errorOf(r)).error).toEqual({ type: 'authentication_error', message: 'invalid x-api-key' });
  });

  it('the extra status scenarios', async () => {
    const s = await sim();
    const cases: [string, number, string | null][] = [
      ['gateway-timeout', 504, 'timeout_error'],
      ['usage-limit', 400, 'invalid_request_error'],
      ['billing-error', 402, 'billing_error'],
      ['permission-error', 403, 'permission_error'],
    ];
    for (const [spec, status, type] of cases) {
      const r = await post(s, msg(), scen(spec));
      expect(r.status, spec).toBe(status);
      expect((await errorOf(r)).error.type, spec).toBe(type);
    }
    const usage = await post(s, msg(), scen('usage-limit'));
    expect((await errorOf(usage)).error.message).toMatch(/^You have reached your specified API usage limits/);
    const big = await post(s, msg(), scen('request-too-large'));
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/text\/html/);
    expect(big.headers.get('request-id')).toBeNull();
    expect([...big.headers.keys()].filter((k) => k.startsWith('anthropic-ratelimit-'))).toEqual([]);
    expect(await big.text()).toMatch(/413 Request Entity Too Large/);
  });

  it('slow: headers arrive after delayMs', async () => {
    const s = await sim();
    const t0 = performance.now();
    expect((await post(s, msg(), scen('slow;delayMs=200'))).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('model=… limits the fault to those models (a fallback model succeeds)', async () => {
    const s = await sim();
    const h = scen('overloaded;count=always;model=claude-opus-5-5,claude-opus-4-8', 'm1');
    expect((await post(s, msg({ model: 'claude-opus-5-5' }), h)).status).toBe(529);
    expect((await post(s, msg({ model: 'claude-opus-4-8' }), h)).status).toBe(529);
    expect((await post(s, msg({ model: 'claude-sonnet-5-5' }), h)).status).toBe(200);
    expect((await get(s, '/v1/models', h)).status).toBe(200);
    expect((await post(s, msg({ model: 'claude-opus-5-5' }), h)).status).toBe(529);
  });

  it('a bad spec is a clear 400', async () => {
    const s = await sim();
    const r = await post(s, msg(), scen('overloaded;count=lots'));
    expect(r.status).toBe(400);
    const e = await errorOf(r);
    expect(e.error.type).toBe('invalid_request_error');
    expect(e.error.message).toBe('x-simulate-scenario: invalid value for "count": "lots" (expected a non-negative integer or "always")');
    expect((await errorOf(await post(s, msg(), scen('meltdown')))).error.message).toMatch(/unknown scenario "meltdown"/);
  });

  it('scenarios apply to count_tokens and models too', async () => {
    const s = await sim();
    expect((await post(s, { model: MODEL, messages: USER }, scen('overloaded;count=always'), '/v1/messages/count_tokens')).status).toBe(529);
    expect((await get(s, '/v1/models', scen('server-error;count=always;status=503'))).status).toBe(503);
  });
});

describe('sessions', () => {
  it('keeps "N failures then 200" per session; sessions do not interfere', async () => {
    const s = await sim();
    const spec = 'overloaded;count=1';
    expect((await post(s, msg(), scen(spec, 'A'))).status).toBe(529);
    expect((await post(s, msg(), scen(spec, 'B'))).status).toBe(529);
    expect((await post(s, msg(), scen(spec, 'A'))).status).toBe(200);
    expect((await post(s, msg(), scen(spec, 'B'))).status).toBe(200);
  });

  it('uses one server-wide default session without the header', async () => {
    const s = await sim({ scenario: 'overloaded;count=1' });
    expect((await post(s, msg())).status).toBe(529);
    expect((await post(s, msg())).status).toBe(200);
    expect((await post(s, msg(), { 'x-simulate-session': 'other' })).status).toBe(529);
  });

  it('a different spec in the same session starts its own count; reset() forgets state and counters', async () => {
    const s = await sim();
    expect((await post(s, msg(), scen('overloaded;count=1', 'S'))).status).toBe(529);
    expect((await post(s, msg(), scen('server-error;count=1', 'S'))).status).toBe(500);
    s.reset();
    expect(s.stats().requests).toBe(0);
    expect((await post(s, msg(), scen('overloaded;count=1', 'S'))).status).toBe(529);
  });
});

describe('flaky and storm', () => {
  it('flaky is a seeded mix: the same seed and session give the same sequence', async () => {
    const run = async (seed: number, session: string): Promise<string[]> => {
      const s = await sim({ seed });
      const out: string[] = [];
      for (let i = 0; i < 24; i++) {
        const r = await post(s, msg(), scen('flaky', session)).then((x) => x.status, () => 'reset');
        out.push(String(r));
      }
      return out;
    };
    const a = await run(7, 'f');
    const b = await run(7, 'f');
    const c = await run(8, 'f');
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toContain('200');
    expect(a.some((x) => x !== '200')).toBe(true);
    for (const x of a) expect(['200', '429', '500', '502', '503', '529', 'reset']).toContain(x);
    // rate=0: never a fault; rate=1: always a fault.
    const s = await sim();
    for (let i = 0; i < 5; i++) expect((await post(s, msg(), scen('flaky;rate=0;seed=3'))).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const st = await post(s, msg(), scen('flaky;rate=1;seed=3')).then((x) => x.status, () => 0);
      expect(st).not.toBe(200);
    }
  });

  it('storm;background=0: beyond capacity in flight get 529, the rest succeed after serviceTimeMs', async () => {
    const s = await sim({ serviceTimeMs: 1500 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => post(s, msg(), scen('storm;capacity=3;background=0')).then(async (r) => (await r.arrayBuffer(), r.status))),
    );
    expect(results.filter((x) => x === 200)).toHaveLength(3);
    expect(results.filter((x) => x === 529)).toHaveLength(5);
    expect(s.stats().byStatus).toEqual({ '200': 3, '529': 5 });
    expect(s.stats().maxInFlight).toBeGreaterThanOrEqual(4);
    // capacity frees up once the successes are done
    expect((await post(s, msg(), scen('storm;capacity=3;background=0'))).status).toBe(200);
  });

  it('storm uses the capacity option by default', async () => {
    const s = await sim({ serviceTimeMs: 1500, capacity: 2, scenario: 'storm;background=0' });
    const results = await Promise.all(Array.from({ length: 5 }, () => post(s, msg()).then((r) => r.status)));
    expect(results.filter((x) => x === 200)).toHaveLength(2);
  });
});

describe('stats and close', () => {
  it('counts requests, in-flight requests and outcomes by status', async () => {
    const s = await sim({ serviceTimeMs: 200 });
    const p = post(s, msg());
    await until(() => s.stats().inFlight === 1);
    expect((await p).status).toBe(200);
    await post(s, msg(), scen('overloaded;count=always'));
    await until(() => s.stats().inFlight === 0);
    expect(s.stats()).toMatchObject({ requests: 2, inFlight: 0, byStatus: { '200': 1, '529': 1 } });
  });

  it('close() ends hanging timeout sockets at once', async () => {
    const s = await startSimulator();
    const pending = new Promise<string>((resolve) => {
      const req = httpRequest(s.url + '/v1/messages', { method: 'POST', headers: { ...baseHeaders(), 'x-simulate-scenario': 'timeout' } }, () => resolve('answered'));
      req.on('error', (e) => resolve(`error:${(e as NodeJS.ErrnoException).code ?? e.message}`));
      req.end(JSON.stringify(msg()));
    });
    await until(() => s.stats().byStatus['timeout'] === 1);
    expect(s.stats().inFlight).toBe(1);
    const t0 = performance.now();
    await s.close();
    const outcome = await pending;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(outcome).toMatch(/^error:/);
    await expect(fetch(s.url + '/v1/models')).rejects.toThrow();
  });

  it('close() is prompt during a long service time and a stream; calling it twice is fine', async () => {
    const s = await startSimulator({ serviceTimeMs: 60_000 });
    const a = post(s, msg()).then((r) => r.status, () => 'closed');
    const b = post(s, msg({ stream: true })).then((r) => r.text()).then(() => 'ended', () => 'closed');
    await until(() => s.stats().inFlight === 2);
    const t0 = performance.now();
    await Promise.all([s.close(), s.close()]);
    expect(await a).toBe('closed');
    expect(['ended', 'closed']).toContain(await b);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
