import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../../src/core/analyzer/index';
import { denseTsFile } from '../../../bench/sources';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('timing (printed, not asserted: the machine is shared)', () => {
  it('8,000-line file: cold analysis vs bare parse, and a one-character edit', async () => {
    const a = createAnalyzer();
    const text = denseTsFile(8000);
    const opts = { language: 'typescript' as const, sdk: { ts: 1 } };
    await a.parseOnly('const x = 1;\n', 'typescript');
    const findings = await a.analyze(text, opts);
    expect(findings.length).toBeGreaterThan(100);
    const parse: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      await a.parseOnly(text, 'typescript');
      parse.push(performance.now() - t);
      t = performance.now();
      await a.analyze(text, opts);
      full.push(performance.now() - t);
    }
    await a.analyzeIncremental('big', text, opts);
    const at = text.indexOf('Task 400') + 4;
    let cur = text;
    const inc: number[] = [];
    for (let i = 0; i < 20; i++) {
      const change = i % 2 === 0 ? { rangeOffset: at, rangeLength: 0, text: 'x' } : { rangeOffset: at, rangeLength: 1, text: '' };
      cur = cur.slice(0, at) + change.text + cur.slice(at + change.rangeLength);
      const t = performance.now();
      const got = await a.analyzeIncremental('big', cur, opts, [change]);
      inc.push(performance.now() - t);
      expect(got.length).toBe(findings.length);
    }
    console.log(`8,000 lines (${text.length} chars, ${findings.length} findings): bare parse p50 ${median(parse).toFixed(1)} ms, cold analysis p50 ${median(full).toFixed(1)} ms (${(median(full) / median(parse)).toFixed(2)}×); one-character edit re-analysis p50 ${median(inc).toFixed(2)} ms — indicative only (TypeScript sources, other test files running alongside): \`npm run bench\` measures the shipped bundle against the goals`);
  }, 120_000);
});
