/**
 * The connection feature inside a real VS Code extension host: every command, the key flow
 * (SecretStorage, never settings.json), the live panel's rows and verdict for the simulator
 * scenarios (read back from what the webview actually rendered), cancel, the status page on
 * loopback, state restored after hide/show, and a leak test with a canary key.
 * Network: 127.0.0.1 only (the built-in simulator, a private simulator, a private status page).
 */
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ClaudeDoctorApi } from '../../src/extension/api';
import type { ResultEvent } from '../../src/core/retry/events';
import type { LogEntry } from '../../src/core/log/types';
import type { PanelState } from '../../src/webview/connection/protocol';
import { startSimulator } from '../../src/core/simulator/index';
import { toCsv, toJson } from '../../src/core/log/query';

const repoRoot = resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; publisher: string };
const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;

/** A canary key: its distinctive tail must never show up anywhere. */
const CANARY_TAIL = `CANARY${randomBytes(12).toString('hex')}`;
const CANARY = `sk-ant-api03-${CANARY_TAIL}-zz`;
const FAST = { baseDelayMs: 20, maxDelayMs: 80, statusPage: true };

let api: ClaudeDoctorApi;
let statusServer: Server;
let statusUrl = '';
let statusHits = 0;
const runIds: string[] = [];

async function simulate(scenario: string, settings: Record<string, unknown> = {}): Promise<ResultEvent> {
  const r = await vscode.commands.executeCommand<ResultEvent | undefined>('claudeDoctor.testConnectionSimulator', { scenario, settings: { ...FAST, ...settings } });
  assert.ok(r, `no result for ${scenario}`);
  runIds.push(r.runId);
  return r;
}

/** Wait until the webview reports it rendered this run with `rows` rows and a final verdict. */
async function rendered(r: ResultEvent, rows: number) {
  return api.testing!.waitForRender((x) => x.runId === r.runId && x.rows === rows && x.verdict.includes(r.verdict.title), 15_000);
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

describe('connection', function () {
  this.timeout(60_000);

  before(async () => {
    const ext = vscode.extensions.getExtension<ClaudeDoctorApi>(EXTENSION_ID);
    assert.ok(ext, 'extension not found');
    api = await ext.activate();
    statusServer = createServer((req, res) => {
      statusHits++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: { indicator: 'minor', description: 'Loopback test incident' } }));
    });
    await new Promise<void>((r) => statusServer.listen(0, '127.0.0.1', r));
    statusUrl = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}/api/v2/status.json`;
    // The runner turns the status page off in the user settings (no internet); runs here turn it on
    // through their setting overrides, and it points at loopback.
    await api.testing!.setStatusUrl(statusUrl);
  });

  after(async () => {
    api?.testing!.closePanel();
    await vscode.commands.executeCommand('claudeDoctor.clearApiKey');
    await api?.testing!.setStatusUrl(undefined);
    await new Promise((r) => statusServer.close(r));
  });

  it('activates cheaply: nothing heavy loaded, activate() well under budget', async () => {
    assert.equal(typeof api.activationMs, 'number');
    const parts = Object.entries(api.activationBreakdownMs).map(([k, v]) => `${k} ${v.toFixed(2)} ms`).join(', ');
    console.log(`    activate() took ${api.activationMs.toFixed(2)} ms (goal <= 20 ms): ${parts}`);
    // Generous bounds: the 2 cores are shared with other work; the figure itself is reported above.
    assert.ok((api.activationBreakdownMs.connection ?? Infinity) < 100, `the connection feature took ${api.activationBreakdownMs.connection} ms to register`);
    assert.ok(api.activationMs < 1000, `activate() took ${api.activationMs} ms`);
    assert.equal(api.testing!.controllerLoaded(), false, 'the controller (SDK, simulator) must load on first use only');
    assert.equal(api.testing!.panelOpen(), false);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['testConnection', 'testConnectionSimulator', 'setApiKey', 'clearApiKey', 'checkStatus', 'cancelTest', 'showConnectionPanel', 'copyCurl']) {
      assert.ok(registered.has(`claudeDoctor.${id}`), `claudeDoctor.${id} not registered`);
    }
  });

  it('Set API Key stores the key in SecretStorage, never in settings.json', async () => {
    assert.equal(await vscode.commands.executeCommand('claudeDoctor.setApiKey', `  ${CANARY}  `), true);
    const settingsFile = join(dirname(dirname(api.testing!.globalStoragePath())), 'settings.json');
    assert.ok(existsSync(settingsFile), settingsFile);
    const text = readFileSync(settingsFile, 'utf8');
    assert.match(text, /claudeDoctor\.statusPage/, `${settingsFile} is not the user settings file`);
    assert.ok(!text.includes(CANARY_TAIL), 'the key leaked into settings.json');
    assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('claudeDoctor')).includes(CANARY_TAIL));
    // A key with a line break inside is refused.
    assert.equal(await vscode.commands.executeCommand('claudeDoctor.setApiKey', 'sk-ant-api03-abc\ndef'), false);
  });

  it('Test Claude Connection sends the stored key (a private simulator accepts only the canary)', async () => {
    const strict = await startSimulator({ port: 0, apiKey: CANARY });
    try {
      const r = await vscode.commands.executeCommand<ResultEvent>('claudeDoctor.testConnection', { settings: { ...FAST, target: 'api', baseUrl: strict.url } });
      runIds.push(r.runId);
      assert.equal(r.ok, true, r.verdict.summary);
      assert.equal(strict.stats().requests, 1);
      const s = await api.testing!.panelState();
      assert.equal(s.keyState, 'secret');
      assert.equal(s.run?.target, 'api');
      await rendered(r, 1);
    } finally {
      await strict.close();
    }
  });

  it('ok: one green row and a success verdict', async () => {
    const r = await simulate('ok');
    assert.equal(r.ok, true);
    const view = await rendered(r, 1);
    assert.deepEqual(view.chips, ['ok']);
    assert.equal(api.testing!.statusBar().text, '$(pass) Claude OK');
    const s = await api.testing!.panelState();
    assert.equal(s.attempts.length, 1);
    assert.equal(s.attempts[0]!.status, 200);
    assert.match(s.attempts[0]!.requestId ?? '', /^req_/);
    assert.equal(s.result?.ok, true);
    assert.ok(api.testing!.panelHtml()?.includes("script-src 'nonce-"), 'strict CSP with a nonce');
  });

  it('overloaded: two retryable 529 rows with backoffs, then success; the simulator\'s status page is read for context', async () => {
    const hits = statusHits;
    const r = await simulate('overloaded;count=2');
    assert.equal(r.ok, true);
    assert.equal(r.attempts, 3);
    const view = await rendered(r, 3);
    assert.deepEqual(view.chips, ['retryable', 'retryable', 'ok']);
    const s = await until('status page in panel state', async () => {
      const st = await api.testing!.panelState();
      return st.statusPage.state === 'ok' ? st : undefined;
    });
    // A simulated outage reads the simulator's status (issue #13), not the real page's stand-in.
    assert.equal(statusHits, hits, 'the (stand-in for the) real status page was contacted for a simulated run');
    assert.equal(s.statusPage.source, 'simulator');
    assert.equal(s.statusPage.indicator, 'minor');
    assert.equal(s.statusPage.description, 'Partially Degraded Service (simulated: scenario "overloaded;count=2")');
    assert.deepEqual(s.attempts.map((a) => a.status), [529, 529, 200]);
    for (const a of s.attempts.slice(0, 2)) {
      assert.equal(a.errorType, 'overloaded_error');
      assert.equal(a.backoff?.state, 'done');
      assert.equal(a.backoff?.reason, 'jitter');
      assert.ok((a.backoff?.actualMs ?? -1) >= 0);
    }
    assert.ok(s.rateLimit, 'rate-limit headroom from anthropic-ratelimit-* headers');
  });

  it('rate-limited: waits what retry-after-ms says, then succeeds', async () => {
    const r = await simulate('rate-limited;retryAfterMs=150');
    assert.equal(r.ok, true);
    await rendered(r, 2);
    const s = await api.testing!.panelState();
    const first = s.attempts[0]!;
    assert.equal(first.status, 429);
    assert.equal(first.chip, 'retryable');
    assert.equal(first.backoff?.reason, 'retry-after-ms');
    assert.ok(Math.abs((first.backoff?.plannedMs ?? 0) - 150) <= 1, `planned ${first.backoff?.plannedMs}`);
    assert.ok((first.backoff?.actualMs ?? 0) >= 140, `actual ${first.backoff?.actualMs}`);
  });

  it('spend-cap: one red row, never retried, the verdict names the monthly cap', async () => {
    const r = await simulate('spend-cap');
    assert.equal(r.ok, false);
    assert.equal(r.attempts, 1);
    const view = await rendered(r, 1);
    assert.deepEqual(view.chips, ['fatal']);
    const s = await api.testing!.panelState();
    assert.equal(s.attempts[0]!.errorCode, 'enforced_spend_limit_reached');
    assert.equal(s.result?.verdict.category, 'spend_cap');
    assert.equal(s.result?.verdict.fault, 'limit');
    assert.match(view.verdict, /account limit/i, 'whose fault, in plain words');
    const bar = api.testing!.statusBar();
    assert.equal(bar.text, '$(error) Claude 429');
    assert.match(bar.tooltip, /Monthly spend cap reached/);
  });

  it('timeout: each attempt hits the per-attempt timeout, network-coloured rows', async () => {
    const r = await simulate('timeout', { timeoutMs: 300, maxRetries: 1 });
    assert.equal(r.ok, false);
    const view = await rendered(r, 2);
    assert.deepEqual(view.chips, ['network', 'network']);
    const s = await api.testing!.panelState();
    assert.equal(s.result?.verdict.category, 'timeout');
    for (const a of s.attempts) assert.ok((a.latencyMs ?? 0) >= 250 && (a.latencyMs ?? 0) < 5000, `latency ${a.latencyMs}`);
  });

  it('stream-overloaded: an error inside a 200 stream, reported with the partial text', async () => {
    const r = await simulate('stream-overloaded;deltas=2', { stream: true });
    assert.equal(r.ok, false);
    const s0 = await api.testing!.panelState();
    await rendered(r, s0.attempts.length);
    const s = await api.testing!.panelState();
    assert.equal(s.run?.stream, true);
    const last = s.attempts[s.attempts.length - 1]!;
    assert.equal(last.status, null);
    assert.equal(last.category, 'stream_error');
    assert.equal(last.errorType, 'overloaded_error');
    assert.ok((last.partialTextLength ?? 0) > 0, 'partial text length');
    assert.equal(s.result?.verdict.category, 'stream_error');
  });

  it('stream-cut runs as a stream with claudeDoctor.stream off', async () => {
    const r = await simulate('stream-cut', { stream: false });
    assert.equal(r.ok, false);
    const s0 = await api.testing!.panelState();
    await rendered(r, s0.attempts.length);
    const s = await api.testing!.panelState();
    assert.equal(s.run?.stream, true, 'a stream scenario streams');
    assert.ok(s.attempts.every((a) => a.status === null), 'no plain HTTP error: the fault is inside the stream');
    assert.match(api.testing!.outputLines().join('\n'), /streaming \(stream-cut is a stream scenario\)/);
  });

  it('odd settings fall back to defaults, with a warning in the output channel', async () => {
    const r = await simulate('ok', { maxRetries: -3, jitter: 'wobbly', timeoutMs: 'soon' });
    assert.equal(r.ok, true);
    const s = await api.testing!.panelState();
    assert.equal(s.run?.maxRetries, 4);
    assert.equal(s.run?.jitter, 'full');
    assert.equal(s.run?.timeoutMs, 30_000, 'the request profile\'s per-attempt timeout');
    const out = api.testing!.outputLines().join('\n');
    assert.match(out, /claudeDoctor\.maxRetries: -3 is below the minimum 0; using the default 4/);
    assert.match(out, /claudeDoctor\.jitter: "wobbly" is not one of/);
    assert.match(out, /claudeDoctor\.timeoutMs: "soon" is not a number/);
    await rendered(r, 1);
  });

  it('401: runs the local key checklist, reporting only length and prefix', async () => {
    const r = await simulate('auth-error');
    assert.equal(r.ok, false);
    await rendered(r, 1);
    const s = await api.testing!.panelState();
    assert.ok(s.keyChecklist && s.keyChecklist.length >= 5, 'checklist shown');
    const present = s.keyChecklist.find((i) => i.id === 'present')!;
    assert.equal(present.outcome, 'pass');
    assert.ok(present.detail.includes(`${CANARY.length} characters`), present.detail);
    assert.ok(present.detail.includes('"sk-ant-api"'), present.detail);
    assert.equal(s.keyChecklist.find((i) => i.id === 'source')!.detail.includes('Set API Key'), true);
  });

  it('Cancel Test stops a run during its backoff at once', async () => {
    const running = vscode.commands.executeCommand<ResultEvent>('claudeDoctor.testConnectionSimulator',
      { scenario: 'overloaded;count=5', settings: { baseDelayMs: 20_000, maxDelayMs: 20_000, jitter: 'none', maxRetries: 3 } });
    await until('a waiting backoff', async () => {
      const s = await api.testing!.panelState();
      return s.attempts.some((a) => a.backoff?.state === 'waiting') ? true : undefined;
    });
    const t0 = Date.now();
    assert.equal(await vscode.commands.executeCommand('claudeDoctor.cancelTest'), true);
    const r = await running;
    runIds.push(r.runId);
    assert.ok(Date.now() - t0 < 2000, `cancel took ${Date.now() - t0} ms`);
    assert.equal(r.ok, false);
    assert.equal(r.verdict.category, 'aborted');
    const s = await api.testing!.panelState();
    assert.equal(s.running, false);
    assert.equal(s.attempts[0]!.backoff?.state, 'cancelled');
    // Neutral: nobody's fault, drawn as CANCELLED (not FAILED, no "Whose fault"), no error colour.
    assert.equal(r.verdict.fault, 'none');
    const view = await rendered(r, 1);
    assert.match(view.verdict, /^\s*CANCELLED\s+Cancelled/);
    assert.doesNotMatch(view.verdict, /FAILED|Whose fault|Your side|last answer/);
    assert.equal(api.testing!.statusBar().text, '$(circle-slash) Claude cancelled');
    assert.equal(await vscode.commands.executeCommand('claudeDoctor.cancelTest'), false, 'nothing left to cancel');
  });

  it('the panel state survives hiding and showing the panel (host re-sends on ready)', async () => {
    const r = await simulate('overloaded;count=1');
    await rendered(r, 2);
    const col = api.testing!.panelViewColumn();
    assert.ok(col !== undefined);
    const before = api.testing!.lastRendered()!.at;
    const file = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'package.json');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { viewColumn: col, preview: false }); // hides the panel (same group)
    await until('the panel hidden', () => (api.testing!.panelOpen() && !api.testing!.panelVisible() ? true : undefined));
    await vscode.commands.executeCommand('claudeDoctor.showConnectionPanel');
    const again = await api.testing!.waitForRender((x) => x.at > before && x.runId === r.runId, 15_000);
    assert.equal(again.rows, 2);
    assert.ok(again.verdict.includes(r.verdict.title));
  });

  it('Check Claude Status: the simulator\'s page with the simulator as target; for the API the setting turns it off; on, it reads the (loopback) status page; offline is a plain result', async () => {
    // The runner's user settings say claudeDoctor.statusPage: false: nothing may be contacted.
    assert.equal(vscode.workspace.getConfiguration('claudeDoctor').get('statusPage'), false);
    const hits = statusHits;
    // The demo workspace targets the simulator: its status page, for the simulated run on display.
    assert.equal(vscode.workspace.getConfiguration('claudeDoctor').get('target'), 'simulator');
    const shown = (await api.testing!.panelState()).run;
    assert.equal(shown?.target, 'simulator');
    const sim = await vscode.commands.executeCommand<{ kind: string; description?: string; url?: string }>('claudeDoctor.checkStatus');
    assert.equal(sim.kind, 'ok');
    assert.ok(sim.url?.startsWith('http://127.0.0.1:'), sim.url);
    assert.ok(sim.description?.includes(`(simulated: scenario "${shown?.scenario}")`), sim.description);
    assert.equal(statusHits, hits);
    assert.equal((await api.testing!.panelState()).statusPage.source, 'simulator');
    const disabled = await vscode.commands.executeCommand<{ kind: string }>('claudeDoctor.checkStatus', { settings: { target: 'api' } });
    assert.equal(disabled.kind, 'disabled');
    assert.equal(statusHits, hits);
    assert.equal((await api.testing!.panelState()).statusPage.state, 'disabled');
    const on = { settings: { statusPage: true, target: 'api' } };
    const ok = await vscode.commands.executeCommand<{ kind: string; indicator?: string; description?: string }>('claudeDoctor.checkStatus', on);
    assert.equal(ok.kind, 'ok');
    assert.equal(ok.indicator, 'minor');
    assert.equal(statusHits, hits + 1);
    const s = await api.testing!.panelState();
    assert.equal(s.statusPage.description, 'Loopback test incident');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/status.json`;
    await new Promise((r) => probe.close(r));
    await api.testing!.setStatusUrl(dead);
    try {
      const off = await vscode.commands.executeCommand<{ kind: string; message?: string }>('claudeDoctor.checkStatus', on);
      assert.equal(off.kind, 'offline');
      assert.match(off.message ?? '', /offline/);
    } finally {
      await api.testing!.setStatusUrl(statusUrl);
    }
  });

  it('Copy as cURL: the key is $ANTHROPIC_API_KEY, on the clipboard too', async () => {
    const text = await vscode.commands.executeCommand<string>('claudeDoctor.copyCurl');
    assert.ok(text && text.startsWith('curl '));
    assert.ok(text.includes('$ANTHROPIC_API_KEY'));
    assert.ok(text.includes('x-simulate-scenario'));
    assert.ok(!text.includes(CANARY_TAIL));
    const clip = await vscode.env.clipboard.readText();
    assert.equal(clip, text);
  });

  it('writes every attempt of every run to the error log', async () => {
    const path = api.testing!.errorLogPath();
    const entries = await until('log entries of every run', () => {
      const all = readLog(path);
      return runIds.every((id) => all.some((e) => e.runId === id)) ? all : undefined;
    }, 15_000);
    const overloaded = entries.filter((e) => e.runId === runIds[2]);
    assert.equal(overloaded.length, 3, 'one entry per attempt');
    assert.ok(overloaded[0]!.backoffPlannedMs !== undefined && overloaded[0]!.backoffActualMs !== undefined, 'backoff recorded on the attempt it followed');
  });

  it('replaying a logged attempt runs the same request again (the error log\'s replay)', async () => {
    const entry = readLog(api.testing!.errorLogPath()).find((e) => e.runId === runIds[4]);
    assert.ok(entry, 'the spend-cap entry');
    assert.equal(entry.scenario, 'spend-cap');
    const r = await api.testing!.replay(entry);
    assert.ok(r);
    runIds.push(r.runId);
    assert.notEqual(r.runId, entry.runId);
    assert.equal(r.verdict.category, 'spend_cap');
    const s = await api.testing!.panelState();
    assert.equal(s.run?.scenario, 'spend-cap');
    assert.equal(s.run?.model, entry.model);
  });

  it('a gateway that echoes the key without its prefix and split in two: nothing of it is shown', async () => {
    const echo = createServer((req, res) => {
      const sent = String(req.headers['x-api-key'] ?? '').replace(/^sk-ant-api03-/, '');
      const half = Math.floor(sent.length / 2);
      res.writeHead(401, { 'content-type': 'application/json', 'request-id': `req_${sent.slice(half)}` });
      res.end(JSON.stringify({ type: 'error', error: { type: `authentication_error ${sent.slice(0, half)}`, message: `invalid x-api-key ${sent}; ${sent.slice(0, half)} / ${sent.slice(half)}` } }));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const r = await vscode.commands.executeCommand<ResultEvent>('claudeDoctor.testConnection', { settings: { ...FAST, statusPage: false, target: 'api', baseUrl: url, authHeader: 'x-api-key', maxRetries: 0 } });
      runIds.push(r.runId);
      assert.equal(r.verdict.category, 'authentication');
      assert.match(JSON.stringify(r), /sk-ant-…\[redacted\]/);
      await rendered(r, 1);
    } finally {
      await new Promise((r) => echo.close(r));
    }
  });

  it('leak test: the canary key appears nowhere', async () => {
    const places: [string, string][] = [];
    places.push(['output channel', api.testing!.outputLines().join('\n')]);
    places.push(['webview HTML', api.testing!.panelHtml() ?? '']);
    places.push(['messages posted to the webview', JSON.stringify(api.testing!.postedMessages())]);
    places.push(['panel state', JSON.stringify(await api.testing!.panelState())]);
    places.push(['cURL', (await api.testing!.curl()) ?? '']);
    places.push(['clipboard', await vscode.env.clipboard.readText()]);
    const logDir = dirname(api.testing!.errorLogPath());
    let logText = '';
    if (existsSync(logDir)) for (const f of readdirSync(logDir)) logText += readFileSync(join(logDir, f), 'utf8');
    places.push(['error log files', logText]);
    const entries = readLog(api.testing!.errorLogPath());
    places.push(['JSON export', toJson(entries)]);
    places.push(['CSV export', toCsv(entries)]);
    places.push(['settings', JSON.stringify(vscode.workspace.getConfiguration('claudeDoctor'))]);
    assert.ok(api.testing!.outputLines().length > 10, 'the output channel was written');
    assert.ok(api.testing!.postedMessages().length > 5, 'messages were posted');
    assert.ok(logText.length > 0 && entries.length > 0, 'the log was written');
    // Partial echoes too: no 8-character piece of the key's secret part (see src/core/redact.ts).
    const body = CANARY.replace(/^sk-ant-api03-/, '');
    const pieces = Array.from({ length: body.length - 7 }, (_, i) => body.slice(i, i + 8));
    for (const [where, text] of places) {
      assert.ok(!text.includes(CANARY_TAIL), `the key leaked into: ${where}`);
      assert.ok(!text.includes(CANARY), `the key leaked into: ${where}`);
      const piece = pieces.find((p) => text.includes(p));
      assert.ok(piece === undefined, `a piece of the key (${piece?.length} characters) leaked into: ${where}`);
    }
  });

  it('Clear API Key removes it from SecretStorage', async () => {
    assert.equal(await vscode.commands.executeCommand('claudeDoctor.clearApiKey'), true);
    const r = await simulate('auth-error');
    const s = await api.testing!.panelState();
    const expected = process.env.ANTHROPIC_API_KEY ? 'env' : 'none';
    assert.equal(s.keyState, expected);
    runIds.push(r.runId);
    if (expected === 'none') {
      assert.match(s.keyChecklist?.find((i) => i.id === 'source')?.detail ?? '', /placeholder/);
    }
  });
});

function readLog(path: string): LogEntry[] {
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  const out: LogEntry[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl') || /\.jsonl\.\d+$/.test(x))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try { out.push(JSON.parse(line) as LogEntry); } catch { /* torn line */ }
    }
  }
  return out;
}

export type { PanelState };
