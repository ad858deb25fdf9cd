/** Shared test helpers: one analyzer, fixtures with inline expectations, syntax checks. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAnalyzer, languageFromPath, type Analyzer } from '../../../src/core/analyzer/index';
import { ParserPool, type Node } from '../../../src/core/analyzer/parser';
import type { AnalyzeOptions, AnalyzerLanguage, Finding } from '../../../src/core/analyzer/types';
import { mulberry32 } from '../../../src/core/util/random';

export const ROOT = resolve(__dirname, '../../..');
export const FIXTURES = join(ROOT, 'test/fixtures/analyzer');

let shared: Analyzer | undefined;
export function analyzer(): Analyzer {
  shared ??= createAnalyzer();
  return shared;
}

const pool = new ParserPool();

export interface Fixture {
  name: string;
  path: string;
  text: string;
  language: AnalyzerLanguage;
  options: AnalyzeOptions;
  /** "line:rule" for every `expect:` marker (1-based lines). */
  expected: string[];
}

/**
 * Fixture format: an optional first-line comment `options: {json}` (merged into AnalyzeOptions),
 * and `expect: rule[, rule…]` in a comment at the end of each line where a finding must start.
 * Every other line must have no finding at all.
 */
export function loadFixture(path: string): Fixture {
  const text = readFileSync(path, 'utf8');
  const language = languageFromPath(path)!;
  const first = text.split('\n', 1)[0]!;
  const om = /options:\s*(\{.*\})\s*$/.exec(first);
  const extra = om ? (JSON.parse(om[1]!) as Partial<AnalyzeOptions>) : {};
  const expected: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /(?:\/\/|#)\s*expect:\s*([\w\-, ]+?)\s*$/.exec(line);
    if (m) for (const r of m[1]!.split(/\s*,\s*/)) if (r) expected.push(`${i + 1}:${r}`);
  });
  return { name: path.slice(FIXTURES.length + 1), path, text, language, options: { language, ...extra }, expected: expected.sort() };
}

export function fixtures(filter?: (name: string) => boolean): Fixture[] {
  const out: Fixture[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (languageFromPath(p)) out.push(loadFixture(p));
    }
  };
  walk(FIXTURES);
  return out.filter((f) => !filter || filter(f.name)).sort((a, b) => a.name.localeCompare(b.name));
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function actual(text: string, findings: readonly Finding[]): string[] {
  return findings.map((f) => `${lineOf(text, f.start)}:${f.rule}`).sort();
}

/** Number of ERROR / MISSING nodes in the parse of `text`. */
export async function syntaxErrors(text: string, language: AnalyzerLanguage): Promise<number> {
  const tree = await pool.parse(text, language);
  try {
    if (!tree.rootNode.hasError) return 0;
    let n = 0;
    const cursor = tree.walk();
    let more = true;
    while (more) {
      const node: Node = cursor.currentNode;
      if (node.isError || node.isMissing) n++;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) { more = false; break; }
      }
    }
    cursor.delete();
    return n;
  } finally {
    tree.delete();
  }
}

/** Which of these Python sources CPython's own parser accepts (one python3 process for all). */
export function pythonParses(sources: readonly string[]): boolean[] {
  if (sources.length === 0) return [];
  const script = 'import ast,sys,json\nout=[]\nfor s in json.load(sys.stdin):\n  try:\n    ast.parse(s); out.append(True)\n  except Exception:\n    out.append(False)\nprint(json.dumps(out))';
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(sources), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as boolean[];
}

/** A small seeded PRNG (mulberry32). */
export const rng = mulberry32;

const TOKENS = ['(', ')', '{', '}', '[', ']', ',', ':', '=', '"', "'", '`', '\n', '    ', '...', '**', 'messages', 'model', 'max_tokens', 'await ', 'try', 'catch', 'except', 'claude-3-opus-20240229', 'sk-ant-api03-', '0', '#', '//', '${', '\\'];

/** Random structural damage: delete/duplicate/move spans, insert tokens, swap lines. */
export function mutate(text: string, r: () => number): string {
  let t = text;
  const ops = 1 + Math.floor(r() * 4);
  for (let k = 0; k < ops; k++) {
    const a = Math.floor(r() * (t.length + 1));
    const len = Math.floor(r() * 40);
    const b = Math.min(t.length, a + len);
    switch (Math.floor(r() * 5)) {
      case 0: t = t.slice(0, a) + t.slice(b); break;
      case 1: t = t.slice(0, b) + t.slice(a, b) + t.slice(b); break;
      case 2: t = t.slice(0, a) + TOKENS[Math.floor(r() * TOKENS.length)] + t.slice(a); break;
      case 3: {
        const lines = t.split('\n');
        const i = Math.floor(r() * lines.length);
        const j = Math.floor(r() * lines.length);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        t = lines.join('\n');
        break;
      }
      default: t = t.slice(0, a) + t.slice(b, b + len) + t.slice(a, b) + t.slice(b + len);
    }
  }
  return t;
}
