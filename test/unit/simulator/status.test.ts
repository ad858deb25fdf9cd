/**
 * The simulator's status page (issue #13 item 7): with the simulator as target, status context
 * comes from 127.0.0.1, per scenario, in the shape status.claude.com serves — read with the same
 * fetchStatus/parseStatusJson the extension uses for the real page.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS, SIMULATOR_STATUS_PATH, simulatedIndicator, simulatedStatus } from '../../../src/core/simulator/index';
import { parseScenarioSpec } from '../../../src/core/simulator/spec';
import { STATUS_PAGE } from '../../../src/core/data/api-facts';
import { fetchStatus, simulatorStatusUrl } from '../../../src/core/connection/statusPage';
import { post, msg, sim } from './helpers';

const spec = (s: string) => { const p = parseScenarioSpec(s); if (!p.ok) throw new Error(p.error); return p.spec; };

describe('simulatedStatus', () => {
  it('has the path and shape of the real status.json', () => {
    expect(SIMULATOR_STATUS_PATH).toBe('/api/v2/status.json');
    expect(new URL(STATUS_PAGE.statusJson).pathname).toBe(SIMULATOR_STATUS_PATH);
    const j = simulatedStatus(spec('overloaded'), 'http://127.0.0.1:1', new Date('2026-12-04T00:00:00Z'));
    expect(j).toEqual({
      page: { id: 'claude-doctor-simulator', name: 'Claude (simulator)', url: 'http://127.0.0.1:1', time_zone: 'Etc/UTC', updated_at: '2026-12-04T00:00:00.000Z' },
      status: { indicator: 'minor', description: 'Partially Degraded Service (simulated: scenario "overloaded")' },
    });
  });

  it('server-side faults show an incident; caller-side and network faults show operational', () => {
    const want: Record<string, string> = {
      ok: 'none', overloaded: 'minor', 'stream-overloaded': 'minor', storm: 'minor', flaky: 'minor',
      'server-error': 'major', 'gateway-html': 'major', 'gateway-timeout': 'major',
      'rate-limited': 'none', 'spend-cap': 'none', 'auth-error': 'none', 'usage-limit': 'none', 'billing-error': 'none',
      'permission-error': 'none', 'request-too-large': 'none', timeout: 'none', reset: 'none', slow: 'none', 'stream-cut': 'none',
    };
    // Every scenario has an entry (a new scenario must decide what its page says).
    expect(Object.keys(want).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
    for (const s of SCENARIOS) expect(simulatedIndicator(spec(s.name)), s.name).toBe(want[s.name]);
  });
});

describe('GET /api/v2/status.json on the simulator', () => {
  it('answers per scenario (?scenario=, the header, or the default), read by fetchStatus', async () => {
    const s = await sim({ scenario: 'server-error' });
    const byQuery = await fetchStatus(simulatorStatusUrl(s.url, 'overloaded;count=3'), 2000);
    expect(byQuery).toMatchObject({ kind: 'ok', indicator: 'minor', description: 'Partially Degraded Service (simulated: scenario "overloaded;count=3")' });
    expect(byQuery.url.startsWith('http://127.0.0.1:')).toBe(true);
    const ok = await fetchStatus(simulatorStatusUrl(s.url, 'ok'), 2000);
    expect(ok).toMatchObject({ kind: 'ok', indicator: 'none', description: 'All Systems Operational (simulated: scenario "ok")' });
    const byDefault = await fetchStatus(s.url + SIMULATOR_STATUS_PATH, 2000);
    expect(byDefault).toMatchObject({ kind: 'ok', indicator: 'major' });
    const r = await fetch(s.url + SIMULATOR_STATUS_PATH + '?scenario=ok', { headers: { 'x-simulate-scenario': 'spend-cap' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await r.json()) as { status: { description: string } }).status.description).toContain('"spend-cap"');
  });

  it('needs no key, is not subject to the scenario\'s faults and consumes none of them', async () => {
    const s = await sim();
    // "timeout" would hang a messages request forever; the status page still answers.
    expect(await fetchStatus(simulatorStatusUrl(s.url, 'timeout'), 2000)).toMatchObject({ kind: 'ok', indicator: 'none' });
    for (let i = 0; i < 3; i++) expect((await fetch(simulatorStatusUrl(s.url, 'overloaded;count=1'))).status).toBe(200);
    // The one fault of count=1 is still there for the API call of the same (default) session.
    expect((await post(s, msg(), { 'x-simulate-scenario': 'overloaded;count=1' })).status).toBe(529);
    expect((await post(s, msg(), { 'x-simulate-scenario': 'overloaded;count=1' })).status).toBe(200);
  });

  it('a bad scenario is a 400 naming it; other methods are a 405', async () => {
    const s = await sim();
    const bad = await fetch(simulatorStatusUrl(s.url, 'nope'));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^scenario: unknown scenario "nope"/);
    const p = await fetch(s.url + SIMULATOR_STATUS_PATH, { method: 'POST', body: '{}' });
    expect(p.status).toBe(405);
    expect(p.headers.get('allow')).toBe('GET');
    expect(await fetchStatus(simulatorStatusUrl(s.url, 'nope'), 2000)).toMatchObject({ kind: 'error', message: 'The status page answered HTTP 400.' });
  });
});

describe('simulatorStatusUrl', () => {
  it('joins the simulator URL, the status path and the encoded scenario', () => {
    expect(simulatorStatusUrl('http://127.0.0.1:4000/', 'overloaded;count=2')).toBe('http://127.0.0.1:4000/api/v2/status.json?scenario=overloaded%3Bcount%3D2');
  });
});
