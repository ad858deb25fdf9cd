/**
 * Fidelity: the official @anthropic-ai/sdk (1.12.0), unchanged and with its own default retries
 * ON, against the simulator over real HTTP on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AnthropicError,
  AuthenticationError,
  BadRequestError,
  ContentTooLargeError,
  GatewayTimeoutError,
  PaymentRequiredError,
  PermissionDeniedError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
  ServiceUnavailableError,
} from '@anthropic-ai/sdk';
import { sim, KEY, MODEL } from './helpers';
import type { RunningSimulator, SimulatorRequestEvent } from '../../../src/core/simulator/index';

const REPLY = /^Hello from the Claude Doctor simulator! .* tests can rely on them\.$/;
const params = { model: MODEL, max_tokens: 1000, messages: [{ role: 'user' as const, content: 'Hello' }] };

function client(s: RunningSimulator, extra: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}): Anthropic {
  return new Anthropic({ apiKey: KEY, baseURL: s.url, ...extra });
}
const scen = (spec: string, session = `s-${Math.random()}`) => ({
  headers: { 'x-simulate-scenario': spec, 'x-simulate-session': session },
});

async function caught(p: Promise<unknown>): Promise<APIError> {
  try {
    await p;
  } catch (e) {
    return e as APIError;
  }
  throw new Error('expected the call to throw');
}

const PROXY_STATUSES = new Set([502, 504, 413]);

function expectApiError(e: APIError, status: number, type: string | null): void {
  expect(e.status).toBe(status);
  expect(e.type).toBe(type);
  if (PROXY_STATUSES.has(status) && type === null) {
    // A proxy's page: no request id, no rate-limit headers (the SDK's "no request id" path).
    expect(e.requestID ?? null).toBeNull();
    expect(e.headers?.get('anthropic-ratelimit-requests-limit')).toBeNull();
    return;
  }
  expect(e.requestID).toMatch(/^req_011/);
  expect(e.headers?.get('request-id')).toBe(e.requestID);
  expect(e.headers?.get('anthropic-ratelimit-requests-limit')).toBeTruthy();
}

describe('official SDK: success paths', () => {
  it('messages.create returns the message with _request_id and usage', async () => {
    const s = await sim({ apiKey: KEY });
    const m = await client(s).messages.create(params);
    expect(m.content[0]?.type).toBe('text');
    expect((m.content[0] as { text: string }).text).toMatch(REPLY);
    expect(m.stop_reason).toBe('end_turn');
    expect(m.usage.output_tokens).toBeGreaterThan(10);
    expect(m._request_id).toMatch(/^req_011/);
    expect(s.stats()).toMatchObject({ requests: 1, retries: 0, byStatus: { '200': 1 } });
  });

  it('withResponse exposes request_id and the rate-limit headers', async () => {
    const s = await sim();
    const { data, response, request_id } = await client(s).messages.create(params).withResponse();
    expect(request_id).toBe(response.headers.get('request-id'));
    expect(data.id).toMatch(/^msg_/);
    expect(Number(response.headers.get('anthropic-ratelimit-tokens-remaining')) % 1000).toBe(0);
  });

  it('messages.stream accumulates the streamed text, fires text events, exposes request_id', async () => {
    const s = await sim();
    const stream = client(s).messages.stream(params);
    const pieces: string[] = [];
    stream.on('text', (t) => pieces.push(t));
    const final = await stream.finalMessage();
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toMatch(REPLY);
    expect((final.content[0] as { text: string }).text).toBe(pieces.join(''));
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(10);
    expect(stream.request_id).toMatch(/^req_011/);
  });

  it('create({stream: true}) yields the raw events in order; max_tokens cuts with stop_reason max_tokens', async () => {
    const s = await sim();
    const events = await client(s).messages.create({ ...params, max_tokens: 5, stream: true });
    const types: string[] = [];
    let stop: string | null | undefined;
    for await (const ev of events) {
      types.push(ev.type);
      if (ev.type === 'message_delta') stop = ev.delta.stop_reason;
    }
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types).not.toContain('ping'); // the SDK drops pings
    expect(stop).toBe('max_tokens');
  });

  it('thinking blocks survive the stream accumulator', async () => {
    const s = await sim();
    const final = await client(s)
      .messages.stream({ ...params, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 1024 } })
      .finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    const th = final.content[0] as { thinking: string; signature: string };
    expect(th.thinking.length).toBeGreaterThan(10);
    expect(th.signature.length).toBeGreaterThan(10);
  });

  it('countTokens and models.list (auto-pagination)', async () => {
    const { CURRENT_MODELS } = await import('../../../src/core/data/api-facts');
    const s = await sim();
    const c = client(s);
    const count = await c.messages.countTokens({ model: MODEL, messages: params.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const m of c.models.list({ limit: 4 })) ids.push(m.id);
    expect(ids).toEqual(CURRENT_MODELS.map((m) => m.id));
    expect(s.stats().requests).toBe(1 + Math.ceil(CURRENT_MODELS.length / 4));
    const one = await c.models.retrieve('claude-opus-4-8');
    expect(one.display_name).toBe('Claude Opus 4.8');
  });
});

describe('official SDK: retries and error classes', () => {
  it('overloaded;count=2: two 529s, then success on the third attempt after the SDK backoff', async () => {
    const s = await sim();
    const t0 = performance.now();
    const m = await client(s).messages.create(params, scen('overloaded;count=2'));
    const elapsed = performance.now() - t0;
    expect(m.stop_reason).toBe('end_turn');
    expect(s.stats()).toMatchObject({ requests: 3, retries: 2, byStatus: { '529': 2, '200': 1 } });
    // SDK backoff: 0.5 s and 1 s, each × (1 − 0.25·random) → at least 1125 ms in total.
    expect(elapsed).toBeGreaterThanOrEqual(1100);
  });

  it('persistent overload: OverloadedError 529 after 3 attempts, x-should-retry honoured', async () => {
    const s = await sim();
    const e = await caught(client(s).messages.create(params, scen('overloaded;count=always;retryAfterMs=10')));
    expect(e).toBeInstanceOf(OverloadedError);
    expect(e).toBeInstanceOf(InternalServerError);
    expectApiError(e, 529, 'overloaded_error');
    expect(e.headers?.get('x-should-retry')).toBe('true');
    expect(e.apiMessage).toBe('Overloaded');
    expect(s.stats()).toMatchObject({ requests: 3, retries: 2, byStatus: { '529': 3 } });
  });

  it('rate-limited: retry-after-ms and retry-after are honoured', async () => {
    const s = await sim();
    let t0 = performance.now();
    await client(s).messages.create(params, scen('rate-limited;retryAfterMs=300'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(s.stats().byStatus).toEqual({ '429': 1, '200': 1 });
    t0 = performance.now();
    await client(s).messages.create(params, scen('rate-limited;retryAfter=1'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    expect(s.stats().requests).toBe(4);
  });

  it('persistent rate limit: RateLimitError 429 rate_limit_error', async () => {
    const s = await sim();
    const e = await caught(client(s).messages.create(params, scen('rate-limited;count=always;retryAfterMs=10')));
    expect(e).toBeInstanceOf(RateLimitError);
    expectApiError(e, 429, 'rate_limit_error');
    expect(e.headers?.get('retry-after-ms')).toBe('10');
    expect(e.errorCode).toBeNull();
    expect(s.stats().requests).toBe(3);
  });

  it('spend cap: RateLimitError with errorCode enforced_spend_limit_reached, retried uselessly by the SDK', async () => {
    const s = await sim();
    const e = await caught(client(s, { maxRetries: 1 }).messages.create(params, scen('spend-cap')));
    expect(e).toBeInstanceOf(RateLimitError);
    expectApiError(e, 429, 'rate_limit_error');
    expect(e.errorCode).toBe('enforced_spend_limit_reached');
    expect(e.constructor.name).toBe('EnforcedSpendLimitReachedError');
    expect(e.headers?.get('retry-after')).toBeNull();
    expect(s.stats().requests).toBe(2); // the SDK does not distinguish it
  });

  it('server errors: InternalServerError 500 and ServiceUnavailableError 503; count=1 recovers', async () => {
    const s = await sim();
    const c = client(s, { maxRetries: 0 });
    const e500 = await caught(c.messages.create(params, scen('server-error')));
    expect(e500).toBeInstanceOf(InternalServerError);
    expectApiError(e500, 500, 'api_error');
    const e503 = await caught(c.messages.create(params, scen('server-error;status=503')));
    expect(e503).toBeInstanceOf(ServiceUnavailableError);
    expectApiError(e503, 503, 'api_error');
    const ok = await client(s).messages.create(params, scen('server-error;count=1;status=503;retryAfterMs=10'));
    expect(ok.stop_reason).toBe('end_turn');
  });

  it('an HTML 502 from a proxy: InternalServerError with the HTML as the message, type null', async () => {
    const s = await sim();
    const e = await caught(client(s, { maxRetries: 0 }).messages.create(params, scen('gateway-html')));
    expect(e).toBeInstanceOf(InternalServerError);
    expectApiError(e, 502, null);
    expect(e.message).toMatch(/^502 <html>/);
  });

  it('no retries for 400, 401, 404: BadRequestError, AuthenticationError, NotFoundError', async () => {
    const s = await sim({ apiKey: KEY });
    const c = client(s);
    const bad = await caught(
      c.messages.create({ ...params, model: 'claude-opus-4-6', messages: [...params.messages, { role: 'assistant', content: '{' }] }),
    );
    expect(bad).toBeInstanceOf(BadRequestError);
    expectApiError(bad, 400, 'invalid_request_error');
    expect(bad.apiMessage).toMatch(/prefill/);

    const missing = await caught(c.messages.create({ model: MODEL, messages: params.messages } as never));
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing.apiMessage).toBe('max_tokens: Field required');

    const nf = await caught(c.messages.create({ ...params, model: 'claude-3-5-haiku-latest' }));
    expect(nf).toBeInstanceOf(NotFoundError);
    expectApiError(nf, 404, 'not_found_error');
    expect(nf.apiMessage).toBe('model: claude-3-5-haiku-latest');

    const auth = await caught(client(s, { apiKey: 'sk-ant-wrong' }).messages.create(params));
    expect(auth).toBeInstanceOf(AuthenticationError);
    expectApiError(auth, 401, 'authentication_error');
    expect(auth.message).not.toContain('sk-ant-wrong');

    const forced = await caught(c.messages.create(params, scen('auth-error')));
    expect(forced).toBeInstanceOf(AuthenticationError);

    expect(s.stats().requests).toBe(5); // one attempt each
    expect(s.stats().retries).toBe(0);
  });

  it('a 529 before the stream starts is retried by the SDK; a stream over the max_tokens cap is a BadRequestError', async () => {
    const s = await sim();
    const final = await client(s).messages.stream(params, scen('overloaded;count=1;retryAfterMs=10')).finalMessage();
    expect(final.stop_reason).toBe('end_turn');
    expect(s.stats()).toMatchObject({ requests: 2, retries: 1, byStatus: { '529': 1, '200': 1 } });
    const e = await caught(client(s).messages.stream({ ...params, max_tokens: 64_001 }).finalMessage());
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e.apiMessage).toBe('max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5');
  });

  it('mid-stream overload via messages.stream: APIError with status undefined and type overloaded_error, not retried', async () => {
    const s = await sim();
    const stream = client(s).messages.stream(params, scen('stream-overloaded;deltas=2'));
    const pieces: string[] = [];
    stream.on('text', (t) => pieces.push(t));
    const e = await caught(stream.finalMessage());
    expect(e).toBeInstanceOf(APIError);
    expect(e).not.toBeInstanceOf(OverloadedError);
    expect(e.status).toBeUndefined();
    expect(e.type).toBe('overloaded_error');
    expect(e.requestID).toMatch(/^req_011/);
    expect(e.headers?.get('content-type')).toMatch(/text\/event-stream/);
    expect(pieces).toHaveLength(2);
    expect(s.stats()).toMatchObject({ requests: 1, byStatus: { '200': 1 } });
  });

  it('mid-stream overload via create({stream: true}): the iterator throws the same APIError', async () => {
    const s = await sim();
    const events = await client(s).messages.create({ ...params, stream: true }, scen('stream-overloaded;deltas=0'));
    const seen: string[] = [];
    const e = await caught(
      (async () => {
        for await (const ev of events) seen.push(ev.type);
      })(),
    );
    expect(e.status).toBeUndefined();
    expect(e.type).toBe('overloaded_error');
    expect(seen).toEqual(['message_start']);
  });

  it('stream-overloaded on a non-streaming call: 529 OverloadedError after the SDK retries', async () => {
    const s = await sim();
    const e = await caught(client(s, { maxRetries: 1 }).messages.create(params, scen('stream-overloaded')));
    expect(e).toBeInstanceOf(OverloadedError);
    expect(s.stats().requests).toBe(2);
  });

  it('connection reset: retried by the SDK (count=1 recovers), APIConnectionError when persistent', async () => {
    const s = await sim();
    const ok = await client(s).messages.create(params, scen('reset'));
    expect(ok.stop_reason).toBe('end_turn');
    expect(s.stats().byStatus).toEqual({ reset: 1, '200': 1 });
    const e = await caught(client(s, { maxRetries: 1 }).messages.create(params, scen('reset;count=always')));
    expect(e).toBeInstanceOf(APIConnectionError);
    expect(e.status).toBeUndefined();
  });

  it('timeout: APIConnectionTimeoutError per attempt; count=1 recovers on the retry', async () => {
    const s = await sim();
    const e = await caught(client(s, { maxRetries: 0, timeout: 200 }).messages.create(params, scen('timeout')));
    expect(e).toBeInstanceOf(APIConnectionTimeoutError);
    const ok = await client(s, { maxRetries: 1, timeout: 300 }).messages.create(params, scen('timeout;count=1'));
    expect(ok.stop_reason).toBe('end_turn');
    expect(s.stats().byStatus).toMatchObject({ timeout: 2, '200': 1 });
  });

  it('the extra scenarios map to the SDK classes; a cut stream and a truncated body both fail', async () => {
    const s = await sim();
    const c = client(s, { maxRetries: 0 });
    const cases: [string, new (...a: never[]) => APIError, number, string | null][] = [
      ['billing-error', PaymentRequiredError, 402, 'billing_error'],
      ['permission-error', PermissionDeniedError, 403, 'permission_error'],
      ['request-too-large', ContentTooLargeError, 413, null],
      ['gateway-timeout', GatewayTimeoutError, 504, 'timeout_error'],
      ['usage-limit', BadRequestError, 400, 'invalid_request_error'],
    ];
    for (const [spec, cls, status, type] of cases) {
      const e = await caught(c.messages.create(params, scen(spec)));
      expect(e, spec).toBeInstanceOf(cls);
      expectApiError(e, status, type);
    }
    const cut = await caught(c.messages.stream(params, scen('stream-cut')).finalMessage());
    expect(cut).toBeInstanceOf(AnthropicError);
    expect(cut.message).toMatch(/stream ended without producing a Message/);
    // A body cut mid-way is not even an AnthropicError: the fetch body read fails.
    const truncated = await caught(c.messages.create(params, scen('stream-cut')));
    expect(truncated).not.toBeInstanceOf(AnthropicError);
    expect(truncated).toBeInstanceOf(TypeError);
  });

  it('onRequest reports every attempt (status, scenario, session, retry count, model) and never the key', async () => {
    const events: SimulatorRequestEvent[] = [];
    const s = await sim({ apiKey: KEY, onRequest: (e) => events.push(e) });
    await client(s).messages.create(params, scen('overloaded;count=2;retryAfterMs=5', 'run-7'));
    await caught(client(s, { maxRetries: 0 }).messages.stream(params, scen('reset;count=always', 'run-8')).finalMessage());
    expect(events.map((e) => [e.outcome, e.retryCount, e.session])).toEqual([
      ['529', 0, 'run-7'],
      ['529', 1, 'run-7'],
      ['200', 2, 'run-7'],
      ['reset', 0, 'run-8'],
    ]);
    expect(events[0]).toMatchObject({ method: 'POST', path: '/v1/messages', model: MODEL, stream: false, scenario: 'overloaded;count=2;retryAfterMs=5' });
    expect(events[3]!.stream).toBe(true);
    expect(events[2]!.requestId).toMatch(/^req_011/);
    for (const e of events) expect(e.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(events)).not.toContain(KEY);
    // a throwing listener does not break the server
    const s2 = await sim({ onRequest: () => { throw new Error('boom'); } });
    expect((await client(s2).messages.create(params)).stop_reason).toBe('end_turn');
  });

  it('storm: many SDK clients against capacity 4; the SDK retries 529s and stats show the load', async () => {
    const s = await sim({ serviceTimeMs: 100, capacity: 4 });
    const c = client(s, { maxRetries: 4 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        c.messages.create(params, scen('storm;background=0', `storm-${i}`)).then(
          () => 'ok',
          (e: APIError) => String(e.status),
        ),
      ),
    );
    const st = s.stats();
    expect(st.byStatus['529']).toBeGreaterThan(0);
    expect(st.byStatus['200']).toBe(results.filter((r) => r === 'ok').length);
    expect(st.retries).toBeGreaterThan(0);
    expect(st.requests).toBe((st.byStatus['200'] ?? 0) + (st.byStatus['529'] ?? 0));
    expect(results.filter((r) => r === 'ok').length).toBeGreaterThanOrEqual(4);
  });
});
