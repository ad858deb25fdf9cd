import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'claude-doctor-bundle-'));
const bareDir = mkdtempSync(join(tmpdir(), 'claude-doctor-bare-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bareDir, { recursive: true, force: true });
});

const ENTRY = `
import { createAnalyzer, applySafeFixes } from ${JSON.stringify(join(ROOT, 'src/core/analyzer/index.ts'))};
(async () => {
  const a = createAnalyzer(process.env.WASM_DIR ? { wasmDir: process.env.WASM_DIR } : undefined);
  const ts = "import Anthropic from '@anthropic-ai/sdk';\\nconst c = new Anthropic();\\nc.messages.create({ model: 'claude-3-opus-latest', messages: [{ role: 'user', content: 'x' }] });\\n";
  const py = 'import anthropic\\nc = anthropic.Anthropic()\\nc.messages.create(model="claude-2", max_tokens=5, messages=[])\\n';
  const tf = await a.analyze(ts, { language: 'typescript' });
  const pf = await a.analyze(py, { language: 'python' });
  const fixed = applySafeFixes(ts, tf);
  process.stdout.write(JSON.stringify({ ts: tf.map((f) => f.rule), py: pf.map((f) => f.rule), fixed: fixed.text }));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

async function bundle(outdir: string): Promise<string> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, ENTRY);
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'main.js');
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent', external: ['vscode'] });
  return outfile;
}

function run(file: string, cwd: string, env: Record<string, string> = {}): { ts: string[]; py: string[]; fixed: string } {
  const r = spawnSync(process.execPath, [file], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { ts: string[]; py: string[]; fixed: string };
}

describe('bundled by esbuild into one CJS file (as dist/extension.js and dist/cli.js are)', () => {
  it('finds the grammars in wasm/ next to the bundle, from any working directory', async () => {
    const out = join(dir, 'dist');
    const file = await bundle(out);
    mkdirSync(join(out, 'wasm'), { recursive: true });
    for (const f of ['tree-sitter.wasm', 'tree-sitter-typescript.wasm', 'tree-sitter-tsx.wasm', 'tree-sitter-javascript.wasm', 'tree-sitter-python.wasm']) {
      cpSync(join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm', f), join(out, 'wasm', f));
    }
    const res = run(file, tmpdir());
    expect(res.ts.sort()).toEqual(['missing-max-tokens', 'retired-model']);
    expect(res.py.sort()).toEqual(['empty-messages', 'retired-model']);
    expect(res.fixed).toContain("model: 'claude-opus-5-5', max_tokens: 1024,");
  }, 90_000);

  it('uses an explicit wasmDir, and fails loudly (no crash of the host) when none can be found', async () => {
    const out = join(bareDir, 'out');
    const file = await bundle(out);
    const res = run(file, tmpdir(), { WASM_DIR: join(ROOT, 'node_modules/@vscode/tree-sitter-wasm/wasm') });
    expect(res.ts.sort()).toEqual(['missing-max-tokens', 'retired-model']);
    const r = spawnSync(process.execPath, [file], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('tree-sitter wasm files not found');
  }, 90_000);
});
