import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/core/analyzer/index';
import type { RuleId } from '../../../src/core/analyzer/types';
import { actual, analyzer, fixtures, lineOf } from './helpers';

/** Written out here on purpose: a rule added to or dropped from the catalogue must be noticed. */
const ALL_RULES: RuleId[] = [
  'missing-max-tokens', 'system-message-first', 'system-message-unsupported', 'max-tokens-over-limit', 'retired-model',
  'unknown-model', 'sampling-params-rejected', 'assistant-prefill-unsupported', 'empty-messages', 'legacy-completions-api',
  'hardcoded-api-key', 'retry-non-retryable', 'retry-without-jitter', 'overloaded-not-caught', 'nonstreaming-long-request', 'no-retry',
  'thinking-rejected', 'thinking-adaptive-model', 'content-blocks-rejected', 'stream-overloaded-not-caught',
  'browser-exposed-key', 'key-logged', 'request-option-in-body', 'sync-client-in-async', 'stacked-retries',
  'stream-retry-catches-nothing', 'retry-after-attribute', 'race-timeout-no-abort', 'syntax-errors',
];

describe('fixtures: exactly the expected findings, line by line', () => {
  for (const f of fixtures()) {
    it(f.name, async () => {
      const got = await analyzer().analyze(f.text, f.options);
      expect(actual(f.text, got)).toEqual(f.expected);
    });
  }
});

describe('coverage of the fixtures', () => {
  it('every rule has a positive fixture in each language it applies to', () => {
    const all = fixtures();
    for (const rule of RULES) {
      const langs = rule.languages ?? ['ts', 'py'];
      const ts = all.some((f) => !f.name.endsWith('.py') && f.expected.some((e) => e.endsWith(`:${rule.id}`)));
      const py = all.some((f) => f.name.endsWith('.py') && f.expected.some((e) => e.endsWith(`:${rule.id}`)));
      expect(ts, `${rule.id} TS positive`).toBe(langs.includes('ts'));
      expect(py, `${rule.id} Python positive`).toBe(langs.includes('py'));
    }
  });
});

describe('RULES table', () => {
  it('lists every rule once with a docs path', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual([...ALL_RULES].sort());
    for (const r of RULES) {
      expect(r.docs).toBe(`docs/rules/${r.id}.md`);
      expect(['error', 'warning', 'info', 'hint']).toContain(r.defaultSeverity);
      expect(r.description.length).toBeGreaterThan(20);
    }
  });
});

const TS_HEAD = `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\n`;

async function ts(body: string, sdk?: { ts?: number; tsVersion?: string }) {
  const text = TS_HEAD + body;
  return { text, findings: await analyzer().analyze(text, { language: 'typescript', sdk }) };
}

describe('version awareness and severities', () => {
  const call = `client.messages.create({ model: 'claude-opus-4-6', max_tokens: 5, temperature: 0.5, messages: [{ role: 'user', content: 'x' }] });\n`;

  it('sampling params: error with a safe fix under SDK 1.x, nothing under 0.x for a free model, warning without a safe fix when unknown', async () => {
    const v1 = (await ts(call, { ts: 1 })).findings.filter((f) => f.rule === 'sampling-params-rejected');
    expect(v1).toHaveLength(1);
    expect(v1[0]!.severity).toBe('error');
    expect(v1[0]!.fixes[0]!.safe).toBe(true);
    expect((await ts(call, { ts: 0 })).findings.filter((f) => f.rule === 'sampling-params-rejected')).toHaveLength(0);
    const unknown = (await ts(call)).findings.filter((f) => f.rule === 'sampling-params-rejected');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.severity).toBe('warning');
    expect(unknown[0]!.fixes.every((x) => !x.safe)).toBe(true);
  });

  it('sampling params that fail under both API versions are errors even when the version is unknown', async () => {
    const { findings } = await ts(`client.messages.create({ model: 'claude-opus-4-8', max_tokens: 5, top_k: 3, messages: [{ role: 'user', content: 'x' }] });\n`);
    const f = findings.filter((x) => x.rule === 'sampling-params-rejected');
    expect(f.map((x) => x.severity)).toEqual(['error']);
  });

  it('legacy completions: error when the TS SDK is 1.x (method removed), warning otherwise', async () => {
    const body = `client.completions.create({ model: 'claude-2.1', max_tokens_to_sample: 5, prompt: '\\n\\nHuman: hi\\n\\nAssistant:' });\n`;
    const sev = async (sdk?: { ts: number }) => (await ts(body, sdk)).findings.find((f) => f.rule === 'legacy-completions-api')!.severity;
    expect(await sev({ ts: 1 })).toBe('error');
    expect(await sev({ ts: 0 })).toBe('warning');
    expect(await sev()).toBe('warning');
  });

  it('OverloadedError: flagged before 1.5.0, info when only the major is known, silent when unknown or new', async () => {
    const body = `try { await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }); } catch (e) { if (e instanceof Anthropic.OverloadedError) {} }\n`;
    const get = async (sdk?: { ts?: number; tsVersion?: string }) => (await ts(body, sdk)).findings.filter((f) => f.rule === 'overloaded-not-caught').map((f) => f.severity);
    expect(await get({ ts: 0 })).toEqual(['warning']);
    expect(await get({ ts: 1, tsVersion: '1.4.9' })).toEqual(['warning']);
    expect(await get({ ts: 1 })).toEqual(['info']);
    expect(await get({ ts: 1, tsVersion: '1.5.0' })).toEqual([]);
    expect(await get()).toEqual([]);
  });

  it('unknown model with a custom base URL (a gateway) is only info', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst gw = new Anthropic({ baseURL: 'https://gw.example' });\ngw.messages.create({ model: 'claude-sonnet-4.5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });\n`;
    const f = (await analyzer().analyze(text, { language: 'typescript', sdk: { ts: 1 } })).find((x) => x.rule === 'unknown-model')!;
    expect(f.severity).toBe('info');
    expect(f.fixes[0]!.title).toContain('claude-sonnet-4-5');
  });

  it('retired-model is date-aware: info long before, warning within the window, error with a safe fix after; names Bedrock/Vertex', async () => {
    const body = `client.messages.create({ model: 'claude-opus-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });\n`;
    const on = async (today: string) => {
      const text = TS_HEAD + body;
      return (await analyzer().analyze(text, { language: 'typescript', sdk: { ts: 1 }, today })).filter((x) => x.rule === 'retired-model');
    };
    const early = await on('2026-06-01');
    expect(early.map((x) => x.severity)).toEqual(['info']);
    const soon = await on('2026-12-03');
    expect(soon.map((x) => x.severity)).toEqual(['warning']);
    expect(soon[0]!.message).toContain('retiring on 2027-01-22 (tentative), in 50 days');
    expect(soon[0]!.message).toContain('deprecated since 2026-11-23');
    expect(soon[0]!.message).toContain('claude-opus-5-5');
    expect(soon[0]!.message).toMatch(/Bedrock and Google Vertex AI publish their own/);
    expect(soon[0]!.fixes).toEqual([]);
    const after = await on('2027-01-22');
    expect(after.map((x) => x.severity)).toEqual(['error']);
    expect(after[0]!.message).toContain('retired since 2027-01-22');
    expect(after[0]!.fixes.map((f) => f.edits[0]!.newText)).toEqual(['claude-opus-5-5']);
    // A model without an announced retirement: nothing on any day.
    const text = TS_HEAD + body.replace('claude-opus-4-5', 'claude-opus-4-8');
    expect((await analyzer().analyze(text, { language: 'typescript', sdk: { ts: 1 }, today: '2027-06-01' })).filter((x) => x.rule === 'retired-model')).toEqual([]);
  });

  it('user options: disabled rules and severity overrides', async () => {
    const text = TS_HEAD + `client.messages.create({ model: 'claude-3-opus-latest', messages: [{ role: 'user', content: 'x' }] });\n`;
    const base = await analyzer().analyze(text, { language: 'typescript' });
    expect(base.map((f) => f.rule).sort()).toEqual(['missing-max-tokens', 'retired-model']);
    const off = await analyzer().analyze(text, { language: 'typescript', disabled: new Set(['retired-model']), severity: { 'missing-max-tokens': 'hint' } });
    expect(off.map((f) => `${f.rule}:${f.severity}`)).toEqual(['missing-max-tokens:hint']);
  });

  it('defaultMaxTokens sets the inserted value', async () => {
    const text = TS_HEAD + `client.messages.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] });\n`;
    const [f] = await analyzer().analyze(text, { language: 'typescript', defaultMaxTokens: 4096 });
    expect(f!.fixes[0]!.edits[0]!.newText).toContain('max_tokens: 4096');
  });
});

describe('messages say what the API answers', () => {
  it('quotes the 400/404 text', async () => {
    const { text, findings } = await ts(`client.messages.create({ model: 'claude-3-opus-20240229', max_tokens: 200000, messages: [{ role: 'system', content: 's' }] });\nclient.messages.create({ model: 'claude-opus-4-5', max_tokens: 64001, messages: [{ role: 'user', content: 'x' }] });\nclient.messages.create({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] });\n`, { ts: 1 });
    const msg = (rule: string) => findings.find((f) => f.rule === rule)!.message;
    expect(msg('retired-model')).toContain('404 "model: claude-3-opus-20240229"');
    expect(msg('max-tokens-over-limit')).toContain('max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-opus-4-5');
    expect(msg('missing-max-tokens')).toContain('"max_tokens: Field required"');
    expect(msg('system-message-first')).toContain('Unexpected role');
    expect(lineOf(text, findings[0]!.start)).toBe(3);
  });

  it('never repeats a key literal in a message', async () => {
    const key = 'sk-ant-api03-FAKE-KEY-FOR-RULE-TESTS';
    for (const [text, language] of [
      [`import Anthropic from '@anthropic-ai/sdk';\nnew Anthropic({ apiKey: '${key}' });\n`, 'typescript'],
      [`import anthropic\nanthropic.Anthropic(api_key="${key}")\n`, 'python'],
      [`const k = "${key}";\n`, 'javascript'],
    ] as const) {
      const findings = await analyzer().analyze(text, { language });
      expect(findings.map((f) => f.rule)).toEqual(['hardcoded-api-key']);
      for (const f of findings) {
        expect(f.message).not.toContain(key);
        expect(f.message).not.toContain(key.slice(14, 30));
        for (const fx of f.fixes) expect(fx.title).not.toContain(key.slice(14, 30));
      }
    }
  });

  it('files that do not use the SDK produce nothing, even with SDK-like calls', async () => {
    const text = `import OpenAI from 'openai';\nconst c = new OpenAI();\nc.messages.create({ model: 'claude-3-opus-20240229' });\n`;
    expect(await analyzer().analyze(text, { language: 'typescript' })).toEqual([]);
  });
});
