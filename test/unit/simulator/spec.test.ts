import { describe, expect, it } from 'vitest';
import { SCENARIOS, parseScenarioSpec, isScenarioName } from '../../../src/core/simulator/index';

function ok(text: string) {
  const r = parseScenarioSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.spec;
}
function err(text: string): string {
  const r = parseScenarioSpec(text);
  if (r.ok) throw new Error(`expected "${text}" to be rejected`);
  return r.error;
}

describe('SCENARIOS', () => {
  it('lists the required scenarios once each, with one-line descriptions', () => {
    const names = SCENARIOS.map((s) => s.name);
    for (const n of ['ok', 'overloaded', 'rate-limited', 'spend-cap', 'server-error', 'gateway-html', 'timeout', 'reset', 'stream-overloaded', 'flaky', 'storm', 'auth-error']) {
      expect(names).toContain(n);
    }
    expect(new Set(names).size).toBe(names.length);
    for (const s of SCENARIOS) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.description).not.toContain('\n');
      expect(s.description.length).toBeLessThan(160);
      expect(parseScenarioSpec(s.name).ok).toBe(true);
      expect(isScenarioName(s.name)).toBe(true);
    }
    expect(isScenarioName('nope')).toBe(false);
  });
});

describe('parseScenarioSpec', () => {
  it('parses the examples of the brief', () => {
    expect(ok('overloaded')).toMatchObject({ name: 'overloaded', count: 2 });
    expect(ok('overloaded;count=2')).toMatchObject({ name: 'overloaded', count: 2 });
    expect(ok('rate-limited;retryAfter=1')).toMatchObject({ name: 'rate-limited', retryAfterS: 1, count: 1 });
    expect(ok('rate-limited;retryAfterMs=200')).toMatchObject({ retryAfterMs: 200 });
    expect(ok('server-error;count=1;status=503')).toMatchObject({ name: 'server-error', count: 1, status: 503 });
    expect(ok('stream-overloaded;deltas=2')).toMatchObject({ name: 'stream-overloaded', deltas: 2, count: Infinity });
    expect(ok('storm;capacity=10')).toMatchObject({ name: 'storm', capacity: 10 });
    expect(ok('flaky;seed=42;rate=0.25')).toMatchObject({ name: 'flaky', seed: 42, rate: 0.25 });
  });

  it('has documented defaults', () => {
    expect(ok('ok').count).toBe(0);
    expect(ok('spend-cap').count).toBe(Infinity);
    expect(ok('auth-error').count).toBe(Infinity);
    expect(ok('timeout').count).toBe(Infinity);
    expect(ok('reset').count).toBe(1);
    expect(ok('gateway-html').count).toBe(1);
    expect(ok('server-error').count).toBe(1);
    expect(ok('stream-overloaded').deltas).toBe(2);
    expect(ok('flaky').rate).toBe(0.5);
    expect(ok('rate-limited').limit).toBe('requests');
    expect(ok('slow').delayMs).toBe(2000);
  });

  it('accepts count=always, whitespace and empty parts; canonical form sorts keys', () => {
    expect(ok('overloaded;count=always').count).toBe(Infinity);
    expect(ok(' server-error ; status=503 ; count=1 ;').canonical).toBe('server-error;count=1;status=503');
    expect(ok('server-error;status=503;count=1').canonical).toBe(ok('server-error;count=1;status=503').canonical);
    expect(ok('ok;serviceTimeMs=50').serviceTimeMs).toBe(50);
    expect(ok('rate-limited;limit=output-tokens').limit).toBe('output-tokens');
    expect(ok('overloaded;model=claude-opus-5-5,claude-opus-4-8').models).toEqual(['claude-opus-5-5', 'claude-opus-4-8']);
    expect(ok('overloaded').models).toBeUndefined();
  });

  it('rejects bad specs with a clear message', () => {
    expect(err('')).toMatch(/empty scenario/);
    expect(err('nope')).toMatch(/unknown scenario "nope".*known: ok, overloaded/);
    expect(err('overloaded;cnt=2')).toMatch(/unknown key "cnt" for scenario "overloaded" \(allowed: .*count/);
    expect(err('overloaded;count=two')).toMatch(/invalid value for "count": "two"/);
    expect(err('overloaded;count=-1')).toMatch(/invalid value for "count"/);
    expect(err('overloaded;count')).toMatch(/malformed part "count"/);
    expect(err('overloaded;=2')).toMatch(/malformed part/);
    expect(err('overloaded;count=1;count=2')).toMatch(/duplicate key "count"/);
    expect(err('server-error;status=404')).toMatch(/status 404 is not valid for scenario "server-error"/);
    expect(err('gateway-html;status=500')).toMatch(/not valid/);
    expect(err('flaky;rate=1.5')).toMatch(/invalid value for "rate"/);
    expect(err('storm;capacity=0')).toMatch(/capacity must be at least 1/);
    expect(err('ok;count=1')).toMatch(/unknown key "count" for scenario "ok"/);
    expect(err('rate-limited;limit=minutes')).toMatch(/requests \| tokens/);
    expect(err('OVERLOADED')).toMatch(/unknown scenario/);
    expect(err('overloaded;model=a,,b')).toMatch(/model ids separated by commas/);
    for (const e of [err('nope'), err('overloaded;x=1')]) expect(e.startsWith('x-simulate-scenario: ')).toBe(true);
  });
});
