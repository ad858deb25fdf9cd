import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
/** In-process tests of the lint/fix building blocks: positions, walking, reading, SARIF shape, writes. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectFiles,
  formatText,
  MAX_FILE_BYTES,
  position,
  readSource,
  ruleHelpUri,
  toSarif,
  writeAtomic,
  type LintReport,
  type Skipped,
} from '../../../src/cli/lint';
import { RULES } from '../../../src/core/analyzer/index';
import { LineIndex } from '../../../src/core/analyzer/lineIndex';
import { validateSarif } from './sarif-check';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cd-lint-unit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('position (1-based CLI positions over LineIndex)', () => {
  it('1-based lines and UTF-16 columns, surrogate pairs count twice', () => {
    const text = "a\nconst s = '👋'; model\nlast";
    const idx = new LineIndex(text);
    expect(position(idx, 0)).toEqual({ line: 1, column: 1 });
    expect(position(idx, 2)).toEqual({ line: 2, column: 1 });
    const at = text.indexOf('model');
    // "const s = '👋'; " is 16 UTF-16 units (the emoji is two).
    expect(position(idx, at)).toEqual({ line: 2, column: 17 });
    expect(position(idx, text.length)).toEqual({ line: 3, column: 5 });
    expect(idx.lineText(position(idx, at).line - 1)).toBe("const s = '👋'; model");
  });
  it('CRLF and lone CR end lines', () => {
    const idx = new LineIndex('a\r\nb\rc\nd');
    expect(position(idx, 3)).toEqual({ line: 2, column: 1 });
    expect(position(idx, 5)).toEqual({ line: 3, column: 1 });
    expect(position(idx, 7)).toEqual({ line: 4, column: 1 });
    expect(idx.lineText(0)).toBe('a');
  });
  it('clamps out-of-range offsets', () => {
    const idx = new LineIndex('ab');
    expect(position(idx, -5)).toEqual({ line: 1, column: 1 });
    expect(position(idx, 99)).toEqual({ line: 1, column: 3 });
  });
});

describe('collectFiles', () => {
  it('walks folders, skips node_modules/.git/dist/build/.venv/venv and unknown extensions', async () => {
    const root = join(tmp, 'walk');
    for (const d of ['src', 'node_modules/x', '.git', 'dist', 'build', '.venv', 'venv', 'src/deep/er']) mkdirSync(join(root, d), { recursive: true });
    for (const f of ['src/a.ts', 'src/b.py', 'src/c.md', 'src/d.d.ts', 'src/deep/er/e.jsx', 'node_modules/x/i.ts', '.git/h.ts', 'dist/o.js', 'build/o.js', '.venv/v.py', 'venv/v.py']) {
      writeFileSync(join(root, f), '');
    }
    const skipped: Skipped[] = [];
    const files = await collectFiles([root], skipped);
    const rel = files.map((f) => f.path.slice(root.length + 1)).sort();
    expect(rel).toEqual(['src/a.ts', 'src/b.py', 'src/deep/er/e.jsx']);
    expect(files.find((f) => f.path.endsWith('b.py'))!.language).toBe('python');
    expect(skipped).toEqual([]);
  });
  it('an explicit file of another kind is reported as skipped; a missing path is a usage error', async () => {
    const md = join(tmp, 'notes.md');
    writeFileSync(md, '# hi');
    const skipped: Skipped[] = [];
    expect(await collectFiles([md], skipped)).toEqual([]);
    expect(skipped[0]!.reason).toMatch(/not a TypeScript, JavaScript or Python file/);
    await expect(collectFiles([join(tmp, 'nope')], [])).rejects.toThrow(/no such file or folder/);
  });
});

describe('readSource', () => {
  it('refuses binary, huge and non-UTF-8 files with a reason', async () => {
    const bin = join(tmp, 'bin.ts');
    writeFileSync(bin, Buffer.from([0x69, 0x6d, 0x00, 0x01, 0x02]));
    expect(await readSource(bin)).toEqual({ ok: false, reason: 'binary file', unanalysed: false });
    const big = join(tmp, 'big.ts');
    writeFileSync(big, Buffer.alloc(MAX_FILE_BYTES + 10, 0x61));
    const r = await readSource(big);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/too large/);
    expect(!r.ok && r.unanalysed).toBe(false); // never names Anthropic: nothing was missed
    // The name split across the 1 MB read chunks is still found.
    const bigSdk = join(tmp, 'big-sdk.ts');
    const buf = Buffer.alloc(MAX_FILE_BYTES + 10, 0x61);
    buf.write('Anthropic', (1 << 20) - 4, 'latin1');
    writeFileSync(bigSdk, buf);
    const r2 = await readSource(bigSdk);
    expect(!r2.ok && r2.unanalysed).toBe(true);
    const latin1 = join(tmp, 'latin1.ts');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    expect(await readSource(latin1)).toEqual({ ok: false, reason: 'not UTF-8 text', unanalysed: true });
    const missing = await readSource(join(tmp, 'missing.ts'));
    expect(!missing.ok && missing.unanalysed).toBe(true);
  });
  it('strips and remembers a BOM', async () => {
    const f = join(tmp, 'bom.ts');
    writeFileSync(f, '\uFEFFconst a = 1;\n');
    expect(await readSource(f)).toEqual({ ok: true, text: 'const a = 1;\n', bom: true });
  });
});

const REPORT: LintReport = {
  entries: [
    { file: 'src/app.ts', line: 3, column: 12, endLine: 3, endColumn: 40, rule: 'retired-model', severity: 'error', message: 'retired', fixable: true, lineText: "  model: 'claude-2',"},
    { file: 'src/app.ts', line: 9, column: 3, endLine: 9, endColumn: 10, rule: 'unknown-model', severity: 'warning', message: 'unknown', fixable: false, lineText: 'x' },
    { file: 'src/app.ts', line: 12, column: 3, endLine: 12, endColumn: 10, rule: 'unknown-model', severity: 'warning', message: 'unknown', fixable: false, lineText: 'x' },
    { file: 'py/main.py', line: 1, column: 1, endLine: 1, endColumn: 5, rule: 'no-retry', severity: 'info', message: 'info one', fixable: false, lineText: 'y' },
  ],
  skipped: [{ file: '/tmp/x.ts', reason: 'binary file', unanalysed: false }],
  candidates: 5,
  analyzed: 3,
};

describe('toSarif', () => {
  it('is a valid SARIF 2.1.0 log for code scanning', () => {
    const log = toSarif(REPORT, '/work/repo') as any;
    expect(validateSarif(log)).toEqual([]);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('claude-doctor');
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const r of run.tool.driver.rules) {
      expect(r.helpUri).toBe(ruleHelpUri(`docs/rules/${r.id}.md`));
      // No invented addresses: without a repository in package.json the link is the shipped page.
      if (r.helpUri.startsWith('file:')) expect(existsSync(fileURLToPath(r.helpUri))).toBe(true);
      expect(r.help.markdown).toContain(r.id);
    }
    expect(run.results).toHaveLength(4);
    const [a, b, c, d] = run.results;
    expect(a.ruleId).toBe('retired-model');
    expect(a.level).toBe('error');
    expect(run.tool.driver.rules[a.ruleIndex].id).toBe('retired-model');
    expect(a.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'src/app.ts', uriBaseId: '%SRCROOT%' });
    expect(a.locations[0].physicalLocation.region).toEqual({ startLine: 3, startColumn: 12, endLine: 3, endColumn: 40 });
    expect(b.level).toBe('warning');
    expect(d.level).toBe('note');
    // Same rule on identical line text: same hash, different occurrence index.
    const [hb, nb] = b.partialFingerprints.primaryLocationLineHash.split(':');
    const [hc, nc] = c.partialFingerprints.primaryLocationLineHash.split(':');
    expect(hb).toBe(hc);
    expect([nb, nc]).toEqual(['1', '2']);
    expect(a.partialFingerprints.primaryLocationLineHash).not.toBe(b.partialFingerprints.primaryLocationLineHash);
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/repo/');
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/binary file/);
  });
  it('the checker itself catches broken logs', () => {
    expect(validateSarif({ version: '2.0.0', runs: [] })).not.toEqual([]);
    const log = toSarif(REPORT, '/work/repo') as any;
    delete log.runs[0].results[0].message;
    log.runs[0].results[1].level = 'fatal';
    log.runs[0].results[2].locations[0].physicalLocation.region.startLine = 0;
    expect(validateSarif(log).length).toBe(3);
  });
});

describe('formatText', () => {
  it('path:line:col severity rule message, grouped by file, with a summary', () => {
    const out = formatText(REPORT);
    const lines = out.split('\n');
    expect(lines[0]).toBe('src/app.ts:3:12 error retired-model retired [fixable]');
    expect(lines[1]).toBe('src/app.ts:9:3 warning unknown-model unknown');
    expect(lines[3]).toBe('');
    expect(lines[4]).toBe('py/main.py:1:1 info no-retry info one');
    expect(out).toMatch(/4 problems \(1 error, 2 warnings, 1 info\) in 2 files; 3 of 5 files use a Claude SDK/);
    expect(out).toMatch(/1 fixable with `claude-doctor fix`/);
    expect(out).toMatch(/1 skipped/);
  });
  it('says so when clean', () => {
    expect(formatText({ entries: [], skipped: [], candidates: 2, analyzed: 1 })).toMatch(/no problems \(1 of 2 files use a Claude SDK\)/);
  });
});

describe('writeAtomic', () => {
  it('replaces the file whole, keeps its mode, leaves no temp file', async () => {
    const dir = join(tmp, 'atomic');
    mkdirSync(dir);
    const f = join(dir, 'x.ts');
    writeFileSync(f, 'old');
    chmodSync(f, 0o640);
    await writeAtomic(f, 'new content');
    expect(readFileSync(f, 'utf8')).toBe('new content');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['x.ts']);
  });
  it('fails without touching the original when the folder is gone', async () => {
    await expect(writeAtomic(join(tmp, 'no-such-dir', 'x.ts'), 'x')).rejects.toThrow();
  });
});
