/**
 * Hostile file shapes, side by side in one run (the analyzer as it ships: bundled and minified):
 *
 * 1. One-line minified files of 0.5, 1 and 2 MB full of Claude calls (every call has findings and
 *    quick fixes, so every line-start lookup runs): analysis vs a bare parse of the same text, and
 *    how time grows with size. Goals: analysis ≤ 1.5× the parse at 2 MB; 1 MB → 2 MB grows ≤ 2.3×
 *    (linear, where a rescan of the line per lookup grows ~4×).
 * 2. 10,000 levels of nesting (arrays, parentheses, objects, blocks, calls) in a file whose other
 *    calls have findings: the analysis finishes and keeps every finding a shallow copy of the file has.
 *
 * `npx tsx bench/shapes.ts [--quick]`
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import type { AnalyzeOptions } from '../src/core/analyzer/types';
import { fmt, goal, median, now, printGoals, table, writeResults, type Goal } from './common';

const QUICK = process.argv.includes('--quick');
const ROOT = resolve(__dirname, '..');

type AnalyzerModule = typeof import('../src/core/analyzer/index');

async function shipped(): Promise<AnalyzerModule> {
  const dir = join(ROOT, '.cache', `bench-shapes-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'analyzer.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'src/core/analyzer/index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', minify: true, legalComments: 'none', logLevel: 'silent',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as AnalyzerModule;
}

/** A minified bundle: one line, `bytes` long, a Claude call with three findings every ~640 bytes. */
function minified(bytes: number): string {
  const parts = ["import Anthropic from '@anthropic-ai/sdk';const client=new Anthropic();"];
  let len = parts[0]!.length;
  for (let i = 0; len < bytes; i++) {
    const p = `async function h${i}(x){try{return await client.messages.create({model:'claude-3-opus-20240229',messages:[{role:'system',content:'a'},{role:'user',content:x}]})}catch(e){return null}}var v${i}=${'1+'.repeat(180)}1;`;
    parts.push(p);
    len += p.length;
  }
  return parts.join('');
}

const DEEP_HEAD = "import Anthropic from '@anthropic-ai/sdk';\nconst client = new Anthropic();\nclient.messages.create({ model: 'claude-3-opus-20240229', messages: [{ role: 'user', content: 'x' }] });\n";
function deep(shape: string, d: number): string {
  const call = "client.messages.create({ model: 'claude-3-opus-20240229', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })";
  switch (shape) {
    case 'arrays': return `${DEEP_HEAD}const deep = ${'['.repeat(d)}${']'.repeat(d)};\n`;
    case 'parentheses': return `${DEEP_HEAD}const deep = ${'('.repeat(d)}1${')'.repeat(d)};\n`;
    case 'objects': return `${DEEP_HEAD}const deep = ${'{a:'.repeat(d)}1${'}'.repeat(d)};\n`;
    case 'blocks': return `${DEEP_HEAD}${'if (x) {'.repeat(d)}${call};${'}'.repeat(d)}\n`;
    default: return `${DEEP_HEAD}const deep = ${'f('.repeat(d)}${call}${')'.repeat(d)};\n`;
  }
}

async function main(): Promise<void> {
  const goals: Goal[] = [];
  const { createAnalyzer } = await shipped();
  const analyzer = createAnalyzer();
  const opts: AnalyzeOptions = { language: 'javascript' };
  await analyzer.parseOnly('const x = 1;\n', 'javascript');
  const reps = QUICK ? 3 : 7;

  // 1. Long lines.
  const sizes = [0.5, 1, 2];
  const rows: (string | number)[][] = [];
  const analysisMs = new Map<number, number>();
  let ratioAt2 = NaN;
  for (const mb of sizes) {
    const text = minified(mb * 1024 * 1024);
    const findings = (await analyzer.analyze(text, opts)).length; // warm-up
    const parse: number[] = [];
    const full: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t = now();
      await analyzer.parseOnly(text, 'javascript');
      const p = now() - t;
      t = now();
      await analyzer.analyze(text, opts);
      const a = now() - t;
      parse.push(p);
      full.push(a);
      ratios.push(a / p);
    }
    analysisMs.set(mb, median(full));
    if (mb === 2) ratioAt2 = median(ratios);
    rows.push([`${mb} MB`, text.length.toLocaleString('en-US'), String(findings), median(parse), median(full), `${fmt(median(ratios), 3)}×`]);
  }
  table('One-line minified JavaScript (shipped bundle)', ['size', 'chars', 'findings', 'parse p50 ms', 'analysis p50 ms', 'analysis / parse'], rows);
  const growth = analysisMs.get(2)! / analysisMs.get(1)!;
  console.log(`growth of analysis time 1 MB → 2 MB: ${fmt(growth, 2)}× (linear: 2×; a rescan per lookup: ~4×)`);
  goals.push(goal('analysis / parse, 2 MB one-line minified file', ratioAt2, '×', '<=', 1.5));
  goals.push(goal('analysis time growth, 1 MB → 2 MB one-line file', growth, '×', '<=', 2.3));

  // 2. Deep nesting.
  const depth = 10_000;
  const deepRows: (string | number)[][] = [];
  let allKept = true;
  for (const shape of ['arrays', 'parentheses', 'objects', 'blocks', 'calls']) {
    const shallow = (await analyzer.analyze(deep(shape, 3), opts)).map((f) => f.rule).sort();
    const t = now();
    let got: string[];
    let note = '';
    try {
      got = (await analyzer.analyze(deep(shape, depth), opts)).map((f) => f.rule).sort();
    } catch (e) {
      got = [];
      note = `threw: ${(e as Error).message.slice(0, 60)}`;
    }
    const ms = now() - t;
    const kept = JSON.stringify(got) === JSON.stringify(shallow);
    allKept &&= kept;
    deepRows.push([shape, depth.toLocaleString('en-US'), ms, String(shallow.length), String(got.length), kept ? 'yes' : `NO ${note}`]);
  }
  table(`${depth.toLocaleString('en-US')} levels of nesting`, ['shape', 'depth', 'analysis ms', 'findings (depth 3)', 'findings (deep)', 'same findings'], deepRows);
  goals.push(goal('deep nesting: every shape keeps the shallow file\'s findings (1 = yes)', allKept ? 1 : 0, '', '>=', 1));

  printGoals(goals);
  writeResults('shapes', { sizes, analysisMs: Object.fromEntries(analysisMs), ratioAt2, growth, deep: deepRows, goals });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
