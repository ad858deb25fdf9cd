#!/usr/bin/env node
// `npm test`: the static checks (`tsc -b` over every layer's tsconfig, the import boundaries of
// .dependency-cruiser.cjs), the build, then unit tests (vitest), integration tests in a real VS
// Code host, and UI tests in Chromium. Each suite writes `.test-artifacts/<suite>.json` = {passed, failed}; this
// script adds them up and prints one closing line `N passed, N failed`. Exit 1 on any failure.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const only = process.argv.slice(2); // e.g. `npm test -- unit`
// A static check counts as one test: passed when it exits 0.
const checks = [
  { name: 'types', script: 'typecheck' },
  { name: 'boundaries', script: 'lint:deps' },
].filter((s) => pkg.scripts[s.script] && (only.length === 0 || only.includes(s.name)));
const suites = [
  { name: 'unit', script: 'test:unit' },
  { name: 'integration', script: 'test:integration' },
  { name: 'ui', script: 'test:ui' },
].filter((s) => pkg.scripts[s.script] && (only.length === 0 || only.includes(s.name)));

mkdirSync('.test-artifacts', { recursive: true });
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env });

let passed = 0;
let failed = 0;
const lines = [];
for (const check of checks) {
  const started = Date.now();
  const r = run('npm', ['run', '-s', check.script]);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const ok = r.status === 0;
  if (ok) passed++; else failed++;
  lines.push(`${check.name}: ${ok ? 'passed' : 'FAILED'} (${secs}s)`);
}

const build = run('npm', ['run', '-s', 'build']);
if (build.status !== 0) {
  console.error('build failed');
  for (const l of lines) console.log(l);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}

for (const suite of suites) {
  const out = `.test-artifacts/${suite.name}.json`;
  rmSync(out, { force: true });
  const started = Date.now();
  const r = run('npm', ['run', '-s', suite.script]);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  let counts = { passed: 0, failed: 0 };
  if (existsSync(out)) {
    try { counts = JSON.parse(readFileSync(out, 'utf8')); } catch { /* unreadable: counted below */ }
  }
  // A suite that exits non-zero with no failure counted still failed (e.g. host never came up).
  if (r.status !== 0 && !counts.failed) counts.failed = 1;
  passed += counts.passed;
  failed += counts.failed;
  lines.push(`${suite.name}: ${counts.passed} passed, ${counts.failed} failed (${secs}s)`);
}
console.log('');
for (const l of lines) console.log(l);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
