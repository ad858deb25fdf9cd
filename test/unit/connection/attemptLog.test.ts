/**
 * The attempt → log-entry mapping (core/connection/attemptLog.ts) and the output channel's lines
 * (core/connection/runText.ts): one entry per attempt with the backoff that followed it, fed by
 * the real client against the real simulator, and the exact fields an entry copies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptEvent, ClientEvent } from '../../../src/core/retry/events';
import type { LogEntry } from '../../../src/core/log/types';
import { AttemptLog, attemptEntry, logContextOf } from '../../../src/core/connection/attemptLog';
import { attemptOutcome, type RunInfo, type RunStartEvent } from '../../../src/core/connection/runModel';
import { runLine } from '../../../src/core/connection/runText';
import { runConnectionTest } from '../../../src/core/retry/client';
import { startSimulator } from '../../../src/core/simulator/index';

const outcome = {
  ok: false,
  status: 529,
  errorType: 'overloaded_error',
  errorCode: null,
  message: 'Overloaded',
  requestId: 'req_1',
  latencyMs: 12.6,
  retryable: true,
  category: 'overloaded',
} as const;
const attemptEvent = (runId = 'r1', attempt = 2): AttemptEvent => ({ event: 'attempt', runId, attempt, model: 'claude-haiku-4-5', ...outcome, partialTextLength: 3, startedAt: 1000 });

const runInfo = (runId: string, over: Partial<RunInfo> = {}): RunInfo => ({
  runId, target: 'simulator', scenario: 'overloaded;count=2', baseUrl: 'http://127.0.0.1:9', model: 'claude-haiku-4-5', stream: false,
  authHeader: 'bearer', maxRetries: 3, jitter: 'full', timeoutMs: 5000, startedAt: 1, ...over,
});
const start = (runId: string, over: Partial<RunInfo> = {}): RunStartEvent => ({ event: 'runStart', runId, run: runInfo(runId, over), prompt: 'Say ok', maxTokens: 8 });

describe('attemptOutcome', () => {
  it('copies exactly the outcome fields, in order, and nothing else', () => {
    const out = attemptOutcome(attemptEvent());
    expect(Object.keys(out)).toEqual(['ok', 'status', 'errorType', 'errorCode', 'message', 'requestId', 'latencyMs', 'retryable', 'category']);
    expect(out).toEqual(outcome);
  });
});

describe('attemptEntry', () => {
  it('is a v1 entry of the run: context, outcome, rounded latency, the request to replay', () => {
    const ctx = logContextOf(start('r1'));
    const e = attemptEntry(ctx, attemptEvent(), 7);
    expect(e).toEqual({
      v: 1, id: 'r1-2-7', runId: 'r1', ts: 1000, target: 'simulator', scenario: 'overloaded;count=2', baseUrl: 'http://127.0.0.1:9',
      model: 'claude-haiku-4-5', stream: false, attempt: 2, ...outcome, latencyMs: 13,
      request: { maxTokens: 8, prompt: 'Say ok', stream: false, scenario: 'overloaded;count=2' },
    });
    // The API target has no scenario anywhere in the entry.
    const api = attemptEntry(logContextOf(start('r2', { target: 'api', scenario: undefined, baseUrl: 'https://api.anthropic.com' })), attemptEvent('r2'), 1);
    expect('scenario' in api).toBe(false);
    expect(api.request).toEqual({ maxTokens: 8, prompt: 'Say ok', stream: false });
  });
});

describe('AttemptLog over the real client and simulator', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => { sim = await startSimulator({ port: 0 }); });
  afterAll(async () => { await sim.close(); });

  it('one entry per attempt, each with the backoff that followed it, written by flush()', async () => {
    const written: LogEntry[] = [];
    const log = new AttemptLog(async (e) => { written.push(e); }, (err) => { throw err; });
    const runId = `log_${Math.random().toString(36).slice(2, 8)}`;
    log.onEvent(start(runId, { baseUrl: sim.url }));
    const events: ClientEvent[] = [];
    const result = await runConnectionTest({
      baseURL: sim.url, apiKey: 'sk-ant-api03-unit-test-key-000000', model: 'claude-haiku-4-5', runId, prompt: 'Say ok', maxTokens: 8,
      headers: { 'x-simulate-scenario': 'overloaded;count=2' }, timeoutMs: 5000, policy: { baseDelayMs: 5, maxDelayMs: 20, maxRetries: 3 },
      onEvent: (e) => { events.push(e); log.onEvent(e); },
    });
    await log.flush();
    expect(result.ok).toBe(true);
    expect(written.map((e) => `${e.attempt}:${e.status}`)).toEqual(['1:529', '2:529', '3:200']);
    const backoffs = events.filter((e) => e.event === 'backoff');
    const dones = events.filter((e) => e.event === 'backoffDone');
    expect(backoffs).toHaveLength(2);
    for (const [i, e] of written.slice(0, 2).entries()) {
      expect(e.backoffPlannedMs).toBe(Math.round(backoffs[i]!.delayMs));
      expect(e.backoffReason).toBe(backoffs[i]!.reason);
      expect(e.backoffActualMs).toBe(Math.round(dones[i]!.actualMs));
    }
    expect(written[2]!.backoffPlannedMs).toBeUndefined();
    expect(new Set(written.map((e) => e.id)).size).toBe(3);
    expect(written.every((e) => e.runId === runId && e.request.prompt === 'Say ok' && e.request.maxTokens === 8 && e.baseUrl === sim.url)).toBe(true);
    expect(written[2]!.requestId).toMatch(/^req_/);
  });

  it('ignores events of another run and of no run; reports a failed write without throwing', async () => {
    const written: LogEntry[] = [];
    const errors: unknown[] = [];
    const log = new AttemptLog(async (e) => { if (e.attempt === 1) throw new Error('disk full'); written.push(e); }, (err) => errors.push(err));
    log.onEvent(attemptEvent('r0', 1)); // before any runStart
    log.onEvent(start('r1'));
    log.onEvent(attemptEvent('other', 1));
    log.onEvent(attemptEvent('r1', 1));
    log.onEvent({ event: 'attemptStart', runId: 'r1', attempt: 2, model: 'claude-haiku-4-5', startedAt: 2000 });
    log.onEvent(attemptEvent('r1', 2));
    await log.flush();
    expect(written.map((e) => `${e.runId}:${e.attempt}`)).toEqual(['r1:2']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk full']);
    // A second flush has nothing left to write.
    await log.flush();
    expect(written).toHaveLength(1);
  });
});

describe('runLine: the output channel\'s line per event', () => {
  it('run start, attempts, backoff and result in the host\'s exact words', () => {
    expect(runLine({ ...start('r1'), streamForcedBy: 'stream-cut' })).toEqual({
      level: 'info',
      text: '[r1] test simulator scenario "overloaded;count=2", model claude-haiku-4-5, non-streaming (stream-cut is a stream scenario), auth bearer, up to 3 retries (full jitter), timeout 5000 ms',
    });
    expect(runLine(start('r2', { target: 'api', scenario: undefined, baseUrl: 'https://gw.example', stream: true, authHeader: 'x-api-key' }))?.text)
      .toBe('[r2] test https://gw.example, model claude-haiku-4-5, streaming, auth x-api-key, up to 3 retries (full jitter), timeout 5000 ms');
    expect(runLine(attemptEvent('r1', 1))).toEqual({
      level: 'warn', text: '[r1] attempt 1 (claude-haiku-4-5): 529 overloaded_error in 13 ms, request id req_1 (retryable): Overloaded',
    });
    expect(runLine({ ...attemptEvent('r1', 3), ok: true, status: 200, errorType: null, message: null, retryable: false, category: 'ok' as never })).toEqual({
      level: 'info', text: '[r1] attempt 3 (claude-haiku-4-5): 200 in 13 ms, request id req_1',
    });
    expect(runLine({ ...attemptEvent('r1', 1), status: null, category: 'timeout', errorType: null, errorCode: 'x', retryable: false, requestId: null, message: null }))
      .toEqual({ level: 'warn', text: '[r1] attempt 1 (claude-haiku-4-5): timeout [x] in 13 ms (not retryable)' });
    expect(runLine({ event: 'backoff', runId: 'r1', attempt: 1, delayMs: 399.6, reason: 'jitter' })).toEqual({ level: 'info', text: '[r1] backoff 400 ms after attempt 1 (jitter)' });
    expect(runLine({ event: 'attemptStart', runId: 'r1', attempt: 1, model: 'm', startedAt: 0 })).toBeUndefined();
    expect(runLine({ event: 'backoffDone', runId: 'r1', attempt: 1, plannedMs: 1, actualMs: 1 })).toBeUndefined();
    const verdict = { category: 'overloaded', fault: 'anthropic', title: 'Overloaded', summary: 'Busy.', explanation: '', nextStep: 'Wait.', docsUrl: '' } as const;
    const result = { event: 'result', runId: 'r1', ok: false, attempts: 5, status: 529, totalMs: 1234.4, model: 'm', verdict } as const;
    expect(runLine(result)).toEqual({ level: 'error', text: '[r1] FAILED after 5 attempt(s) in 1234 ms: Overloaded. Busy. Next: Wait.' });
    expect(runLine({ ...result, verdict: { ...verdict, category: 'aborted' } })?.level).toBe('info');
    expect(runLine({ ...result, verdict: { ...verdict, category: 'aborted' } })?.text).toMatch(/^\[r1\] CANCELLED after/);
    expect(runLine({ ...result, ok: true })?.text).toMatch(/^\[r1\] OK after 5 attempt\(s\)/);
  });
});
