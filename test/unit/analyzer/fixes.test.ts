import { describe, expect, it } from 'vitest';
import { applyEdits, applySafeFixes } from '../../../src/core/analyzer/index';
import type { AnalyzeOptions, Finding, Fix } from '../../../src/core/analyzer/types';
import { analyzer, fixtures, pythonParses, syntaxErrors, type Fixture } from './helpers';

interface Applied { fixture: Fixture; finding: Finding; fix: Fix; before: number; after: string }

async function applyAll(): Promise<Applied[]> {
  const out: Applied[] = [];
  for (const f of fixtures()) {
    const findings = await analyzer().analyze(f.text, f.options);
    for (const finding of findings) {
      for (const fix of finding.fixes) {
        const before = findings.filter((x) => x.rule === finding.rule).length;
        out.push({ fixture: f, finding, fix, before, after: applyEdits(f.text, fix.edits) });
      }
    }
  }
  return out;
}

describe('every fix and refactor on every fixture', () => {
  it('re-parses cleanly, passes CPython for Python, and removes a finding of its rule (idempotent)', async () => {
    const applied = await applyAll();
    expect(applied.length).toBeGreaterThan(60);
    const py: { i: number; text: string }[] = [];
    for (const [i, a] of applied.entries()) {
      const label = `${a.fixture.name}: ${a.finding.rule} → ${a.fix.title}`;
      const errorsBefore = await syntaxErrors(a.fixture.text, a.fixture.language);
      expect(await syntaxErrors(a.after, a.fixture.language), label).toBeLessThanOrEqual(errorsBefore);
      if (a.fixture.language === 'python') py.push({ i, text: a.after });
      const again = await analyzer().analyze(a.after, a.fixture.options);
      const left = again.filter((x) => x.rule === a.finding.rule).length;
      expect(left, label).toBeLessThan(a.before);
    }
    const originals = pythonParses(py.map((p) => applied[p.i]!.fixture.text));
    const results = pythonParses(py.map((p) => p.text));
    results.forEach((ok, k) => {
      const a = applied[py[k]!.i]!;
      if (originals[k]) expect(ok, `${a.fixture.name}: ${a.fix.title}\n${a.after}`).toBe(true);
    });
  });

  it('safe fixes are quick fixes; refactors are never safe', async () => {
    for (const a of await applyAll()) {
      if (a.fix.kind === 'refactor') expect(a.fix.safe).toBe(false);
      expect(a.fix.edits.length).toBeGreaterThan(0);
    }
  });

  it('applySafeFixes converges: the fixed fixtures have no finding left that has a safe fix', async () => {
    for (const f of fixtures()) {
      let text = f.text;
      for (let round = 0; round < 6; round++) {
        const r = applySafeFixes(text, await analyzer().analyze(text, f.options));
        text = r.text;
        if (r.applied === 0) break;
      }
      const left = await analyzer().analyze(text, f.options);
      expect(left.filter((x) => x.fixes.some((y) => y.safe)).map((x) => x.rule), f.name).toEqual([]);
      expect(await syntaxErrors(text, f.language)).toBeLessThanOrEqual(await syntaxErrors(f.text, f.language));
    }
  });
});

async function fixOne(text: string, options: AnalyzeOptions, rule: string, title?: RegExp): Promise<string> {
  const findings = await analyzer().analyze(text, options);
  const f = findings.find((x) => x.rule === rule);
  expect(f, `no ${rule} in\n${text}`).toBeDefined();
  const fix = title ? f!.fixes.find((x) => title.test(x.title)) : f!.fixes[0];
  expect(fix, `no fix ${title} for ${rule}`).toBeDefined();
  return applyEdits(text, fix!.edits);
}

const TS = { language: 'typescript', sdk: { ts: 1 } } as const;
const PY = { language: 'python', sdk: { python: 2 } } as const;

describe('fix shapes keep indentation and quotes', () => {
  it('inserts max_tokens after model, on its own line in a multi-line object', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({\n    model: "claude-haiku-4-5",\n    messages: [{ role: "user", content: "x" }],\n});\n`;
    expect(await fixOne(text, TS, 'missing-max-tokens')).toBe(`import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({\n    model: "claude-haiku-4-5",\n    max_tokens: 1024,\n    messages: [{ role: "user", content: "x" }],\n});\n`);
  });

  it('inserts max_tokens=… as a keyword argument in Python', async () => {
    const text = `import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-haiku-4-5', messages=[{'role': 'user', 'content': 'x'}])\n`;
    expect(await fixOne(text, PY, 'missing-max-tokens')).toBe(`import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-haiku-4-5', max_tokens=1024, messages=[{'role': 'user', 'content': 'x'}])\n`);
  });

  it('moves a leading system message into system, and merges with an existing one', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({\n  model: 'claude-haiku-4-5',\n  max_tokens: 5,\n  messages: [\n    { role: 'system', content: 'Be terse.' },\n    { role: 'user', content: 'x' },\n  ],\n});\n`;
    expect(await fixOne(text, TS, 'system-message-first')).toBe(`import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({\n  model: 'claude-haiku-4-5',\n  max_tokens: 5,\n  system: 'Be terse.',\n  messages: [\n    { role: 'user', content: 'x' },\n  ],\n});\n`);
    const merged = `import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model="claude-haiku-4-5", max_tokens=5, system="Be kind.", messages=[{"role": "system", "content": "Be terse."}, {"role": "user", "content": "x"}])\n`;
    expect(await fixOne(merged, PY, 'system-message-first')).toBe(`import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model="claude-haiku-4-5", max_tokens=5, system=[{"type": "text", "text": "Be kind."}, {"type": "text", "text": "Be terse."}], messages=[{"role": "user", "content": "x"}])\n`);
  });

  it('replaces a retired model inside its quotes', async () => {
    const text = `import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-3-haiku-20240307', max_tokens=5, messages=[{"role": "user", "content": "x"}])\n`;
    expect(await fixOne(text, PY, 'retired-model')).toContain(`model='claude-haiku-5-5'`);
  });

  it('removes a rejected sampling parameter with its comma', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({\n  model: 'claude-haiku-4-5',\n  temperature: 0.7,\n  max_tokens: 5,\n  messages: [{ role: 'user', content: 'x' }],\n});\n`;
    expect(await fixOne(text, TS, 'sampling-params-rejected')).toBe(`import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nc.messages.create({\n  model: 'claude-haiku-4-5',\n  max_tokens: 5,\n  messages: [{ role: 'user', content: 'x' }],\n});\n`);
  });

  it('adds full jitter to a retry sleep (and import random in Python)', async () => {
    const text = `import time\nimport anthropic\nc = anthropic.Anthropic()\n\ndef ask():\n    for attempt in range(3):\n        try:\n            return c.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])\n        except anthropic.RateLimitError:\n            time.sleep(2 ** attempt)\n`;
    const out = await fixOne(text, PY, 'retry-without-jitter');
    expect(out).toContain('time.sleep(random.uniform(0, 2 ** attempt))');
    expect(out.startsWith('import time\nimport anthropic\nimport random\n')).toBe(true);
  });

  it('narrows a catch-all retry: rethrows 4xx other than 408/409/429, in the catch body indentation', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport async function f() {\n  for (let i = 0; i < 3; i++) {\n    try {\n      return await c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });\n    } catch (error) {\n      console.log(error);\n    }\n  }\n}\n`;
    const out = await fixOne(text, TS, 'retry-non-retryable');
    expect(out).toContain(`    } catch (error) {\n      const status = (error as { status?: unknown } | null)?.status;\n      if (typeof status === 'number' && status < 500 && ![408, 409, 429].includes(status)) throw error;\n      console.log(error);\n`);
  });

  it('narrows a Python except by re-raising non-retryable statuses', async () => {
    const text = `import time, random\nimport anthropic\nc = anthropic.Anthropic()\n\ndef ask():\n    while True:\n        try:\n            return c.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])\n        except Exception:\n            time.sleep(random.random())\n`;
    const out = await fixOne(text, PY, 'retry-non-retryable');
    expect(out).toContain(`        except Exception as err:\n            status = getattr(err, "status_code", None)\n            if isinstance(status, int) and status < 500 and status not in (408, 409, 429):\n                raise\n            time.sleep(random.random())\n`);
  });

  it('reads a hard-coded key from the environment (adding import os)', async () => {
    const key = 'sk-ant-api03-FAKE-KEY-FOR-TESTS-ONLY';
    const py = await fixOne(`"""Doc."""\nimport anthropic\nc = anthropic.Anthropic(api_key='${key}')\n`, PY, 'hardcoded-api-key');
    expect(py).toBe(`"""Doc."""\nimport anthropic\nimport os\nc = anthropic.Anthropic(api_key=os.environ['ANTHROPIC_API_KEY'])\n`);
    const ts = await fixOne(`import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic({ apiKey: "${key}" });\n`, TS, 'hardcoded-api-key');
    expect(ts).toBe(`import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });\n`);
  });

  it('migrates a simple completions call to messages', async () => {
    const text = `import Anthropic, { HUMAN_PROMPT, AI_PROMPT } from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const r = c.completions.create({\n  model: 'claude-2.1',\n  max_tokens_to_sample: 300,\n  prompt: \`\${HUMAN_PROMPT} Why is the sky blue?\${AI_PROMPT}\`,\n});\n`;
    const out = await fixOne(text, TS, 'legacy-completions-api');
    expect(out).toContain(`c.messages.create({\n  model: 'claude-sonnet-5-5',\n  max_tokens: 300,\n  messages: [{ role: 'user', content: \`Why is the sky blue?\` }],\n});`);
    const py = `import anthropic\nc = anthropic.Anthropic()\nr = c.completions.create(model="claude-2", max_tokens_to_sample=5, prompt=anthropic.HUMAN_PROMPT + q + anthropic.AI_PROMPT)\n`;
    expect(await fixOne(py, PY, 'legacy-completions-api')).toContain(`c.messages.create(model="claude-sonnet-5-5", max_tokens=5, messages=[{"role": "user", "content": q}])`);
  });

  it('streams a long non-streaming request', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const m = await c.messages.create({ model: 'claude-opus-4-8', max_tokens: 64000, messages: [{ role: 'user', content: 'x' }] });\n`;
    expect(await fixOne(text, TS, 'nonstreaming-long-request')).toContain(`await c.messages.stream({ model: 'claude-opus-4-8', max_tokens: 64000, messages: [{ role: 'user', content: 'x' }] }).finalMessage();`);
  });

  it('wrap in retry helper: inserts the helper once after the imports and wraps the call', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\n\nconst c = new Anthropic({ maxRetries: 0 });\nexport async function f() {\n  return await c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });\n}\n`;
    const out = await fixOne(text, TS, 'no-retry', /Wrap in retry helper/);
    expect(out).toContain('async function withClaudeRetry<T>(');
    expect(out).toContain(`return await withClaudeRetry(() => c.messages.create({`);
    expect(out.indexOf('withClaudeRetry<T>(')).toBeGreaterThan(out.indexOf("from '@anthropic-ai/sdk'"));
    expect((await analyzer().analyze(out, TS)).map((f) => f.rule)).toEqual([]);
    const py = `import anthropic\n\nc = anthropic.AsyncAnthropic(max_retries=0)\n\n\nasync def f():\n    return await c.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])\n`;
    const pout = await fixOne(py, PY, 'no-retry', /Wrap in retry helper/);
    expect(pout).toContain('return await with_claude_retry_async(lambda: c.messages.create(');
    expect(pythonParses([pout])).toEqual([true]);
    expect((await analyzer().analyze(pout, PY)).map((f) => f.rule)).toEqual([]);
  });

  it('configure SDK retries on the constructor', async () => {
    const text = `import anthropic\nc = anthropic.Anthropic(max_retries=0)\nc.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])\n`;
    const out = await fixOne(text, PY, 'no-retry', /Configure SDK retries/);
    expect(out).toContain('c = anthropic.Anthropic(max_retries=3, timeout=600)');
  });
});
