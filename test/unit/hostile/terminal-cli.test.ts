/**
 * Issue #11.4, every human-readable CLI output: escape sequences (ESC ] 0 ; … BEL, ESC [ 2J, C1
 * CSI, U+2028) in server fields, file names, linted source strings, batch results and argv reach
 * the real CLI's stdout and stderr only as visible escapes. The last step of every write is the
 * core terminal sanitizer (terminalSafeOutput); JSON and SARIF stay valid and round-trip.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeOutput } from '../../../src/core/text/terminal';
import { style } from '../../../src/cli/output';
import { bundleCli, cleanEnv, runCli, type CliBundle, type RunResult } from '../cli/helpers';
import { httpServer, type TestServer } from './servers';
import { fakeKey } from '../fake-key';

const EVIL = '\x1b]0;pwned\x07\x1b[2J\x9b31m\u2028\r✔ Connected';
/** With NO_COLOR, the CLI itself writes no control character but tab and newline. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/;
const KEY = fakeKey('TERMINAL', 90);

function clean(r: RunResult): void {
  expect(r.stdout).not.toMatch(RAW);
  expect(r.stderr).not.toMatch(RAW);
}

describe('terminalSafeOutput (the writer-level sanitizer)', () => {
  it('keeps exactly the CLI’s own colours and live-line erase, escapes everything else', () => {
    const s = style(true);
    const own = `\r\x1b[2K${s.red('✘')} ${s.bold(s.dim('x'))} ${s.green('a')}${s.yellow('b')}${s.cyan('c')} live\n\ttab`;
    expect(terminalSafeOutput(own)).toBe(own);
    const out = terminalSafeOutput(`a${EVIL}\x1b[2K\x1b[5m\x00`);
    expect(out).not.toMatch(RAW);
    expect(out).toContain('\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u2028\\u000d✔ Connected');
    expect(out).toContain('\\u001b[2K\\u001b[5m\\u0000'); // an erase without its \r, a blink: not ours
    // The live line's erase is allowed only as the first thing written, never inside a value.
    expect(terminalSafeOutput('\r\x1b[2K  attempt 1')).toBe('\r\x1b[2K  attempt 1');
    expect(terminalSafeOutput('note: x\r\x1b[2K✔ Connected')).toBe('note: x\\u000d\\u001b[2K✔ Connected');
  });
  it('JSON written through it stays valid and keeps its value (C1 and U+2028 escaped, not lost)', () => {
    const v = { file: `x${EVIL}.ts` };
    const out = terminalSafeOutput(JSON.stringify(v));
    expect(out).not.toMatch(RAW);
    expect(JSON.parse(out)).toEqual(v);
  });
  it('terminalSafe (values) leaves no raw control either', () => {
    expect(terminalSafe(EVIL)).not.toMatch(RAW);
  });
});

describe('the real CLI', () => {
  let cli: CliBundle;
  let dir: string;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    cli = await bundleCli();
    dir = mkdtempSync(join(tmpdir(), 'cd-term-'));
  });
  afterAll(() => {
    cli?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  /** A file whose name and source strings carry escape sequences, with a finding on the strings. */
  function evilProject(): { root: string; file: string } {
    const root = join(dir, `p${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(root);
    const file = join(root, `evil\x1b]0;pwned\x07\x1b[2J\x9b.ts`);
    writeFileSync(
      file,
      [
        "import Anthropic from '@anthropic-ai/sdk';",
        'const client = new Anthropic();',
        `await client.messages.create({ model: ${JSON.stringify(`claude-${EVIL}`)}, messages: [{ role: 'user', content: 'hi' }] });`,
        `await client.messages.create({ model: 'claude-3-opus-20240229', max_tokens: 10, messages: [{ role: 'user', content: ${JSON.stringify(EVIL)} }] });`,
        '',
      ].join('\n'),
    );
    return { root, file };
  }

  it('lint (text): file names, rule messages and quoted source are escaped', async () => {
    const { root } = evilProject();
    const r = await runCli(cli, ['lint', root]);
    clean(r);
    expect(r.stdout).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b.ts:3:');
    expect(r.stdout).toMatch(/missing-max-tokens/);
  });

  it('lint --format json and sarif: valid JSON that round-trips the real file name', async () => {
    const { root, file } = evilProject();
    for (const format of ['json', 'sarif']) {
      const r = await runCli(cli, ['lint', root, '--format', format]);
      clean(r);
      const parsed = JSON.parse(r.stdout) as unknown;
      const text = JSON.stringify(parsed);
      expect(text).toContain(format === 'json' ? JSON.stringify(file.slice(root.length + 1)).slice(1, -1) : 'evil');
    }
  });

  it('fix --dry-run: file names escaped', async () => {
    const { root } = evilProject();
    const r = await runCli(cli, ['fix', root, '--dry-run']);
    clean(r);
    expect(r.stdout).toContain('evil\\x1b]0;pwned');
  });

  it('test, human and --json: every server field (type, message, request id, headers) escaped', async () => {
    const s = await httpServer((_q, res) => {
      res.writeHead(400, { 'content-type': 'application/json', 'request-id': 'req_\x1b]0;x\x07', 'retry-after': '\x1b[2J' });
      res.end(JSON.stringify({ type: 'error', error: { type: `invalid_request_error${EVIL}`, message: `bad ${EVIL}`, details: { error_code: EVIL } } }));
    });
    servers.push(s);
    for (const extra of [[], ['--json']]) {
      const r = await runCli(cli, ['test', '--base-url', s.url, '--max-retries', '0', ...extra], { env: cleanEnv({ ANTHROPIC_API_KEY: KEY }) });
      expect(r.code).toBe(1);
      clean(r);
      if (extra.length) for (const l of r.stdout.trim().split('\n')) JSON.parse(l);
      else expect(r.stdout).toMatch(/✘ /);
    }
  });

  it('batch: a results file name, custom ids and error types with escapes', async () => {
    const file = join(dir, `results\x1b]0;x\x07.jsonl`);
    const line = (id: string, result: unknown) => JSON.stringify({ custom_id: id, result });
    writeFileSync(file, [
      line(`a${EVIL}`, { type: 'errored', error: { type: 'error', error: { type: `overloaded_error${EVIL}`, message: EVIL } } }),
      line('b', { type: `weird${EVIL}` }),
    ].join('\n'));
    for (const extra of [[], ['--json']]) {
      const r = await runCli(cli, ['batch', file, '--out', join(dir, 'o.jsonl'), ...extra]);
      clean(r);
    }
  });

  it('usage errors, unknown commands and help: argv echoed escaped', async () => {
    const runs = await Promise.all([
      runCli(cli, [EVIL]),
      runCli(cli, ['test', '--simulate', EVIL]),
      runCli(cli, ['test', EVIL]),
      runCli(cli, ['lint', '--format', EVIL]),
      runCli(cli, ['lint', join(dir, `missing${EVIL}`)]),
      runCli(cli, ['simulate', '--scenario', EVIL]),
      runCli(cli, ['batch', `--${EVIL}`]),
      runCli(cli, ['--help']),
      runCli(cli, ['help', 'test']),
      runCli(cli, ['simulate', '--list']),
    ]);
    for (const r of runs) clean(r);
    expect(runs[0]!.stderr).toContain('\\u001b]0;pwned');
  });
});
