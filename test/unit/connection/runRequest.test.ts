import { describe, expect, it } from 'vitest';
import { isPanelStateLike, requestForReplay, requestForShownRun, restoredPanelState, trustedLink } from '../../../src/core/connection/runRequest';
import { initialState, reduce, type RunInfo } from '../../../src/core/connection/runModel';
import type { LogEntry } from '../../../src/core/log/types';

const run: RunInfo = {
  runId: 'run_1', target: 'simulator', scenario: 'overloaded', baseUrl: 'http://127.0.0.1:1', model: 'claude-sonnet-4-5', stream: true,
  authHeader: 'x-api-key', maxRetries: 2, jitter: 'full', timeoutMs: 1000, startedAt: 1,
};

describe('requestForShownRun', () => {
  it('runs the simulated scenario on display, else the API with its model and streaming', () => {
    expect(requestForShownRun(run)).toEqual({ target: 'simulator', scenario: 'overloaded', model: 'claude-sonnet-4-5', stream: true });
    expect(requestForShownRun({ target: 'simulator', model: 'm', stream: false })).toEqual({ target: 'simulator', scenario: 'ok', model: 'm', stream: false });
    expect(requestForShownRun({ ...run, target: 'api' })).toEqual({ target: 'api', model: 'claude-sonnet-4-5', stream: true });
  });
});

describe('requestForReplay', () => {
  const entry = { target: 'api', baseUrl: 'https://api.example.test', model: 'm', stream: false, request: { maxTokens: 7, prompt: 'hi', stream: true } } as unknown as LogEntry;
  it('replays an API entry against its base URL with its recorded prompt, size and streaming', () => {
    expect(requestForReplay(entry)).toEqual({ target: 'api', baseUrl: 'https://api.example.test', model: 'm', prompt: 'hi', maxTokens: 7, stream: true });
  });
  it('replays a simulator entry with its scenario (the request\'s, else the entry\'s, else ok) and no base URL', () => {
    const sim = { ...entry, target: 'simulator', scenario: 'rate-limited' } as LogEntry;
    expect(requestForReplay(sim)).toEqual({ target: 'simulator', scenario: 'rate-limited', model: 'm', prompt: 'hi', maxTokens: 7, stream: true });
    expect(requestForReplay({ ...sim, request: { ...sim.request, scenario: 'overloaded' } }).scenario).toBe('overloaded');
    expect(requestForReplay({ ...sim, scenario: undefined } as LogEntry).scenario).toBe('ok');
  });
  it('falls back to the entry\'s streaming and leaves out what was not recorded', () => {
    const bare = { ...entry, request: {} } as unknown as LogEntry;
    expect(requestForReplay(bare)).toEqual({ target: 'api', baseUrl: 'https://api.example.test', model: 'm', stream: false });
  });
});

describe('restored panel state', () => {
  it('recognises a saved panel state and rejects other values', () => {
    expect(isPanelStateLike(initialState())).toBe(true);
    for (const v of [null, undefined, 1, 'x', {}, { attempts: [], run: null }, { attempts: 'x', run: null, statusPage: {} }, { attempts: [], run: null, statusPage: null }]) {
      expect(isPanelStateLike(v)).toBe(false);
    }
  });
  it('a run left without a result ends as Interrupted, not running, with the current key state', () => {
    const running = reduce(initialState('none'), { event: 'runStart', runId: 'run_1', run, prompt: 'p', maxTokens: 1 }, 5);
    expect(running.running).toBe(true);
    const s = restoredPanelState(running, 'secret', 10);
    expect(s.running).toBe(false);
    expect(s.keyState).toBe('secret');
    expect(s.result?.ok).toBe(false);
    expect(s.result?.verdict.title).toBe('Interrupted');
    expect(s.result?.verdict.category).toBe('aborted');
  });
  it('a finished run keeps its result', () => {
    const idle = initialState('none');
    expect(restoredPanelState(idle, 'env', 10)).toEqual({ ...idle, running: false, keyState: 'env' });
  });
});

describe('trustedLink', () => {
  it('lets through https links to Claude docs, console and status hosts only', () => {
    expect(trustedLink('https://docs.claude.com/en/api/errors')).toBe('https://docs.claude.com/en/api/errors');
    expect(trustedLink('https://status.claude.com')).toBe('https://status.claude.com/');
    expect(trustedLink('http://docs.claude.com/x')).toBeUndefined();
    expect(trustedLink('https://docs.claude.com.evil.test/x')).toBeUndefined();
    expect(trustedLink('https://evil.test/?docs.claude.com')).toBeUndefined();
    expect(trustedLink('javascript:alert(1)')).toBeUndefined();
    expect(trustedLink('not a url')).toBeUndefined();
  });
});
