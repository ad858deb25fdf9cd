/**
 * What a one-file `claude-doctor lint` pays for at start (issue #16 item 4; bench/cli-start.ts
 * measures it): the dispatcher loads the lint bundle with require(), the bundle carries only the
 * manifest fields it reads, and a short run keeps the grammar's wasm on V8's baseline code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, cleanEnv, pruneStaleBundles, ROOT, type CliBundle } from './helpers';

const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string; contributes?: unknown };

describe('CLI start: what a one-file lint loads', () => {
  let cli: CliBundle;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    cli = await bundleCli();
    dir = mkdtempSync(join(tmpdir(), 'cd-start-'));
    file = join(dir, 'one.ts');
    writeFileSync(file, "import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const ask = (q: string) => c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: q }] });\n");
  }, 60_000);
  afterAll(() => {
    cli?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the dispatcher require()s the subcommand bundle: no import(), which runs the ESM loader over the whole bundle first', () => {
    const src = readFileSync(cli.path, 'utf8');
    expect(src).toContain('require("./cli-lint.js")');
    expect(src).not.toMatch(/import\(\s*["']\.\/cli-/);
  });

  it('the lint bundle holds the manifest fields it reads, not the manifest with its settings schema', () => {
    expect(pkg.contributes).toBeDefined();
    const lint = readFileSync(join(dirname(cli.path), 'cli-lint.js'), 'utf8');
    expect(lint).toContain(JSON.stringify(pkg.version));
    expect(lint).not.toMatch(/["']?contributes["']?\s*:/);
  });

  const lint = (nodeFlags: string[]) => {
    const r = spawnSync(process.execPath, ['--trace-wasm-compilation-times', ...nodeFlags, cli.path, 'lint', file], { encoding: 'utf8', env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('no problems');
    return (`${r.stdout}\n${r.stderr}`.match(/using TurboFan/g) ?? []).length;
  };

  it('a one-file lint keeps the parser on wasm baseline code (no optimizing recompiles); a budget given to node wins', () => {
    expect(lint([])).toBe(0);
    // V8's default budget, given on the command line: the CLI leaves it, and the parser tiers up
    expect(lint(['--wasm-tiering-budget=1800000'])).toBeGreaterThan(0);
  }, 60_000);
});

describe('bundleCli', () => {
  it('removes the bundle folders of test processes that are gone, and keeps live ones', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const deadDir = join(ROOT, '.cache', `cli-test-${dead}-zzdead`);
    const liveDir = join(ROOT, '.cache', `cli-test-${process.pid}-zzlive`);
    mkdirSync(deadDir, { recursive: true });
    mkdirSync(liveDir, { recursive: true });
    try {
      pruneStaleBundles();
      expect(existsSync(deadDir)).toBe(false);
      expect(existsSync(liveDir)).toBe(true);
    } finally {
      rmSync(deadDir, { recursive: true, force: true });
      rmSync(liveDir, { recursive: true, force: true });
    }
  });
});
