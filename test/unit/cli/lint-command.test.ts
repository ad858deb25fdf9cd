/** `claude-doctor lint` / `fix` run for real (bundled CLI) on the fixtures in test/fixtures/cli. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleCli, ROOT, runCli, type CliBundle } from './helpers';
import { validateSarif } from './sarif-check';
import { fakeKey } from '../fake-key';

/** The committed fixtures; tests run on a copy (`WORK`) that also gets a node_modules folder. */
const FIXTURES = join(ROOT, 'test/fixtures/cli');
let WORK: string;
const JSON_KEYS = ['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message', 'fixable'];

interface Entry {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
  fixable: boolean;
}

// Each test spawns real processes; the 2 shared cores can be very busy.
vi.setConfig({ testTimeout: 60_000 });

let cli: CliBundle;
let tmp: string;
beforeAll(async () => {
  cli = await bundleCli();
  tmp = mkdtempSync(join(tmpdir(), 'cd-lint-cli-'));
  WORK = join(tmp, 'fixtures');
  cpSync(FIXTURES, WORK, { recursive: true });
  // node_modules is git-ignored, so this one is made here: a retired model the walk must skip.
  mkdirSync(join(WORK, 'project/node_modules/dep'), { recursive: true });
  writeFileSync(
    join(WORK, 'project/node_modules/dep/index.ts'),
    "import Anthropic from '@anthropic-ai/sdk';\nnew Anthropic().messages.create({ model: 'claude-2', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] });\n",
  );
}, 60_000);
afterAll(() => {
  cli?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const lintJson = async (args: string[], cwd = WORK) => {
  const r = await runCli(cli, ['lint', ...args, '--format', 'json'], { cwd });
  return { ...r, entries: JSON.parse(r.stdout) as Entry[] };
};

/** 1-based line and UTF-16 column of the first occurrence of `needle` in a fixture file. */
function where(file: string, needle: string): { line: number; column: number } {
  const text = readFileSync(join(FIXTURES, file), 'utf8');
  const at = text.indexOf(needle);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - (before.lastIndexOf('\n') + 1) + 1 };
}

describe('claude-doctor lint', () => {
  it('json: exact shape, 1-based UTF-16 positions, error findings exit 1', async () => {
    const r = await lintJson(['project']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.entries.length).toBeGreaterThan(0);
    for (const e of r.entries) {
      expect(Object.keys(e)).toEqual(JSON_KEYS);
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.column).toBeGreaterThanOrEqual(1);
      expect(e.endLine * 1e6 + e.endColumn).toBeGreaterThanOrEqual(e.line * 1e6 + e.column);
    }
    const files = new Set(r.entries.map((e) => e.file));
    expect(files.has('project/src/app.ts')).toBe(true);
    expect(files.has('project/py/main.py')).toBe(true);
    expect([...files].some((f) => f.includes('node_modules'))).toBe(false); // skipped folder…
    const direct = await lintJson(['project/node_modules/dep/index.ts']); // …whose file has a finding
    expect(direct.entries.some((e) => e.rule === 'retired-model')).toBe(true);
    expect(files.has('project/src/clean.ts')).toBe(false);
    expect(files.has('project/src/unrelated.ts')).toBe(false); // no SDK: never analyzed

    // The retired model sits after an emoji (2 UTF-16 units) and an é on the same line.
    const retired = r.entries.find((e) => e.file === 'project/src/app.ts' && e.rule === 'retired-model');
    expect(retired).toBeDefined();
    expect(retired!.severity).toBe('error');
    const id = where('project/src/app.ts', 'claude-3-5-sonnet-20241022');
    expect(retired!.line).toBe(id.line);
    expect([id.column - 1, id.column]).toContain(retired!.column); // the literal or the id inside it
    expect(retired!.fixable).toBe(true);

    const missing = r.entries.find((e) => e.rule === 'missing-max-tokens');
    expect(missing?.file).toBe('project/src/app.ts');
    expect(missing!.line).toBeGreaterThanOrEqual(where('project/src/app.ts', 'export async function ask').line);
    expect(missing!.line).toBeLessThan(where('project/src/app.ts', 'export async function withSystem').line);
    expect(r.entries.some((e) => e.rule === 'system-message-first' && e.file === 'project/src/app.ts')).toBe(true);
    expect(r.entries.some((e) => e.rule === 'retired-model' && e.file === 'project/py/main.py')).toBe(true);
  });

  it('text: path:line:col severity rule message, grouped, with a summary', async () => {
    const r = await runCli(cli, ['lint', 'project'], { cwd: WORK });
    expect(r.code).toBe(1);
    const findingLines = r.stdout.split('\n').filter((l) => /^\S+:\d+:\d+ /.test(l));
    expect(findingLines.length).toBeGreaterThan(2);
    for (const l of findingLines) expect(l).toMatch(/^project\/\S+:\d+:\d+ (error|warning|info|hint) [a-z-]+ .+/);
    // Grouped: all lines of one file are contiguous.
    const order = findingLines.map((l) => l.split(':')[0]);
    expect(order.filter((f, i) => i === 0 || f !== order[i - 1])).toEqual([...new Set(order)]);
    expect(r.stdout).toMatch(/\d+ problems? \(\d+ errors?, \d+ warnings?, \d+ info\) in \d+ files?/);
    expect(r.stdout).toMatch(/fixable with `claude-doctor fix`/);
  });

  it('sarif: valid SARIF 2.1.0 with every rule, one result per finding', async () => {
    const [json, sarif] = await Promise.all([
      lintJson(['project']),
      runCli(cli, ['lint', 'project', '--format', 'sarif'], { cwd: WORK }),
    ]);
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(validateSarif(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.results).toHaveLength(json.entries.length);
    for (const r of run.results) {
      expect(r.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:\d+$/);
    }
    expect(run.tool.driver.rules.length).toBeGreaterThanOrEqual(16);
    expect(run.tool.driver.rules.every((x: any) => /docs\/rules\/[a-z-]+\.md$/.test(x.helpUri))).toBe(true);
  });

  it('warnings only: exit 0', async () => {
    const r = await lintJson(['warn-only']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.entries.map((e) => e.rule)).toContain('unknown-model');
    expect(r.entries.every((e) => e.severity !== 'error')).toBe(true);
  });

  it('--disable switches rules off', async () => {
    const r = await lintJson(['project', '--disable', 'retired-model,missing-max-tokens']);
    expect(r.entries.length).toBeGreaterThan(0);
    expect(r.entries.some((e) => e.rule === 'retired-model' || e.rule === 'missing-max-tokens')).toBe(false);
  });

  it('unreadable and binary files are reported and skipped, never fatal', async () => {
    const dir = join(tmp, 'mixed');
    cpSync(join(FIXTURES, 'warn-only'), dir, { recursive: true });
    writeFileSync(join(dir, 'blob.ts'), Buffer.from([0x40, 0x61, 0x6e, 0x00, 0xff, 0x00]));
    const r = await runCli(cli, ['lint', dir, '--format', 'json'], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped .*blob\.ts: binary file/);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(0);
  });

  it('a key hard-coded in source is reported, never printed, in any format', async () => {
    const dir = join(tmp, 'leak');
    cpSync(join(FIXTURES, 'warn-only'), dir, { recursive: true });
    const key = fakeKey('HARDCODED-canary', 50);
    writeFileSync(join(dir, 'leak.ts'), `import Anthropic from '@anthropic-ai/sdk';\nexport const c = new Anthropic({ apiKey: '${key}' });\n`);
    for (const format of ['text', 'json', 'sarif']) {
      const r = await runCli(cli, ['lint', dir, '--format', format]);
      expect(r.stdout).toMatch(/hardcoded-api-key/);
      expect(r.stdout + r.stderr).not.toContain('HARDCODED-canary');
    }
  });

  const usage: [string, string[], RegExp][] = [
    ['unknown format', ['--format', 'xml'], /--format must be one of: text, json, sarif/],
    ['unknown rule', ['--disable', 'no-such-rule'], /unknown rule "no-such-rule"/],
    ['bad sdk version', ['--sdk-version', 'ts=7'], /ts must be 0 or 1/],
    ['malformed sdk version', ['--sdk-version', 'rust=1'], /expected ts=N,python=N/],
    ['missing path', ['does-not-exist'], /no such file or folder: does-not-exist/],
    ['unknown flag', ['--fix'], /unknown option --fix/],
  ];
  for (const [name, args, re] of usage) {
    it(`usage error: ${name} → exit 2`, async () => {
      const r = await runCli(cli, ['lint', ...args], { cwd: WORK });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
    });
  }
});

describe('claude-doctor fix', () => {
  it('--dry-run reports and writes nothing', async () => {
    const dir = join(tmp, 'dry');
    cpSync(join(FIXTURES, 'project'), dir, { recursive: true });
    const before = readFileSync(join(dir, 'src/app.ts'), 'utf8');
    const r = await runCli(cli, ['fix', dir, '--dry-run'], {});
    expect(r.stdout).toMatch(/would fix .*app\.ts: \d+ fix/);
    expect(r.stdout).toMatch(/dry run: nothing written/);
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toBe(before);
  });

  it('applies safe fixes in place, atomically, and lint agrees afterwards', async () => {
    const dir = join(tmp, 'real');
    cpSync(join(FIXTURES, 'project'), dir, { recursive: true });
    const before = await runCli(cli, ['lint', dir, '--format', 'json'], {});
    const fixableBefore = (JSON.parse(before.stdout) as Entry[]).filter((e) => e.fixable);
    expect(fixableBefore.length).toBeGreaterThan(0);

    const r = await runCli(cli, ['fix', dir], {});
    expect(r.stdout).toMatch(/fixed .*app\.ts: \d+ fix/);
    expect(r.stdout).toMatch(/Applied \d+ fix(es)? in \d+ files?\./);
    expect(r.stdout).toMatch(/retired-model/);
    const app = readFileSync(join(dir, 'src/app.ts'), 'utf8');
    expect(app).not.toContain('claude-3-5-sonnet-20241022');
    expect(app).toContain('👋 héllo'); // the rest of the line is untouched
    expect(readdirSync(join(dir, 'src')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const after = await runCli(cli, ['lint', dir, '--format', 'json'], {});
    const entries = JSON.parse(after.stdout) as Entry[];
    expect(entries.filter((e) => e.fixable)).toEqual([]);
    // Exit status follows what remains: 1 if an error-severity finding is left, else 0.
    expect(r.code).toBe(entries.some((e) => e.severity === 'error') ? 1 : 0);
    // A second run has nothing left to do.
    const again = await runCli(cli, ['fix', dir], {});
    expect(again.stdout).toMatch(/Applied 0 fixes in 0 files\./);
  });

  it('keeps a byte-order mark and CRLF line endings', async () => {
    const dir = join(tmp, 'bom');
    cpSync(join(FIXTURES, 'project'), dir, { recursive: true });
    const file = join(dir, 'src', 'crlf.ts');
    const src = readFileSync(join(FIXTURES, 'project/src/clean.ts'), 'utf8').replace("'claude-haiku-4-5'", "'claude-2.1'");
    writeFileSync(file, `\uFEFF${src.replace(/\n/g, '\r\n')}`);
    const r = await runCli(cli, ['fix', file]);
    expect(r.stdout).toMatch(/fixed .*crlf\.ts: 1 fix \(retired-model×1\)/);
    const out = readFileSync(file, 'utf8');
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out).not.toContain('claude-2.1');
    expect(out.replace(/\r\n/g, '').includes('\n')).toBe(false);
  });

  it('usage errors exit 2', async () => {
    const r = await runCli(cli, ['fix', '--dry-run=yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dry-run takes no value/);
  });
});
