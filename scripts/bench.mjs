#!/usr/bin/env node
// `npm run bench [-- NAME…]`: runs every bench/*.ts (except common.ts) with tsx, one process each,
// one after the other (they measure time: never in parallel). Each benchmark prints its tables and
// writes bench/results/<name>.json; this script closes with a summary of every goal.
// Benchmarks are not tests: a missed goal is reported, not failed. Exit 1 only if one crashed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const only = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && f !== 'common.ts' && f !== 'sources.ts') // (shared helpers, not benchmarks)
  .map((f) => basename(f, '.ts'))
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark matches ${only.join(', ')}`);
  process.exit(2);
}

const tsx = join('node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
const summary = [];
let crashed = 0;
for (const name of benches) {
  console.log(`\n=== bench/${name}.ts ${'='.repeat(Math.max(0, 60 - name.length))}`);
  const started = Date.now();
  const r = spawnSync(tsx, [join('bench', `${name}.ts`)], { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    crashed++;
    summary.push({ name, goal: '(benchmark crashed)', measured: `exit ${r.status ?? r.signal}`, target: '', met: 'NO' });
    continue;
  }
  const file = join('bench', 'results', `${name}.json`);
  if (!existsSync(file)) continue;
  const res = JSON.parse(readFileSync(file, 'utf8'));
  for (const g of res.goals ?? []) {
    summary.push({ name, goal: g.name, measured: `${Number(g.value).toFixed(2)}${g.unit ? ` ${g.unit}` : ''}`, target: g.goal, met: g.pass ? 'yes' : 'NO' });
  }
  console.log(`(${name}: ${secs}s)`);
}

const cols = ['name', 'goal', 'measured', 'target', 'met'];
const widths = cols.map((c) => Math.max(c.length, ...summary.map((s) => String(s[c]).length)));
console.log('\n=== Summary ' + '='.repeat(60));
console.log(cols.map((c, i) => c.padEnd(widths[i])).join('  '));
for (const s of summary) console.log(cols.map((c, i) => String(s[c]).padEnd(widths[i])).join('  '));
process.exit(crashed ? 1 : 0);
