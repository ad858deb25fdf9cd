/**
 * The December 2026 rules end to end: each case is a request the dated facts (api-facts.ts) say the
 * API rejects. The rule flags it, the simulator rejects it like the API (the official
 * @anthropic-ai/sdk over HTTP on 127.0.0.1 for TypeScript; for Python, the body and headers the
 * `anthropic` major sends), and the request the rule's fix leaves behind is accepted.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import Anthropic, { BadRequestError } from '@anthropic-ai/sdk';
import { applyEdits, applySafeFixes } from '../../../src/core/analyzer/edits';
import type { Finding, SdkVersions } from '../../../src/core/analyzer/types';
import { API_VERSION_2026_10_21, CURRENT_MODELS, SDK, lookupModel } from '../../../src/core/data/api-facts';
import { sim, KEY } from '../simulator/helpers';
import type { RunningSimulator } from '../../../src/core/simulator/index';
import { analyzer } from './helpers';

type Params = Record<string, unknown>;
const USER = [{ role: 'user', content: 'hi' }];
const DOC = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } };
const CITATIONS = [{ type: 'char_location', cited_text: 'q', document_index: 0, start_char_index: 0, end_char_index: 1 }];

// ---------------------------------------------------------------------------------------------
// TypeScript: the code is the params object literal; the fixed literal is evaluated and sent.
// ---------------------------------------------------------------------------------------------

const TS_HEAD = `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\nexport const run = () => client.messages.create(`;
const TS_TAIL = ');\n';

async function tsFindings(params: Params, sdk: SdkVersions = { ts: 1 }) {
  const text = TS_HEAD + JSON.stringify(params, null, 2) + TS_TAIL;
  return { text, findings: await analyzer().analyze(text, { language: 'typescript', sdk }) };
}

/** The params object of the (fixed) TS source. */
function tsParams(text: string): Params {
  expect(text.startsWith(TS_HEAD) && text.endsWith(TS_TAIL)).toBe(true);
  return new Function(`return (${text.slice(TS_HEAD.length, -TS_TAIL.length)});`)() as Params;
}

function sdkClient(s: RunningSimulator): Anthropic {
  return new Anthropic({ apiKey: KEY, baseURL: s.url, maxRetries: 0 });
}

async function sdkSend(s: RunningSimulator, params: Params): Promise<{ ok: true } | { ok: false; status: number | undefined; message: string }> {
  try {
    await sdkClient(s).messages.create(params as never);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof Anthropic.APIError)) throw e;
    return { ok: false, status: e.status, message: e instanceof BadRequestError ? ((e.error as { error?: { message?: string } })?.error?.message ?? e.message) : e.message };
  }
}

function only(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

interface TsCase { name: string; rule: string; params: Params; rejects: RegExp }

const TS_CASES: TsCase[] = [
  { name: 'Fable 5, thinking disabled', rule: 'thinking-rejected', params: { model: 'claude-fable-5', max_tokens: 2048, thinking: { type: 'disabled' }, messages: USER }, rejects: /"disabled" is not supported for claude-fable-5/ },
  { name: 'Mythos 5, manual budget', rule: 'thinking-rejected', params: { model: 'claude-mythos-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: USER }, rejects: /`budget_tokens` is not supported for claude-mythos-5/ },
  { name: 'Haiku 5.5, manual budget', rule: 'thinking-rejected', params: { model: 'claude-haiku-5-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: USER }, rejects: /not supported for claude-haiku-5-5/ },
  {
    name: 'a document block in an assistant message', rule: 'content-blocks-rejected',
    params: { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'Read this.' }, { role: 'assistant', content: [DOC] }, { role: 'user', content: 'Summarize.' }] },
    rejects: /`document` blocks are not supported in assistant messages/,
  },
  {
    name: 'citations in user text', rule: 'content-blocks-rejected',
    params: { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 'quote', citations: CITATIONS }] }] },
    rejects: /text blocks with `citations` are not supported in user messages/,
  },
  {
    name: 'citations inside a search_result', rule: 'content-blocks-rejected',
    params: { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: 'q', citations: CITATIONS }] }] }] },
    rejects: /citations/,
  },
];

describe('TypeScript: flagged, rejected by the simulator through the official SDK, fix accepted', () => {
  for (const c of TS_CASES) {
    it(c.name, async () => {
      const s = await sim();
      const { text, findings } = await tsFindings(c.params);
      const hits = only(findings, c.rule);
      expect(hits.length, JSON.stringify(findings.map((f) => f.rule))).toBeGreaterThan(0);
      expect(hits.every((f) => f.severity === 'error')).toBe(true);
      const before = await sdkSend(s, c.params);
      expect(before.ok).toBe(false);
      if (!before.ok) {
        expect(before.status).toBe(400);
        expect(before.message).toMatch(c.rejects);
      }
      // The safe fix when there is one, else the first offered fix (the document move needs review).
      const safe = applySafeFixes(text, hits);
      const fixedText = safe.applied > 0 ? safe.text : applyEdits(text, hits[0]!.fixes[0]!.edits);
      const fixed = tsParams(fixedText);
      expect(fixed).not.toEqual(c.params);
      expect(await sdkSend(s, fixed)).toEqual({ ok: true });
      // Nothing of the rule is left after the fix.
      expect(only(await analyzer().analyze(fixedText, { language: 'typescript', sdk: { ts: 1 } }), c.rule)).toEqual([]);
    });
  }

  it('Haiku 5.5 sampling under SDK 0.x (2023-06-01): still an error, rejected by the simulator, removal accepted', async () => {
    const s = await sim();
    const legacy = new Anthropic({ apiKey: KEY, baseURL: s.url, maxRetries: 0, defaultHeaders: { 'anthropic-version': SDK.ts.apiVersionByMajor[0]! } });
    const haiku = CURRENT_MODELS.find((m) => m.rejectsSampling)!;
    const params = { model: haiku.id, max_tokens: 64, temperature: 0.5, messages: USER };
    const { text, findings } = await tsFindings(params, { ts: 0 });
    const hits = only(findings, 'sampling-params-rejected');
    expect(hits.map((f) => f.severity)).toEqual(['error']);
    expect(hits[0]!.message).toContain('under every API version');
    await expect(legacy.messages.create(params as never)).rejects.toBeInstanceOf(BadRequestError);
    const fixed = tsParams(applySafeFixes(text, hits).text);
    expect(fixed['temperature']).toBeUndefined();
    await expect(legacy.messages.create(fixed as never)).resolves.toBeTruthy();
  });

  it('the content rule is silent under SDK 0.x (2023-06-01), where the simulator accepts the same requests', async () => {
    const s = await sim();
    const legacy = new Anthropic({ apiKey: KEY, baseURL: s.url, maxRetries: 0, defaultHeaders: { 'anthropic-version': SDK.ts.apiVersionByMajor[0]! } });
    for (const c of TS_CASES.filter((x) => x.rule === 'content-blocks-rejected')) {
      expect(only((await tsFindings(c.params, { ts: 0 })).findings, c.rule)).toEqual([]);
      await expect(legacy.messages.create(c.params as never)).resolves.toBeTruthy();
    }
    expect(SDK.ts.apiVersionByMajor[1]).toBe(API_VERSION_2026_10_21.version);
  });

  it('the content rule with the SDK version unknown: a warning, and its fixes are not applied by fix-all', async () => {
    for (const c of TS_CASES.filter((x) => x.rule === 'content-blocks-rejected')) {
      const { text, findings } = await tsFindings(c.params, {});
      const hits = only(findings, c.rule);
      expect(hits.length, c.name).toBeGreaterThan(0);
      expect(hits.every((f) => f.severity === 'warning' && f.message.includes('if this project uses @anthropic-ai/sdk ≥ 1.0'))).toBe(true);
      expect(applySafeFixes(text, hits).applied).toBe(0);
    }
  });

  it('thinking-adaptive-model: information only, and the simulator accepts both the code and its suggestion', async () => {
    const s = await sim();
    const cases: Params[] = [
      { model: 'claude-opus-5-5', max_tokens: 2048, thinking: { type: 'disabled' }, messages: USER },
      { model: 'claude-sonnet-5-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: USER },
      { model: 'claude-opus-4-6', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: USER },
    ];
    for (const p of cases) {
      const { text, findings } = await tsFindings(p);
      const hits = only(findings, 'thinking-adaptive-model');
      expect(hits).toHaveLength(1);
      expect(hits[0]!.fixes.every((f) => !f.safe)).toBe(true);
      expect(only(findings, 'thinking-rejected')).toEqual([]);
      expect(await sdkSend(s, p)).toEqual({ ok: true });
      const fixed = tsParams(applyEdits(text, hits[0]!.fixes[0]!.edits));
      expect(fixed['thinking']).toEqual({ type: 'adaptive' });
      expect(await sdkSend(s, fixed)).toEqual({ ok: true });
    }
  });

  it('the thinking rules follow the data module: every stated 400 is an error, every unverified case at most information', async () => {
    // Both judge models on the same injected day (claude-mythos-preview still answers then).
    const s = await sim({ today: '2026-05-01' });
    let stated = 0;
    for (const m of CURRENT_MODELS) {
      if (lookupModel(m.id, '2026-05-01').kind !== 'current') continue;
      for (const [type, flag] of [['disabled', m.thinking.rejectsDisabled], ['enabled', m.thinking.rejectsBudget]] as const) {
        const p: Params = { model: m.id, max_tokens: 4096, thinking: type === 'enabled' ? { type, budget_tokens: 2048 } : { type }, messages: USER };
        const text = TS_HEAD + JSON.stringify(p) + TS_TAIL;
        const findings = await analyzer().analyze(text, { language: 'typescript', sdk: { ts: 1 }, today: '2026-05-01' });
        const rejected = only(findings, 'thinking-rejected');
        expect(rejected.length, `${m.id} ${type}`).toBe(flag === true ? 1 : 0);
        if (flag === true) stated++;
        if (flag === 'unverified') expect(only(findings, 'thinking-adaptive-model').map((f) => f.severity), `${m.id} ${type}`).toEqual(['info']);
        // The simulator agrees with the data: a stated 400 is a 400, everything else answers.
        const sent = await sdkSend(s, p);
        expect(sent.ok, `${m.id} ${type}`).toBe(flag !== true);
      }
    }
    expect(stated).toBeGreaterThanOrEqual(5);
  });
});

// ---------------------------------------------------------------------------------------------
// Python: the call is written with keyword arguments; python3's own parser reads the fixed call
// back (ast.literal_eval) and merges `extra_body` into the body, as the SDK does.
// ---------------------------------------------------------------------------------------------

function py(v: unknown): string {
  if (v === null) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  return `{${Object.entries(v as Params).map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`).join(', ')}}`;
}

const PY_HEAD = 'import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef run():\n    return client.messages.create(';

function pyCode(params: Params): string {
  return `${PY_HEAD}${Object.entries(params).map(([k, v]) => `${k}=${py(v)}`).join(', ')})\n`;
}

/** The JSON body the Python SDK would send for the (fixed) call: its keyword arguments, extra_body merged in. */
function pyBody(text: string): Params {
  const script = [
    'import ast, json, sys',
    'tree = ast.parse(sys.stdin.read())',
    'call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "create")',
    'body = {k.arg: ast.literal_eval(k.value) for k in call.keywords}',
    'body.update(body.pop("extra_body", {}))',
    'print(json.dumps(body))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Params;
}

/** POST the body with the headers the `anthropic` major sends (API version and auth form from the data module). */
async function pySend(s: RunningSimulator, major: number, body: Params): Promise<{ status: number; message?: string }> {
  const auth: Record<string, string> = SDK.python.authHeaderByMajor[major] === 'bearer' ? { authorization: `Bearer ${KEY}` } : { 'x-api-key': KEY };
  const r = await fetch(`${s.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': SDK.python.apiVersionByMajor[major]!, ...auth },
    body: JSON.stringify(body),
  });
  const j = (await r.json()) as { error?: { message?: string } };
  return { status: r.status, message: j.error?.message };
}

async function pyFindings(text: string, python: number) {
  return analyzer().analyze(text, { language: 'python', sdk: { python } });
}

describe('Python: flagged, rejected like the API, fix accepted', () => {
  const cases: { name: string; major: number; rule: string; params: Params; rejects: RegExp }[] = [
    { name: 'Fable 5, thinking disabled (anthropic 2.x)', major: 2, rule: 'thinking-rejected', params: { model: 'claude-fable-5', max_tokens: 2048, thinking: { type: 'disabled' }, messages: USER }, rejects: /"disabled" is not supported/ },
    { name: 'Haiku 5.5, manual budget (anthropic 1.x)', major: 1, rule: 'thinking-rejected', params: { model: 'claude-haiku-5-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: USER }, rejects: /not supported for claude-haiku-5-5/ },
    { name: 'citations in user text (anthropic 2.x)', major: 2, rule: 'content-blocks-rejected', params: { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 'quote', citations: CITATIONS }] }] }, rejects: /citations/ },
    { name: 'a document in an assistant turn (anthropic 2.x)', major: 2, rule: 'content-blocks-rejected', params: { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 'Read this.' }] }, { role: 'assistant', content: [DOC, { type: 'text', text: 'ok' }] }, { role: 'user', content: 'Summarize.' }] }, rejects: /`document` blocks/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = await sim();
      const text = pyCode(c.params);
      const hits = only(await pyFindings(text, c.major), c.rule);
      expect(hits.length).toBeGreaterThan(0);
      const before = await pySend(s, c.major, pyBody(text));
      expect(before.status).toBe(400);
      expect(before.message).toMatch(c.rejects);
      const safe = applySafeFixes(text, hits);
      const fixedText = safe.applied > 0 ? safe.text : applyEdits(text, hits[0]!.fixes[0]!.edits);
      expect((await pySend(s, c.major, pyBody(fixedText))).status).toBe(200);
      expect(only(await pyFindings(fixedText, c.major), c.rule)).toEqual([]);
    });
  }

  it('sampling on anthropic 1.x: a local TypeError (its own message); extra_body fix sends them under 2023-06-01, accepted', async () => {
    const s = await sim();
    const params = { model: 'claude-opus-4-6', max_tokens: 64, temperature: 0.3, top_p: 0.5, messages: USER };
    const text = pyCode(params);
    const hits = only(await pyFindings(text, SDK.python.samplingRemovedInMajor), 'sampling-params-rejected');
    expect(hits).toHaveLength(2);
    for (const f of hits) {
      expect(f.severity).toBe('error');
      expect(f.message).toContain('TypeError');
      expect(f.message).toContain(SDK.python.samplingRemovedDate);
      expect(f.message).toContain('before any request is sent');
      expect(f.message).not.toMatch(/answers 400 for any/);
      expect(f.fixes[0]!.title).toContain(SDK.python.samplingWorkaround);
      expect(f.fixes[0]!.safe).toBe(true);
    }
    const fixedText = applySafeFixes(text, hits).text;
    expect(fixedText).toContain('extra_body={"temperature": 0.3, "top_p": 0.5}');
    expect(fixedText).not.toMatch(/, temperature=|, top_p=/);
    const body = pyBody(fixedText);
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.5 });
    expect(SDK.python.apiVersionByMajor[1]).toBe('2023-06-01');
    expect((await pySend(s, 1, body)).status).toBe(200);
    expect(only(await pyFindings(fixedText, 1), 'sampling-params-rejected')).toEqual([]);
    // Under 2.x the same values are a 400 whatever way they are sent: the rule says so.
    expect((await pySend(s, 2, body)).status).toBe(400);
  });

  it('sampling on anthropic 1.x that the 2023-06-01 rules reject too: the safe fix removes them', async () => {
    const s = await sim();
    const params = { model: 'claude-opus-4-8', max_tokens: 64, top_k: 3, messages: USER };
    const text = pyCode(params);
    const [f] = only(await pyFindings(text, 1), 'sampling-params-rejected');
    expect(f!.message).toContain('TypeError');
    expect(f!.message).toMatch(/answers 400 \(claude-opus-4-8 does not accept top_k\)/);
    expect(f!.fixes.map((x) => [x.title, x.safe])).toEqual([['Remove top_k', true]]);
    // Through extra_body it would be a 400 under 2023-06-01 …
    expect((await pySend(s, 1, pyBody(text))).status).toBe(400);
    // … removed, it answers.
    expect((await pySend(s, 1, pyBody(applySafeFixes(text, [f!]).text))).status).toBe(200);
  });

  it('sampling on anthropic 2.x: removal (extra_body would still be a 400 under 2026-10-21)', async () => {
    const text = pyCode({ model: 'claude-opus-4-6', max_tokens: 64, temperature: 0.3, messages: USER });
    const [f] = only(await pyFindings(text, 2), 'sampling-params-rejected');
    expect(f!.message).toContain('TypeError');
    expect(f!.message).toContain('does not help here');
    expect(f!.fixes.map((x) => [x.title, x.safe])).toEqual([['Remove temperature', true]]);
  });

  it('sampling in a dict spread as **params: the same TypeError; the fix adds an "extra_body" key the spread passes on', async () => {
    const text = 'import anthropic\n\nclient = anthropic.Anthropic()\nparams = {"model": "claude-opus-4-6", "max_tokens": 64, "top_p": 0.5, "messages": [{"role": "user", "content": "hi"}]}\nclient.messages.create(**params)\n';
    const hits = only(await pyFindings(text, 1), 'sampling-params-rejected');
    expect(hits.map((f) => f.message.includes('TypeError'))).toEqual([true]);
    const fixed = applySafeFixes(text, hits).text;
    const r = spawnSync('python3', ['-c', 'import ast,json,sys\nt=ast.parse(sys.stdin.read())\nd=next(n for n in ast.walk(t) if isinstance(n, ast.Dict))\nb=ast.literal_eval(d)\nb.update(b.pop("extra_body"))\nprint(json.dumps(b))'], { input: fixed, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const body = JSON.parse(r.stdout) as Params;
    expect(body).toMatchObject({ top_p: 0.5, model: 'claude-opus-4-6' });
    expect((await pySend(await sim(), 1, body)).status).toBe(200);
  });

  it('sampling into an existing extra_body dict', async () => {
    const text = `${PY_HEAD}model="claude-opus-4-6", max_tokens=64, temperature=0.3, extra_body={"metadata": {"user_id": "u"}}, messages=[{"role": "user", "content": "hi"}])\n`;
    const fixed = applySafeFixes(text, only(await pyFindings(text, 1), 'sampling-params-rejected')).text;
    expect(pyBody(fixed)).toEqual({ model: 'claude-opus-4-6', max_tokens: 64, metadata: { user_id: 'u' }, temperature: 0.3, messages: USER });
  });
});

// ---------------------------------------------------------------------------------------------
// Python handlers: the fixed handler run by python3 against exceptions shaped as the SDK raises
// them (the `anthropic` package itself is not installable here: docs/internals.md, Simulator).
// ---------------------------------------------------------------------------------------------

const STUB = `
import sys, types
anthropic = types.ModuleType("anthropic")
class APIError(Exception): pass
class APIStatusError(APIError):
    def __init__(self, status_code, body):
        super().__init__("status %d" % status_code)
        self.status_code = status_code
        self.body = body
class InternalServerError(APIStatusError): pass
class OverloadedError(APIStatusError): pass
class ServiceUnavailableError(APIStatusError): pass
class DeadlineExceededError(APIStatusError): pass
for c in (APIError, APIStatusError, InternalServerError, OverloadedError):
    setattr(anthropic, c.__name__, c)
anthropic.Anthropic = anthropic.AnthropicBedrock = anthropic.AnthropicVertex = lambda **kw: CLIENT
sys.modules["anthropic"] = anthropic
class _Stream:
    def __enter__(self): return self
    def __exit__(self, *a): return False
    @property
    def text_stream(self):
        yield "partial"
        raise RAISE
    def get_final_message(self):
        raise RAISE
class _Messages:
    def stream(self, **kw): return _Stream()
    def create(self, **kw):
        if kw.get("stream"):
            return _Stream().text_stream
        raise RAISE
class _Client:
    messages = _Messages()
CLIENT = _Client()
`;

function runHandler(code: string, fn: string, raise: string): string {
  const script = `${STUB}\nRAISE = ${raise}\nimport builtins\nbuiltins.print = lambda *a, **k: None\n${code}\ntry:\n    r = ${fn}("q")\n    sys.stdout.write("returned " + repr(r))\nexcept Exception as x:\n    sys.stdout.write("raised " + type(x).__name__ + " " + str(getattr(x, "status_code", "")))\n`;
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const MID_STREAM_OVERLOAD = `APIStatusError(${SDK.python.midStreamErrorStatusCode}, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})`;

describe('Python handlers: the fixes catch what the SDK raises, and nothing they should not', () => {
  it('stream-overloaded-not-caught: the original misses a mid-stream overload; the fixed handler catches it and re-raises others', async () => {
    const code = [
      'import anthropic',
      'from anthropic import OverloadedError',
      '',
      'client = anthropic.Anthropic()',
      '',
      '',
      'def stream_text(q):',
      '    try:',
      '        with client.messages.stream(model="claude-haiku-4-5", max_tokens=100, messages=[{"role": "user", "content": q}]) as s:',
      '            for text in s.text_stream:',
      '                print(text)',
      '    except OverloadedError:',
      '        return "fallback"',
      '',
    ].join('\n');
    const hits = only(await pyFindings(code, 2), 'stream-overloaded-not-caught');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.message).toContain(`status_code == ${SDK.python.midStreamErrorStatusCode}`);
    expect(runHandler(code, 'stream_text', MID_STREAM_OVERLOAD)).toBe('raised APIStatusError 200');
    expect(runHandler(code, 'stream_text', 'OverloadedError(529, {})')).toBe("returned 'fallback'");
    const fixed = applyEdits(code, hits[0]!.fixes[0]!.edits);
    expect(fixed).toContain('    except anthropic.APIStatusError as e:\n        if not (e.status_code == 529 or');
    expect(runHandler(fixed, 'stream_text', MID_STREAM_OVERLOAD)).toBe("returned 'fallback'");
    expect(runHandler(fixed, 'stream_text', 'OverloadedError(529, {"type": "error", "error": {"type": "overloaded_error"}})')).toBe("returned 'fallback'");
    expect(runHandler(fixed, 'stream_text', 'APIStatusError(200, {"type": "error", "error": {"type": "api_error"}})')).toBe('raised APIStatusError 200');
    expect(runHandler(fixed, 'stream_text', 'APIStatusError(400, "not json")')).toBe('raised APIStatusError 400');
    expect(only(await pyFindings(fixed, 2), 'stream-overloaded-not-caught')).toEqual([]);
    // Bare names from `from anthropic import …`: the new class joins that import.
    const bare = code.replace('import anthropic\nfrom anthropic import OverloadedError', 'from anthropic import Anthropic, OverloadedError').replace('anthropic.Anthropic()', 'Anthropic()');
    const [h] = only(await pyFindings(bare, 2), 'stream-overloaded-not-caught');
    const fixedBare = applyEdits(bare, h!.fixes[0]!.edits);
    expect(fixedBare).toContain('from anthropic import Anthropic, OverloadedError, APIStatusError');
    expect(runHandler(fixedBare, 'stream_text', MID_STREAM_OVERLOAD)).toBe("returned 'fallback'");
    expect(runHandler(fixedBare, 'stream_text', 'APIStatusError(401, {})')).toBe('raised APIStatusError 401');
  });

  it('overloaded-not-caught on Bedrock/Vertex: names the classes from the data module; the fixed handler catches 503/504', async () => {
    for (const [ctor, status] of [['AnthropicBedrock', 503], ['AnthropicVertex', 504]] as const) {
      const cls = SDK.python.platformErrorClasses[ctor][status]!;
      const code = [
        'import anthropic',
        '',
        `client = anthropic.${ctor}()`,
        '',
        '',
        'def ask(q):',
        '    try:',
        '        return client.messages.create(model="claude-opus-4-8", max_tokens=100, messages=[{"role": "user", "content": q}])',
        '    except anthropic.InternalServerError:',
        '        return "fallback"',
        '',
      ].join('\n');
      const hits = only(await pyFindings(code, 1), 'overloaded-not-caught');
      expect(hits, ctor).toHaveLength(1);
      expect(hits[0]!.message).toContain(`${ctor} raises`);
      expect(hits[0]!.message).toContain(`${status} as ${cls}`);
      expect(hits[0]!.message).not.toContain('Also catch OverloadedError');
      expect(runHandler(code, 'ask', `${cls}(${status}, {})`)).toBe(`raised ${cls} ${status}`);
      const fixed = applyEdits(code, hits[0]!.fixes[0]!.edits);
      expect(runHandler(fixed, 'ask', `${cls}(${status}, {})`)).toBe("returned 'fallback'");
      expect(runHandler(fixed, 'ask', 'InternalServerError(500, {})')).toBe("returned 'fallback'");
      expect(runHandler(fixed, 'ask', 'APIStatusError(400, {})')).toBe('raised APIStatusError 400');
      expect(only(await pyFindings(fixed, 1), 'overloaded-not-caught')).toEqual([]);
    }
  });
});
