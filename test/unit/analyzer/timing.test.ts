import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../../src/core/analyzer/index';

/** An 8,000-line TypeScript file of SDK code with some of the problems the rules look for. */
function bigFile(lines: number): string {
  let out = `import Anthropic from '@anthropic-ai/sdk';\n\nconst client = new Anthropic({ maxRetries: 2 });\n\n`;
  for (let i = 0; out.split('\n').length < lines; i++) {
    out += `export async function handler${i}(input: string): Promise<string> {\n`
      + `  const reply = await client.messages.create({\n`
      + `    model: '${i % 3 === 0 ? 'claude-3-5-sonnet-20241022' : 'claude-haiku-4-5'}',\n`
      + (i % 5 === 0 ? '' : `    max_tokens: ${256 + (i % 4) * 64},\n`)
      + `    messages: [{ role: 'user', content: \`Task ${i}: \${input}\` }],\n`
      + `  });\n`
      + `  const text = reply.content.map((b) => (b.type === 'text' ? b.text : '')).join('');\n`
      + `  return text.trim() + String(${i});\n`
      + `}\n\n`;
  }
  return out;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

describe('timing (printed, not asserted: the machine is shared)', () => {
  it('8,000-line file: cold analysis vs bare parse, and a one-character edit', async () => {
    const a = createAnalyzer();
    const text = bigFile(8000);
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
