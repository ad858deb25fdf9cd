// The simulator judges model lifecycles on an injectable day (the facts are date-aware).
import { describe, expect, it } from 'vitest';
import Anthropic, { NotFoundError } from '@anthropic-ai/sdk';
import { MODEL_LIFECYCLE, lookupModel } from '../../../src/core/data/api-facts';
import { validateCountTokens, validateMessages } from '../../../src/core/simulator/validate';
import { sim, KEY, USER, post, get } from './helpers';

const opus45 = MODEL_LIFECYCLE.find((m) => m.id === 'claude-opus-4-5')!;
const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

describe('simulator today option', () => {
  it('a model answers until the day before its retirement and is a 404 from that day (fixed day and a clock function)', async () => {
    expect(lookupModel(opus45.id, opus45.retiresOn).kind).toBe('retired');
    const before = await sim({ today: dayBefore(opus45.retiresOn) });
    const body = { model: opus45.id, max_tokens: 8, messages: [{ role: 'user' as const, content: 'Hello' }] };
    expect((await post(before, body)).status).toBe(200);
    expect((await get(before, `/v1/models/${opus45.id}`)).status).toBe(200);
    let day = dayBefore(opus45.retiresOn);
    const clock = await sim({ today: () => day });
    const client = new Anthropic({ apiKey: KEY, baseURL: clock.url, maxRetries: 0 });
    await expect(client.messages.create(body)).resolves.toBeTruthy();
    day = opus45.retiresOn;
    const err = await client.messages.create(body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).message).toContain(`model: ${opus45.id}`);
    expect((await post(clock, { model: opus45.id, messages: USER }, {}, '/v1/messages/count_tokens')).status).toBe(404);
    // Each alias follows its model.
    for (const alias of opus45.aliases ?? []) expect((await post(clock, { ...body, model: alias })).status).toBe(404);
  });

  it('validate functions take the day too (default: the real date)', () => {
    const body = { model: 'claude-sonnet-4-5', max_tokens: 8, messages: USER };
    expect('status' in validateMessages(body, '2023-06-01', '2026-11-29')).toBe(false);
    expect(validateMessages(body, '2023-06-01', '2026-11-30')).toMatchObject({ status: 404 });
    expect('status' in validateCountTokens(body, '2026-11-29')).toBe(false);
    expect(validateCountTokens(body, '2026-11-30')).toMatchObject({ status: 404 });
  });
});
