/**
 * The cold-analysis fast paths read the source instead of asking the tree (each tree question is a
 * wasm call). Here the tree is the judge: over every fixture and hundreds of mutants of them, each
 * shortcut either declines (and the tree is asked) or gives exactly the tree's answer.
 */
import { describe, expect, it } from 'vitest';
import { ParserPool, type Node } from '../../../src/core/analyzer/parser';
import { calleeAt, calleeByClimb, keyFromSource, siteFromSource, siteFromTree, type SitePlace } from '../../../src/core/analyzer/sdk';
import { setCurrentText, stringLiteral, type Src } from '../../../src/core/analyzer/syntax';
import type { AnalyzerLanguage } from '../../../src/core/analyzer/types';
import { analyzer, fixtures, mutate, rng } from './helpers';

const pool = new ParserPool();

function srcOf(text: string, root: Node, language: AnalyzerLanguage): Src {
  return {
    text, py: language === 'python', typed: language.startsWith('typescript'), root,
    scopeCache: new Map(), mutationCache: new Map(), unitFrom: 0, unitTo: text.length, outside: false,
  };
}

/** Every fixture, then `mutants` seeded mutants of them. */
function corpus(mutants: number): { text: string; language: AnalyzerLanguage }[] {
  const base = fixtures();
  const out = base.map((f) => ({ text: f.text, language: f.language }));
  const r = rng(0x5eed);
  for (let n = 0; n < mutants; n++) {
    const f = base[n % base.length]!;
    out.push({ text: mutate(f.text, r), language: f.language });
  }
  return out;
}

function* nodes(root: Node): Generator<Node> {
  const cursor = root.walk();
  try {
    let more = true;
    while (more) {
      yield cursor.currentNode;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) { more = false; break; }
      }
    }
  } finally {
    cursor.delete();
  }
}

interface MethodHit { src: Src; text: string; language: AnalyzerLanguage; resStart: number; resName: string; mStart: number; method: string }

/** Every `messages|completions.method` name in the corpus, with its parsed file (freed after). */
async function forEachMethodName(mutants: number, visit: (hit: MethodHit) => void): Promise<void> {
  const re = /\b(messages|completions)(\s*(?:\?\.|\.)\s*)(create|stream|countTokens|count_tokens|parse)\b/g;
  for (const { text, language } of corpus(mutants)) {
    const tree = await pool.parse(text, language);
    const src = srcOf(text, tree.rootNode, language);
    try {
      for (const m of text.matchAll(re)) {
        visit({ src, text, language, resStart: m.index, resName: m[1]!, mStart: m.index + m[1]!.length + m[2]!.length, method: m[3]! });
      }
    } finally {
      tree.delete();
    }
  }
}

/** The key of a pair / keyword argument as the tree tells it (undefined: not a plain key). */
function treeKey(src: Src, item: Node): string | undefined {
  const k = item.type === 'keyword_argument' ? item.childForFieldName('name') : item.childForFieldName('key');
  if (!k) return undefined;
  if (k.type === 'property_identifier' || k.type === 'identifier') return k.text;
  return stringLiteral(src, k)?.value;
}

describe('keyFromSource: reading a key from the source agrees with the tree', () => {
  it('on every item of every error-free object, dict and Python argument list (fixtures + 400 mutants)', async () => {
    let hits = 0;
    let declined = 0;
    for (const { text, language } of corpus(400)) {
      const tree = await pool.parse(text, language);
      const src = srcOf(text, tree.rootNode, language);
      setCurrentText(text);
      try {
        for (const n of nodes(tree.rootNode)) {
          const kwargs = src.py && n.type === 'argument_list';
          if (n.type !== 'object' && n.type !== 'dictionary' && !kwargs) continue;
          if (n.hasError) continue; // the analyzer never takes the shortcut there
          for (const item of n.namedChildren as Node[]) {
            if (item.type === 'comment') continue;
            const k = keyFromSource(text, item.startIndex, src.py, kwargs ? '=' : ':');
            if (k === null) { declined++; continue; }
            hits++;
            const where = `${language} item ${JSON.stringify(item.text.slice(0, 40))}`;
            expect(item.type, where).toBe(kwargs ? 'keyword_argument' : 'pair');
            expect(k, where).toBe(treeKey(src, item));
          }
        }
      } finally {
        setCurrentText(undefined);
        tree.delete();
      }
    }
    // The shortcut is taken for most keys and declines the rest.
    expect(hits).toBeGreaterThan(2000);
    expect(declined).toBeGreaterThan(100);
  }, 120_000);

  it('declines what only the tree can tell', () => {
    const no = (text: string, py = false, sep: ':' | '=' = ':') => expect(keyFromSource(text, 0, py, sep), text).toBeNull();
    const yes = (text: string, key: string, py = false, sep: ':' | '=' = ':') => expect(keyFromSource(text, 0, py, sep), text).toBe(key);
    yes('model: x', 'model');
    yes("'max_tokens' : 5", 'max_tokens');
    yes('"model": "x"', 'model', true);
    yes('max_tokens=5', 'max_tokens', true, '=');
    yes('$ok: 1', '$ok');
    no('model /* why */: x'); // a comment before the colon
    no("'a\\'b': 1"); // an escaped quote
    no("'mod\\u0065l': 1"); // an escape
    no('"a" "b": 1', true); // implicit concatenation
    no('f"a": 1', true); // a string prefix
    no('"""a""": 1', true); // triple quotes
    no('[k]: 1'); // computed
    no('1: x'); // number key
    no('model,'); // shorthand property
    no('create() {}'); // method
    no('async create() {}');
    no('...rest');
    no('**kw', true);
    no('x == 1', true, '='); // a comparison, not a keyword argument
    no("'model'=1", true, '='); // strings are never keyword names
    no('model\n: 1'); // the separator must be on the same line
  });
});

describe('calleeAt: the one-descent path finds what the climb from the method finds', () => {
  it('for every `messages|completions.method` in the fixtures and 400 mutants', async () => {
    let compared = 0;
    let found = 0;
    const key = (x: { member: Node; call: Node } | undefined) =>
      x ? `${x.call.type}@${x.call.startIndex}-${x.call.endIndex} ${x.member.type}@${x.member.startIndex}-${x.member.endIndex}` : 'none';
    await forEachMethodName(400, ({ src, text, language, resStart, mStart, method }) => {
      const fast = calleeAt(src, resStart, mStart, method);
      expect(key(fast), `${language}: ${text.slice(resStart, resStart + 60)}`).toBe(key(calleeByClimb(src, mStart, method)));
      compared++;
      if (fast) found++;
    });
    expect(compared).toBeGreaterThan(500);
    expect(found).toBeGreaterThan(300);
  }, 120_000);
});

describe('siteFromSource: a call site read from the source is the one the tree finds', () => {
  it('for every `messages|completions.method(` in the fixtures and 400 mutants, when the source answers', async () => {
    let fromSource = 0;
    let declined = 0;
    const key = (x: SitePlace | undefined) => x
      ? `${x.call.startIndex}-${x.call.endIndex} args ${x.args.startIndex}-${x.args.endIndex} ${x.args.type} receiver ${x.recText} beta ${x.beta} withOptions ${!!x.withOptions}`
      : 'none';
    await forEachMethodName(400, ({ src, text, language, resStart, resName, mStart, method }) => {
      const quick = siteFromSource(src, resStart, mStart, method);
      if (!quick) { declined++; return; }
      fromSource++;
      const fromTree = siteFromTree(src, resStart, resName, mStart, method, false);
      expect(key(quick), `${language}: ${text.slice(resStart - 20, resStart + 60)}`).toBe(key(fromTree));
      // the receiver was a plain name: nothing a constructor lookup would read from its node
      expect(['identifier', 'this', 'super'], text.slice(fromTree!.receiver!.startIndex, fromTree!.receiver!.endIndex)).toContain(fromTree!.receiver!.type);
    });
    expect(fromSource).toBeGreaterThan(300);
    expect(declined).toBeGreaterThan(50);
  }, 120_000);
});

describe('odd call shapes still analyze like ordinary ones', () => {
  const head = `import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\n`;
  const rulesOf = async (body: string) => (await analyzer().analyze(head + body, { language: 'typescript', sdk: { ts: 1 } })).map((f) => f.rule).sort();
  const retired = `{ model: 'claude-3-opus-20240229', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }`;

  it('generic, optional, spaced and commented calls are found', async () => {
    for (const call of [
      `client.messages.create<Foo>(${retired});`,
      `client.messages?.create(${retired});`,
      `client.messages.create\n  (${retired});`,
      `client.messages.create /* go */ (${retired});`,
      `client.messages . create(${retired});`,
    ]) {
      expect(await rulesOf(call + '\n'), call).toContain('retired-model');
    }
  });

  it('a longer name ending in messages is not the messages resource', async () => {
    expect(await rulesOf(`client.$messages.create(${retired});\n`)).not.toContain('retired-model');
    expect(await rulesOf(`client.my_messages.create(${retired});\n`)).not.toContain('retired-model');
  });

  it('keys the source cannot tell are still read from the tree', async () => {
    // the model key is written with an escape and a comment: the tree reads both
    const rules = await rulesOf(`client.messages.create({ 'mod\\u0065l': 'claude-3-opus-20240229', max_tokens /* n */ : 5, messages: [{ role: 'user', content: 'x' }] });\n`);
    expect(rules).toContain('retired-model');
    expect(rules).not.toContain('missing-max-tokens');
  });

  it('a broken object is read from the tree (no shortcut inside a syntax error)', async () => {
    const rules = await rulesOf(`client.messages.create({ model: 'claude-3-opus-20240229', max_tokens: , messages: [{ role: 'user', content: 'x' }] });\n`);
    expect(rules).toContain('retired-model');
  });
});
