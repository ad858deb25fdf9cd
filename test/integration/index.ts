/**
 * Entry point the extension host loads (`extensionTestsPath`): runs every mocha suite
 * `out/test/integration/*.test.js` next to this bundle, inside the real extension host with the
 * real `vscode` API. Suites are found at run time by reading this folder, so adding one is a
 * matter of dropping `test/integration/<feature>.test.ts` into the repo (esbuild bundles it).
 *
 * Results go to the console (forwarded to the runner through `codeAutomationLog`) and to a JSON
 * file, so a failure is readable even without the browser. Pending (skipped) tests count as
 * failures: the house rules forbid skipped tests.
 */
import Mocha from 'mocha';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface IntegrationResult {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  suites: string[];
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }[];
}

const repoRoot = resolve(__dirname, '..', '..', '..');

function resultFile(): string {
  return process.env.CLAUDE_DOCTOR_IT_RESULTS || join(repoRoot, '.test-artifacts', 'integration-host.json');
}

export async function run(): Promise<void> {
  const started = Date.now();
  // Stack traces point at test/integration/*.ts, not at the bundles.
  process.setSourceMapsEnabled?.(true);
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    // The host shares 2 cores with other work: generous per-test budget, suites may lower it.
    timeout: Number(process.env.CLAUDE_DOCTOR_IT_TIMEOUT_MS) || 30_000,
    grep: process.env.CLAUDE_DOCTOR_IT_GREP || undefined,
    // House rules: no focused and no skipped tests.
    forbidOnly: true,
    forbidPending: true,
    reporter: function ConsoleReporter(runner: Mocha.Runner) {
      runner.on('suite', (s) => { if (s.title) console.log(`${'  '.repeat(depth(s))}${s.title}`); });
      runner.on('pass', (t) => console.log(`${'  '.repeat(depth(t))}✓ ${t.title} (${t.duration ?? 0} ms)`));
      runner.on('fail', (t, err) => console.log(`${'  '.repeat(depth(t))}✗ ${t.title}\n${indent(errorText(err), depth(t) + 2)}`));
      runner.on('pending', (t) => console.log(`${'  '.repeat(depth(t))}- SKIPPED (not allowed) ${t.title}`));
    } as unknown as Mocha.ReporterConstructor,
  });

  // The page forwards the whole workbench console to the runner, which prints what comes between
  // these markers (the extension host ignores reassigning console methods, so lines can't be tagged).
  console.log(BEGIN_MARK);
  const here = __dirname;
  const suites = readdirSync(here).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of suites) mocha.addFile(join(here, f));

  const result: IntegrationResult = { passed: 0, failed: 0, pending: 0, durationMs: 0, suites, tests: [] };
  const write = () => {
    result.durationMs = Date.now() - started;
    const file = resultFile();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  };

  try {
    await new Promise<void>((resolveRun, rejectRun) => {
      let runner: Mocha.Runner;
      try {
        runner = mocha.run(() => resolveRun());
      } catch (e) {
        rejectRun(e);
        return;
      }
      runner.on('pass', (t) => { result.passed++; result.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }); });
      runner.on('fail', (t, err) => { result.failed++; result.tests.push({ title: t.fullTitle(), state: 'failed', error: errorText(err) }); });
      runner.on('pending', (t) => { result.pending++; result.tests.push({ title: t.fullTitle(), state: 'pending' }); });
    });
  } catch (e) {
    // A suite that throws while loading is a failure, not a silent zero.
    result.failed++;
    result.tests.push({ title: 'loading the suites', state: 'failed', error: errorText(e) });
    console.log(`✗ loading the suites\n${errorText(e)}`);
  }
  write();
  const failed = result.failed + result.pending;
  console.log(END_MARK);
  console.log(`${result.passed} passed, ${failed} failed`);
  if (result.passed + failed === 0) throw new Error('no integration tests ran');
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
}

export const BEGIN_MARK = '[claude-doctor-it] begin';
export const END_MARK = '[claude-doctor-it] end';

function depth(r: Mocha.Runnable | Mocha.Suite): number {
  let d = 0;
  for (let p = r.parent; p && !p.root; p = p.parent) d++;
  return d;
}

function indent(s: string, n: number): string {
  return s.split('\n').map((l) => '  '.repeat(n) + l).join('\n');
}

function errorText(e: unknown): string {
  if (e instanceof Error) return (e.stack || `${e.name}: ${e.message}`).split('\n').slice(0, 12).join('\n');
  return String(e);
}
