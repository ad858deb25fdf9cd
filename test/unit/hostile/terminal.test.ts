/**
 * Issue #11.4 (the `test` printer part): escape sequences in every server-provided field reach
 * the human output only as visible `\xNN` text, never as raw control characters.
 */
import { describe, expect, it } from 'vitest';
import { createPrinter } from '../../../src/cli/test';
import type { Io } from '../../../src/cli/output';

const EVIL = '\x1b]0;pwned\x07\x1b[2J\x9b31m\r✔ Connected';
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

function fakeIo(): Io & { text: () => string } {
  let buf = '';
  const w = { write: (t: string) => void (buf += t), isTTY: false };
  return { out: w, err: w, color: false, secrets: [], text: () => buf };
}

describe('human printer with hostile server fields', () => {
  it('escapes controls in error type, code, message, request id and every verdict field', () => {
    const io = fakeIo();
    const p = createPrinter(io, false);
    p.onEvent({ event: 'attemptStart', runId: 'r', attempt: 1, model: 'claude-haiku-4-5', startedAt: 0 });
    p.onEvent({
      event: 'attempt', runId: 'r', attempt: 1, model: 'claude-haiku-4-5', ok: false, status: 500, errorType: EVIL,
      errorCode: EVIL, message: EVIL, requestId: EVIL, latencyMs: 3, retryable: false, category: 'unknown', startedAt: 0,
    });
    p.result({
      event: 'result', runId: 'r', ok: false, attempts: 1, status: 500, totalMs: 5, model: 'claude-haiku-4-5',
      verdict: { category: 'unknown', fault: 'you', title: EVIL, summary: EVIL, explanation: EVIL, nextStep: EVIL, docsUrl: EVIL },
    });
    p.stop();
    const out = io.text();
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toContain('\\x1b]0;pwned\\x07');
  });
});
