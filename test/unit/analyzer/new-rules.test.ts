/**
 * The issue #10 rules beyond their fixtures: how their fixes compose with the retry rules, what
 * their fixes write, and that no message repeats a key.
 */
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/core/analyzer/index';
import type { AnalyzeOptions, Finding } from '../../../src/core/analyzer/types';
import { analyzer, fixtures, lineOf, pythonParses, syntaxErrors } from './helpers';

const TS = { language: 'typescript', sdk: { ts: 1 } } as const satisfies AnalyzeOptions;
const PY = { language: 'python', sdk: { python: 2 } } as const satisfies AnalyzeOptions;
const rules = (fs: Finding[]) => fs.map((f) => f.rule).sort();

async function apply(text: string, options: AnalyzeOptions, rule: string, title: RegExp): Promise<string> {
  const f = (await analyzer().analyze(text, options)).find((x) => x.rule === rule);
  expect(f, `${rule} finding`).toBeDefined();
  const fix = f!.fixes.find((x) => title.test(x.title));
  expect(fix, `${rule}: ${title}`).toBeDefined();
  return applyEdits(text, fix!.edits);
}

const LOOP_TS = (ctor: string) => `import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic(${ctor});

export async function ask(prompt: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
    } catch (err) {
      await new Promise((r) => setTimeout(r, Math.random() * 1000 * 2 ** attempt));
    }
  }
  throw new Error('gave up');
}
`;

describe('stacked-retries and no-retry', () => {
  it('never fire on the same call, in any fixture or in the loop with either client', async () => {
    const all = [...fixtures().map((f) => ({ text: f.text, options: f.options })), { text: LOOP_TS(''), options: TS }, { text: LOOP_TS('{ maxRetries: 0 }'), options: TS }];
    let stacked = 0;
    for (const { text, options } of all) {
      const fs = await analyzer().analyze(text, options);
      const at = (rule: string) => new Set(fs.filter((f) => f.rule === rule).map((f) => lineOf(text, f.start)));
      const a = at('stacked-retries');
      stacked += a.size;
      for (const line of at('no-retry')) expect(a.has(line), `line ${line}`).toBe(false);
    }
    expect(stacked).toBeGreaterThan(5);
    expect(rules(await analyzer().analyze(LOOP_TS('{ maxRetries: 0 }'), TS))).toEqual(['retry-non-retryable']);
    expect(rules(await analyzer().analyze(LOOP_TS(''), TS))).toEqual(['retry-non-retryable', 'stacked-retries']);
  });

  it('says how many requests one call becomes', async () => {
    const f = (await analyzer().analyze(LOOP_TS('{ maxRetries: 3 }'), TS)).find((x) => x.rule === 'stacked-retries')!;
    expect(f.message).toContain('up to 4 attempts per call, so one failing request becomes 4 × 5 = 20 requests');
  });

  it('"Turn the client\'s retries off" leaves one retry layer and wakes no no-retry', async () => {
    const out = await apply(LOOP_TS(''), TS, 'stacked-retries', /retries off/);
    expect(out).toContain('new Anthropic({ maxRetries: 0 })');
    expect(rules(await analyzer().analyze(out, TS))).toEqual(['retry-non-retryable']);
  });

  it('"Drop the loop" leaves the SDK retrying alone', async () => {
    const out = await apply(LOOP_TS(''), TS, 'stacked-retries', /Drop the loop/);
    expect(out).toContain(`export async function ask(prompt: string) {\n  return await client.messages.create({`);
    expect(out).not.toContain('for (let attempt');
    expect(await syntaxErrors(out, 'typescript')).toBe(0);
    expect(rules(await analyzer().analyze(out, TS))).toEqual([]);
  });

  it('composes with "Wrap in retry helper": on a retrying client the wrapped call is stacked, and turning retries off ends clean', async () => {
    const wrapped = await apply(LOOP_TS(''), TS, 'retry-non-retryable', /^Wrap in retry helper/);
    expect(wrapped).toContain('return await withClaudeRetry(() => client.messages.create({');
    const after = await analyzer().analyze(wrapped, TS);
    expect(rules(after)).toEqual(['stacked-retries']);
    expect(after[0]!.message).toContain('withClaudeRetry retries a client that already retries');
    const off = await apply(wrapped, TS, 'stacked-retries', /retries off/);
    expect(rules(await analyzer().analyze(off, TS))).toEqual([]);
    // With retries already off, the wrap alone ends clean (no-retry's own refactor path too).
    const clean = await apply(LOOP_TS('{ maxRetries: 0 }'), TS, 'retry-non-retryable', /^Wrap in retry helper/);
    expect(rules(await analyzer().analyze(clean, TS))).toEqual([]);
  });

  it('Python: the same on a tenacity retry and a loop', async () => {
    const py = `import random\nimport time\n\nimport anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(q):\n    for attempt in range(3):\n        try:\n            return client.messages.create(model="claude-haiku-4-5", max_tokens=64, messages=[{"role": "user", "content": q}])\n        except anthropic.RateLimitError:\n            time.sleep(random.uniform(0, 2 ** attempt))\n    raise RuntimeError("gave up")\n`;
    expect(rules(await analyzer().analyze(py, PY))).toEqual(['stacked-retries']);
    const off = await apply(py, PY, 'stacked-retries', /retries off/);
    expect(off).toContain('client = anthropic.Anthropic(max_retries=0)');
    const dropped = await apply(py, PY, 'stacked-retries', /Drop the loop/);
    expect(dropped).toContain('def ask(q):\n    return client.messages.create(');
    expect(pythonParses([off, dropped])).toEqual([true, true]);
    expect(rules(await analyzer().analyze(off, PY))).toEqual([]);
    expect(rules(await analyzer().analyze(dropped, PY))).toEqual([]);
  });
});

describe('what the new fixes write', () => {
  it('request-option-in-body moves options into the second argument, or onto with_options', async () => {
    const ts = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nexport const r = c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, timeout: 30_000, messages: [{ role: 'user', content: 'x' }] });\n`;
    expect(await apply(ts, TS, 'request-option-in-body', /Move timeout/)).toContain(`c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { timeout: 30_000 });`);
    const two = ts.replace("}] });", "}] }, { maxRetries: 1 });");
    expect(await apply(two, TS, 'request-option-in-body', /Move timeout/)).toContain(`}] }, { maxRetries: 1, timeout: 30_000 });`);
    const py = `import anthropic\nc = anthropic.Anthropic()\nr = c.messages.create(model="claude-haiku-4-5", max_tokens=5, max_retries=4, messages=[{"role": "user", "content": "x"}])\n`;
    const out = await apply(py, PY, 'request-option-in-body', /with_options/);
    expect(out).toContain(`r = c.with_options(max_retries=4).messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": "x"}])`);
    expect(pythonParses([out])).toEqual([true]);
  });

  it('race-timeout-no-abort replaces the race with the timeout option', async () => {
    const ts = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic();\nconst timeout = (ms: number) => new Promise<never>((_, rej) => setTimeout(() => rej(new Error('t')), ms));\nexport async function f() {\n  return Promise.race([c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), timeout(15000)]);\n}\n`;
    const out = await apply(ts, TS, 'race-timeout-no-abort', /timeout option/);
    expect(out).toContain(`  return c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { timeout: 15000 });`);
    expect(rules(await analyzer().analyze(out, TS))).toEqual([]);
  });

  it('sync-client-in-async turns the client async and awaits its calls', async () => {
    const py = `from anthropic import Anthropic\n\nclient = Anthropic()\n\n\nasync def f(q):\n    return client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": q}])\n`;
    const out = await apply(py, PY, 'sync-client-in-async', /AsyncAnthropic/);
    expect(out).toContain('from anthropic import Anthropic, AsyncAnthropic\n\nclient = AsyncAnthropic()');
    expect(out).toContain('    return await client.messages.create(');
    expect(pythonParses([out])).toEqual([true]);
    expect(rules(await analyzer().analyze(out, PY))).toEqual([]);
    // A client also used synchronously elsewhere: the finding stays, the fix is not offered.
    const mixed = `${py}\n\ndef g(q):\n    return client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": q}])\n`;
    const f = (await analyzer().analyze(mixed, PY)).filter((x) => x.rule === 'sync-client-in-async');
    expect(f).toHaveLength(1);
    expect(f[0]!.fixes).toEqual([]);
  });

  it('retry-after-attribute reads the header instead', async () => {
    const py = `import anthropic\nimport time\nc = anthropic.Anthropic(max_retries=0)\n\n\ndef f(q):\n    while True:\n        try:\n            return c.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": q}])\n        except anthropic.RateLimitError as e:\n            time.sleep(e.retry_after)\n`;
    expect(await apply(py, PY, 'retry-after-attribute', /retry-after header/)).toContain(`time.sleep(e.response.headers.get("retry-after"))`);
  });
});

describe('keys are never repeated', () => {
  it('browser-exposed-key and key-logged name where the key comes from, never its characters', async () => {
    const secret = 'booth-demo-key-0123456789';
    const ts = `import Anthropic from '@anthropic-ai/sdk';\nconst k = '${secret}';\nexport const c = new Anthropic({ apiKey: k, dangerouslyAllowBrowser: true });\nconsole.log('key', k.slice(0, 6));\n`;
    const fs = await analyzer().analyze(ts, TS);
    expect(rules(fs)).toEqual(['browser-exposed-key', 'hardcoded-api-key', 'key-logged']);
    for (const f of fs) expect(f.message).not.toContain(secret.slice(0, 6));
  });
});

describe('file-level rules across edits (the editor path)', () => {
  it('sync-client-in-async: findings and fix edits move with their unit when lines are added above it', async () => {
    const py = `from anthropic import Anthropic\n\nclient = Anthropic()\n\n\ndef helper():\n    return 1\n\n\nasync def f(q):\n    return client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[{"role": "user", "content": q}])\n`;
    const key = 'sync-client-incremental';
    await analyzer().analyzeIncremental(key, py, PY);
    // (inside another function's body: the async def's unit is reused, moved)
    const at = py.indexOf('    return 1');
    const added = '    x = 2\n    y = 3\n';
    const edited = py.slice(0, at) + added + py.slice(at);
    const inc = await analyzer().analyzeIncremental(key, edited, PY, [{ rangeOffset: at, rangeLength: 0, text: added }]);
    analyzer().forget(key);
    expect(inc).toEqual(await analyzer().analyze(edited, PY));
    expect(inc.map((f) => lineOf(edited, f.start))).toEqual([13]);
    const out = applyEdits(edited, inc[0]!.fixes[0]!.edits);
    expect(out).toContain('    return await client.messages.create(');
  });
});

