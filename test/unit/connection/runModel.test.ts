import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent, Verdict } from '../../../src/core/retry/events';
import {
  applyEvent, chipFor, formatMs, initialState, isServerSide, reduce, setKeyChecklist, startRun, statusLabel,
  type ConnectionEvent, type PanelState, type RunInfo,
} from '../../../src/core/connection/runModel';
import { AttemptLog } from '../../../src/core/connection/attemptLog';
import { runLine } from '../../../src/core/connection/runText';
import { Emitter } from '../../../src/core/util/emitter';
import type { LogEntry } from '../../../src/core/log/types';
import { backoffRemainingMs, headroom, timelineLayout } from '../../../src/webview/connection/model';
import { isWebviewToHost } from '../../../src/webview/connection/protocol';
import { startSimulator } from '../../../src/core/simulator/index';
import { runConnectionTest } from '../../../src/core/retry/client';
import { redactDeep } from '../../../src/core/redact';

const T0 = 1_700_000_000_000;
const run = (runId = 'r1'): RunInfo => ({
  runId, target: 'simulator', scenario: 'overloaded', baseUrl: 'http://127.0.0.1:1', model: 'claude-haiku-4-5', stream: false,
  authHeader: 'bearer', maxRetries: 4, jitter: 'full', timeoutMs: 1000, startedAt: T0,
});
const verdict = (category: Verdict['category'], fault: Verdict['fault'] = 'anthropic'): Verdict => ({
  category, fault, title: 't', summary: 's', explanation: 'e', nextStep: 'n', docsUrl: 'https://docs.claude.com/x',
});

function attempt(n: number, over: Partial<Extract<ClientEvent, { event: 'attempt' }>> = {}): ClientEvent {
  return {
    event: 'attempt', runId: 'r1', attempt: n, model: 'claude-haiku-4-5', ok: false, status: 529, errorType: 'overloaded_error', errorCode: null,
    message: 'Overloaded', requestId: `req_${n}`, latencyMs: 20, retryable: true, category: 'overloaded', startedAt: T0 + (n - 1) * 1000, ...over,
  };
}

function replay(events: ClientEvent[], s: PanelState = startRun(initialState(), run())): PanelState {
  let t = T0;
  for (const e of events) { t += 10; s = applyEvent(s, e, t); }
  return s;
}

describe('panel reducer', () => {
  it('builds one row per attempt with backoff planned and actual', () => {
    const s = replay([
      { event: 'attemptStart', runId: 'r1', attempt: 1, model: 'claude-haiku-4-5', startedAt: T0 },
      attempt(1),
      { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 400, reason: 'jitter' },
      { event: 'backoffDone', runId: 'r1', attempt: 1, plannedMs: 400, actualMs: 402 },
      { event: 'attemptStart', runId: 'r1', attempt: 2, model: 'claude-haiku-4-5', startedAt: T0 + 1000 },
      attempt(2, { ok: true, status: 200, errorType: null, message: null, category: 'ok', retryable: false }),
      { event: 'result', runId: 'r1', ok: true, attempts: 2, status: 200, totalMs: 1100, model: 'claude-haiku-4-5', text: 'pong', verdict: verdict('ok', 'you') },
    ]);
    expect(s.running).toBe(false);
    expect(s.attempts.map((a) => [a.attempt, a.chip, a.status, a.requestId])).toEqual([[1, 'retryable', 529, 'req_1'], [2, 'ok', 200, 'req_2']]);
    expect(s.attempts[0]!.backoff).toMatchObject({ plannedMs: 400, actualMs: 402, reason: 'jitter', state: 'done' });
    expect(s.result).toMatchObject({ ok: true, attempts: 2, status: 200, textPreview: 'pong' });
  });

  it('a server wait with jitter on top keeps what the server demanded', () => {
    const s = replay([
      attempt(1),
      { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 1500, reason: 'retry-after', demandMs: 1000 },
    ]);
    expect(s.attempts[0]!.backoff).toMatchObject({ plannedMs: 1500, demandMs: 1000, reason: 'retry-after', state: 'waiting' });
  });

  it('a backoff still waiting when the result arrives is shown as cancelled', () => {
    const s = replay([
      attempt(1),
      { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 5000, reason: 'retry-after' },
      { event: 'result', runId: 'r1', ok: false, attempts: 1, status: 529, totalMs: 50, model: 'm', verdict: verdict('aborted', 'you') },
    ]);
    expect(s.attempts[0]!.backoff!.state).toBe('cancelled');
    expect(s.attempts[0]!.backoff!.actualMs).toBeGreaterThanOrEqual(0);
  });

  it('a cancelled run marks its last backoff cancelled even when the client reported it slept', () => {
    const s = replay([
      attempt(1),
      { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 5000, reason: 'jitter' },
      { event: 'backoffDone', runId: 'r1', attempt: 1, plannedMs: 5000, actualMs: 80 },
      { event: 'result', runId: 'r1', ok: false, attempts: 1, status: 529, totalMs: 100, model: 'm', verdict: verdict('aborted', 'you') },
    ]);
    expect(s.attempts[0]!.backoff).toMatchObject({ state: 'cancelled', actualMs: 80 });
    const notAborted = replay([
      attempt(1),
      { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 50, reason: 'jitter' },
      { event: 'backoffDone', runId: 'r1', attempt: 1, plannedMs: 50, actualMs: 51 },
      { event: 'result', runId: 'r1', ok: false, attempts: 1, status: 529, totalMs: 100, model: 'm', verdict: verdict('overloaded') },
    ]);
    expect(notAborted.attempts[0]!.backoff!.state).toBe('done');
  });

  it('ignores events of another run and events before any run', () => {
    const s = startRun(initialState(), run());
    expect(applyEvent(s, { ...attempt(1), runId: 'other' }, T0)).toBe(s);
    const idle = initialState();
    expect(applyEvent(idle, attempt(1), T0)).toBe(idle);
  });

  it('creates a row even when attemptStart was missed, and keeps rows ordered', () => {
    const s = replay([attempt(2), attempt(1)]);
    expect(s.attempts.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it('keeps the latest rate-limit headers', () => {
    const rl = { requests: { limit: 50, remaining: 10, reset: new Date(T0 + 30_000).toISOString() } };
    const s = replay([attempt(1, { rateLimit: rl }), attempt(2, { rateLimit: {} })]);
    expect(s.rateLimit?.attempt).toBe(1);
    expect(s.rateLimit?.info).toEqual(rl);
  });

  it('a new run clears the previous one but keeps a disabled status page', () => {
    let s = replay([attempt(1)]);
    s = { ...s, statusPage: { state: 'disabled' } };
    const s2 = startRun(s, run('r2'));
    expect(s2.attempts).toEqual([]);
    expect(s2.statusPage.state).toBe('disabled');
    expect(startRun({ ...s, statusPage: { state: 'ok', indicator: 'none' } }, run('r3')).statusPage.state).toBe('idle');
  });

  it('colours chips by class', () => {
    expect(chipFor(true, 'ok', false)).toBe('ok');
    expect(chipFor(false, 'overloaded', true)).toBe('retryable');
    expect(chipFor(false, 'spend_cap', false)).toBe('fatal');
    expect(chipFor(false, 'timeout', true)).toBe('network');
    expect(chipFor(null, null, null)).toBe('running');
  });

  it('knows which failures make the status page relevant', () => {
    expect(isServerSide(529, 'overloaded')).toBe(true);
    expect(isServerSide(503, 'unavailable')).toBe(true);
    expect(isServerSide(null, 'stream_error')).toBe(true);
    expect(isServerSide(429, 'rate_limit')).toBe(false);
    expect(isServerSide(401, 'authentication')).toBe(false);
  });
});

describe('reduce: the run\'s event stream', () => {
  it('a run start resets the previous run (keeping a disabled status page); other runs\' events are ignored', () => {
    let s = replay([attempt(1)]);
    s = setKeyChecklist(s, [{ id: 'present', outcome: 'pass', label: 'Key present', detail: 'd' }]);
    s = { ...s, statusPage: { state: 'disabled', message: 'off' } };
    const next = reduce(s, { event: 'runStart', runId: 'r2', run: run('r2'), prompt: 'p', maxTokens: 16 }, T0);
    expect(next.run?.runId).toBe('r2');
    expect(next).toMatchObject({ running: true, attempts: [], result: null, keyChecklist: null, rateLimit: null, statusPage: { state: 'disabled' } });
    expect(reduce(next, attempt(1), T0)).toBe(next); // r1's late event
    expect(reduce(next, { ...attempt(1), runId: 'r2' }, T0).attempts).toHaveLength(1);
  });

  it('setKeyChecklist copies the items (the checklist\'s own array is not shared with the state)', () => {
    const items = [{ id: 'present', outcome: 'pass', label: 'Key present', detail: 'd' }] as const;
    const s = setKeyChecklist(initialState(), items);
    expect(s.keyChecklist).toEqual(items);
    expect(s.keyChecklist![0]).not.toBe(items[0]);
  });
});

describe('derived views', () => {
  it('counts a backoff down by the host clock', () => {
    const s = replay([attempt(1), { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 1000, reason: 'jitter' }]);
    const a = s.attempts[0]!;
    const started = a.backoff!.startedAt;
    expect(backoffRemainingMs(a, started)).toBe(1000);
    expect(backoffRemainingMs(a, started + 400)).toBe(600);
    expect(backoffRemainingMs(a, started + 5000)).toBe(0);
  });

  it('lays out attempts and backoff gaps on one axis', () => {
    const s = replay([
      attempt(1, { startedAt: T0, latencyMs: 100 }),
      { event: 'backoff', runId: 'r1', attempt: 1, delayMs: 300, reason: 'jitter' },
      { event: 'backoffDone', runId: 'r1', attempt: 1, plannedMs: 300, actualMs: 310 },
      attempt(2, { startedAt: T0 + 420, latencyMs: 50, ok: true, status: 200, category: 'ok', retryable: false }),
      { event: 'result', runId: 'r1', ok: true, attempts: 2, status: 200, totalMs: 480, model: 'm', verdict: verdict('ok', 'you') },
    ]);
    const l = timelineLayout(s, T0 + 10_000);
    expect(l.segments.map((g) => [g.kind, g.attempt, g.chip])).toEqual([['attempt', 1, 'retryable'], ['backoff', 1, 'backoff'], ['attempt', 2, 'ok']]);
    expect(l.segments[0]!.end - l.segments[0]!.start).toBe(100);
    expect(l.segments[1]!.end - l.segments[1]!.start).toBe(310);
    expect(l.segments[2]!.start).toBe(420);
    expect(l.totalMs).toBe(470);
  });

  it('computes rate-limit headroom and reset countdowns, tolerating garbage', () => {
    const rows = headroom({
      requests: { limit: 50, remaining: 5, reset: new Date(T0 + 12_000).toISOString() },
      tokens: { limit: 0, remaining: 0 },
      outputTokens: { reset: 'not a date' },
    }, T0);
    expect(rows.map((r) => [r.kind, r.fraction, r.resetInMs])).toEqual([['requests', 0.1, 12_000], ['tokens', null, null], ['outputTokens', null, null]]);
    expect(headroom(undefined, T0)).toEqual([]);
  });

  it('formats durations and status labels', () => {
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1500)).toBe('1.5 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
    expect(formatMs(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatMs(7 * 86_400_000 + 16 * 3_600_000 + 5)).toBe('7 d 16 h');
    expect(formatMs(null)).toBe('—');
    expect(statusLabel({ state: 'done', status: null, category: 'stream_error', ok: false })).toBe('stream');
    expect(statusLabel({ state: 'running', status: null, category: null, ok: null })).toBe('…');
  });

  it('validates webview messages', () => {
    expect(isWebviewToHost({ type: 'ready' })).toBe(true);
    expect(isWebviewToHost({ type: 'copyRequestId' })).toBe(false);
    expect(isWebviewToHost({ type: 'openDocs', url: 'https://docs.claude.com' })).toBe(true);
    expect(isWebviewToHost({ type: 'eval', code: 'x' })).toBe(false);
    expect(isWebviewToHost(null)).toBe(false);
  });

  it('redacts every string of a message, keys included', () => {
    const key = 'sk-ant-api03-DEEPcanary-abcdef0123';
    const out = redactDeep({ a: [`x ${key} y`, { [key]: key }], n: 1, b: true, z: null }, [key]);
    expect(JSON.stringify(out)).not.toContain('DEEPcanary');
    expect(out.n).toBe(1);
  });
});

describe('reducer driven by the real client against the real simulator', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => { sim = await startSimulator({ port: 0 }); });
  afterAll(async () => { await sim.close(); });

  async function drive(scenario: string, opts: { stream?: boolean; timeoutMs?: number } = {}) {
    const runId = `t_${scenario.replace(/\W/g, '')}_${Math.random().toString(36).slice(2, 6)}`;
    let s = startRun(initialState(), { ...run(runId), startedAt: Date.now() });
    const result = await runConnectionTest({
      baseURL: sim.url, apiKey: 'sk-ant-api03-unit-test-key-000000', model: 'claude-haiku-4-5', runId,
      headers: { 'x-simulate-scenario': scenario }, stream: opts.stream ?? false, timeoutMs: opts.timeoutMs ?? 5000,
      policy: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 3 },
      onEvent: (e) => { s = applyEvent(s, e, Date.now()); },
    });
    s = applyEvent(s, result, Date.now());
    return { s, result };
  }

  it('ok: one green row', async () => {
    const { s } = await drive('ok');
    expect(s.attempts.map((a) => a.chip)).toEqual(['ok']);
    expect(s.result?.ok).toBe(true);
    expect(s.attempts[0]!.requestId).toMatch(/^req_/);
  });

  it('overloaded: two amber rows with backoffs, then green', async () => {
    const { s } = await drive('overloaded;count=2');
    expect(s.attempts.map((a) => `${a.status}:${a.chip}`)).toEqual(['529:retryable', '529:retryable', '200:ok']);
    expect(s.attempts.slice(0, 2).every((a) => a.backoff?.state === 'done' && a.backoff.actualMs !== null)).toBe(true);
    expect(s.rateLimit).not.toBeNull();
  });

  it('spend-cap: one red row, no retry', async () => {
    const { s } = await drive('spend-cap');
    expect(s.attempts.map((a) => `${a.status}:${a.chip}:${a.errorCode}`)).toEqual(['429:fatal:enforced_spend_limit_reached']);
    expect(s.result?.verdict.category).toBe('spend_cap');
  });

  it('stream-overloaded: a mid-stream error row with no HTTP status', async () => {
    const { s } = await drive('stream-overloaded;deltas=0', { stream: true });
    expect(s.attempts[0]!.status).toBeNull();
    expect(s.attempts[0]!.category).toBe('stream_error');
  });
});

describe('one event stream, many listeners (real client, real simulator)', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => { sim = await startSimulator({ port: 0 }); });
  afterAll(async () => { await sim.close(); });

  it('the panel state, the log entries and the output lines all come from the same events and agree', async () => {
    const runId = `many_${Math.random().toString(36).slice(2, 6)}`;
    const events = new Emitter<ConnectionEvent>();
    let state = initialState();
    const entries: LogEntry[] = [];
    const lines: string[] = [];
    const log = new AttemptLog(async (e) => { entries.push(e); }, (err) => { throw err; });
    events.on((e) => { state = reduce(state, e, Date.now()); });
    events.on((e) => log.onEvent(e));
    events.on((e) => { const l = runLine(e); if (l) lines.push(`${l.level} ${l.text}`); });
    events.emit({ event: 'runStart', runId, run: { ...run(runId), baseUrl: sim.url, startedAt: Date.now() }, prompt: 'Say ok', maxTokens: 16 });
    const result = await runConnectionTest({
      baseURL: sim.url, apiKey: 'sk-ant-api03-unit-test-key-000000', model: 'claude-haiku-4-5', runId,
      headers: { 'x-simulate-scenario': 'overloaded;count=1' }, timeoutMs: 5000, policy: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 3 },
      onEvent: events.emit,
    });
    await log.flush();
    expect(result.ok).toBe(true);
    expect(state.running).toBe(false);
    expect(state.result?.ok).toBe(true);
    expect(state.attempts.map((a) => `${a.attempt}:${a.status}:${a.requestId}`)).toEqual(entries.map((e) => `${e.attempt}:${e.status}:${e.requestId}`));
    expect(entries.map((e) => e.status)).toEqual([529, 200]);
    expect(state.attempts[0]!.backoff?.plannedMs).toBeCloseTo(entries[0]!.backoffPlannedMs!, -1);
    expect(lines[0]).toMatch(new RegExp(`^info \\[${runId}\\] test simulator scenario "overloaded", model claude-haiku-4-5`));
    expect(lines.filter((l) => l.includes('] attempt '))).toHaveLength(2);
    expect(lines.filter((l) => l.includes('] backoff '))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(new RegExp(`^info \\[${runId}\\] OK after 2 attempt\\(s\\)`));
  });
});
