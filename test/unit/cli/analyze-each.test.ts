/** analyzeEach: the read → SDK filter → analyze walk shared by `lint` and `fix`. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeEach, type Candidate, type Skipped } from '../../../src/cli/lint';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cd-analyze-each-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('analyzeEach', () => {
  it('yields SDK files in order with their text and BOM; records unreadable files and failed analyses; passes over the rest', async () => {
    const sdk = "import Anthropic from '@anthropic-ai/sdk';\n";
    const file = (name: string, content: string | Buffer): Candidate => {
      const path = join(tmp, name);
      writeFileSync(path, content);
      return { path, language: 'typescript' };
    };
    const files: Candidate[] = [
      file('a.ts', sdk),
      file('plain.ts', 'export const x = 1;\n'),
      { path: join(tmp, 'missing.ts'), language: 'typescript' },
      file('bin.ts', Buffer.from([0x61, 0, 0x62])),
      file('boom.ts', `${sdk}// boom\n`),
      file('bom.ts', `\uFEFF${sdk}`),
    ];
    const skipped: Skipped[] = [];
    const analyzed: string[] = [];
    const seen: { name: string; bom: boolean; result: number }[] = [];
    const analyze = async (text: string, f: Candidate): Promise<number> => {
      analyzed.push(f.path.slice(tmp.length + 1));
      if (text.includes('boom')) throw new Error('kaboom');
      return text.length;
    };
    for await (const { file: f, src, result } of analyzeEach(files, skipped, analyze)) {
      expect(src.text.startsWith('\uFEFF')).toBe(false);
      seen.push({ name: f.path.slice(tmp.length + 1), bom: src.bom, result });
    }
    expect(analyzed).toEqual(['a.ts', 'boom.ts', 'bom.ts']);
    expect(seen).toEqual([
      { name: 'a.ts', bom: false, result: sdk.length },
      { name: 'bom.ts', bom: true, result: sdk.length },
    ]);
    expect(skipped.map((s) => [s.file.slice(tmp.length + 1), s.reason])).toEqual([
      ['missing.ts', 'cannot read (ENOENT)'],
      ['bin.ts', 'binary file'],
      ['boom.ts', 'analysis failed: kaboom'],
    ]);
  });

  it('a synchronous throw from analyze is a failed analysis too, and non-Error throws are stringified', async () => {
    const path = join(tmp, 'sync.ts');
    writeFileSync(path, "import '@anthropic-ai/sdk';\n");
    const skipped: Skipped[] = [];
    const out = [];
    for await (const r of analyzeEach([{ path, language: 'typescript' }], skipped, () => {
      throw 'plain string';
    })) out.push(r);
    expect(out).toEqual([]);
    expect(skipped).toEqual([{ file: path, reason: 'analysis failed: plain string', unanalysed: true }]);
  });
});
