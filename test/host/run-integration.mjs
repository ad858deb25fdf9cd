#!/usr/bin/env node
// `npm run test:integration`: builds, starts code-server (the real VS Code 1.139.1 workbench and
// Node extension host) on 127.0.0.1, opens it in headless chromium with the test payload
// (extensionDevelopmentPath = this repo, extensionTestsPath = out/test/integration/index.js) and
// waits for `codeAutomationExit`. Prints `N passed, N failed`, writes
// .test-artifacts/integration.json = {passed, failed}; exits 1 on any failure, when the host does
// not come up, or on a timeout.
//   --no-build        skip `node esbuild.mjs`
//   --grep <text>     only tests whose full title contains <text> (mocha grep)
//   --timeout <ms>    deadline from opening the workbench to the tests' end (default 300000,
//                     env CLAUDE_DOCTOR_IT_DEADLINE_MS)
//   --keep-state      keep the host's state folder afterwards (it is kept on failure anyway)
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ROOT, ensureHost, freshWorkspace, launchBrowser, pruneStaleStates, startHost, stateDirs, TEST_SETTINGS, workbenchUrl,
} from './host.mjs';

// test/integration/index.ts prints these around the run; the workbench's own chatter is filtered.
const BEGIN_MARK = '[claude-doctor-it] begin';
const END_MARK = '[claude-doctor-it] end';
const WORKBENCH_NOISE = [
  /^Ignoring fetching additional builtin extensions/, /^Updating additional builtin extensions cache/,
  /^\[AccountPolicyGate\]/, /^Timed out waiting for authentication provider/, /^\[AgentHost/,
  /^Creation of workbench contribution/, /^\[Service Worker\]/, /^Creating a socket/,
];
const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const deadlineMs = Number(opt('--timeout') ?? process.env.CLAUDE_DOCTOR_IT_DEADLINE_MS ?? 300_000);
const artifacts = join(ROOT, '.test-artifacts');
const countsFile = join(artifacts, 'integration.json');
mkdirSync(artifacts, { recursive: true });
rmSync(countsFile, { force: true });

const started = Date.now();
const secs = () => ((Date.now() - started) / 1000).toFixed(1);
let host; let browser; let d;
let passed = 0; let failed = 0; let ok = false; let hostProblem = false;

function finish(code) {
  writeFileSync(countsFile, JSON.stringify({ passed, failed }) + '\n');
  console.log(`integration: ${secs()}s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = code;
}

async function main() {
  if (!argv.includes('--no-build')) {
    const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (b.status !== 0) throw new Error(`build failed (node esbuild.mjs):\n${b.stdout}${b.stderr}`);
  }
  const index = join(ROOT, 'out', 'test', 'integration', 'index.js');
  if (!existsSync(index)) throw new Error(`missing ${index}`);
  ensureHost();
  pruneStaleStates();
  d = stateDirs(`integration-${process.pid}`, { settings: TEST_SETTINGS });
  const workspace = freshWorkspace(d);
  const resultFile = join(d.root, 'result.json');
  process.env.CLAUDE_DOCTOR_IT_RESULTS = resultFile;
  if (opt('--grep')) process.env.CLAUDE_DOCTOR_IT_GREP = opt('--grep');

  host = await startHost(d, { folder: workspace, testDriver: true });
  console.log(`[integration] code-server ready at ${host.url} after ${secs()}s`);
  browser = await launchBrowser(d);
  const page = browser.pages()[0] ?? await browser.newPage();

  let exitCode;
  let resolveExit;
  const exited = new Promise((resolve) => { resolveExit = resolve; });
  await page.exposeFunction('codeAutomationExit', (code) => { exitCode = Number(code); resolveExit(); });
  // The page forwards every console line of the workbench and the extension host. All of it goes
  // to .test-artifacts/integration-host.log; the terminal shows the tests' own output, which
  // index.ts prints between its markers.
  const logFile = join(artifacts, 'integration-host.log');
  writeFileSync(logFile, '');
  let testsBegan = false;
  let printing = false;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    appendFileSync(logFile, `[${((Date.now() - started) / 1000).toFixed(1)}s ${type}] ${text}\n`);
    if (text.includes(BEGIN_MARK)) { testsBegan = true; printing = true; return; }
    if (text.includes(END_MARK)) { printing = false; return; }
    if (!printing || WORKBENCH_NOISE.some((r) => r.test(text))) return;
    (type === 'error' ? console.error : console.log)(text);
  });
  page.on('pageerror', (e) => console.error(`[workbench] page error: ${e.message}`));

  const url = workbenchUrl(host, workspace, {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: index,
  });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  // The deadline covers the tests, not a cold host install before them.
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), deadlineMs); });
  const outcome = await Promise.race([exited.then(() => 'exited'), timedOut, host.exited.then(() => 'host-exited')]);
  clearTimeout(timer);

  let result;
  if (existsSync(resultFile)) {
    try { result = JSON.parse(readFileSync(resultFile, 'utf8')); } catch { /* unreadable */ }
  }
  if (result) {
    passed = result.passed;
    failed = result.failed + result.pending;
    writeFileSync(join(artifacts, 'integration-host.json'), JSON.stringify(result, null, 2) + '\n');
  }
  if (!testsBegan) {
    hostProblem = true;
    console.error(`[integration] the tests never started: see ${logFile}`);
  }
  if (outcome === 'timeout') {
    console.error(`[integration] timed out after ${deadlineMs} ms without codeAutomationExit`);
    hostProblem = true;
    await page.screenshot({ path: join(artifacts, 'integration-timeout.png') }).catch(() => {});
    failed = Math.max(failed, 1);
    return 1;
  }
  if (outcome === 'host-exited') {
    console.error('[integration] code-server exited during the run');
    hostProblem = true;
    failed = Math.max(failed, 1);
    return 1;
  }
  if (!result) {
    console.error('[integration] the host exited without writing a result file');
    failed = Math.max(failed, 1);
    return 1;
  }
  if (exitCode !== 0 && failed === 0) failed = 1; // the host says it failed: never a silent pass
  ok = exitCode === 0 && failed === 0 && passed > 0;
  return ok ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`[integration] ${e instanceof Error ? e.message : e}`);
  hostProblem = true;
  failed = Math.max(failed, 1);
  code = 1;
} finally {
  await browser?.close().catch(() => {});
  if (host) {
    if (code !== 0 && hostProblem) console.error(`[integration] code-server output (tail):\n${host.output.slice(-40).join('')}`);
    await host.stop();
  }
  if (d && code === 0 && !argv.includes('--keep-state')) rmSync(d.root, { recursive: true, force: true });
  else if (d) console.error(`[integration] host state kept in ${d.root}`);
}
finish(code);
