/** The human printer on a (fake) TTY: live attempt line, live backoff countdown, then the verdict. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ATTEMPT_MESSAGE_WIDTH, createPrinter, verdictLine } from '../../../src/cli/test';
import type { Io } from '../../../src/cli/output';
import type { ResultEvent } from '../../../src/core/retry/events';

function fakeIo(isTTY: boolean): Io & { text: () => string } {
  let buf = '';
  const w = { write: (t: string) => void (buf += t), isTTY };
  return { out: w, err: w, color: false, secrets: [], text: () => buf };
}

const RESULT: ResultEvent = {
  event: 'result', runId: 'r', ok: false, attempts: 2, status: 529, totalMs: 1234, model: 'claude-haiku-4-5',
  verdict: {
    category: 'overloaded', fault: 'anthropic', title: 'Overloaded', summary: 'Two 529s in a row.\nStill overloaded.',
    explanation: 'Capacity.', nextStep: 'Retry later.', docsUrl: 'https://docs.claude.com/en/api/errors',
  },
};

afterEach(() => vi.useRealTimers());

describe('human printer', () => {
  it('on a TTY: a live line while waiting, a countdown during backoff, final lines replace them', () => {
    vi.useFakeTimers();
    const io = fakeIo(true);
    const p = createPrinter(io, false);
    p.onEvent({ event: 'attemptStart', runId: 'r', attempt: 1, model: 'claude-haiku-4-5', startedAt: Date.now() });
    expect(io.text()).toMatch(/\r\x1b\[2K {2}attempt 1 {2}waiting for claude-haiku-4-5… 0\.0 s$/);
    vi.advanceTimersByTime(300);
    expect(io.text()).toMatch(/waiting for claude-haiku-4-5… 0\.3 s$/);
    p.onEvent({
      event: 'attempt', runId: 'r', attempt: 1, model: 'claude-haiku-4-5', ok: false, status: 529, errorType: 'overloaded_error',
      errorCode: null, message: 'Overloaded', requestId: 'req_1', latencyMs: 12, retryable: true, category: 'overloaded', startedAt: 0,
    });
    expect(io.text()).toMatch(/\r\x1b\[2K {2}attempt 1 {2}529 {2}overloaded_error +12 ms {2}req_1 {2}retryable/);
    p.onEvent({ event: 'backoff', runId: 'r', attempt: 1, delayMs: 1500, reason: 'jitter' });
    expect(io.text()).toMatch(/backoff {4}1500 ms \(jittered backoff\) retrying in 1\.5 s$/);
    vi.advanceTimersByTime(1000);
    expect(io.text()).toMatch(/retrying in 0\.5 s$/);
    p.onEvent({ event: 'backoffDone', runId: 'r', attempt: 1, plannedMs: 1500, actualMs: 1502 });
    expect(io.text()).toMatch(/backoff {4}1500 ms \(waited 1502 ms\)\n$/);
    p.result(RESULT);
    p.stop();
    const out = io.text();
    expect(out).toMatch(/✘ Overloaded after 2 attempts in 1234 ms/);
    expect(out).toMatch(/What happened +Two 529s in a row\. Still overloaded\./);
    expect(out).toMatch(/Whose fault +Anthropic's side/);
    expect(out).toMatch(/Next step +Retry later\./);
    expect(out).toMatch(/Docs +https:\/\/docs\.claude\.com/);
    // No timer keeps running after the result.
    const len = out.length;
    vi.advanceTimersByTime(2000);
    expect(io.text().length).toBe(len);
  });

  it('off a TTY: plain lines, no carriage returns or escapes', () => {
    const io = fakeIo(false);
    const p = createPrinter(io, false);
    p.onEvent({ event: 'attemptStart', runId: 'r', attempt: 1, model: 'm', startedAt: 0 });
    p.onEvent({ event: 'backoff', runId: 'r', attempt: 1, delayMs: 20, reason: 'retry-after' });
    p.onEvent({ event: 'backoffDone', runId: 'r', attempt: 1, plannedMs: 20, actualMs: 21 });
    p.result(RESULT);
    expect(io.text()).not.toMatch(/[\r\x1b]/);
    expect(io.text()).toMatch(/^ {2}backoff {4}20 ms \(server asked: retry-after\)$/m);
  });

  it('json: only the documented events, verdict on one line', () => {
    const io = fakeIo(false);
    const p = createPrinter(io, true);
    p.onEvent({ event: 'attemptStart', runId: 'r', attempt: 1, model: 'm', startedAt: 0 });
    p.onEvent({ event: 'backoffDone', runId: 'r', attempt: 1, plannedMs: 20, actualMs: 21 });
    p.onEvent({ event: 'backoff', runId: 'r', attempt: 1, delayMs: 20.6, reason: 'budget' });
    p.result(RESULT);
    const lines = io.text().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { event: 'backoff', attempt: 1, delayMs: 21, reason: 'budget' },
      { event: 'result', ok: false, attempts: 2, status: 529, totalMs: 1234, verdict: verdictLine(RESULT) },
    ]);
    expect(verdictLine(RESULT)).toBe('Overloaded: Two 529s in a row. Still overloaded. Next: Retry later.');
    const titled = { ...RESULT, verdict: { ...RESULT.verdict, title: 'Timed out', summary: 'Timed out: nothing within 2 s.' } };
    expect(verdictLine(titled)).toBe('Timed out: nothing within 2 s. Next: Retry later.');
    const ok = { ...RESULT, ok: true, verdict: { ...RESULT.verdict, title: 'Success', summary: 'Connected.' } };
    expect(verdictLine(ok)).toBe('Success: Connected.');
  });
});

describe('backoff reasons in plain lines', () => {
  it('names each reason, including a wait queued by the adaptive limiter', () => {
    const io = fakeIo(false);
    const p = createPrinter(io, false);
    p.onEvent({ event: 'backoff', runId: 'r', attempt: 1, delayMs: 1000, reason: 'retry-after' });
    p.onEvent({ event: 'backoff', runId: 'r', attempt: 2, delayMs: 300, reason: 'jitter' });
    p.onEvent({ event: 'backoff', runId: 'r', attempt: 3, delayMs: 40, reason: 'limiter', limiter: { limit: 5.6, inFlight: 5, queued: 12 } });
    const lines = io.text().trim().split('\n');
    expect(lines[0]).toContain('(server asked: retry-after)');
    expect(lines[1]).toContain('(jittered backoff)');
    expect(lines[2]).toContain('(queued for capacity: 5 in flight, limit 5)');
  });
});

describe('the verdict block (issue #13)', () => {
  const attempt = (message: string) => ({
    event: 'attempt' as const, runId: 'r', attempt: 1, model: 'm', ok: false, status: 500, errorType: 'api_error',
    errorCode: null, message, requestId: 'req_1', latencyMs: 3, retryable: true, category: 'server_error' as const, startedAt: 0,
  });

  it('a cancelled run is neutral: no ✘, no "Whose fault", no "Why"', () => {
    const io = fakeIo(false);
    const p = createPrinter(io, false);
    p.result({
      ...RESULT, attempts: 1, status: null,
      verdict: { category: 'aborted', fault: 'none', title: 'Cancelled', summary: 'Cancelled during attempt 1. Nothing more was sent.', explanation: 'The run was stopped before it finished; nothing failed.', nextStep: 'Run it again when ready.', docsUrl: 'https://x.test/errors' },
    });
    const out = io.text();
    expect(out).toMatch(/^■ Cancelled after 1 attempt in 1234 ms$/m);
    expect(out).not.toMatch(/✘|FAILED|Whose fault|Your side|yours/);
    expect(out).toMatch(/What happened +Cancelled during attempt 1\. Nothing more was sent\./);
    expect(out).toMatch(/Next step +Run it again when ready\./);
  });

  it('long attempt messages end in an ellipsis at the width; short ones are whole', () => {
    const io = fakeIo(false);
    const p = createPrinter(io, false);
    const long = `${'x'.repeat(ATTEMPT_MESSAGE_WIDTH - 10)} TAIL-NOT-SHOWN ${'y'.repeat(50)}`;
    p.onEvent(attempt(long));
    p.onEvent(attempt('short message'));
    const lines = io.text().split('\n').filter((l) => l.startsWith('             '));
    expect(lines).toHaveLength(2);
    const shown = lines[0]!.trim();
    expect(shown.length).toBe(ATTEMPT_MESSAGE_WIDTH);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toContain('TAIL-NOT-SHOWN');
    expect(lines[1]!.trim()).toBe('short message');
  });

  it('a no-key run says on the result line that it was the simulator, and that the real API was not tested', () => {
    const io = fakeIo(false);
    const p = createPrinter(io, false, true);
    p.result({ ...RESULT, ok: true, attempts: 1, status: 200, text: 'ok', verdict: { ...RESULT.verdict, category: 'ok', title: 'Success', summary: 'Connected.' } });
    expect(io.text()).toMatch(/✔ Success after 1 attempt in 1234 ms \(the local simulator, not the Claude API: no API key was found\)/);
    expect(io.text()).toMatch(/Real API +not tested: set ANTHROPIC_API_KEY/);
    const other = fakeIo(false);
    createPrinter(other, false).result({ ...RESULT, ok: true, attempts: 1, status: 200, verdict: { ...RESULT.verdict, category: 'ok', title: 'Success', summary: 'Connected.' } });
    expect(other.text()).not.toMatch(/simulator|Real API/);
  });
});
