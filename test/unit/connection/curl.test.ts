import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCurl, shellQuote, messagesUrl } from '../../../src/core/connection/curl';
import { API_VERSIONS } from '../../../src/core/data/api-facts';
import { fakeKey } from '../fake-key';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }

let server: Server;
let base = '';
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise((r) => server.close(r)); });

/**
 * Where curl is not installed (a bare CI image), a stand-in with curl's argument syntax for the
 * flags we emit (-N, -H, -d, -sS, --max-time) sends the request with Node: the shell's quoting
 * and `$ANTHROPIC_API_KEY` expansion are still what is tested.
 */
const FAKE_CURL = `
const a = process.argv.slice(2); const headers = {}; let url; let body;
for (let i = 0; i < a.length; i++) {
  if (a[i] === '-H') { const h = a[++i]; const j = h.indexOf(':'); headers[h.slice(0, j).trim()] = h.slice(j + 1).trim(); }
  else if (a[i] === '-d') body = a[++i];
  else if (a[i] === '--max-time') i++;
  else if (a[i].startsWith('-')) continue;
  else url = a[i];
}
fetch(url, { method: 'POST', headers, body }).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { process.stderr.write(String(e)); process.exit(7); });
`;
let curlPrefix = '';
beforeAll(() => {
  const has = process.env.CLAUDE_DOCTOR_FAKE_CURL !== '1' && spawnSync('sh', ['-c', 'command -v curl']).status === 0;
  if (!has) {
    const dir = mkdtempSync(join(tmpdir(), 'fake-curl-'));
    writeFileSync(join(dir, 'curl.cjs'), FAKE_CURL);
    curlPrefix = `curl() { ${shellQuote(process.execPath)} ${shellQuote(join(dir, 'curl.cjs'))} "$@"; }; `;
  }
});

/** Run the generated command in a real POSIX shell with a real curl, against 127.0.0.1. */
function runInShell(cmd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', `${curlPrefix}${cmd} -sS --max-time 10`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    let stdout = ''; let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const CANARY = fakeKey('CANARYcurlTEST', 44);

describe('copy as cURL', () => {
  it('never contains the key, only $ANTHROPIC_API_KEY', () => {
    const text = buildCurl({ baseUrl: 'https://api.anthropic.com', authHeader: 'bearer', model: 'claude-haiku-4-5', maxTokens: 8, prompt: 'hi', stream: false });
    expect(text).toContain('"Authorization: Bearer $ANTHROPIC_API_KEY"');
    expect(text).toContain(`anthropic-version: ${API_VERSIONS.current}`);
    expect(text).toContain("'https://api.anthropic.com/v1/messages'");
    expect(text).not.toMatch(/sk-ant-/);
  });

  it('uses x-api-key when configured, and drops auth headers passed as extras', () => {
    const text = buildCurl({ baseUrl: 'http://h', authHeader: 'x-api-key', model: 'm', maxTokens: 1, prompt: 'p', stream: true,
      headers: { Authorization: `Bearer ${CANARY}`, 'x-api-key': CANARY, 'x-simulate-scenario': 'overloaded;count=2' } });
    expect(text).toContain('"x-api-key: $ANTHROPIC_API_KEY"');
    expect(text).not.toContain(CANARY);
    expect(text).toContain("'x-simulate-scenario: overloaded;count=2'");
    expect(text).toContain('curl -N ');
  });

  it('shell-quotes anything', () => {
    expect(shellQuote("it's $HOME `x`")).toBe("'it'\\''s $HOME `x`'");
    expect(messagesUrl('http://h/')).toBe('http://h/v1/messages');
  });

  it.each([
    ['bearer', 'a plain prompt', false],
    ['x-api-key', "quotes ' \" $(touch /tmp/pwned) `id` $HOME and\na newline", true],
  ] as const)('runs in a real shell with real curl (%s) and sends exactly the request', async (authHeader, prompt, stream) => {
    seen.length = 0;
    const cmd = buildCurl({ baseUrl: base, authHeader, model: 'claude-haiku-4-5', maxTokens: 8, prompt, stream, headers: { 'x-simulate-scenario': 'ok' } });
    const r = await runInShell(cmd, { ANTHROPIC_API_KEY: CANARY, HOME: '/nonexistent-home' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(seen.length).toBe(1);
    const req = seen[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/messages');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['anthropic-version']).toBe(API_VERSIONS.current);
    expect(req.headers['x-simulate-scenario']).toBe('ok');
    if (authHeader === 'bearer') expect(req.headers.authorization).toBe(`Bearer ${CANARY}`);
    else expect(req.headers['x-api-key']).toBe(CANARY);
    const body = JSON.parse(req.body);
    expect(body).toEqual({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: prompt }], ...(stream ? { stream: true } : {}) });
  });
});
