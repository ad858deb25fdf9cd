import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { SIMULATOR_TEST_KEY, startSimulator } from '../../../src/core/simulator/index';
import { bundleCli, cleanEnv, ndjson, runCli, startCli, type CliBundle } from './helpers';
import { fakeKey } from '../fake-key';

const ATTEMPT_KEYS = ['event', 'attempt', 'status', 'errorType', 'errorCode', 'requestId', 'latencyMs', 'retryable'];
const BACKOFF_KEYS = ['event', 'attempt', 'delayMs', 'reason'];
const RESULT_KEYS = ['event', 'ok', 'attempts', 'status', 'totalMs', 'verdict'];
/** Fast backoff so retries take milliseconds. */
const FAST = ['--base-delay-ms', '1', '--max-delay-ms', '5'];
const CANARY = fakeKey('CANARY-DO-NOT-PRINT', 62);

// Each test spawns real processes; the 2 shared cores can be very busy.
vi.setConfig({ testTimeout: 60_000 });

let cli: CliBundle;
let tmp: string;
beforeAll(async () => {
  cli = await bundleCli();
  tmp = mkdtempSync(join(tmpdir(), 'cd-cli-test-'));
}, 60_000);
afterAll(() => {
  cli?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function expectShapes(events: Record<string, unknown>[]): void {
  for (const e of events) {
    if (e.event === 'attempt') expect(Object.keys(e)).toEqual(ATTEMPT_KEYS);
    else if (e.event === 'backoff') expect(Object.keys(e)).toEqual(BACKOFF_KEYS);
    else if (e.event === 'result') expect(Object.keys(e)).toEqual(RESULT_KEYS);
    else throw new Error(`unexpected event ${JSON.stringify(e)}`);
  }
  const result = events.at(-1)!;
  expect(result.event).toBe('result');
  expect(events.filter((e) => e.event === 'result')).toHaveLength(1);
  expect(typeof result.verdict).toBe('string');
  expect(String(result.verdict)).not.toMatch(/\n/);
  expect((result.verdict as string).length).toBeGreaterThan(10);
  expect(Number.isInteger(result.totalMs)).toBe(true);
}

describe('claude-doctor test --json (NDJSON)', () => {
  it('overloaded twice then success: 3 attempts, 2 backoffs, exit 0', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'overloaded', '--json', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    expect(ev.map((e) => e.event)).toEqual(['attempt', 'backoff', 'attempt', 'backoff', 'attempt', 'result']);
    const [a1, b1, a2, , a3, res] = ev as Record<string, any>[];
    expect(a1).toMatchObject({ attempt: 1, status: 529, errorType: 'overloaded_error', errorCode: null, retryable: true });
    expect(a1!.requestId).toMatch(/^req_/);
    expect(Number.isInteger(a1!.latencyMs)).toBe(true);
    expect(b1).toMatchObject({ attempt: 1, reason: 'jitter' });
    expect(b1!.delayMs).toBeGreaterThanOrEqual(0);
    expect(b1!.delayMs).toBeLessThanOrEqual(5);
    expect(a2).toMatchObject({ attempt: 2, status: 529 });
    expect(a3).toMatchObject({ attempt: 3, status: 200, errorType: null, errorCode: null, retryable: false });
    expect(res).toMatchObject({ ok: true, attempts: 3, status: 200 });
  });

  it('count parameter in the scenario spec changes the story', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'overloaded;count=1', '--json', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const ev = ndjson(r.stdout);
    expect(ev.filter((e) => e.event === 'attempt').map((e) => e.status)).toEqual([529, 200]);
  });

  it('gives up after --max-retries and exits 1', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'overloaded;count=5', '--json', '--max-retries', '1', ...FAST]);
    expect(r.code).toBe(1);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    expect(ev.filter((e) => e.event === 'attempt')).toHaveLength(2);
    expect(ev.at(-1)).toMatchObject({ event: 'result', ok: false, attempts: 2, status: 529 });
  });

  it('spend cap: one attempt, not retryable, error code surfaced, exit 1', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'spend-cap', '--json', ...FAST]);
    expect(r.code).toBe(1);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    expect(ev.map((e) => e.event)).toEqual(['attempt', 'result']);
    expect(ev[0]).toMatchObject({ status: 429, errorType: 'rate_limit_error', errorCode: 'enforced_spend_limit_reached', retryable: false });
    expect(ev[1]).toMatchObject({ ok: false, attempts: 1, status: 429 });
  });

  it('rate limited: backoff honours retry-after-ms and says so', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'rate-limited;retryAfterMs=30', '--json', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    const b = ev.find((e) => e.event === 'backoff')!;
    expect(b.reason).toBe('retry-after-ms');
    expect(b.delayMs).toBeGreaterThanOrEqual(30);
    expect(ev[0]).toMatchObject({ status: 429, errorType: 'rate_limit_error', retryable: true });
  });

  it('a 529 with retry-after-ms: the human line names the demand and the jitter on top', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'overloaded;count=1;retryAfterMs=40', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/server asked: retry-after-ms 40 ms, \+ jitter/);
    const j = await runCli(cli, ['test', '--simulate', 'overloaded;count=1;retryAfterMs=40', '--json', ...FAST]);
    const b = ndjson(j.stdout).find((e) => e.event === 'backoff')!;
    expect(b).toMatchObject({ reason: 'retry-after-ms', demandMs: 40 });
    expect(b.delayMs).toBeGreaterThanOrEqual(40);
    expect(b.delayMs).toBeLessThanOrEqual(80);
  });

  it('connection reset: status null on the transport failure, then success', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'reset', '--json', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    expect(ev[0]).toMatchObject({ event: 'attempt', status: null, retryable: true });
    expect(ev.at(-1)).toMatchObject({ ok: true, attempts: 2, status: 200 });
  });

  it('a per-attempt timeout that never clears: status null in the result, exit 1', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'timeout', '--json', '--timeout-ms', '150', '--max-retries', '1', ...FAST]);
    expect(r.code).toBe(1);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    expect(ev.filter((e) => e.event === 'attempt').every((e) => e.status === null)).toBe(true);
    expect(ev.at(-1)).toMatchObject({ ok: false, status: null, attempts: 2 });
  });

  it('--deadline-ms ends a run that would otherwise retry on', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'overloaded;count=always', '--json', '--max-retries', '20', '--jitter', 'none', '--base-delay-ms', '200', '--max-delay-ms', '200', '--deadline-ms', '700']);
    expect(r.code).toBe(1);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    const res = ev.at(-1) as Record<string, any>;
    expect(res.ok).toBe(false);
    expect(res.verdict).toMatch(/deadline/);
    expect(res.attempts).toBeLessThan(21); // 20 retries × 200 ms would take 4 s
    expect(res.totalMs).toBeLessThan(3_000);
  });

  it('streaming request succeeds through the stream path', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'ok', '--stream', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ev = ndjson(r.stdout);
    expectShapes(ev);
    expect(ev.at(-1)).toMatchObject({ ok: true, attempts: 1, status: 200 });
  });
});

describe('claude-doctor test: human output', () => {
  it('with no key and no base URL it runs against a private simulator, and says so loudly', async () => {
    const r = await runCli(cli, ['test']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: no API key found \(ANTHROPIC_API_KEY is not set, no --api-key-file\): this run goes to a private local SIMULATOR, not the Claude API\./m);
    expect(r.stdout).toMatch(/→ SIMULATOR http:\/\/127\.0\.0\.1:\d+ \(no API key found; not the Claude API\)/);
    expect(r.stdout).toMatch(/attempt 1\s+200/);
    expect(r.stdout).toMatch(/✔ Success after 1 attempt in .* \(the local simulator, not the Claude API: no API key was found\)/);
    expect(r.stdout).toMatch(/Real API +not tested/);
    // The reply to the one-word prompt arrives whole.
    expect(r.stdout).toMatch(/Reply +"ok"/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colors or cursor moves when not a TTY
  });

  it('--simulate is a choice, not a fallback: no "no key" warning', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'ok']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/no API key found/);
    expect(r.stdout).toMatch(/private simulator http:\/\/127\.0\.0\.1:\d+ \(scenario ok\)/);
  });

  it('the header describes the waits the policy really draws, and the per-attempt timeout', async () => {
    const def = await runCli(cli, ['test', '--simulate', 'ok']);
    expect(def.stdout).toMatch(/up to 5 attempts \(full jitter, waits 0–500 ms, 0–1 s, 0–2 s, 0–4 s\), 30 s per attempt/);
    const none = await runCli(cli, ['test', '--simulate', 'ok', '--jitter', 'none', '--max-retries', '2', '--timeout-ms', '1500']);
    expect(none.stdout).toMatch(/up to 3 attempts \(no jitter, waits 500 ms, 1 s\), 1\.5 s per attempt/);
    // And the waits of a real run stay inside what the header said.
    const run = await runCli(cli, ['test', '--simulate', 'overloaded;count=3', '--json', '--max-retries', '3']);
    const waits = ndjson(run.stdout).filter((e) => e.event === 'backoff').map((e) => e.delayMs as number);
    expect(waits).toHaveLength(3);
    waits.forEach((w, i) => expect(w).toBeLessThanOrEqual([500, 1000, 2000][i]!));
  });

  it('the timeout scenario warns up front how long it can take with these settings', async () => {
    const run = startCli(cli, ['test', '--simulate', 'timeout']);
    await run.waitFor(/note: Takes up to 2\.6 min with these settings: 5 attempts × 30 s timeout plus backoff\./);
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    const short = await runCli(cli, ['test', '--simulate', 'timeout', '--timeout-ms', '200', '--max-retries', '0']);
    expect(short.stdout).not.toMatch(/note: Takes up to/);
  });

  it('a stream scenario streams without --stream, and says why', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'stream-overloaded', ...FAST]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/streaming \(stream-overloaded is a stream scenario\)/);
    // An error inside a 200 stream, not a plain 529.
    expect(r.stdout).toMatch(/attempt 1\s+---\s+overloaded_error/);
    expect(r.stdout).not.toMatch(/attempt 1\s+529/);
    expect(r.stdout).toMatch(/Overloaded \(inside the stream\)/);
    expect(r.stdout).toMatch(/HTTP 200, then an `event: error` arrived inside the stream/);
  });

  it('non-retryable failure: what happened, whose fault, next step, docs link; exit 1', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'auth-error']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/attempt 1\s+401/);
    expect(r.stdout).toMatch(/What happened/);
    expect(r.stdout).toMatch(/Whose fault\s+yours/);
    expect(r.stdout).toMatch(/Next step/);
    expect(r.stdout).toMatch(/Docs\s+https:\/\//);
    expect(r.stdout).toMatch(/req_/);
  });

  it('prints one plain line per backoff when not on a TTY', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'overloaded', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^ {2}backoff /gm)).toHaveLength(2);
    expect(r.stdout.match(/^ {2}attempt /gm)).toHaveLength(3);
    expect(r.stdout).toMatch(/after 3 attempts/);
  });

  it('warns about a retired model', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'ok', '--model', 'claude-3-5-sonnet-20241022', ...FAST]);
    expect(r.stderr).toMatch(/retired/);
    expect(r.stderr).toMatch(/claude-sonnet-5-5/);
  });
});

describe('claude-doctor test: usage errors exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown flag', ['--frobnicate'], /unknown option --frobnicate/],
    ['bad number', ['--max-retries', 'three'], /--max-retries must be a whole number/],
    ['negative number', ['--timeout-ms', '-5'], /--timeout-ms/],
    ['unknown scenario', ['--simulate', 'meltdown'], /unknown scenario "meltdown"/],
    ['bad scenario parameter', ['--simulate', 'overloaded;count=lots'], /count/],
    ['unknown jitter', ['--jitter', 'chaotic'], /--jitter must be one of: full, equal, decorrelated, none, sdk/],
    ['unknown auth header', ['--auth-header', 'cookie'], /--auth-header must be one of/],
    ['missing value', ['--model'], /--model needs a value/],
    ['bad base URL', ['--base-url', 'not a url'], /--base-url/],
    ['stray argument', ['hello'], /unexpected argument/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const r = await runCli(cli, ['test', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).toMatch(/--help/);
      expect(r.stdout).toBe('');
    });
  }

  it('--api-key is refused with the reason, and the value is never echoed', async () => {
    for (const args of [['--api-key', CANARY], [`--api-key=${CANARY}`]]) {
      const r = await runCli(cli, ['test', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/shell history/);
      expect(r.stderr).toMatch(/ANTHROPIC_API_KEY/);
      expect(r.stderr).toMatch(/--api-key-file/);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
      expect(r.stdout + r.stderr).not.toContain('CANARY');
    }
  });

  it('--help prints usage and exits 0', async () => {
    const r = await runCli(cli, ['test', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: claude-doctor test/);
    expect(r.stdout).toMatch(/--api-key-file/);
  });
});

describe('claude-doctor test: the key', () => {
  it('from ANTHROPIC_API_KEY: sent (the server accepts it) and never printed', async () => {
    const sim = await startSimulator({ port: 0, apiKey: CANARY });
    try {
      for (const json of [true, false]) {
        const r = await runCli(cli, ['test', '--base-url', sim.url, ...(json ? ['--json'] : [])], {
          env: cleanEnv({ ANTHROPIC_API_KEY: CANARY }),
        });
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout + r.stderr).not.toContain(CANARY);
        expect(r.stdout + r.stderr).not.toContain('CANARY');
      }
    } finally {
      await sim.close();
    }
  });

  it('--auth-header x-api-key sends the key in x-api-key (the server accepts either form)', async () => {
    const sim = await startSimulator({ port: 0, apiKey: CANARY });
    try {
      for (const form of ['x-api-key', 'bearer']) {
        const r = await runCli(cli, ['test', '--base-url', sim.url, '--auth-header', form, '--json'], {
          env: cleanEnv({ ANTHROPIC_API_KEY: CANARY }),
        });
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout + r.stderr).not.toContain('CANARY');
        // With a wrong key the server names the header it read.
        const wrong = await runCli(cli, ['test', '--base-url', sim.url, '--auth-header', form], {
          env: cleanEnv({ ANTHROPIC_API_KEY: 'sk-ant-api03-wrong-key-0000000000000' }),
        });
        expect(wrong.code).toBe(1);
        expect(wrong.stdout).toMatch(form === 'x-api-key' ? /invalid x-api-key/ : /invalid bearer token/);
      }
    } finally {
      await sim.close();
    }
  });

  it('a wrong key gets 401 and neither key is printed', async () => {
    const sim = await startSimulator({ port: 0, apiKey: 'sk-ant-api03-the-right-one-xxxxxxxxxxxx' });
    try {
      const r = await runCli(cli, ['test', '--base-url', sim.url, '--json'], { env: cleanEnv({ ANTHROPIC_API_KEY: CANARY }) });
      expect(r.code).toBe(1);
      const ev = ndjson(r.stdout);
      expect(ev[0]).toMatchObject({ status: 401, errorType: 'authentication_error', retryable: false });
      expect(r.stdout + r.stderr).not.toContain('CANARY');
      expect(r.stdout + r.stderr).not.toContain('the-right-one');
    } finally {
      await sim.close();
    }
  });

  it('from --api-key-file: trimmed with a warning about the newline, never printed', async () => {
    const file = join(tmp, 'key.txt');
    writeFileSync(file, `${CANARY}\n`);
    chmodSync(file, 0o600);
    const sim = await startSimulator({ port: 0, apiKey: CANARY });
    try {
      const r = await runCli(cli, ['test', '--base-url', sim.url, '--api-key-file', file, '--json'], {
        env: cleanEnv({ ANTHROPIC_API_KEY: 'sk-ant-api03-env-key-should-lose-000000' }),
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stderr).toMatch(/whitespace \(a newline\)/);
      expect(r.stderr).not.toMatch(/readable by other users/);
      expect(r.stdout + r.stderr).not.toContain('CANARY');
    } finally {
      await sim.close();
    }
  });

  it('a key file others can read gets a chmod hint', async () => {
    const file = join(tmp, 'open-key.txt');
    writeFileSync(file, CANARY);
    chmodSync(file, 0o644);
    const r = await runCli(cli, ['test', '--simulate', 'ok', '--api-key-file', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/readable by other users \(mode 644\); `chmod 600/);
    expect(r.stdout + r.stderr).not.toContain('CANARY');
  });

  it('an unreadable key file is a usage error naming the file, not the key', async () => {
    const r = await runCli(cli, ['test', '--api-key-file', join(tmp, 'missing.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read --api-key-file .*missing\.txt \(ENOENT\)/);
  });
});

describe('claude-doctor test: cancel', () => {
  /** Ctrl-C once `ready` is printed: exit 130 well before the interrupted wait (20+ s) would end, with a Cancelled verdict. */
  async function expectCancelled(args: string[], ready: RegExp): Promise<void> {
    const run = startCli(cli, args);
    await run.waitFor(ready);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(run.stdout).toMatch(/Cancel/i);
  }

  it('Ctrl-C during a backoff cancels cleanly with exit 130 and a verdict', async () => {
    await expectCancelled(['test', '--simulate', 'overloaded;count=10', '--jitter', 'none', '--base-delay-ms', '20000', '--max-delay-ms', '20000'], /backoff/);
  });

  it('Ctrl-C while an attempt hangs: exit 130 promptly, the private simulator shuts down', async () => {
    await expectCancelled(['test', '--simulate', 'timeout', '--timeout-ms', '60000'], /private simulator/);
  });
});

describe('claude-doctor simulate', () => {
  it('--list prints every scenario with its description', async () => {
    const { SCENARIOS } = await import('../../../src/core/simulator/index');
    const r = await runCli(cli, ['simulate', '--list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(SCENARIOS.length);
    for (const s of SCENARIOS) expect(r.stdout).toContain(`${s.name} `);
    for (const s of SCENARIOS) expect(r.stdout).toContain(s.description);
  });

  it('prints an export line that works when pasted: `test` in that shell reaches the simulator with its stand-in key', async () => {
    const run = startCli(cli, ['simulate']);
    const m = await run.waitFor(/^ {2}(export ANTHROPIC_BASE_URL=(\S+) ANTHROPIC_API_KEY=(\S+))$/m);
    try {
      const [, line, url, key] = m;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(key).toBe(SIMULATOR_TEST_KEY);
      expect(key).not.toMatch(/^sk-ant-/); // a stand-in, never shaped like (or being) a real key
      // Paste it into a real POSIX shell, then run `claude-doctor test` there.
      const sh = spawnSync('/bin/sh', ['-c', `${line} && exec "$0" "$1" test --json`, process.execPath, cli.path], {
        env: cleanEnv(), encoding: 'utf8', timeout: 30_000,
      });
      expect(sh.status, sh.stderr).toBe(0);
      const events = ndjson(sh.stdout);
      expect(events.at(-1)).toMatchObject({ event: 'result', ok: true, status: 200 });
      expect(sh.stderr).not.toMatch(/no API key found/);
    } finally {
      run.child.kill('SIGINT');
      await run.exited;
    }
  });

  it('runs in the foreground, prints a paste-ready ANTHROPIC_BASE_URL, serves, stops on Ctrl-C', async () => {
    const run = startCli(cli, ['simulate', '--scenario', 'overloaded;count=1']);
    const m = await run.waitFor(/ANTHROPIC_BASE_URL=(http:\/\/127\.0\.0\.1:\d+)/);
    const url = m[1]!;
    const post = () =>
      fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-api03-anything-goes-000000', 'anthropic-version': '2023-06-01', 'x-simulate-session': 'cli-test' },
        body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
      });
    const first = await post();
    expect(first.status).toBe(529);
    await first.arrayBuffer();
    const second = await post();
    expect(second.status).toBe(200);
    await second.arrayBuffer();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(0);
    expect(run.stdout).toMatch(/stopped/);
  });

  it('a port already in use is a clear failure (exit 1), not a crash', async () => {
    const sim = await startSimulator({ port: 0 });
    try {
      const r = await runCli(cli, ['simulate', '--port', String(sim.port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${sim.port} is already in use`));
    } finally {
      await sim.close();
    }
  });

  it('unknown scenario and bad port are usage errors', async () => {
    expect((await runCli(cli, ['simulate', '--scenario', 'nope'])).code).toBe(2);
    const r = await runCli(cli, ['simulate', '--port', '70000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port must be between 0 and 65535/);
  });
});

describe('claude-doctor (top level)', () => {
  it('--version prints the package version', async () => {
    const { version } = (await import('../../../package.json')).default as { version: string };
    const r = await runCli(cli, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });
  it('--help lists the commands', async () => {
    const r = await runCli(cli, ['--help']);
    expect(r.code).toBe(0);
    for (const c of ['test', 'simulate', 'lint', 'fix']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });
  it('an unknown command is a usage error', async () => {
    const r = await runCli(cli, ['diagnose']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "diagnose"/);
  });
});
