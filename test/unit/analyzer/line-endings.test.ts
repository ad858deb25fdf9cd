import { describe, expect, it } from 'vitest';
import { applySafeFixes, createAnalyzer } from '../../../src/core/analyzer/index';

const analyzer = createAnalyzer();
const lf = [
  "import Anthropic from '@anthropic-ai/sdk';",
  'const client = new Anthropic();',
  'const system = { role: "system", content: "Be brief." };',
  'await client.messages.create({',
  "  model: 'claude-3-5-sonnet-latest',",
  '  messages: [',
  "    { role: 'system', content: 'Be brief.' },",
  "    { role: 'user', content: 'Hi' },",
  '  ],',
  '});',
  '',
].join('\n');

describe('fixes keep the file\'s line endings', () => {
  it('a CRLF file stays CRLF after every safe fix', async () => {
    const crlf = lf.replace(/\n/g, '\r\n');
    const findings = await analyzer.analyze(crlf, { language: 'typescript', sdk: { ts: 1 } });
    expect(findings.some((f) => f.fixes.some((x) => x.safe))).toBe(true);
    const { text, applied } = applySafeFixes(crlf, findings);
    expect(applied).toBeGreaterThan(0);
    expect(text).not.toBe(crlf);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('an LF file gets no carriage returns', async () => {
    const findings = await analyzer.analyze(lf, { language: 'typescript', sdk: { ts: 1 } });
    const { text, applied } = applySafeFixes(lf, findings);
    expect(applied).toBeGreaterThan(0);
    expect(text).not.toContain('\r');
  });
});
