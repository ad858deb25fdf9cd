/**
 * Issue #11.1: the client never follows a redirect. A 3xx from the base URL is a verdict of its
 * own, and the target (same origin or another one) never receives a request, so never the key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runConnectionTest } from '../../../src/core/retry/client';
import type { ClientEvent } from '../../../src/core/retry/events';
import { httpServer, messageBody, sendJson, type TestServer } from './servers';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('REDIRECT', 90);
const open: TestServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const CASES = [
  { auth: 'bearer' as const, cross: true, stream: false },
  { auth: 'bearer' as const, cross: false, stream: false },
  { auth: 'x-api-key' as const, cross: true, stream: false },
  { auth: 'x-api-key' as const, cross: false, stream: false },
  { auth: 'x-api-key' as const, cross: true, stream: true },
];

describe('redirects are not followed', () => {
  it.each(CASES)('auth $auth, cross-origin $cross, stream $stream: 307 is its own verdict, key not sent', async ({ auth, cross, stream }) => {
    const target = await httpServer((_q, res) => sendJson(res, 200, messageBody('from elsewhere')));
    open.push(target);
    const source = await httpServer((req, res, n) => {
      if (n > 1 || req.url?.startsWith('/elsewhere')) return sendJson(res, 200, messageBody('followed'));
      const to = cross ? `${target.url}/v1/messages` : '/elsewhere/v1/messages';
      res.writeHead(307, { location: to, 'request-id': 'req_redirect' });
      res.end();
    });
    open.push(source);
    const events: ClientEvent[] = [];
    const r = await runConnectionTest({
      baseURL: source.url, apiKey: KEY, authHeader: auth, stream, model: 'claude-haiku-4-5', timeoutMs: 5000,
      policy: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10 }, onEvent: (e) => events.push(e),
    });
    expect(r.ok).toBe(false);
    expect(r.attempts).toBe(1);
    expect(source.requests.length).toBe(1);
    expect(target.requests.length).toBe(0);
    expect(r.verdict.summary).toMatch(/redirects to .*not followed, key not sent/);
    expect(r.verdict.summary).toContain(cross ? target.url : '/elsewhere/v1/messages');
    expect(JSON.stringify(events)).not.toContain(KEY);
  });
});
