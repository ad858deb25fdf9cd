import { describe, expect, it } from 'vitest';
import { createAnalyzer, type ContentChange } from '../../../src/core/analyzer/index';
import { fixtures, rng } from './helpers';

const SNIPPETS = ['x', '\n', ' ', 'max_tokens: 5, ', 'max_tokens=5, ', "'claude-3-opus-latest'", '}', ')', '// c\n', '# c\n', 'try', 'Anthropic', 'sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx0123'];

function randomChange(text: string, r: () => number): ContentChange {
  const at = Math.floor(r() * (text.length + 1));
  const kind = r();
  if (kind < 0.45) return { rangeOffset: at, rangeLength: 0, text: SNIPPETS[Math.floor(r() * SNIPPETS.length)]! };
  if (kind < 0.8) return { rangeOffset: at, rangeLength: Math.min(text.length - at, 1 + Math.floor(r() * 12)), text: '' };
  return { rangeOffset: at, rangeLength: Math.min(text.length - at, Math.floor(r() * 6)), text: SNIPPETS[Math.floor(r() * SNIPPETS.length)]! };
}

const apply = (t: string, c: ContentChange): string => t.slice(0, c.rangeOffset) + c.text + t.slice(c.rangeOffset + c.rangeLength);

describe('incremental analysis equals full analysis', () => {
  it('after random single and batched edits on every fixture', async () => {
    const inc = createAnalyzer();
    const full = createAnalyzer();
    const r = rng(42);
    let steps = 0;
    for (const f of fixtures()) {
      const key = `mem://${f.name}`;
      let text = f.text;
      expect(await inc.analyzeIncremental(key, text, f.options)).toEqual(await full.analyze(text, f.options));
      for (let i = 0; i < 25; i++) {
        let changes: ContentChange[];
        if (r() < 0.7) {
          changes = [randomChange(text, r)];
          text = apply(text, changes[0]!);
        } else {
          // A VS Code event with several changes, applied in order (descending offsets).
          const a = randomChange(text, r);
          const mid = apply(text, a);
          const b = randomChange(mid, r);
          changes = [a, b];
          text = apply(mid, b);
        }
        const got = await inc.analyzeIncremental(key, text, f.options, changes);
        const want = await full.analyze(text, f.options);
        expect(got, `${f.name} step ${i}`).toEqual(want);
        steps++;
      }
      inc.forget(key);
    }
    expect(steps).toBeGreaterThan(500);
  }, 120_000);

  it('falls back to a full parse when the changes do not lead to the new text', async () => {
    const a = createAnalyzer();
    const f = fixtures((n) => n.endsWith('missing-max-tokens.pos.ts'))[0]!;
    await a.analyzeIncremental('k', f.text, f.options);
    const text = f.text.replace("'claude-sonnet-4-6'", "'claude-3-opus-latest'");
    const wrong: ContentChange[] = [{ rangeOffset: 0, rangeLength: 0, text: 'zzz' }];
    expect(await a.analyzeIncremental('k', text, f.options, wrong)).toEqual(await a.analyze(text, f.options));
    // and when the language changes under the same key
    expect(await a.analyzeIncremental('k', 'import anthropic\nanthropic.Anthropic().messages.create(model="claude-2")\n', { language: 'python' }))
      .toEqual(await a.analyze('import anthropic\nanthropic.Anthropic().messages.create(model="claude-2")\n', { language: 'python' }));
  });

  it('reuses unchanged units: a one-character edit in one function leaves the rest identical', async () => {
    const a = createAnalyzer();
    let text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\n`;
    for (let i = 0; i < 50; i++) text += `export async function f${i}() {\n  return c.messages.create({ model: 'claude-3-opus-latest', messages: [{ role: 'user', content: 'q${i}' }] });\n}\n`;
    const first = await a.analyzeIncremental('doc', text, { language: 'typescript' });
    expect(first).toHaveLength(100);
    const at = text.indexOf("'q25'") + 2;
    const edited = text.slice(0, at) + 'z' + text.slice(at);
    const second = await a.analyzeIncremental('doc', edited, { language: 'typescript' }, [{ rangeOffset: at, rangeLength: 0, text: 'z' }]);
    expect(second).toEqual(await a.analyze(edited, { language: 'typescript' }));
    // findings before the edit are the very same objects (reused, not recomputed)
    expect(second[0]).toBe(first[0]);
    expect(second[99]!.start).toBe(first[99]!.start + 1);
  });
});
