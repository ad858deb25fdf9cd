/** Issue #10 item 4: findings say what is true for this file — placeholders, other SDKs, broken files, the right SDK. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, applySafeFixes } from '../../../src/core/analyzer/index';
import type { AnalyzeOptions } from '../../../src/core/analyzer/types';
import { analyzer, fixtures, lineOf, ROOT } from './helpers';

const TS = { language: 'typescript', sdk: { ts: 1 } } as const satisfies AnalyzeOptions;
const PY = { language: 'python', sdk: { python: 2 } } as const satisfies AnalyzeOptions;

describe('placeholder keys', () => {
  it.each(['my api key', 'your_key', '<API_KEY>', 'YOUR-ANTHROPIC-API-KEY-HERE', 'sk-ant-xxxxxxxxxxxxxxxxxxxxxxxx'])('%s: "this placeholder will get a 401", not a leak', async (value) => {
    const py = `import anthropic\nclient = anthropic.Anthropic(api_key="${value}")\n`;
    const f = (await analyzer().analyze(py, PY)).filter((x) => x.rule === 'hardcoded-api-key');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('This placeholder is passed as the API key: every request will get 401');
    expect(f[0]!.message).not.toMatch(/anyone/i);
  });

  it('a real-looking key still says anyone can use it; a masked example not passed to a client is silent', async () => {
    const real = `import anthropic\nclient = anthropic.Anthropic(api_key="team-shared-secret-2026")\nEXAMPLE = "sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxx"\n`;
    const f = (await analyzer().analyze(real, PY)).filter((x) => x.rule === 'hardcoded-api-key');
    expect(f.map((x) => lineOf(real, x.start))).toEqual([2]);
    expect(f[0]!.message).toContain('anyone who sees this file');
  });
});

describe('hardcoded-api-key: its doc and its fix agree', () => {
  it('the doc says fix-all never applies it, and no finding of it has a safe fix; the quick fix does what the doc says', async () => {
    const doc = readFileSync(join(ROOT, 'docs/rules/hardcoded-api-key.md'), 'utf8');
    expect(doc).toMatch(/\*\*Fixable:\*\* yes, needs review \(never applied by fix-all/);
    const keyFixtures = fixtures((n) => n.startsWith('request/keys.pos'));
    expect(keyFixtures.length).toBe(2);
    for (const fx of keyFixtures) {
      const fs = (await analyzer().analyze(fx.text, fx.options)).filter((x) => x.rule === 'hardcoded-api-key');
      expect(fs.length).toBeGreaterThan(2);
      for (const f of fs) {
        expect(f.fixes.map((x) => x.safe)).toEqual([false]);
        const out = applyEdits(fx.text, f.fixes[0]!.edits);
        expect(out).toMatch(fx.language === 'python' ? /os\.environ\[["']ANTHROPIC_(?:API_KEY|AUTH_TOKEN)["']\]/ : /process\.env\.ANTHROPIC_(?:API_KEY|AUTH_TOKEN)/);
      }
      // fix-all leaves every key literal where it was
      expect(applySafeFixes(fx.text, await analyzer().analyze(fx.text, fx.options)).text.match(/sk-ant-/g)?.length).toBe(fx.text.match(/sk-ant-/g)?.length);
    }
  });
});

describe('legacy Text Completions', () => {
  it('a retired model there offers the migration, never a safe swap, and keeps the finding', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const r = c.completions.create({ model: 'claude-2', max_tokens_to_sample: 5, prompt: '\\n\\nHuman: Hi\\n\\nAssistant:' });\n`;
    const fs = await analyzer().analyze(text, TS);
    const retired = fs.find((f) => f.rule === 'retired-model')!;
    expect(retired.message).toContain('replacing the model alone cannot fix it');
    expect(retired.fixes.map((f) => [f.title.startsWith('Migrate to messages.create'), f.safe])).toEqual([[true, false]]);
    expect(applySafeFixes(text, fs).text).toContain("c.completions.create({ model: 'claude-2'");
    const migrated = applyEdits(text, retired.fixes[0]!.edits);
    expect(migrated).toContain(`c.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] })`);
    expect((await analyzer().analyze(migrated, TS)).map((f) => f.rule)).toEqual([]);
  });

  it('chat.completions.create on an OpenAI-compatible client is not the Anthropic legacy API', async () => {
    const py = `import anthropic\nfrom groq import Groq\nclaude = anthropic.Anthropic()\ngroq = Groq()\nr = groq.chat.completions.create(model="llama-3.1-8b-instant", messages=[{"role": "user", "content": "x"}])\n`;
    expect((await analyzer().analyze(py, PY)).map((f) => f.rule)).toEqual([]);
    const legacy = `import anthropic\nclaude = anthropic.Anthropic()\nr = claude.completions.create(model="claude-2.1", max_tokens_to_sample=5, prompt="\\n\\nHuman: x\\n\\nAssistant:")\n`;
    expect((await analyzer().analyze(legacy, PY)).map((f) => f.rule).sort()).toEqual(['legacy-completions-api', 'retired-model']);
  });
});

describe('a file with syntax errors', () => {
  it('keeps the findings of the parts that parse and adds exactly one note', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/analyzer/parsing/broken.ts'), 'utf8');
    const fs = await analyzer().analyze(text, TS);
    expect(fs.filter((f) => f.rule === 'syntax-errors')).toHaveLength(1);
    expect(fs.find((f) => f.rule === 'syntax-errors')!.severity).toBe('info');
    expect(fs.filter((f) => f.rule !== 'syntax-errors').length).toBeGreaterThan(0);
  });

  it('a broken file with nothing else to report is still not silent; a clean one has no note', async () => {
    const broken = `import anthropic\nclient = anthropic.Anthropic()\n\n\ndef f(q):\n    return client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": q}]\n`;
    const fs = await analyzer().analyze(broken, PY);
    expect(fs.map((f) => f.rule)).toEqual(['syntax-errors']);
    expect(fs[0]!.message).toMatch(/syntax errors \(the first on line \d+\)/);
    const clean = `${broken.trimEnd()})\n`;
    expect(await analyzer().analyze(clean, PY)).toEqual([]);
  });

  it('a disabled syntax-errors rule leaves the other findings', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/analyzer/parsing/broken.ts'), 'utf8');
    const all = await analyzer().analyze(text, TS);
    const some = await analyzer().analyze(text, { ...TS, disabled: new Set(['syntax-errors']) });
    expect(some).toEqual(all.filter((f) => f.rule !== 'syntax-errors'));
  });
});

describe('messages name the right SDK', () => {
  it('no Python finding names the TypeScript SDK, no TypeScript finding names the Python SDK (every fixture)', async () => {
    let py = 0;
    let ts = 0;
    for (const f of fixtures()) {
      for (const x of await analyzer().analyze(f.text, f.options)) {
        if (f.language === 'python') {
          py++;
          expect(x.message, `${f.name}: ${x.rule}`).not.toMatch(/TypeScript|@anthropic-ai\/sdk|\bTS SDK/);
        } else {
          ts++;
          expect(x.message, `${f.name}: ${x.rule}`).not.toMatch(/Python SDK|anthropic ≥|\bmax_retries\b/);
        }
      }
    }
    expect(py).toBeGreaterThan(40);
    expect(ts).toBeGreaterThan(40);
  });

  it('nonstreaming-long-request names the SDK that raises', async () => {
    const py = `import anthropic\nc = anthropic.Anthropic()\nm = c.messages.create(model="claude-opus-4-8", max_tokens=64000, messages=[{"role": "user", "content": "x"}])\n`;
    const [f] = (await analyzer().analyze(py, PY)).filter((x) => x.rule === 'nonstreaming-long-request');
    expect(f!.message).toContain('the Python SDK raises before sending: ValueError');
    const ts = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const m = c.messages.create({ model: 'claude-opus-4-8', max_tokens: 64000, messages: [{ role: 'user', content: 'x' }] });\n`;
    const [g] = (await analyzer().analyze(ts, TS)).filter((x) => x.rule === 'nonstreaming-long-request');
    expect(g!.message).toContain('the TypeScript SDK throws before sending');
  });
});

describe('unknown-model: dated ids that never existed', () => {
  it('names the real snapshot, or says the model has none', async () => {
    const at = async (id: string) => (await analyzer().analyze(`import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model="${id}", max_tokens=5, messages=[{"role": "user", "content": "x"}])\n`, { ...PY, today: '2026-10-01' })).find((x) => x.rule === 'unknown-model');
    const a = await at('claude-sonnet-4-5-20250930');
    expect(a!.message).toContain('claude-sonnet-4-5 is a real model, but it has no snapshot dated 2025-09-30');
    expect(a!.message).toContain('Its dated id is claude-sonnet-4-5-20250929');
    expect(a!.fixes[0]!.edits[0]!.newText).toBe('claude-sonnet-4-5-20250929');
    const b = await at('claude-opus-4-8-20261015');
    expect(b!.message).toContain('It has no dated ids; use claude-opus-4-8');
    expect(await at('claude-sonnet-4-5-20250929')).toBeUndefined();
  });
});
