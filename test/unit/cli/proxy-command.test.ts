/** `claude-doctor proxy`, run for real (bundled CLI): an app (the real SDK) goes through it. */
import { spawn } from 'node:child_process';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleCli, cleanEnv, runCli, type CliBundle } from './helpers';
import { fakeKey } from '../fake-key';

vi.setConfig({ testTimeout: 60_000 });
const KEY = fakeKey('PROXY-CLI-canary', 60);

let cli: CliBundle;
beforeAll(async () => {
  cli = await bundleCli();
}, 60_000);
afterAll(() => cli?.dispose());

/** Starts the proxy, waits for its base URL, runs `app`, stops it with Ctrl-C; returns its output. */
async function session(args: string[], app: (baseURL: string) => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string; baseUrl: string }> {
  const child = spawn(process.execPath, [cli.path, 'proxy', ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  const deadline = Date.now() + 20_000;
  let baseUrl = '';
  while (!baseUrl) {
    const m = /ANTHROPIC_BASE_URL=(http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]+)/.exec(stdout) ?? /"baseUrl":"(http:[^"]+)"/.exec(stdout);
    if (m) baseUrl = m[1]!;
    else if (Date.now() > deadline) throw new Error(`no base URL printed:\n${stdout}\n${stderr}`);
    else await new Promise((r) => setTimeout(r, 20));
  }
  try {
    await app(baseUrl);
  } finally {
    child.kill('SIGINT');
  }
  return { code: await closed, stdout, stderr, baseUrl };
}

const ask = (baseURL: string, maxRetries?: number) => new Anthropic({ apiKey: KEY, baseURL, ...(maxRetries !== undefined ? { maxRetries } : {}) })
  .messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });

describe('claude-doctor proxy', () => {
  it('prints a pasteable base URL, one line per exchange, and a report card on Ctrl-C; never the key', async () => {
    const r = await session(['--simulate', '--inject', 'overloaded', '--next', '1'], async (baseURL) => {
      const msg = await ask(baseURL);
      expect(msg.content.length).toBeGreaterThan(0);
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/export ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/t\//);
    expect(r.stdout).toMatch(/POST \/v1\/messages {2}529 {2}overloaded_error {2}\(injected: overloaded\)/);
    expect(r.stdout).toMatch(/POST \/v1\/messages {2}200 .*retry 1/);
    expect(r.stdout).toMatch(/Retry report card \(2 exchanges, 1 request\)/);
    expect(r.stdout).toMatch(/✔ Retries 429, 5xx and 529: 1 of 1 requests that failed transiently were retried/);
    expect(r.stdout + r.stderr).not.toContain(KEY.slice(14, 30));
  });

  it('--json: one JSON line per exchange and the report card as JSON', async () => {
    const r = await session(['--simulate', '--json'], async (baseURL) => {
      await ask(baseURL);
    });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; status?: number; grades?: unknown[] });
    expect(lines[0]!.type).toBe('listening');
    expect(lines.some((l) => l.status === 200)).toBe(true);
    expect(lines.at(-1)!.type).toBe('report');
    expect(lines.at(-1)!.grades).toHaveLength(7);
  });

  it('usage errors exit 2 and name the flag', async () => {
    expect((await runCli(cli, ['proxy', '--inject', 'overloaded'])).stderr).toMatch(/--inject needs --rate PCT or --next N/);
    expect((await runCli(cli, ['proxy', '--rate', '30'])).code).toBe(2);
    expect((await runCli(cli, ['proxy', '--inject', 'nope', '--rate', '5'])).stderr).toMatch(/--inject: unknown scenario "nope"/);
    expect((await runCli(cli, ['proxy', '--simulate', '--upstream', 'http://x'])).code).toBe(2);
    expect((await runCli(cli, ['proxy', '--upstream', 'https://user:pw@gw.example'])).stderr).toMatch(/must not carry credentials/);
  });
});
