import { describe, expect, it } from 'vitest';
import { sim, post, msg, errorOf, USER, MODEL } from './helpers';

const LEGACY = { 'anthropic-version': '2023-06-01' };

async function expect400(body: unknown, pattern: RegExp, headers: Record<string, string> = {}, path?: string): Promise<void> {
  const s = await sim();
  const r = await post(s, body, headers, path);
  const e = await errorOf(r);
  expect(r.status, JSON.stringify(e)).toBe(400);
  expect(e.type).toBe('error');
  expect(e.error.type).toBe('invalid_request_error');
  expect(e.error.message).toMatch(pattern);
  expect(e.request_id).toBe(r.headers.get('request-id'));
}

async function expectOk(body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const s = await sim();
  const r = await post(s, body, headers);
  expect(r.status, await r.clone().text()).toBe(200);
}

describe('validation like the API (400 invalid_request_error, 404 not_found_error)', () => {
  it('missing required fields', async () => {
    await expect400({ model: MODEL, messages: USER }, /^max_tokens: Field required$/);
    await expect400({ max_tokens: 10, messages: USER }, /^model: Field required$/);
    await expect400({ model: MODEL, max_tokens: 10 }, /^messages: Field required$/);
  });

  it('max_tokens type and range; 0 is valid (cache pre-warm)', async () => {
    await expect400(msg({ max_tokens: '10' }), /^max_tokens: Input should be a valid integer$/);
    await expect400(msg({ max_tokens: 1.5 }), /valid integer/);
    await expect400(msg({ max_tokens: -1 }), /greater than or equal to 0/);
    const s = await sim();
    const r = await post(s, msg({ max_tokens: 0 }));
    expect(r.status).toBe(200);
    const m = (await r.json()) as { content: unknown[]; stop_reason: string; usage: { output_tokens: number } };
    expect(m.content).toEqual([]);
    expect(m.stop_reason).toBe('max_tokens');
    expect(m.usage.output_tokens).toBe(0);
  });

  it('max_tokens over the model cap, per model', async () => {
    await expect400(
      msg({ model: 'claude-haiku-4-5', max_tokens: 64_001 }),
      /^max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5$/,
    );
    await expect400(
      msg({ model: 'claude-opus-4-6', max_tokens: 128_001 }),
      /^max_tokens: 128001 > 128000, which is the maximum allowed number of output tokens for claude-opus-4-6$/,
    );
    await expectOk(msg({ model: 'claude-opus-4-6', max_tokens: 128_000 }));
    await expectOk(msg({ model: 'claude-haiku-4-5-20251001', max_tokens: 64_000 }));
  });

  it('retired and unknown models are 404 `model: <id>`; dated aliases work', async () => {
    const s = await sim();
    for (const id of ['claude-3-5-haiku-latest', 'claude-3-7-sonnet-20250219', 'claude-2.1', 'claude-sonnet-4-20250514', 'claude-opus-4-1', 'claude-sonnet-4.5', 'gpt-4o']) {
      const r = await post(s, msg({ model: id }));
      const e = await errorOf(r);
      expect(r.status, id).toBe(404);
      expect(e.error).toEqual({ type: 'not_found_error', message: `model: ${id}` });
    }
    expect((await post(s, msg({ model: 'claude-haiku-4-5-20251001' }))).status).toBe(200);
    // Past its retirement day (2026-11-30 on the Claude API), a dated alias is a 404 too.
    expect((await post(s, msg({ model: 'claude-sonnet-4-5-20250929' }))).status).toBe(404);
    expect((await post(s, msg({ model: 'claude-mythos-preview' }))).status).toBe(404);
    await expect400(msg({ model: 42 }), /^model: Input should be a valid string$/);
  });

  it('messages: empty, not a list, bad roles, bad content', async () => {
    await expect400(msg({ messages: [] }), /^messages: at least one message is required$/);
    await expect400(msg({ messages: 'hi' }), /^messages: Input should be a valid list$/);
    await expect400(msg({ messages: [{ role: 'bot', content: 'x' }] }), /^messages\.0\.role: Input should be 'user', 'assistant' or 'system'$/);
    await expect400(msg({ messages: [{ role: 'user' }] }), /^messages\.0\.content: Field required$/);
    await expect400(msg({ messages: [{ role: 'user', content: 5 }] }), /messages\.0\.content/);
    await expect400(msg({ messages: [{ role: 'user', content: [{ text: 'x' }] }] }), /messages\.0\.content\.0\.type: Field required/);
    await expect400(msg({ messages: [{ role: 'user', content: [{ type: 'text' }] }] }), /messages\.0\.content\.0\.text: Field required/);
    await expectOk(msg({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }));
  });

  it('more than 100,000 messages', async () => {
    const many = Array.from({ length: 100_001 }, () => ({ role: 'user', content: 'x' }));
    await expect400(msg({ messages: many }), /^messages: too many messages \(100001 > 100000\)$/);
  });

  it('a leading system message is always a 400', async () => {
    for (const model of ['claude-opus-4-8', 'claude-opus-5-5', 'claude-haiku-4-5']) {
      await expect400(
        msg({ model, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] }),
        /^messages: Unexpected role "system"\. The Messages API accepts a top-level `system` parameter, not "system" as an input message role\.$/,
      );
    }
  });

  it('a later system message: accepted after a user turn on models that support it, 400 elsewhere', async () => {
    const later = [{ role: 'user', content: 'hi' }, { role: 'system', content: 'Be brief.' }, { role: 'user', content: 'ok' }];
    await expectOk(msg({ model: 'claude-opus-4-8', messages: later }));
    await expectOk(msg({ model: 'claude-opus-5-5', messages: later }));
    await expect400(msg({ model: 'claude-opus-4-7', messages: later }), /^messages: Unexpected role "system"\. The Messages API accepts a top-level `system` parameter/);
    await expect400(msg({ model: 'claude-haiku-4-5', messages: later }), /Unexpected role "system"/);
    // Sonnet 5 support is unverified in the facts: treated as not supported.
    await expect400(msg({ model: 'claude-sonnet-5', messages: later }), /Unexpected role "system"/);
    await expect400(
      msg({ model: 'claude-opus-5-5', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'system', content: 'c' }, { role: 'user', content: 'd' }] }),
      /^messages\.2: a "system" message must directly follow a "user" message$/,
    );
  });

  it('a trailing assistant message (prefill) is a 400 on 4.6+ and fine on 4.5', async () => {
    const prefill = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: '{' }];
    await expect400(msg({ model: 'claude-opus-4-6', messages: prefill }), /^This model does not support assistant message prefill/);
    await expect400(msg({ model: 'claude-opus-5-5', messages: prefill }), /prefill/);
    await expectOk(msg({ model: 'claude-haiku-4-5', messages: prefill }));
  });

  it('top-level system: string or list of text blocks', async () => {
    await expectOk(msg({ system: 'Be brief.' }));
    await expectOk(msg({ system: [{ type: 'text', text: 'Be brief.' }] }));
    await expect400(msg({ system: 5 }), /^system: Input should be a valid string or list of text blocks$/);
    await expect400(msg({ system: [{ type: 'image' }] }), /^system\.0:/);
  });

  it('sampling under anthropic-version 2026-10-21: any temperature/top_p/top_k is a 400', async () => {
    await expect400(msg({ temperature: 0.5 }), /^temperature: Extra inputs are not permitted/);
    await expect400(msg({ top_p: 0.9 }), /^top_p: Extra inputs/);
    await expect400(msg({ top_k: 5 }), /^top_k: Extra inputs/);
    await expect400(msg({ model: 'claude-haiku-4-5', temperature: 1 }), /2026-10-21/);
  });

  it('sampling under 2023-06-01: the per-model legacy rules', async () => {
    // 4.5-era: temperature with top_p together is rejected; each alone is fine.
    await expect400(msg({ model: 'claude-haiku-4-5', temperature: 0.5, top_p: 0.9 }), /`temperature` and `top_p` cannot both be specified for claude-haiku-4-5/, LEGACY);
    await expectOk(msg({ model: 'claude-haiku-4-5', temperature: 0.5 }), LEGACY);
    await expectOk(msg({ model: 'claude-haiku-4-5', top_p: 0.9, top_k: 40 }), LEGACY);
    // 4.6: free.
    await expectOk(msg({ model: 'claude-opus-4-6', temperature: 0.2, top_p: 0.5, top_k: 10 }), LEGACY);
    // 4.7+: only temperature 1.0, top_p >= 0.99, no top_k.
    await expect400(msg({ model: 'claude-opus-4-7', temperature: 0.7 }), /^temperature: claude-opus-4-7 only supports temperature=1\.0$/, LEGACY);
    await expect400(msg({ model: 'claude-opus-5-5', top_p: 0.9 }), /^top_p: claude-opus-5-5 only supports top_p >= 0\.99$/, LEGACY);
    await expect400(msg({ model: 'claude-opus-5-5', top_k: 5 }), /^top_k: not supported for claude-opus-5-5$/, LEGACY);
    await expectOk(msg({ model: 'claude-opus-5-5', temperature: 1, top_p: 0.995 }), LEGACY);
    // ranges
    await expect400(msg({ model: 'claude-opus-4-6', temperature: 1.5 }), /^temperature: Input should be a number between 0 and 1$/, LEGACY);
    await expect400(msg({ model: 'claude-opus-4-6', top_k: -1 }), /^top_k:/, LEGACY);
  });

  it('thinking budget rules', async () => {
    const th = (budget_tokens: unknown) => ({ type: 'enabled', budget_tokens });
    await expect400(msg({ max_tokens: 4000, thinking: th(1023) }), /^thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024$/);
    await expect400(msg({ max_tokens: 2000, thinking: th(2000) }), /^`max_tokens` must be greater than `thinking\.budget_tokens` \(2000 <= 2000\)/);
    await expect400(msg({ max_tokens: 4000, thinking: { type: 'enabled' } }), /budget_tokens: Field required/);
    await expect400(msg({ max_tokens: 4000, thinking: th('x') }), /valid integer/);
    await expect400(msg({ max_tokens: 4000, thinking: { type: 'sometimes' } }), /^thinking\.type: Input tag 'sometimes'/);
    await expectOk(msg({ max_tokens: 2001, thinking: th(2000) }));
    await expectOk(msg({ thinking: { type: 'adaptive' } }));
    await expectOk(msg({ thinking: { type: 'disabled' } }));
  });

  it('malformed JSON, non-object bodies, a non-boolean stream', async () => {
    await expect400('{"model": "claude-haiku-4-5", ', /^The request body is not valid JSON: /);
    await expect400('[1,2]', /^Request body must be a JSON object\.$/);
    await expect400('', /^Request body is empty/);
    await expect400(msg({ stream: 'yes' }), /^stream: Input should be a valid boolean$/);
  });

  it('anthropic-version is required and must be known', async () => {
    await expect400(msg(), /^anthropic-version: header is required$/, { 'anthropic-version': '' });
    await expect400(msg(), /^anthropic-version: "2024-01-01" is not a valid version/, { 'anthropic-version': '2024-01-01' });
    await expectOk(msg(), LEGACY);
  });

  it('count_tokens validates like messages, without max_tokens', async () => {
    const path = '/v1/messages/count_tokens';
    await expect400({ model: MODEL }, /^messages: Field required$/, {}, path);
    await expect400({ messages: USER }, /^model: Field required$/, {}, path);
    await expect400({ model: MODEL, messages: [{ role: 'system', content: 'x' }, ...USER] }, /^messages: Unexpected role "system"/, {}, path);
    const s = await sim();
    const r = await post(s, { model: 'claude-3-opus-20240229', messages: USER }, {}, path);
    expect(r.status).toBe(404);
    expect((await errorOf(r)).error.message).toBe('model: claude-3-opus-20240229');
  });

  it('an invalid request never consumes a scenario fault', async () => {
    const s = await sim();
    const h = { 'x-simulate-scenario': 'overloaded;count=1', 'x-simulate-session': 'v1' };
    expect((await post(s, { model: MODEL, messages: USER }, h)).status).toBe(400);
    expect((await post(s, msg(), h)).status).toBe(529);
    expect((await post(s, msg(), h)).status).toBe(200);
  });

  it('thinking: 400 where the model rejects disabled / a manual budget; the suggested fixes are accepted', async () => {
    const user = [{ role: 'user', content: 'hi' }];
    for (const model of ['claude-fable-5', 'claude-mythos-5']) {
      await expect400(msg({ model, max_tokens: 2048, messages: user, thinking: { type: 'disabled' } }), new RegExp(`^thinking\\.type: "disabled" is not supported for ${model}`));
      await expect400(msg({ model, max_tokens: 4096, messages: user, thinking: { type: 'enabled', budget_tokens: 2048 } }), /"enabled" with `budget_tokens` is not supported/);
      await expectOk(msg({ model, max_tokens: 2048, messages: user, thinking: { type: 'adaptive' } }));
      await expectOk(msg({ model, max_tokens: 2048, messages: user }));
    }
    await expect400(msg({ model: 'claude-haiku-5-5', max_tokens: 4096, messages: user, thinking: { type: 'enabled', budget_tokens: 2048 } }), /not supported for claude-haiku-5-5/);
    await expectOk(msg({ model: 'claude-haiku-5-5', max_tokens: 4096, messages: user, thinking: { type: 'adaptive' } }));
    // Models without the restriction still take a manual budget and disabled.
    await expectOk(msg({ model: 'claude-opus-4-8', max_tokens: 4096, messages: user, thinking: { type: 'enabled', budget_tokens: 2048 } }));
    await expectOk(msg({ model: 'claude-opus-4-8', max_tokens: 4096, messages: user, thinking: { type: 'disabled' } }));
  });

  it('Haiku 5.5 rejects sampling params under every API version; without them it answers; 128K cap', async () => {
    await expect400(msg({ model: 'claude-haiku-5-5', temperature: 0.5 }), /^temperature: sampling parameters are not supported for claude-haiku-5-5/, LEGACY);
    await expectOk(msg({ model: 'claude-haiku-5-5' }), LEGACY);
    await expectOk(msg({ model: 'claude-haiku-5-5', max_tokens: 128_000, stream: true }));
    await expect400(msg({ model: 'claude-haiku-5-5', max_tokens: 128_001 }), /128001 > 128000/);
    for (const model of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1', 'claude-mythos-5']) await expectOk(msg({ model }));
  });

  it('2026-10-21: a document block in an assistant message and citations in user text are 400s; 2023-06-01 and the fixes pass', async () => {
    const doc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } };
    const withDoc = [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [doc] }, { role: 'user', content: 'go on' }];
    await expect400(msg({ messages: withDoc }), /^messages\.1\.content\.0: `document` blocks are not supported in assistant messages/);
    await expectOk(msg({ messages: withDoc }), LEGACY);
    // The fix: the document goes in a user turn.
    await expectOk(msg({ messages: [{ role: 'user', content: [doc, { type: 'text', text: 'hi' }] }] }));
    const cited = { type: 'text', text: 'quote', citations: [{ type: 'char_location', cited_text: 'q', document_index: 0, start_char_index: 0, end_char_index: 1 }] };
    await expect400(msg({ messages: [{ role: 'user', content: [cited] }] }), /text blocks with `citations` are not supported in user messages/);
    await expect400(msg({ messages: [{ role: 'user', content: [{ type: 'search_result', source: 's', title: 't', content: [cited] }] }] }), /citations/);
    await expectOk(msg({ messages: [{ role: 'user', content: [cited] }] }), LEGACY);
    // The fix: drop the citations (or send them as plain text); empty citations are fine.
    await expectOk(msg({ messages: [{ role: 'user', content: [{ type: 'text', text: 'quote', citations: [] }] }] }));
    await expectOk(msg({ messages: [{ role: 'user', content: [{ type: 'text', text: 'quote' }] }] }));
  });

  it('empty text content is a 400 (not a 200), except an empty final assistant turn', async () => {
    await expect400(msg({ messages: [{ role: 'user', content: '' }] }), /^messages\.0: all messages must have non-empty content/);
    await expect400(msg({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }), /^messages: text content blocks must be non-empty$/);
    await expectOk(msg({ messages: [{ role: 'user', content: 'x' }] }));
  });
});

