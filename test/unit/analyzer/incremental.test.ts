import { describe, expect, it } from 'vitest';
import { createAnalyzer, type ContentChange } from '../../../src/core/analyzer/index';
import { fixtures, rng } from './helpers';
import { fakeKey } from '../fake-key';

const SNIPPETS = ['x', '\n', ' ', 'max_tokens: 5, ', 'max_tokens=5, ', "'claude-3-opus-latest'", '}', ')', '// c\n', '# c\n', 'try', 'Anthropic', fakeKey('INCREMENTAL', 41)];

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

describe('incremental caches (top-level units, module context, text scans)', () => {
  const ts = { language: 'typescript' as const };
  const body = (n: number, client = 'client'): string => Array.from({ length: n }, (_, i) =>
    `export async function f${i}() {\n  return ${client}.messages.create({ model: 'claude-3-opus-latest', messages: [{ role: 'user', content: 'q${i}' }] });\n}\n`).join('');
  const header = `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic({ maxRetries: 0 });\n`;

  /** An editing session on `initial`: every edit goes through analyzeIncremental and must equal a full analysis. */
  async function session(key: string, initial: string) {
    const inc = createAnalyzer();
    const full = createAnalyzer();
    await inc.analyzeIncremental(key, initial, ts);
    const s = {
      text: initial,
      full,
      async edit(change: ContentChange, label: string): Promise<void> {
        s.text = apply(s.text, change);
        expect(await inc.analyzeIncremental(key, s.text, ts, [change]), label).toEqual(await full.analyze(s.text, ts));
      },
    };
    return s;
  }

  it('edits that add and remove imports, and rename the client alias', async () => {
    const s = await session('a', header + body(20));
    // remove the SDK import line, then put it back
    const line = `import Anthropic from '@anthropic-ai/sdk';\n`;
    await s.edit({ rangeOffset: 0, rangeLength: line.length, text: '' }, 'import removed');
    await s.edit({ rangeOffset: 0, rangeLength: 0, text: line }, 'import added');
    // add a second import (errors) at the top
    await s.edit({ rangeOffset: 0, rangeLength: 0, text: `import { RateLimitError } from '@anthropic-ai/sdk';\n` }, 'second import');
    // rename the client binding: calls through `client` no longer resolve
    const at = s.text.indexOf('const client') + 'const '.length;
    await s.edit({ rangeOffset: at, rangeLength: 'client'.length, text: 'claude' }, 'alias renamed');
    const back = s.text.indexOf('const claude') + 'const '.length;
    await s.edit({ rangeOffset: back, rangeLength: 'claude'.length, text: 'client' }, 'alias restored');
  });

  it('edits that split and merge top-level units, and a paste of many lines', async () => {
    const s = await session('b', header + body(30));
    // merge: delete the closing brace of f10 (f10 swallows what follows), then restore it
    const close = s.text.indexOf('\n}\n', s.text.indexOf('function f10(')) + 1;
    await s.edit({ rangeOffset: close, rangeLength: 1, text: '' }, 'merge by deleting }');
    await s.edit({ rangeOffset: close, rangeLength: 0, text: '}' }, 'split by restoring }');
    // split: close f12 early in its middle, creating new top-level statements
    const mid = s.text.indexOf('return', s.text.indexOf('function f12('));
    await s.edit({ rangeOffset: mid, rangeLength: 0, text: '}\nconst stray = 1;\nfunction g() {\n' }, 'split in the middle');
    // an unclosed comment swallows the rest of the file, then is closed again
    const f5 = s.text.indexOf('export async function f5(');
    await s.edit({ rangeOffset: f5, rangeLength: 0, text: '/* ' }, 'open comment');
    await s.edit({ rangeOffset: f5 + 3, rangeLength: 0, text: '*/ ' }, 'closed comment');
    // a paste of many lines (a whole block of new functions) in the middle, then its removal
    const paste = body(15, 'client').replace(/function f/g, 'function p');
    const f20 = s.text.indexOf('export async function f20(');
    await s.edit({ rangeOffset: f20, rangeLength: 0, text: paste }, 'paste');
    await s.edit({ rangeOffset: f20, rangeLength: paste.length, text: '' }, 'unpaste');
    // the same unit list is produced when the edit lands exactly on a unit boundary
    const f25 = s.text.indexOf('export async function f25(');
    await s.edit({ rangeOffset: f25 - 1, rangeLength: 0, text: '\n\n' }, 'on a boundary');
    await s.edit({ rangeOffset: s.text.length, rangeLength: 0, text: body(3).replace(/function f/g, 'function z') }, 'append at end');
  });

  it('client constructions typed, broken and renamed character by character', async () => {
    const s = await session('d', header + body(6) + body(4, 'other').replace(/function f/g, 'function o'));
    // type `const other = new Anthropic({ maxRetries: 0 });` one character at a time after the header
    const line = `const other = new Anthropic({ apiKey: '${fakeKey('INCREMENTAL', 41)}', maxRetries: 0 });\n`;
    const at = header.length;
    for (let i = 0; i < line.length; i++) await s.edit({ rangeOffset: at + i, rangeLength: 0, text: line[i]! }, `typed ${i}`);
    // glue a character before and after the class name, then take it away again
    const name = s.text.indexOf('new Anthropic(', at) + 'new '.length;
    await s.edit({ rangeOffset: name, rangeLength: 0, text: 'x' }, 'prefix glued');
    await s.edit({ rangeOffset: name, rangeLength: 1, text: '' }, 'prefix removed');
    await s.edit({ rangeOffset: name + 'Anthropic'.length, rangeLength: 0, text: '$' }, 'suffix glued');
    await s.edit({ rangeOffset: name + 'Anthropic'.length, rangeLength: 1, text: '' }, 'suffix removed');
    // rename the imported class (the names searched for change)
    const imp = s.text.indexOf('Anthropic');
    await s.edit({ rangeOffset: imp, rangeLength: 'Anthropic'.length, text: 'Claude' }, 'import renamed');
    await s.edit({ rangeOffset: imp, rangeLength: 'Claude'.length, text: 'Anthropic' }, 'import renamed back');
  });

  it('text scans follow edits: ignore comments and the retry helper appear and disappear', async () => {
    const s = await session('c', header + body(12));
    const f3 = s.text.indexOf('  return', s.text.indexOf('function f3('));
    const ignore = '  // claude-doctor-ignore-next-line\n';
    await s.edit({ rangeOffset: f3, rangeLength: 0, text: ignore }, 'ignore added');
    // type the marker's last character away and back (the needle appears and disappears mid-word)
    const end = s.text.indexOf('claude-doctor-ignore') + 'claude-doctor-ignore'.length - 1;
    await s.edit({ rangeOffset: end, rangeLength: 1, text: '' }, 'ignore broken');
    await s.edit({ rangeOffset: end, rangeLength: 0, text: 'e' }, 'ignore mended');
    await s.edit({ rangeOffset: s.text.indexOf(ignore), rangeLength: ignore.length, text: '' }, 'ignore removed');
    // a retry helper declared at the end of the file, then renamed away
    const helper = `\nasync function withClaudeRetry<T>(fn: () => Promise<T>): Promise<T> {\n  return fn();\n}\n`;
    // the helper's presence changes the findings (its fixes no longer declare it), so the scan matters
    expect(await s.full.analyze(s.text + helper, ts)).not.toEqual(await s.full.analyze(s.text, ts));
    await s.edit({ rangeOffset: s.text.length, rangeLength: 0, text: helper }, 'helper added');
    const name = s.text.lastIndexOf('ClaudeRetry');
    await s.edit({ rangeOffset: name, rangeLength: 1, text: 'c' }, 'helper renamed');
    await s.edit({ rangeOffset: name, rangeLength: 1, text: 'C' }, 'helper named again');
  });
});

describe('long classes are analysed member by member', () => {
  const tsClass = (n: number) => `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\n\nexport class Handlers {\n  private readonly model = 'claude-haiku-4-5';\n\n${
    Array.from({ length: n }, (_, i) => `  async handler${i}(q: string) {\n    try {\n      return await client.messages.create({ model: '${i % 7 === 3 ? 'claude-3-opus-20240229' : 'claude-haiku-4-5'}', ${i % 5 === 2 ? '' : 'max_tokens: 64, '}messages: [{ role: 'user', content: \`task ${i}: \${q}\` }] });\n    } catch (e) {\n      if (${i % 4}) throw e;\n      return null;\n    }\n  }\n`).join('\n')}}\n`;
  const pyClass = (n: number) => `import anthropic\n\n\nclass Handlers:\n    client = anthropic.Anthropic()\n\n${
    Array.from({ length: n }, (_, i) => `    def handler${i}(self, q):\n        return self.client.messages.create(model="${i % 7 === 3 ? 'claude-3-opus-20240229' : 'claude-haiku-4-5'}", ${i % 5 === 2 ? '' : 'max_tokens=64, '}messages=[{"role": "user", "content": q}])\n`).join('\n')}`;

  for (const [name, text, options] of [
    ['TypeScript', tsClass(40), { language: 'typescript' as const }],
    ['Python', pyClass(40), { language: 'python' as const }],
  ] as const) {
    it(`${name}: incremental equals full under random edits inside and between methods`, async () => {
      const inc = createAnalyzer();
      const full = createAnalyzer();
      const r = rng(7);
      let cur = text;
      const first = await full.analyze(cur, options);
      expect(first.filter((f) => f.rule === 'retired-model').length).toBe(6); // every 7th method, found inside the class
      expect(await inc.analyzeIncremental('k', cur, options)).toEqual(first);
      for (let i = 0; i < 60; i++) {
        const change = randomChange(cur, r);
        cur = apply(cur, change);
        expect(await inc.analyzeIncremental('k', cur, options, [change]), `step ${i}`).toEqual(await full.analyze(cur, options));
      }
    }, 60_000);
  }
});

describe('callbacks passed to top-level calls are analysed statement by statement', () => {
  /** A fixture's code inside `describe(…)`: once directly in its callback, then in `it(…)` callbacks until the call is long. */
  const wrapped = (text: string): string => {
    const imports: string[] = [];
    const body = text.replace(/^import\b[^;]*?(?:from\s*)?['"][^'"\n]+['"];?[ \t]*\n/gm, (m) => {
      imports.push(m);
      return '';
    }).replace(/^export\s+(?:default\s+)?/gm, '');
    const parts = [`${imports.join('')}\ndescribe('fixture', () => {\n${body}\n`];
    for (let i = 0; parts.join('').length < 2600; i++) parts.push(`  it('case ${i}', async () => {\n${body}\n  });\n\n`);
    return `${parts.join('')}});\n`;
  };

  it('incremental equals full under random edits on every TypeScript/JavaScript fixture wrapped in describe/it', async () => {
    const inc = createAnalyzer();
    const full = createAnalyzer();
    const r = rng(16);
    let steps = 0;
    let withFindings = 0;
    for (const f of fixtures((n) => !n.endsWith('.py'))) {
      const key = `mem://wrapped/${f.name}`;
      let text = wrapped(f.text);
      const first = await full.analyze(text, f.options);
      if (first.length > 0) withFindings++;
      expect(await inc.analyzeIncremental(key, text, f.options)).toEqual(first);
      for (let i = 0; i < 12; i++) {
        const change = randomChange(text, r);
        text = apply(text, change);
        expect(await inc.analyzeIncremental(key, text, f.options, [change]), `${f.name} step ${i}`).toEqual(await full.analyze(text, f.options));
        steps++;
      }
      inc.forget(key);
    }
    expect(steps).toBeGreaterThan(500);
    expect(withFindings).toBeGreaterThan(25);
  }, 240_000);

  /** `groups` describe(…) blocks of ten it(…) blocks each, inside one top-level describe(…). */
  const testFile = (groups: number, extra = ''): string => `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\n\ndescribe('handlers', () => {\n  const tag = 'h';\n${extra}\n${
    Array.from({ length: groups }, (_, g) => `  describe('group ${g}', () => {\n${Array.from({ length: 10 }, (_, k) => {
      const i = g * 10 + k;
      return `    it('task ${i}', async () => {\n      const r = await client.messages.create({ model: '${i % 7 === 3 ? 'claude-3-opus-20240229' : 'claude-haiku-4-5'}', ${i % 5 === 2 ? '' : 'max_tokens: 64, '}messages: [{ role: 'user', content: \`task ${i} \${tag}\` }] });\n      expect(r.content.length).toBeGreaterThan(0);\n    });\n`;
    }).join('\n')}  });\n`).join('\n')}});\n`;

  it('an edit inside one it(…) re-reads that statement only: every other finding is the same object', async () => {
    const a = createAnalyzer();
    const opts = { language: 'typescript' as const };
    const text = testFile(5);
    const first = await a.analyzeIncremental('doc', text, opts);
    expect(first.filter((f) => f.rule === 'retired-model')).toHaveLength(7);
    const at = text.indexOf('task 25 ') + 5;
    const edited = text.slice(0, at) + 'z' + text.slice(at);
    const second = await a.analyzeIncremental('doc', edited, opts, [{ rangeOffset: at, rangeLength: 0, text: 'z' }]);
    expect(second).toEqual(await a.analyze(edited, opts));
    expect(second).toHaveLength(first.length);
    const before = first.filter((f) => f.end < at);
    const after = first.filter((f) => f.start > at);
    expect(before.length).toBeGreaterThan(5);
    expect(after.length).toBeGreaterThan(5);
    // the units before the edit kept their results (the same objects, task 24 of the same group
    // included); those after moved by one
    for (let i = 0; i < before.length; i++) expect(second[i]).toBe(before[i]);
    for (let i = 0; i < after.length; i++) expect(second[second.length - after.length + i]!.start).toBe(after[i]!.start + 1);
  });

  it('edits to a callback\'s own text (its parameters, later arguments) re-read the statements inside it', async () => {
    const a = createAnalyzer();
    const opts = { language: 'typescript' as const };
    // A retry loop directly in the callback: its try calls Claude only through the callback's parameter.
    const loop = `  for (let attempt = 0; attempt < 3; attempt++) {\n    try {\n      await ask('q');\n      break;\n    } catch (e) {\n      await new Promise((r) => setTimeout(r, 1000));\n    }\n  }\n`;
    let text = testFile(3, loop).replace("describe('handlers', () => {", "describe('handlers', async () => {");
    const rules = (fs: readonly { rule: string }[]): number => fs.filter((f) => f.rule === 'retry-without-jitter').length;
    expect(rules(await a.analyzeIncremental('doc', text, opts))).toBe(0);
    const steps: [string, string, number][] = [
      ["describe('handlers', async () => {", "describe('handlers', async (ask: (q: string) => Promise<unknown>) => {", 1],
      ["(ask: (q: string) => Promise<unknown>) => {", "(asks: (q: string) => Promise<unknown>) => {", 0],
      ["(asks: (q: string) => Promise<unknown>) => {", "(ask: (q: string) => Promise<unknown>) => {", 1],
      // a later argument (the tail) and back
      ["    });\n  });\n});\n", "    });\n  });\n}, 10_000);\n", 1],
      ["(ask: (q: string) => Promise<unknown>) => {", "() => {", 0],
    ];
    for (const [from, to, jitter] of steps) {
      const at = text.indexOf(from);
      expect(at, from).toBeGreaterThanOrEqual(0);
      const change: ContentChange = { rangeOffset: at, rangeLength: from.length, text: to };
      text = apply(text, change);
      const got = await a.analyzeIncremental('doc', text, opts, [change]);
      expect(got, to).toEqual(await a.analyze(text, opts));
      expect(rules(got), to).toBe(jitter);
    }
  });

  it('a call directly in the callback reads its other statements: deleting one is seen', async () => {
    const a = createAnalyzer();
    const opts = { language: 'typescript' as const };
    const unshift = "  history.unshift({ role: 'system', content: 'Be brief.' });\n";
    // (`history` is the callback's parameter: the rule reads the callback's statements before the call)
    let text = testFile(3, `${unshift}  const warm = client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: history });\n`)
      .replace("describe('handlers', () => {", "describe('handlers', (history: { role: string; content: string }[]) => {");
    const first = await a.analyzeIncremental('doc', text, opts);
    expect(first).toEqual(await a.analyze(text, opts));
    expect(first.some((f) => f.rule === 'system-message-first')).toBe(true);
    const at = text.indexOf(unshift);
    const change: ContentChange = { rangeOffset: at, rangeLength: unshift.length, text: '' };
    text = apply(text, change);
    const got = await a.analyzeIncremental('doc', text, opts, [change]);
    expect(got).toEqual(await a.analyze(text, opts));
    expect(got.some((f) => f.rule === 'system-message-first')).toBe(false);
  });
});

describe('rules gated on a word (`mentions`)', () => {
  it('switch on when an edit types the word in, and off when it is deleted', async () => {
    const inc = createAnalyzer();
    const full = createAnalyzer();
    const opts = { language: 'typescript' as const };
    const before = "import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\nclient.messages.create({ model: 'claude-fable-5', max_tokens: 2048, messages: [{ role: 'user', content: 'x' }] });\n";
    await inc.analyzeIncremental('m', before, opts);
    const at = before.indexOf('messages: [');
    const add = { rangeOffset: at, rangeLength: 0, text: "thinking: { type: 'disabled' }, " };
    const after = apply(before, add);
    const got = await inc.analyzeIncremental('m', after, opts, [add]);
    expect(got.map((f) => f.rule)).toContain('thinking-rejected');
    expect(got).toEqual(await full.analyze(after, opts));
    const del = { rangeOffset: at, rangeLength: add.text.length, text: '' };
    const back = await inc.analyzeIncremental('m', before, opts, [del]);
    expect(back.map((f) => f.rule)).not.toContain('thinking-rejected');
    expect(back).toEqual(await full.analyze(before, opts));
  });
});
