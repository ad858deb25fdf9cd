/** attemptOutcome: the attempt fields the connection panel and the error-log entry both copy from an AttemptEvent. */
import { describe, expect, it } from 'vitest';
import type { AttemptEvent } from '../../../src/core/retry/events';
import { attemptOutcome } from '../../../src/webview/connection/model';

describe('attemptOutcome', () => {
  it('copies exactly the outcome fields, in order, and nothing else', () => {
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
    const e: AttemptEvent = { event: 'attempt', runId: 'r1', attempt: 2, model: 'claude-haiku-4-5', ...outcome, partialTextLength: 3, startedAt: 1000 };
    const out = attemptOutcome(e);
    expect(Object.keys(out)).toEqual(['ok', 'status', 'errorType', 'errorCode', 'message', 'requestId', 'latencyMs', 'retryable', 'category']);
    expect(out).toEqual(outcome);
  });
});
