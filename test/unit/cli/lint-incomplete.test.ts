/**
 * A CI gate never passes on files it could not analyse: `lint` and `fix` run for real (bundled CLI)
 * on FIFOs, huge files, non-UTF-8 text and non-UTF-8 file names.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleCli, ROOT, runCli, type CliBundle } from './helpers';

vi.setConfig({ testTimeout: 60_000 });

const FIXTURES = join(ROOT, 'test/fixtures/cli');
const RETIRED = "import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({ model: 'claude-2.1', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });\n";

let cli: CliBundle;
let tmp: string;
beforeAll(async () => {
  cli = await bundleCli();
  tmp = mkdtempSync(join(tmpdir(), 'cd-lint-incomplete-'));
}, 60_000);
afterAll(() => {
  cli?.dispose();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A folder with one warning-only file (lint alone would exit 0). */
function project(name: string): string {
  const dir = join(tmp, name);
  cpSync(join(FIXTURES, 'warn-only'), dir, { recursive: true });
  return dir;
}

describe('lint: files it could not analyse make the run incomplete', () => {
  it('a FIFO named like a source file is refused, never read (no hang): exit 3, or 0 with --allow-skipped', async () => {
    const dir = project('fifo');
    const fifo = join(dir, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(cli, ['lint', dir, fifo], { timeoutMs: 30_000 });
    expect(r.stderr).toMatch(/skipped .*pipe\.ts: not a regular file/);
    expect(r.stdout).toMatch(/incomplete: 1 file that may use a Claude SDK could not be analysed/);
    expect(r.code).toBe(3);
    const ok = await runCli(cli, ['lint', dir, fifo, '--allow-skipped'], { timeoutMs: 30_000 });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/accepted \(--allow-skipped\)/);
    // Inside a walked folder a FIFO is not a source file: ignored, not waited on.
    const walked = await runCli(cli, ['lint', dir], { timeoutMs: 30_000 });
    expect(walked.code).toBe(0);
    expect(walked.stderr).not.toMatch(/pipe\.ts/);
  });

  it('a huge file that names Anthropic is incomplete; a huge one that never does is skipped quietly', async () => {
    const dir = project('huge');
    const filler = `// ${'x'.repeat(1000)}\n`.repeat(2200); // ~2.2 MB, over the 2 MB cap
    writeFileSync(join(dir, 'vendor.js'), filler);
    const quiet = await runCli(cli, ['lint', dir]);
    expect(quiet.stderr).toMatch(/skipped .*vendor\.js: too large/);
    expect(quiet.code).toBe(0);
    writeFileSync(join(dir, 'bundle.js'), `${filler}const Anthropic = require('@anthropic-ai/sdk');\n`);
    const r = await runCli(cli, ['lint', dir]);
    expect(r.stderr).toMatch(/skipped .*bundle\.js: too large/);
    expect(r.code).toBe(3);
  });

  it('non-UTF-8 text is incomplete; an error finding still wins (exit 1)', async () => {
    const dir = project('latin1');
    writeFileSync(join(dir, 'legacy.ts'), Buffer.concat([Buffer.from(RETIRED), Buffer.from('// caf\xe9\n', 'latin1')]));
    const r = await runCli(cli, ['lint', dir]);
    expect(r.stderr).toMatch(/skipped .*legacy\.ts: not UTF-8 text/);
    expect(r.code).toBe(3);
    writeFileSync(join(dir, 'bad.ts'), RETIRED);
    expect((await runCli(cli, ['lint', dir])).code).toBe(1);
  });

  it('SARIF says the run did not fully succeed', async () => {
    const dir = project('sarif');
    execFileSync('mkfifo', [join(dir, 'pipe.py')]);
    const r = await runCli(cli, ['lint', dir, join(dir, 'pipe.py'), '--format', 'sarif'], { timeoutMs: 30_000 });
    const sarif = JSON.parse(r.stdout) as { runs: { invocations: { executionSuccessful: boolean }[] }[] };
    expect(sarif.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expect(r.code).toBe(3);
    const clean = JSON.parse((await runCli(cli, ['lint', project('sarif-ok'), '--format', 'sarif'])).stdout) as typeof sarif;
    expect(clean.runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  });

  it('a file name that is not UTF-8 is read and fixed by its bytes', async () => {
    const dir = join(tmp, 'rawname');
    mkdirSync(dir);
    const raw = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.ts')]);
    writeFileSync(raw, RETIRED);
    const r = await runCli(cli, ['lint', dir, '--format', 'json']);
    const entries = JSON.parse(r.stdout) as { file: string; rule: string }[];
    expect(entries.map((e) => e.rule)).toContain('retired-model');
    expect(entries[0]!.file).toMatch(/caf\uFFFD\.ts$/);
    expect(r.code).toBe(1);
    const fixed = await runCli(cli, ['fix', dir]);
    expect(fixed.stdout).toMatch(/fixed .*caf\uFFFD\.ts: 1 fix \(retired-model×1\)/);
    expect(readFileSync(raw, 'utf8')).not.toContain('claude-2.1');
    // Written back under the same bytes: no second file, no temporary left over.
    expect(readdirSync(dir, { encoding: 'buffer' }).map((b) => b.toString('hex'))).toEqual([Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x73]).toString('hex')]);
  });
});
