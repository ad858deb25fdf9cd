/**
 * "storm" shows a storm to a single caller (issue #13 item 2): the simulator's capacity is
 * shared with simulated background clients whose load starts above capacity and halves every
 * halfLifeMs, so one run meets 529s, then gets through as the storm subsides. background=0 keeps
 * the pure capacity model (only real concurrent requests count).
 */
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { parseScenarioSpec } from '../../../src/core/simulator/spec';
import { stormBackground } from '../../../src/core/simulator/faults';
import { runConnectionTest } from '../../../src/core/retry/client';
import { sim, post, msg, KEY, MODEL } from './helpers';

const scen = (spec: string, session?: string) => ({ 'x-simulate-scenario': spec, ...(session ? { 'x-simulate-session': session } : {}) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stormBackground', () => {
  it('starts at background and halves every half-life, rounded down to 0', () => {
    expect(stormBackground(12, 1000, 0)).toBe(12);
    expect(stormBackground(12, 1000, 1000)).toBe(6);
    expect(stormBackground(12, 1000, 2000)).toBe(3);
    expect(stormBackground(12, 1000, 300)).toBe(9); // below capacity 10 from ~263 ms on
    expect(stormBackground(12, 1000, 4000)).toBe(0);
    expect(stormBackground(12, 1000, -5)).toBe(12);
    expect(stormBackground(0, 1000, 0)).toBe(0);
  });
});

describe('storm spec keys', () => {
  it('background and halfLifeMs parse; a zero half-life is refused', () => {
    const p = parseScenarioSpec('storm;halfLifeMs=200;background=3');
    expect(p.ok && p.spec).toMatchObject({ name: 'storm', background: 3, halfLifeMs: 200, canonical: 'storm;background=3;halfLifeMs=200' });
    const d = parseScenarioSpec('storm');
    expect(d.ok && [d.spec.background, d.spec.halfLifeMs]).toEqual([undefined, undefined]);
    const z = parseScenarioSpec('storm;halfLifeMs=0');
    expect(!z.ok && z.error).toMatch(/halfLifeMs must be at least 1/);
    expect(parseScenarioSpec('overloaded;background=3').ok).toBe(false);
  });
});

describe('storm with background load', () => {
  it('a single caller meets 529s, then 200 once the background load has halved below capacity', async () => {
    const s = await sim({ serviceTimeMs: 1 });
    // Capacity 10; 40 others at the start: at or above capacity for the first 400 ms.
    const spec = 'storm;background=40;halfLifeMs=200';
    expect((await post(s, msg(), scen(spec, 'a'))).status).toBe(529);
    expect((await post(s, msg(), scen(spec, 'a'))).status).toBe(529);
    await sleep(650); // 40 → at most 4
    expect((await post(s, msg(), scen(spec, 'a'))).status).toBe(200);
    // Another session (another run) meets its own storm.
    expect((await post(s, msg(), scen(spec, 'b'))).status).toBe(529);
    // After a pause of more than 10 half-lives a session's storm starts again.
    await sleep(2100);
    expect((await post(s, msg(), scen(spec, 'a'))).status).toBe(529);
  });

  it('background=0: one caller is never overloaded; background=N below capacity lets it through', async () => {
    const s = await sim({ serviceTimeMs: 1 });
    for (let i = 0; i < 3; i++) expect((await post(s, msg(), scen('storm;background=0', 'c'))).status).toBe(200);
    expect((await post(s, msg(), scen('storm;capacity=5;background=4', 'd'))).status).toBe(200);
    expect((await post(s, msg(), scen('storm;capacity=5;background=5', 'e'))).status).toBe(529);
  });

  it('the real SDK with its default retries against "storm": at least one 529, then success', async () => {
    const s = await sim({ serviceTimeMs: 5 });
    const c = new Anthropic({ apiKey: KEY, baseURL: s.url });
    const m = await c.messages.create(
      { model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] },
      { headers: scen('storm', 'sdk-run') },
    );
    expect(m.type).toBe('message');
    const st = s.stats();
    expect(st.byStatus['529']).toBeGreaterThanOrEqual(1);
    expect(st.byStatus['200']).toBe(1);
    expect(st.retries).toBe(st.byStatus['529']);
  });

  it('the connection test (the extension\'s and CLI\'s client, default policy) shows the storm in its attempts', async () => {
    const s = await sim({ serviceTimeMs: 5 });
    const attempts: { status: number | null }[] = [];
    const r = await runConnectionTest({
      baseURL: s.url, apiKey: KEY, model: MODEL, headers: scen('storm', 'run-1'), runId: 'run-1',
      onEvent: (e) => { if (e.event === 'attempt') attempts.push({ status: e.status }); },
    });
    expect(r.ok).toBe(true);
    expect(attempts[0]!.status).toBe(529);
    expect(attempts.at(-1)!.status).toBe(200);
    expect(attempts.filter((a) => a.status === 529).length).toBe(r.attempts - 1);
  });
});

describe('storm with retry-after', () => {
  it('retryAfter=S and retryAfterMs=N put that demand on every 529, not on the 200s', async () => {
    const s = await sim({ serviceTimeMs: 1 });
    const bare = await post(s, msg(), scen('storm;background=40', 'ra0'));
    expect(bare.status).toBe(529);
    expect(bare.headers.get('retry-after')).toBeNull();
    const sec = await post(s, msg(), scen('storm;background=40;retryAfter=2', 'ra1'));
    expect(sec.status).toBe(529);
    expect(sec.headers.get('retry-after')).toBe('2');
    const ms = await post(s, msg(), scen('storm;background=40;retryAfterMs=1500', 'ra2'));
    expect([ms.status, ms.headers.get('retry-after-ms'), ms.headers.get('retry-after')]).toEqual([529, '1500', '2']);
    const ok = await post(s, msg(), scen('storm;background=0;retryAfter=2', 'ra3'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('retry-after')).toBeNull();
  });
});
