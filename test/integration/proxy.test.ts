/**
 * The proxy in the real VS Code host (issue #15, "Done when"): `Start Proxy` against the built-in
 * simulator with 30 % 529 injected; a small app — the official TS SDK at its default settings,
 * in-process — runs through it; every attempt lands in the Error Log (redacted), and the report
 * card grades the SDK's behaviour (retries 529, narrow jitter, honours retry-after). A second app
 * with a fixed-sleep retry loop (maxRetries 0) gets the "no jitter" grade, linked to its rule doc.
 * Network: 127.0.0.1 only.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import * as vscode from 'vscode';
import type { ClaudeDoctorApi } from '../../src/extension/api';
import type { ProxyTestHooks } from '../../src/extension/proxy/index';
import { GLOBAL_HOOK, type ErrorLogHandle } from '../../src/extension/log/index';
import type { ReportCard } from '../../src/core/proxy/grade';
import type { LogEntry } from '../../src/core/log/types';

const repoRoot = resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; publisher: string };
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;
const CANARY_TAIL = `PROXYCANARY${randomBytes(12).toString('hex')}`;
const KEY = `sk-ant-api03-${CANARY_TAIL}-zz`;
const MODEL = 'claude-haiku-4-5';

let hooks: ProxyTestHooks;
let log: ErrorLogHandle;

const verdicts = (card: ReportCard) => Object.fromEntries(card.grades.map((g) => [g.id, g.verdict]));
const show = (card: ReportCard) => card.grades.map((g) => `${g.id}: ${g.verdict} — ${g.detail}`).join('\n');
const grade = (card: ReportCard, id: string) => card.grades.find((g) => g.id === id)!;

/**
 * Waits (at most 20 s) until this host's event loop is quiet: 20 timers of 10 ms each late by
 * under 15 ms. The app, the proxy and the simulator share this loop, and the grades read gaps
 * between attempts: a loop busy with startup work (the analyzer, another suite) smears them.
 */
async function quiet(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await new Promise((r) => setTimeout(r, 10));
      worst = Math.max(worst, performance.now() - t - 10);
    }
    if (worst < 15) return;
  }
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function start(faults: { scenario: string; rate?: number; next?: number } | null, openTerminal = false): Promise<string> {
  const base = await vscode.commands.executeCommand<string | undefined>('claudeDoctor.startProxy', { target: 'simulator', openTerminal, faults });
  assert.ok(base, 'Start Proxy returned no base URL');
  return base;
}

/** The Error Log entries of the exchanges the proxy saw in this session. */
async function logged(): Promise<LogEntry[]> {
  await hooks.proxyFlushLog();
  const ids = new Set(hooks.proxyExchanges().map((x) => `proxy-${x.id}`));
  return (await log.testing!.readAll()).filter((e) => ids.has(e.id));
}

describe('proxy (issue #15)', function () {
  this.timeout(120_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<ClaudeDoctorApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} not found`);
    const api = await ext.activate();
    assert.ok(api.proxyTesting, 'the proxy test hooks are missing (a test build carries them)');
    hooks = api.proxyTesting;
    log = (globalThis as Record<string, unknown>)[GLOBAL_HOOK] as ErrorLogHandle;
    assert.ok(log?.testing, 'no Error Log test handle');
  });

  after(async () => {
    await vscode.commands.executeCommand('claudeDoctor.stopProxy');
  });

  it('the SDK at its defaults through the proxy (30 % 529): attempts in the Error Log, retries + narrow jitter + retry-after graded', async () => {
    const base = await start({ scenario: 'overloaded', rate: 0.3 });
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{16,}$/);
    assert.equal(await vscode.env.clipboard.readText(), `export ANTHROPIC_BASE_URL=${base}`);
    assert.match(hooks.proxyStatusBar()?.text ?? '', /Proxy 0/);

    // The app: the official SDK, default settings (2 retries, its own backoff and jitter).
    const client = new Anthropic({ apiKey: KEY, baseURL: base });
    await quiet();
    const ask = (tag: string) => client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: tag }] });
    await Promise.all(Array.from({ length: 40 }, (_, i) => ask(`task ${i}`).catch(() => undefined)));

    // Set Proxy Faults while the app runs: the next 2 requests get a 429 with retry-after: 1.
    const plan = await vscode.commands.executeCommand('claudeDoctor.setProxyFaults', { scenario: 'rate-limited;retryAfter=1', next: 2 });
    assert.deepEqual(plan, { scenario: 'rate-limited;retryAfter=1', next: 2 });
    await Promise.all([0, 1].map((i) => ask(`ra ${i}`)));

    const seen = hooks.proxyExchanges();
    const entries = await logged();
    assert.equal(entries.length, seen.length, 'every exchange is one Error Log entry');
    const injected = entries.filter((e) => e.status === 529);
    assert.ok(injected.length >= 3, `few 529s injected: ${injected.length}`);
    assert.ok(injected.every((e) => e.scenario === 'overloaded' && e.proxy?.injected === 'overloaded' && e.category === 'overloaded' && e.retryable));
    assert.ok(entries.some((e) => e.status === 429 && e.proxy?.injected === 'rate-limited;retryAfter=1'));
    // Each of the 42 requests (one run each) ended in a success, or gave up after the SDK's 2 retries.
    const runs = new Map<string, LogEntry[]>();
    for (const e of [...entries].sort((a, b) => a.ts - b.ts)) runs.set(e.runId, [...(runs.get(e.runId) ?? []), e]);
    assert.equal(runs.size, 42);
    for (const [id, list] of runs) {
      const lastOne = list[list.length - 1]!;
      assert.ok(lastOne.ok || (list.length === 3 && lastOne.status === 529), `run ${id}: ${list.map((e) => e.status).join(', ')}`);
    }
    assert.ok(entries.some((e) => e.attempt > 1 && e.proxy?.retryCount === e.attempt - 1), 'retries numbered by the SDK\'s retry count');
    assert.ok(entries.every((e) => e.target === 'simulator' && e.model === MODEL && e.request.maxTokens === 8));
    // A request's attempts share a run id (the log's "Show this run").
    const retried = entries.find((e) => e.attempt === 2)!;
    assert.ok(entries.some((e) => e.runId === retried.runId && e.attempt === 1));
    assert.ok(!JSON.stringify(entries).includes(CANARY_TAIL), 'the key leaked into the Error Log');
    // The Error Log panel shows them like any attempt: "Show this run" lists one request's attempts;
    // Replay is refused (the app's body was never kept).
    const lt = log.testing!;
    lt.clearPosted();
    await log.show();
    await until('the Error Log panel\'s state', () => lt.posted().some((m) => m.type === 'state'));
    await lt.receive({ type: 'setFilter', filter: { runId: retried.runId } });
    const st = [...lt.posted()].reverse().find((m) => m.type === 'state');
    assert.ok(st && st.type === 'state');
    assert.deepEqual(st.rows.map((r) => r.id).sort(), entries.filter((e) => e.runId === retried.runId).map((e) => e.id).sort());
    assert.ok(st.rows.every((r) => r.target === 'simulator'));
    await lt.receive({ type: 'replay', id: retried.id });
    const note = [...lt.posted()].reverse().find((m) => m.type === 'notice');
    assert.ok(note && note.type === 'notice' && /through the Claude Doctor proxy/.test(note.notice?.text ?? ''), JSON.stringify(note));
    await lt.receive({ type: 'setFilter', filter: {} });
    lt.closePanel();
    // Counts and failures; the 2 scheduled faults are used up, so no fault mark.
    const item = hooks.proxyStatusBar();
    assert.match(item?.text ?? '', new RegExp(`^\\$\\(radio-tower\\) Proxy ${seen.length} \\$\\(warning\\)${entries.filter((e) => !e.ok).length}$`));
    assert.match(item?.tooltip ?? '', /No faults injected/);

    // The report card: the command, and the read-only document it previews.
    const card = await vscode.commands.executeCommand<ReportCard | undefined>('claudeDoctor.showProxyReportCard');
    assert.ok(card);
    assert.deepEqual(
      { retries: grade(card, 'retries-transient').verdict, jitter: grade(card, 'jitter').verdict, retryAfter: grade(card, 'retry-after').verdict, stacked: grade(card, 'no-stacked-retries').verdict },
      { retries: 'pass', jitter: 'pass', retryAfter: 'pass', stacked: 'pass' }, show(card));
    assert.match(grade(card, 'jitter').detail, /narrow jitter/, show(card));
    console.log(`    SDK defaults, ${seen.length} exchanges: ${grade(card, 'jitter').detail} ${grade(card, 'retry-after').detail}`);
    // The panel: a webview under the strict CSP that really renders the 7 grades.
    const html = hooks.proxyPanelHtml() ?? '';
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.ok(!html.includes(CANARY_TAIL));
    const shown = await until('the card to render', () => { const r = hooks.proxyRendered(); return r && r.exchanges === seen.length ? r : undefined; });
    assert.equal(shown.grades, 7);
    assert.ok(!shown.failing.includes('jitter') && !shown.failing.includes('retry-after'), shown.failing.join());
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'claude-doctor-proxy', path: '/Retry Report Card.md' }));
    const md = doc.getText();
    assert.match(md, /^# Claude Doctor: retry report card/);
    assert.match(md, new RegExp(`${seen.length} exchanges`));
    assert.ok(md.includes('| ✅ pass | Spreads its retries \\(jitter\\) |'), md);
    assert.ok(!md.includes(CANARY_TAIL));

    const final = await vscode.commands.executeCommand<ReportCard | undefined>('claudeDoctor.stopProxy');
    assert.equal(final?.exchanges, seen.length);
    assert.equal(hooks.proxyStatusBar(), undefined, 'the status bar item goes with the proxy');
    // The proxy is gone: its port refuses.
    await assert.rejects(fetch(`${base}/v1/messages`, { method: 'POST' }));
  });

  it('a fixed-sleep retry loop (maxRetries 0) gets the "no jitter" grade, linked to the rule doc', async () => {
    await vscode.commands.executeCommand('claudeDoctor.stopProxy'); // a fresh session, whatever the test before left
    // Deterministic: the first 6 requests to arrive get a 529, then everything is forwarded.
    const base = await start({ scenario: 'overloaded', next: 6 }, true);
    // The terminal it opens has ANTHROPIC_BASE_URL set to the proxy.
    const term = vscode.window.terminals.find((t) => t.name === 'Claude Doctor proxy');
    assert.ok(term, 'no proxy terminal');
    assert.equal((term.creationOptions as vscode.TerminalOptions).env?.ANTHROPIC_BASE_URL, base);
    const client = new Anthropic({ apiKey: KEY, baseURL: base, maxRetries: 0 });
    await quiet();
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: `loop ${i}` }] });
        } catch (e) {
          if (attempt >= 3) throw e;
          await new Promise((r) => setTimeout(r, 2000)); // long: timer noise stays under the grader's 5 % "lockstep" line
        }
      }
    }));
    const entries = await logged();
    assert.equal(entries.filter((e) => e.status === 529).length, 6);
    const card = hooks.proxyCard()!;
    assert.equal(verdicts(card)['retries-transient'], 'pass', show(card));
    assert.equal(grade(card, 'jitter').verdict, 'fail', show(card));
    assert.equal(grade(card, 'jitter').rule, 'retry-without-jitter');
    console.log(`    fixed-sleep loop: ${grade(card, 'jitter').detail}`);
    // The panel's link to the rule: opens the rule's own doc page, and only a rule the card names.
    await vscode.commands.executeCommand('claudeDoctor.showProxyReportCard');
    const shown = await until('the failing card to render', () => { const r = hooks.proxyRendered(); return r && r.failing.includes('jitter') ? r : undefined; });
    assert.deepEqual(shown.failing, ['jitter']);
    const opened = await hooks.proxyReceive({ type: 'openRule', rule: 'retry-without-jitter' });
    assert.ok(opened && existsSync(opened.fsPath) && opened.fsPath.endsWith(join('docs', 'rules', 'retry-without-jitter.md')), String(opened));
    assert.equal(await hooks.proxyReceive({ type: 'openRule', rule: 'no-retry' }), undefined, 'a rule the card does not name');
    assert.equal(await hooks.proxyReceive({ type: 'openRule', rule: '../../package' }), undefined);
    const md = hooks.proxyReportMarkdown()!;
    const link = /\[retry\\-without\\-jitter\]\(([^)]+)\)/.exec(md)?.[1];
    assert.ok(link, `no rule link in:\n${md}`);
    const file = vscode.Uri.parse(link).fsPath;
    assert.ok(existsSync(file), `the rule doc ${file} is missing`);
    assert.match(readFileSync(file, 'utf8'), /^# retry-without-jitter/);
    await vscode.commands.executeCommand('claudeDoctor.stopProxy');
    // Its ANTHROPIC_BASE_URL would point at a closed port: the terminal goes with the proxy.
    const t0 = Date.now();
    while (vscode.window.terminals.includes(term) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!vscode.window.terminals.includes(term), 'the proxy terminal outlived the proxy');
  });
  it('Set Proxy Faults: the quick pick (30 % of requests, then a scenario; Off)', async () => {
    await start(null);
    assert.equal(hooks.proxyFaults(), null);
    const step = async (cmd: string) => {
      await new Promise((r) => setTimeout(r, 400)); // the quick pick opens (or changes its items)
      await vscode.commands.executeCommand(cmd);
    };
    // Off, 10 %, 30 %, …: two down, accept; then the first scenario (overloaded).
    const picked = vscode.commands.executeCommand('claudeDoctor.setProxyFaults');
    await step('workbench.action.quickOpenSelectNext');
    await step('workbench.action.quickOpenSelectNext');
    await step('workbench.action.acceptSelectedQuickOpenItem');
    await step('workbench.action.acceptSelectedQuickOpenItem');
    assert.deepEqual(await picked, { scenario: 'overloaded', rate: 0.3 });
    assert.deepEqual(hooks.proxyFaults(), { scenario: 'overloaded', rate: 0.3 });
    assert.match(hooks.proxyStatusBar()?.text ?? '', /\$\(zap\)$/);
    const off = vscode.commands.executeCommand('claudeDoctor.setProxyFaults');
    await step('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await off, null);
    assert.equal(hooks.proxyFaults(), null);
    await vscode.commands.executeCommand('claudeDoctor.stopProxy');
  });
});
