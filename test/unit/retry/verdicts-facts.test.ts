/**
 * Connection-test verdicts for the December 2026 error facts (api-facts.ts), end to end: the
 * retrying client against servers on 127.0.0.1 — a gateway that reads only x-api-key in front of
 * the simulator, and servers answering the documented error bodies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ERROR_ROWS, FACTS_SDK_BASELINE, MESSAGE_MARKERS, SDK, SDK_RETRYABLE_STATUSES, officialSdkOnRetryAfter, sdkBackoffDescription,
} from '../../../src/core/data/api-facts';
import { runConnectionTest, type ConnectionTestOptions } from '../../../src/core/retry/client';
import { SCENARIOS } from '../../../src/core/simulator/spec';
import { startSimulator } from '../../../src/core/simulator';
import { errorBody, httpServer, sendJson, type TestServer } from '../hostile/servers';
import { FAST } from './simulated';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('VERDICTFACTS', 70);
const ROOT = join(__dirname, '..', '..', '..');

async function run(baseURL: string, extra: Partial<ConnectionTestOptions> = {}) {
  return runConnectionTest({ baseURL, apiKey: KEY, model: 'claude-haiku-4-5', timeoutMs: 5000, policy: { ...FAST, maxRetries: 2 }, ...extra });
}

async function answering(status: number, type: string, message: string): Promise<TestServer> {
  return httpServer((_req, res) => sendJson(res, status, errorBody(type, message)));
}

describe('verdicts: a gateway that reads only x-api-key (2026-10-21 SDK majors send Bearer)', () => {
  it('Bearer gets the proxy verdict and is not retried; x-api-key through the same gateway succeeds', async () => {
    const sim = await startSimulator({ apiKey: KEY, serviceTimeMs: 1 });
    // A gateway that authenticates by x-api-key only, then forwards to the simulator.
    const gw = await httpServer((req, res, _n, body) => {
      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || key === '') {
        sendJson(res, 401, errorBody('authentication_error', 'x-api-key header is required'));
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': String(req.headers['anthropic-version'] ?? '') };
      void fetch(sim.url + (req.url ?? '/'), { method: req.method, headers, body }).then(async (r) => {
        res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json', 'request-id': r.headers.get('request-id') ?? '' });
        res.end(await r.text());
      });
    });
    try {
      const bearer = await run(gw.url, { authHeader: 'bearer' });
      expect(bearer.ok).toBe(false);
      expect(bearer.attempts).toBe(1);
      expect(bearer.verdict.category).toBe('authentication');
      expect(bearer.verdict.summary).toMatch(/Authorization: Bearer, which only the new SDK majors send \(@anthropic-ai\/sdk ≥ 1\.0, Python anthropic ≥ 2\.0\)/);
      expect(bearer.verdict.summary).toContain('reads only x-api-key');
      expect(bearer.verdict.summary).toContain('still accepts x-api-key under 2026-10-21');
      expect(bearer.verdict.summary).not.toContain(KEY);
      // The data module says which majors send Bearer.
      expect(SDK.ts.authHeaderByMajor[1]).toBe('bearer');
      expect(SDK.python.authHeaderByMajor[2]).toBe('bearer');
      expect(SDK.python.authHeaderByMajor[1]).toBe('x-api-key');
      const xkey = await run(gw.url, { authHeader: 'x-api-key' });
      expect(xkey.ok).toBe(true);
      expect(gw.requests).toHaveLength(2);
      // Straight to the simulator (which takes both forms), Bearer is fine and no proxy note appears.
      expect((await run(sim.url, { authHeader: 'bearer' })).ok).toBe(true);
    } finally {
      await gw.close();
      await sim.close();
    }
  });
});

describe('verdicts: the December 2026 error texts', () => {
  it('CORS 401: an organization setting, no browser-side fix suggested', async () => {
    const srv = await answering(401, 'authentication_error', `${MESSAGE_MARKERS.corsPrefix} for this Organization. Please contact your admin.`);
    try {
      const r = await run(srv.url);
      expect(r.verdict.category).toBe('cors');
      expect(r.attempts).toBe(1);
      expect(r.verdict.explanation).toMatch(/organization-level setting/);
      expect(r.verdict.explanation).toMatch(/No change to the browser request fixes it/);
      expect(r.verdict.nextStep).not.toMatch(/dangerous-direct-browser-access|header/i);
      expect(r.verdict.nextStep).toMatch(/from your server/);
    } finally {
      await srv.close();
    }
  });

  it('401: an expired key is named among the causes', async () => {
    const srv = await answering(401, 'authentication_error', 'invalid x-api-key');
    try {
      const r = await run(srv.url, { authHeader: 'x-api-key' });
      expect(r.verdict.category).toBe('authentication');
      expect(r.verdict.explanation).toMatch(/expired/);
      expect(r.verdict.nextStep).toMatch(/expired or was revoked/);
    } finally {
      await srv.close();
    }
  });

  it('429 workspace spend limit (a Claude Code workspace): not retried, named as a spend limit, not a rate limit', async () => {
    const srv = await answering(429, 'rate_limit_error', `${MESSAGE_MARKERS.workspaceUsageLimit}. You will regain access on 2027-01-01 at 00:00 UTC.`);
    try {
      const r = await run(srv.url);
      expect(r.verdict.category).toBe('workspace_spend_limit');
      expect(r.attempts).toBe(1);
      expect(srv.requests).toHaveLength(1);
      expect(r.verdict.summary).toContain(ERROR_ROWS.workspace_spend_limit.neverRetry!);
      expect(r.verdict.title).toMatch(/Workspace spend limit/);
    } finally {
      await srv.close();
    }
  });

  it('409 "value must be unique": not retried although the SDKs retry every 409; a plain 409 is retried', async () => {
    const unique = await answering(409, 'conflict_error', 'name: a value that must be unique is already in use');
    const lock = await answering(409, 'conflict_error', 'lock timeout');
    try {
      const r = await run(unique.url);
      expect(r.verdict.category).toBe('conflict_unique');
      expect(unique.requests).toHaveLength(1);
      expect(r.verdict.summary).toMatch(/@anthropic-ai\/sdk and Python anthropic, would retry it/);
      // The data module's SDK retry table: both SDKs retry every 409.
      expect(SDK_RETRYABLE_STATUSES).toContain(409);
      const l = await run(lock.url);
      expect(l.verdict.category).toBe('conflict');
      expect(lock.requests).toHaveLength(3);
    } finally {
      await unique.close();
      await lock.close();
    }
  });

  it('503/504: the verdict names the Python Bedrock/Vertex classes that except InternalServerError misses', async () => {
    for (const [status, cls] of [[503, SDK.python.platformErrorClasses.AnthropicBedrock[503]!], [504, SDK.python.platformErrorClasses.AnthropicVertex[504]!]] as const) {
      const srv = await httpServer((_req, res) => { res.writeHead(status, { 'content-type': 'text/html' }); res.end('<html>unavailable</html>'); });
      try {
        const r = await run(srv.url, { policy: { ...FAST, maxRetries: 0 } });
        expect(r.ok).toBe(false);
        expect(r.verdict.explanation).toContain(cls);
        expect(r.verdict.explanation).toContain('except anthropic.InternalServerError');
      } finally {
        await srv.close();
      }
    }
  });
});

describe('the sdk jitter mode and the simulator name the SDKs and versions they mean', () => {
  it('a retry-after of 61 s from the simulator: the run stops, and the verdict says what each SDK and version would do', async () => {
    const sim = await startSimulator({ apiKey: KEY, serviceTimeMs: 1 });
    try {
      const wait = (SDK.python.retryAfterMaxS + 1) * 1000;
      const r = await run(sim.url, { headers: { 'x-simulate-scenario': `rate-limited;retryAfter=${wait / 1000}` }, policy: { ...FAST, jitter: 'sdk', maxRetryAfterMs: 60_000 } });
      expect(r.ok).toBe(false);
      expect(r.attempts).toBe(1);
      expect(r.verdict.summary).toContain(officialSdkOnRetryAfter(wait));
      expect(r.verdict.summary).toContain(`@anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} would wait it`);
      expect(r.verdict.summary).toMatch(/Python SDK \(anthropic\) would ignore it/);
    } finally {
      await sim.close();
    }
  });

  it('sdkBackoffDescription is built from the data module', () => {
    const d = sdkBackoffDescription();
    expect(d).toContain(FACTS_SDK_BASELINE);
    expect(d).toContain('Python anthropic');
    expect(d).toContain(`min(${SDK.backoff.initialDelayS}·2ⁿ, ${SDK.backoff.maxDelayS}) s × (1 − ${SDK.backoff.jitterFraction}·random)`);
    expect(d).toContain(`@anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} waits any value`);
    expect(d).toContain(`Python anthropic only 0–${SDK.python.retryAfterMaxS} s`);
  });

  it('the settings text of the sdk jitter mode names both SDKs, the TS version and the Python 60 s limit', () => {
    const nls = JSON.parse(readFileSync(join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
    const t = nls['claudeDoctor.config.jitter.sdk']!;
    expect(t).toContain(FACTS_SDK_BASELINE);
    expect(t).toContain('Python anthropic');
    expect(t).toContain(`≥ ${SDK.ts.retryAfterAnyValueSince}`);
    expect(t).toContain(`${SDK.python.retryAfterMaxS} s`);
  });

  it('the rate-limited scenario says where the SDKs part on retry-after', () => {
    const d = SCENARIOS.find((s) => s.name === 'rate-limited')!.description;
    expect(d).toContain(`retryAfter=${SDK.python.retryAfterMaxS + 1}`);
    expect(d).toContain(`@anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} waits it`);
    expect(d).toContain(`Python anthropic only 0–${SDK.python.retryAfterMaxS} s`);
  });
});
