/**
 * What the connection panel draws for a cancelled and a timed-out run: real client runs against
 * the simulator, folded into PanelState by the panel's own reducer, then read through the view
 * functions the webview renders with (verdictView, elapsedOfLimit) and the words it shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnectionTest } from '../../../src/core/retry/client';
import type { ClientEvent } from '../../../src/core/retry/events';
import { startSimulator, type RunningSimulator } from '../../../src/core/simulator/index';
import { applyEvent, initialState, startRun } from '../../../src/core/connection/runModel';
import { elapsedOfLimit, verdictView } from '../../../src/webview/connection/model';
import { FAULT_WORDS, type PanelState, type RunInfo } from '../../../src/webview/connection/protocol';
import { WEBVIEW_STRINGS } from '../../../src/webview/connection/strings';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('VIEW', 70);
let sim: RunningSimulator;
beforeAll(async () => { sim = await startSimulator({ apiKey: KEY }); });
afterAll(async () => { await sim.close(); });

const info = (runId: string, timeoutMs: number): RunInfo => ({
  runId, target: 'simulator', scenario: 'x', baseUrl: sim.url, model: 'claude-haiku-4-5', stream: false, authHeader: 'bearer',
  maxRetries: 4, jitter: 'full', timeoutMs, startedAt: Date.now(),
});

async function panelRun(scenario: string, timeoutMs: number, cancelWhen?: (e: ClientEvent) => boolean): Promise<PanelState> {
  const runId = `view_${Math.random().toString(36).slice(2)}`;
  let state = startRun(initialState('env'), info(runId, timeoutMs));
  const ac = new AbortController();
  await runConnectionTest({
    baseURL: sim.url, apiKey: KEY, model: 'claude-haiku-4-5', runId, timeoutMs, signal: ac.signal,
    headers: { 'x-simulate-scenario': scenario }, policy: { baseDelayMs: 5, maxDelayMs: 10, maxRetries: 1 },
    onEvent: (e) => {
      state = applyEvent(state, e, Date.now());
      if (cancelWhen?.(e)) setTimeout(() => ac.abort(), 30);
    },
  });
  return state;
}

describe('panel: a cancelled run', () => {
  it('is neutral: a CANCELLED chip, no "Whose fault", no "Why", no docs link; not FAILED', async () => {
    const s = await panelRun('timeout', 10_000, (e) => e.event === 'attemptStart');
    expect(s.result!.verdict.category).toBe('aborted');
    const v = verdictView(s.result!);
    expect(v).toEqual({ outcome: 'cancelled', box: 'cancelled', chip: 'cancelled', chipText: 'CANCELLED', rows: ['next'] });
    expect(WEBVIEW_STRINGS).toContain('CANCELLED');
    // Even where a fault row were drawn, it would not blame the user.
    expect(FAULT_WORDS[s.result!.verdict.fault]).toBe('Nobody: the run was stopped before it finished.');
    expect(s.result!.verdict.summary).not.toMatch(/last answer|Cancelled\)/);
  });

  it('a cancel during the backoff after a 529 is still CANCELLED, not "529"', async () => {
    const runId = 'view_backoff';
    let state = startRun(initialState('env'), info(runId, 10_000));
    const ac = new AbortController();
    await runConnectionTest({
      baseURL: sim.url, apiKey: KEY, model: 'claude-haiku-4-5', runId, signal: ac.signal,
      headers: { 'x-simulate-scenario': 'overloaded;count=5' }, policy: { baseDelayMs: 5000, maxDelayMs: 5000, jitter: 'none' },
      onEvent: (e) => { state = applyEvent(state, e, Date.now()); if (e.event === 'backoff') setTimeout(() => ac.abort(), 20); },
    });
    expect(state.result!.status).toBe(529);
    expect(verdictView(state.result!)).toMatchObject({ outcome: 'cancelled', chipText: 'CANCELLED' });
    expect(state.result!.verdict.summary).toBe('Cancelled during the backoff after attempt 1. Answers before that: 529 Overloaded. Nothing more was sent.');
  });

  it('failures and successes keep their own views', async () => {
    const failed = await panelRun('auth-error', 5000);
    expect(verdictView(failed.result!)).toEqual({ outcome: 'failed', box: 'failed', chip: 'fatal', chipText: '401', rows: ['fault', 'next', 'why'] });
    const ok = await panelRun('ok', 5000);
    expect(verdictView(ok.result!)).toMatchObject({ outcome: 'ok', chipText: 'OK', rows: [] });
  });
});

describe('panel: a timeout', () => {
  it('a running attempt shows its elapsed time against the limit ("12 s of 30 s")', () => {
    const t0 = 1_700_000_000_000;
    expect(elapsedOfLimit(t0, 30_000, t0 + 12_000)).toEqual(['12 s', '30 s']);
    expect(elapsedOfLimit(t0, 60_000, t0 + 1500)).toEqual(['1.5 s', '1 min']);
    expect(elapsedOfLimit(t0, 30_000, t0 - 5)).toEqual(['0 ms', '30 s']);
    expect(WEBVIEW_STRINGS).toContain('{0} of {1}');
  });

  it('the verdict rows: whose fault names the server side (connected and sent), the Why is not the summary again', async () => {
    const s = await panelRun('timeout', 300);
    const r = s.result!;
    expect(verdictView(r).rows).toEqual(['fault', 'next', 'why']);
    expect(r.verdict.fault).toBe('server');
    expect(FAULT_WORDS.server).toMatch(/^The server side: the API, or a proxy or gateway in front of it/);
    expect(FAULT_WORDS.server).not.toMatch(/network/);
    expect(r.verdict.summary).toMatch(/the same each time: connected and sent the request; no answer within 300 ms/);
    expect(r.verdict.summary).not.toContain(r.verdict.explanation.split('. ')[0]!);
    for (const a of s.attempts) expect(a.message).toBe('Connected and sent the request; no answer within 300 ms.');
  });
});
