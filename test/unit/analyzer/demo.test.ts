/** The demo workspace's deliberate bugs are all flagged, and the retry loop's refactor is reachable. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/core/analyzer/index';
import { analyzer, lineOf, ROOT, syntaxErrors } from './helpers';

const CHAT = join(ROOT, 'test/fixtures/demo-workspace/src/chat.ts');
const TS = { language: 'typescript', sdk: { ts: 1 } } as const;

describe('demo workspace: src/chat.ts', () => {
  it('flags the retry loop that retries every APIError with a fixed sleep (bug 5)', async () => {
    const text = readFileSync(CHAT, 'utf8');
    const findings = await analyzer().analyze(text, TS);
    const catchLine = lineOf(text, text.indexOf('} catch (err) {'));
    const sleepLine = lineOf(text, text.indexOf('setTimeout(r, 1000)'));
    const at = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => lineOf(text, f.start));
    expect(at('retry-non-retryable')).toEqual([catchLine]);
    expect(at('retry-without-jitter')).toEqual([sleepLine]);
  });

  it('offers "Wrap in retry helper" there: the loop becomes one withClaudeRetry call, and the retry findings go', async () => {
    const text = readFileSync(CHAT, 'utf8');
    const findings = await analyzer().analyze(text, TS);
    const f = findings.find((x) => x.rule === 'retry-non-retryable')!;
    const wrap = f.fixes.find((x) => /^Wrap in retry helper/.test(x.title))!;
    expect(wrap.kind).toBe('refactor');
    expect(wrap.safe).toBe(false);
    const out = applyEdits(text, wrap.edits);
    expect(out).toContain('return await withClaudeRetry(() => call());');
    expect(out).toContain('async function withClaudeRetry<T>(');
    expect(out).not.toContain('setTimeout(r, 1000)');
    expect(await syntaxErrors(out, 'typescript')).toBe(0);
    const after = (await analyzer().analyze(out, TS)).map((x) => x.rule);
    expect(after).not.toContain('retry-non-retryable');
    expect(after).not.toContain('retry-without-jitter');
  });

  it('the editor path (incremental analysis, after an edit elsewhere) reports the same retry findings', async () => {
    const text = readFileSync(CHAT, 'utf8');
    const key = 'demo-chat-incremental';
    const first = await analyzer().analyzeIncremental(key, text, TS);
    const at = text.indexOf('// Bug 1');
    const edited = `${text.slice(0, at)}// edited\n${text.slice(at)}`;
    const second = await analyzer().analyzeIncremental(key, edited, TS, [{ rangeOffset: at, rangeLength: 0, text: '// edited\n' }]);
    analyzer().forget(key);
    const rulesOf = (fs: { rule: string }[]) => fs.map((f) => f.rule).filter((r) => r.startsWith('retry-'));
    expect(rulesOf(first)).toEqual(['retry-non-retryable', 'retry-without-jitter']);
    expect(rulesOf(second)).toEqual(rulesOf(first));
    expect(second).toEqual(await analyzer().analyze(edited, TS));
  });
});
