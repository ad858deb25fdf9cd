/**
 * Verdicts of a cancelled run (neutral: nobody's fault, not a failure) and of a timed-out run
 * (says what is known: connected and sent, or not, and says each thing once). Real HTTP on
 * 127.0.0.1: the simulator, and raw servers that hang at chosen points.
 */
import { describe, expect, it } from 'vitest';
import { runConnectionTest } from '../../../src/core/retry/client';
import { outcomeOf, type AttemptEvent, type ClientEvent } from '../../../src/core/retry/events';
import { httpServer, tcpServer, until } from '../hostile/servers';
import { FAST, useSimulator } from './simulated';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('VERDICTS', 70);
const env = useSimulator(KEY);

/** Sentences of a text, for "nothing is said twice". */
function sentences(s: string): string[] {
  return s.split(/(?<=[.!?])\s+/).map((x) => x.trim().toLowerCase()).filter((x) => x.length > 12);
}

function expectNoRepeats(summary: string, explanation: string): void {
  const a = sentences(summary);
  for (const b of sentences(explanation)) expect(a, `"${b}" is in both the summary and the Why`).not.toContain(b);
  // Not even inside a longer sentence.
  for (const b of sentences(explanation)) expect(summary.toLowerCase()).not.toContain(b.replace(/[.!?]$/, ''));
}

describe('cancelled: its own neutral verdict', () => {
  it('cancelled during an attempt after a 529: nobody\'s fault, outcome cancelled, the 529 listed, the cancel not an "answer"', async () => {
    const ac = new AbortController();
    const events: ClientEvent[] = [];
    // A raw server: 529 first, then the second attempt hangs until cancelled.
    const srv = await httpServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(529, { 'content-type': 'application/json', 'x-should-retry': 'true', 'request-id': 'req_v1' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
      }
      // n === 2: hang until cancelled
    });
    try {
      const p = runConnectionTest({
        baseURL: srv.url, apiKey: KEY, model: 'claude-haiku-4-5', signal: ac.signal, timeoutMs: 10_000, policy: FAST,
        onEvent: (e) => events.push(e),
      });
      await until(() => srv.requests.length === 2);
      ac.abort();
      const r = await p;
      expect(r.ok).toBe(false);
      expect(outcomeOf(r)).toBe('cancelled');
      expect(r.verdict).toMatchObject({ category: 'aborted', fault: 'none', title: 'Cancelled' });
      expect(r.verdict.summary).toMatch(/^Cancelled during attempt 2\. Answers before that: 529 Overloaded\. Nothing more was sent\.$/);
      expect(r.verdict.summary).not.toMatch(/last answer|: Cancelled/i);
      expect(r.verdict.explanation).not.toMatch(/fail(ed|ure)? /i);
      const attempts = events.filter((e): e is AttemptEvent => e.event === 'attempt');
      expect(attempts.map((a) => a.category)).toEqual(['overloaded', 'aborted']);
    } finally {
      await srv.close();
    }
  });

  it('cancelled before anything was sent: no "answers before", still neutral', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await runConnectionTest({ baseURL: env.sim.url, apiKey: KEY, model: 'claude-haiku-4-5', signal: ac.signal });
    expect(outcomeOf(r)).toBe('cancelled');
    expect(r.verdict.fault).toBe('none');
    expect(r.verdict.summary).toBe('Cancelled before the first attempt. Nothing more was sent.');
  });

  it('a failed and a successful run are not "cancelled"', async () => {
    const ok = await env.runScenario('ok');
    const bad = await env.runScenario('auth-error');
    expect(outcomeOf(ok.result)).toBe('ok');
    expect(outcomeOf(bad.result)).toBe('failed');
  });
});

describe('timeout: says what is known, once', () => {
  it('a server that accepted the request and hung: "connected and sent", the server side, not the network', async () => {
    const { result, events } = await env.runScenario('timeout', { timeoutMs: 300, policy: { maxRetries: 1 } });
    const attempts = events.filter((e): e is AttemptEvent => e.event === 'attempt');
    expect(attempts).toHaveLength(2);
    for (const a of attempts) expect(a.message).toBe('Connected and sent the request; no answer within 300 ms.');
    const v = result.verdict;
    expect(v.category).toBe('timeout');
    expect(v.fault).toBe('server');
    expect(v.summary).toMatch(/^Gave up after 2 attempts, the same each time: connected and sent the request; no answer within 300 ms\. Waited \d+ ms in backoff\.$/);
    expect(v.explanation).toMatch(/accepted the request and sent nothing back/);
    expect(v.explanation).toMatch(/billed twice/);
    expectNoRepeats(v.summary, v.explanation);
    // "Timed out" is the title; the summary does not say it again.
    expect(v.summary).not.toMatch(/Timed out/);
  });

  it('headers arrived and the body stalled: says so, the server side', async () => {
    const srv = await httpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"msg_1",');
    });
    try {
      const r = await runConnectionTest({ baseURL: srv.url, apiKey: KEY, model: 'claude-haiku-4-5', timeoutMs: 300, policy: { ...FAST, maxRetries: 0 } });
      expect(r.verdict.category).toBe('timeout');
      expect(r.verdict.fault).toBe('server');
      expect(r.verdict.summary).toMatch(/^Gave up after 1 attempt: HTTP 200 headers arrived, but the body did not finish within 300 ms\./);
      expectNoRepeats(r.verdict.summary, r.verdict.explanation);
    } finally {
      await srv.close();
    }
  });

  it('a connection that never gets set up (TLS handshake unanswered): not sent, the network', async () => {
    // Something has gone over the wire in this process already (the simulator tests above), so
    // "not seen" means "not sent". Make sure of it regardless of test order:
    await env.runScenario('ok');
    const srv = await tcpServer(() => {
      /* accept TCP, ignore the TLS ClientHello */
    });
    try {
      const r = await runConnectionTest({ baseURL: `https://127.0.0.1:${srv.port}`, apiKey: KEY, model: 'claude-haiku-4-5', timeoutMs: 300, policy: { ...FAST, maxRetries: 0 } });
      expect(r.verdict.category).toBe('timeout');
      expect(r.verdict.fault).toBe('network');
      expect(r.verdict.summary).toMatch(/^Gave up after 1 attempt: no connection set up within 300 ms; the request was not sent\./);
      expect(r.verdict.explanation).toMatch(/never sent/);
      expectNoRepeats(r.verdict.summary, r.verdict.explanation);
    } finally {
      await srv.close();
    }
  });
});
