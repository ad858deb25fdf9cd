/**
 * The connection feature's heavy half, loaded on first use (never at activation): runs the
 * retrying client against the API or the built-in simulator and reads the status page. Each run
 * is one typed event stream (`events`: the run's start, then the client's events, redacted);
 * the panel state (the single source of truth, core/connection/runModel.ts), the error log, the
 * output channel and the status bar are its listeners. The key comes from the KeyStore and never
 * leaves this module except inside the request's auth header.
 */
import * as vscode from 'vscode';
import type { ClientEvent, ResultEvent } from '../../core/retry/events';
import type { LogEntry } from '../../core/log/types';
import type { RetryBudget } from '../../core/retry/budget';
import type { RetryPolicy } from '../../core/retry/policy';
import { STATUS_PAGE, DOCS } from '../../core/data/api-facts';
import { describeKey, redactSecrets } from '../../core/redact';
import { Emitter } from '../../core/util/emitter';
import { readSettings, displayUrl, profileChoices, type DoctorSettings, type RunChoices } from '../../core/connection/settings';
import { buildCurl } from '../../core/connection/curl';
import { keyChecklist, type KeySource } from '../../core/connection/keyChecklist';
import { fetchStatus, describeIndicator, simulatorStatusUrl, type StatusResult } from '../../core/connection/statusPage';
import { AttemptLog } from '../../core/connection/attemptLog';
import { runLine } from '../../core/connection/runText';
import {
  applyEvent, initialState, isServerSide, reduce, setKeyChecklist, setStatusPage,
  type ConnectionEvent, type PanelState, type RunInfo, type StatusView,
} from '../../core/connection/runModel';
import type { ErrorLogApi } from '../log/index';
import { ConnectionPanel, CONNECTION_VIEW_TYPE, redactDeep, type PanelRecord } from './panel';
import type { RedactingLog } from './output';
import type { KeyStore } from './secrets';
import type { ConnectionStatusBar } from './statusBar';
import { loadRuntime } from './loadRuntime';
import type { WebviewToHost } from '../../webview/connection/protocol';
import { StormAggregateRunner } from './stormAggregate';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

/** A placeholder the simulator accepts when no key is set (it is not a secret). */
const SIMULATOR_PLACEHOLDER_KEY = 'simulator-placeholder-key';
const STATUS_TIMEOUT_MS = 5000;

export interface RunRequest {
  target: 'api' | 'simulator';
  scenario?: string;
  /** Raw overrides merged over the user's settings before validation (tests, replay). */
  overrides?: Record<string, unknown>;
  baseUrl?: string;
  model?: string;
  prompt?: string;
  maxTokens?: number;
  stream?: boolean;
}

/** What the last run sent, for "run again" and "copy as cURL". Never holds the key. */
interface SentRequest {
  req: RunRequest;
  baseUrl: string;
  settings: DoctorSettings;
  model: string;
  prompt: string;
  maxTokens: number;
  stream: boolean;
  headers: Record<string, string>;
}

export type StatusCheck = StatusResult | { kind: 'disabled'; message: string };

/** What the run on display needs for its diagnostics (key checklist, status page). Holds the key: never leaves the host. */
interface RunDiagnosis {
  runId: string;
  settings: DoctorSettings;
  baseUrl: string;
  key: string;
  keySource: KeySource;
}

interface SimulatorHandle { url: string; port: number; close(): Promise<void> }

export interface ControllerDeps {
  log: ErrorLogApi;
  out: RedactingLog;
  keys: KeyStore;
  statusBar: ConnectionStatusBar;
}

export class ConnectionController implements vscode.Disposable {
  state: PanelState;
  panel: ConnectionPanel | undefined;
  /**
   * Every run's event stream: its `runStart`, then the client's events (redacted, of that run
   * only). The panel state, the error log, the output channel and the status bar listen here.
   */
  readonly events = new Emitter<ConnectionEvent>();
  /** Every HTML page and message given to any panel of this window (redacted; bounded). */
  /** What the panels posted and rendered, for the test hooks (test builds only). */
  readonly record: PanelRecord | undefined = __TEST_HOOKS__ ? { html: [], posted: [] } : undefined;
  /** Internal override of the status page URL (tests point it at 127.0.0.1). */
  statusUrl: string = STATUS_PAGE.statusJson;
  private current: { runId: string; abort: AbortController; done: Promise<ResultEvent> } | undefined;
  private sim: Promise<SimulatorHandle> | undefined;
  private lastSent: SentRequest | undefined;
  private lastWarnings = '';
  private budget: RetryBudget | undefined;
  private statusFetchForRun: string | undefined;
  private diagnosis: RunDiagnosis | undefined;
  private readonly attemptLog: AttemptLog;
  private statusAbort: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Storm aggregate hook (stormAggregate.ts): N callers, ours next to the SDK's, for `storm` runs. */
  private readonly storm = new StormAggregateRunner((aggregate) => { this.state = { ...this.state, aggregate }; this.push(); }, (level, line) => this.deps.out.write(level, line));

  constructor(private readonly context: vscode.ExtensionContext, private readonly deps: ControllerDeps) {
    this.state = initialState(deps.keys.source === 'none' ? 'none' : deps.keys.source);
    this.attemptLog = new AttemptLog(
      (entry) => deps.log.append(redactDeep(entry, this.secrets())),
      (err) => deps.out.warn(`could not write the error log: ${err instanceof Error ? err.message : String(err)}`),
    );
    // The listeners, in this order: the panel state first (the others may read it), the log,
    // the output channel, the diagnostics (key checklist, status page), the status bar, then
    // the panel is sent the new state.
    this.disposables.push(
      { dispose: this.events.on((e) => { this.state = reduce(this.state, e, Date.now()); }) },
      { dispose: this.events.on((e) => this.attemptLog.onEvent(e)) },
      { dispose: this.events.on((e) => { const l = runLine(e); if (l) deps.out.write(l.level, l.text); }) },
      { dispose: this.events.on((e) => this.diagnose(e)) },
      { dispose: this.events.on((e) => deps.statusBar.onEvent(e)) },
      { dispose: this.events.on(() => this.push()) },
    );
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('claudeDoctor')) {
        const s = this.readSettings();
        // The simulator's status is loopback-only and not governed by claudeDoctor.statusPage.
        if (!s.statusPage && this.state.statusPage.source !== 'simulator') this.setStatus({ state: 'disabled' });
        else if (this.state.statusPage.state === 'disabled') this.setStatus({ state: 'idle' });
      }
    }));
  }

  private secrets = (): readonly string[] => this.deps.keys.secretsToRedact();

  // ---------------------------------------------------------------------------------------------
  // Settings

  readSettings(overrides?: Record<string, unknown>): DoctorSettings {
    const cfg = vscode.workspace.getConfiguration('claudeDoctor');
    const { settings, warnings } = readSettings((k) => cfg.get(k), overrides);
    const joined = warnings.join('\n');
    if (joined && joined !== this.lastWarnings) for (const w of warnings) this.deps.out.warn(w);
    this.lastWarnings = joined;
    return settings;
  }

  // ---------------------------------------------------------------------------------------------
  // Panel

  showPanel(preserveFocus = true): ConnectionPanel {
    if (this.panel) {
      this.panel.reveal(preserveFocus);
      return this.panel;
    }
    this.attachPanel(ConnectionPanel.create(this.context.extensionUri, () => this.state, this.secrets, (m) => this.onWebviewMessage(m), this.record));
    return this.panel!;
  }

  /** Adopt a panel restored by the serializer after a reload. */
  restorePanel(webviewPanel: vscode.WebviewPanel, saved: unknown): void {
    if (this.panel) this.panel.dispose();
    if (!this.state.run && isPanelStateLike(saved)) {
      // The run that produced it is gone with the old window: it is history now.
      const s = redactDeep(saved, this.secrets());
      this.state = { ...s, running: false, keyState: this.state.keyState };
      if (this.state.result === null && this.state.run) {
        this.state = applyEvent(this.state, {
          event: 'result', runId: this.state.run.runId, ok: false, attempts: this.state.attempts.length, status: null,
          totalMs: 0, model: this.state.run.model,
          verdict: { category: 'aborted', fault: 'none', title: 'Interrupted', summary: 'The window reloaded while this test was running.', explanation: '', nextStep: 'Run it again.', docsUrl: DOCS.errors },
        }, Date.now());
      }
    }
    this.attachPanel(new ConnectionPanel(webviewPanel, this.context.extensionUri, () => this.state, this.secrets, (m) => this.onWebviewMessage(m), this.record));
  }

  private attachPanel(p: ConnectionPanel): void {
    this.panel = p;
    p.onDidDispose(() => { if (this.panel === p) this.panel = undefined; });
  }

  private push(): void {
    this.panel?.sendState();
  }

  private onWebviewMessage(m: WebviewToHost): void {
    switch (m.type) {
      case 'runAgain': void this.runAgain(); break;
      case 'cancel': this.cancel(); break;
      case 'copyCurl': void this.copyCurl(); break;
      case 'copyRequestId':
        if (/^[A-Za-z0-9_\-:.]{1,200}$/.test(m.requestId)) {
          void vscode.env.clipboard.writeText(m.requestId);
          this.panel?.post({ type: 'notice', text: vscode.l10n.t('Copied request id {0}', m.requestId) });
        }
        break;
      case 'openLog': void this.deps.log.show(); break;
      case 'openDocs': void openTrustedLink(m.url); break;
      case 'checkStatus': void this.checkStatus(true); break;
      case 'setKey': void vscode.commands.executeCommand('claudeDoctor.setApiKey'); break;
      case 'runSimulator': void vscode.commands.executeCommand('claudeDoctor.testConnectionSimulator'); break;
      default: break;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Simulator (lazy, in the extension host, disposed with the extension)

  async simulator(): Promise<SimulatorHandle> {
    if (this.disposed) throw new Error('Claude Doctor is shutting down');
    this.sim ??= (async () => {
      const { startSimulator } = loadRuntime();
      const s = await startSimulator({ host: '127.0.0.1', port: 0 });
      this.deps.out.info(`Simulator listening on ${s.url}`);
      return s;
    })();
    try {
      return await this.sim;
    } catch (e) {
      this.sim = undefined;
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  get running(): boolean {
    return !!this.current;
  }

  cancel(): boolean {
    const stormStopped = this.storm.cancel(); // storm aggregate hook
    if (!this.current) return stormStopped;
    this.deps.out.info(`[${this.current.runId}] cancelled by the user`);
    this.current.abort.abort();
    return true;
  }

  async runAgain(): Promise<ResultEvent | undefined> {
    if (!this.lastSent && this.state.run) {
      // A panel restored after a reload: run what it shows.
      const r = this.state.run;
      return this.run(r.target === 'simulator'
        ? { target: 'simulator', scenario: r.scenario ?? 'ok', model: r.model, stream: r.stream }
        : { target: 'api', model: r.model, stream: r.stream });
    }
    if (!this.lastSent) {
      return vscode.commands.executeCommand<ResultEvent | undefined>('claudeDoctor.testConnection');
    }
    return this.run(this.lastSent.req);
  }

  /** The options a run would use with the current settings (one request profile, see core/connection/profile.ts). */
  private profileOptions(settings: DoctorSettings, extra: RunChoices = {}) {
    return loadRuntime().clientOptions(profileChoices(settings, extra));
  }

  /** For the scenario picker: how long `scenario` can take with the current settings, when that is long. */
  slowScenarioNote(scenario: string): string | undefined {
    return loadRuntime().slowScenarioNote(scenario, this.profileOptions(this.readSettings()));
  }

  async run(req: RunRequest): Promise<ResultEvent> {
    if (this.current) {
      const prev = this.current;
      prev.abort.abort();
      await prev.done.catch(() => undefined);
    }
    const settings = this.readSettings(req.overrides);
    const resolved = await this.deps.keys.get();
    this.state = { ...this.state, keyState: resolved.source };
    let key = resolved.key;
    let keySource: KeySource = resolved.source;
    if (req.target === 'simulator' && !key) {
      key = SIMULATOR_PLACEHOLDER_KEY;
      keySource = 'placeholder';
    }
    const sim = req.target === 'simulator' ? await this.simulator() : undefined;
    const baseUrl = sim ? sim.url : (req.baseUrl ?? settings.baseUrl);
    // One request profile (core/connection/profile.ts) for the CLI and the extension: the
    // validated settings go through it once, and the client runs on exactly what it returns.
    const opts = this.profileOptions(settings, {
      ...(req.model !== undefined ? { model: req.model } : {}),
      ...(req.stream !== undefined ? { stream: req.stream } : {}),
      ...(req.prompt !== undefined ? { prompt: req.prompt } : {}),
      ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
      ...(sim ? { scenario: req.scenario || 'ok' } : {}),
    });
    const { model, stream, prompt, maxTokens } = opts;
    const runId = `run_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const headers: Record<string, string> = {};
    if (sim) headers['x-simulate-scenario'] = req.scenario || 'ok';
    this.lastSent = { req, baseUrl, settings, model, prompt, maxTokens, stream, headers: { ...headers } };

    const run: RunInfo = {
      runId, target: req.target, ...(sim ? { scenario: req.scenario || 'ok' } : {}),
      baseUrl: displayUrl(baseUrl), model, stream, authHeader: settings.authHeader,
      maxRetries: settings.maxRetries, jitter: settings.jitter, timeoutMs: settings.timeoutMs, startedAt: Date.now(),
    };
    this.diagnosis = { runId, settings, baseUrl, key: key ?? '', keySource };
    this.showPanel(true);
    this.events.emit(redactDeep({ event: 'runStart', runId, run, prompt, maxTokens, ...(opts.streamForcedBy ? { streamForcedBy: opts.streamForcedBy } : {}) }, this.secrets()));

    const abort = new AbortController();
    const done = this.execute({ runId, abort, settings, baseUrl, key: key ?? '', model, stream, prompt, maxTokens, timeoutMs: opts.timeoutMs, policy: opts.policy, headers });
    this.current = { runId, abort, done };
    // Storm aggregate hook: for a storm scenario, starts once this run is over; else clears an earlier one.
    void this.storm.forRun(runId, sim ? run.scenario : undefined, { model, prompt, maxTokens, timeoutMs: opts.timeoutMs, policy: opts.policy, authHeader: settings.authHeader, retryBudget: settings.retryBudget }, done);
    try {
      return await done;
    } finally {
      if (this.current?.runId === runId) this.current = undefined;
    }
  }

  private async execute(p: {
    runId: string; abort: AbortController; settings: DoctorSettings; baseUrl: string; key: string;
    model: string; stream: boolean; prompt: string; maxTokens: number;
    timeoutMs: number; policy: RetryPolicy; headers: Record<string, string>;
  }): Promise<ResultEvent> {
    const { runId, settings } = p;
    let result: ResultEvent | undefined;
    try {
      const { runConnectionTest } = loadRuntime();
      result = await runConnectionTest({
        baseURL: p.baseUrl,
        apiKey: p.key,
        authHeader: settings.authHeader,
        model: p.model,
        maxTokens: p.maxTokens,
        prompt: p.prompt,
        stream: p.stream,
        timeoutMs: p.timeoutMs,
        policy: p.policy,
        signal: p.abort.signal,
        headers: p.headers,
        runId,
        ...(settings.retryBudget ? { budget: await this.sharedBudget() } : {}),
        onEvent: (e: ClientEvent) => this.emitClientEvent(e, runId),
      });
    } catch (err) {
      // runConnectionTest never throws by contract; a failure to load it must still end the run.
      const msg = redactSecrets(err instanceof Error ? err.message : String(err), this.secrets());
      this.deps.out.error(`[${runId}] the test could not run: ${msg}`);
      result = {
        event: 'result', runId, ok: false, attempts: 0, status: null, totalMs: 0, model: p.model,
        verdict: { category: 'unknown', fault: 'you', title: 'The test could not run', summary: msg, explanation: msg, nextStep: 'See the Claude Doctor output channel.', docsUrl: DOCS.errors },
      };
    }
    // The client emits `result` through onEvent too; emit it here if it did not.
    if (this.state.run?.runId === runId && this.state.running) this.emitClientEvent(result, runId);
    await this.attemptLog.flush();
    return redactDeep(result, this.secrets());
  }

  /** A client event of run `runId` onto the event stream: redacted first, other runs' dropped. */
  private emitClientEvent(raw: ClientEvent, runId: string): void {
    const e = redactDeep(raw, this.secrets());
    if (e.runId !== runId) return;
    this.events.emit(e);
  }

  /** The diagnostics listener: the key checklist after a 401, the status page after a server-side failure. */
  private diagnose(e: ConnectionEvent): void {
    const d = this.diagnosis;
    if (e.event !== 'attempt' || !d || e.runId !== d.runId) return;
    if (e.status === 401 || e.category === 'authentication') this.runKeyChecklist(d);
    if (isServerSide(e.status, e.category) && this.statusFetchForRun !== d.runId) {
      this.statusFetchForRun = d.runId;
      const run = this.state.run;
      const forRun = run ? { target: run.target, ...(run.scenario ? { scenario: run.scenario } : {}) } : undefined;
      if (d.settings.statusPage || forRun?.target === 'simulator') void this.checkStatus(false, d.settings, forRun);
      else this.state = setStatusPage(this.state, { state: 'disabled', message: vscode.l10n.t('The status page was not read: claudeDoctor.statusPage is off.') });
    }
  }

  private runKeyChecklist(p: RunDiagnosis): void {
    const items = keyChecklist({ key: describeKey(p.key), source: p.keySource, baseUrl: p.baseUrl, authHeader: p.settings.authHeader, target: this.state.run?.target ?? 'api' });
    this.state = setKeyChecklist(this.state, items);
    for (const i of items) this.deps.out.info(`key check: ${i.outcome.toUpperCase()} ${i.label}: ${i.detail}`);
  }

  /** One gRPC-style token bucket shared by every run of this window (when claudeDoctor.retryBudget is on). */
  private async sharedBudget(): Promise<RetryBudget> {
    if (!this.budget) {
      const { RetryBudget: Budget, REQUEST_PROFILE } = loadRuntime();
      this.budget = new Budget(REQUEST_PROFILE.retryBudget);
    }
    return this.budget;
  }

  // ---------------------------------------------------------------------------------------------
  // cURL, status page, replay

  curl(): string | undefined {
    const s = this.lastSent;
    if (!s) return undefined;
    const text = buildCurl({ baseUrl: s.baseUrl, authHeader: s.settings.authHeader, model: s.model, maxTokens: s.maxTokens, prompt: s.prompt, stream: s.stream, headers: s.headers });
    return redactSecrets(text, this.secrets());
  }

  async copyCurl(): Promise<string | undefined> {
    const text = this.curl();
    if (!text) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Run a connection test first: there is no request to copy yet.'));
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    this.panel?.post({ type: 'notice', text: vscode.l10n.t('Copied as cURL (the key is $ANTHROPIC_API_KEY).') });
    return text;
  }

  private setStatus(v: StatusView): void {
    this.state = setStatusPage(this.state, v);
    this.push();
  }

  /**
   * Status context: for a run (`forRun`), from what that run targeted; asked for ("Check Claude
   * Status", the panel's button), from claudeDoctor.target. With the simulator: the simulator's own
   * status page for the scenario (of the run, else of the simulated run on display, else "ok") —
   * 127.0.0.1, read even with claudeDoctor.statusPage off. With the API: status.claude.com.
   */
  async checkStatus(interactive: boolean, runSettings?: DoctorSettings, forRun?: { target: 'api' | 'simulator'; scenario?: string }): Promise<StatusCheck> {
    const settings = runSettings ?? this.readSettings();
    if ((forRun?.target ?? settings.target) === 'simulator') {
      const shown = this.state.run?.target === 'simulator' ? this.state.run.scenario : undefined;
      return this.checkSimulatorStatus(interactive, forRun?.scenario ?? shown ?? 'ok');
    }
    if (!settings.statusPage) {
      const message = vscode.l10n.t('Status page checks are turned off (setting claudeDoctor.statusPage).');
      this.setStatus({ state: 'disabled', message });
      if (interactive) {
        void vscode.window.showInformationMessage(message, vscode.l10n.t('Open Settings')).then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'claudeDoctor.statusPage');
        });
      }
      return { kind: 'disabled', message };
    }
    this.statusAbort?.abort();
    const ctl = new AbortController();
    this.statusAbort = ctl;
    this.setStatus({ state: 'loading', pageUrl: DOCS.statusPage });
    const r = await fetchStatus(this.statusUrl, STATUS_TIMEOUT_MS, ctl.signal);
    if (this.statusAbort === ctl) this.statusAbort = undefined;
    if (r.kind === 'ok') {
      this.setStatus({ state: 'ok', indicator: r.indicator, description: r.description, fetchedAt: r.fetchedAt, pageUrl: DOCS.statusPage });
      this.deps.out.info(`status page: ${r.indicator} (${r.description})`);
      if (interactive) {
        const text = vscode.l10n.t('Claude status: {0} ({1}).', r.description, describeIndicator(r.indicator));
        const show = r.indicator === 'none' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
        void show(text, vscode.l10n.t('Open Status Page')).then((c) => { if (c) void vscode.env.openExternal(vscode.Uri.parse(DOCS.statusPage)); });
      }
    } else {
      this.setStatus({ state: r.kind, message: r.message, pageUrl: DOCS.statusPage });
      this.deps.out.info(`status page: ${r.message}`);
      if (interactive) {
        // Offline is an expected condition: a plain information message, not an error dialog.
        void vscode.window.showInformationMessage(r.message);
      }
    }
    return r;
  }

  private async checkSimulatorStatus(interactive: boolean, scenario: string): Promise<StatusCheck> {
    this.statusAbort?.abort();
    const ctl = new AbortController();
    this.statusAbort = ctl;
    this.setStatus({ state: 'loading', source: 'simulator' });
    let r: StatusResult;
    try {
      const sim = await this.simulator();
      r = await fetchStatus(simulatorStatusUrl(sim.url, scenario), STATUS_TIMEOUT_MS, ctl.signal);
    } catch (e) {
      r = { kind: 'error', message: vscode.l10n.t('The simulator could not start: {0}', e instanceof Error ? e.message : String(e)), url: '' };
    }
    if (this.statusAbort === ctl) this.statusAbort = undefined;
    if (r.kind === 'ok') {
      this.setStatus({ state: 'ok', source: 'simulator', indicator: r.indicator, description: r.description, fetchedAt: r.fetchedAt });
      this.deps.out.info(`simulator status page: ${r.indicator} (${r.description})`);
      if (interactive) {
        const text = vscode.l10n.t('Claude status from the simulator: {0} ({1}). The simulator is the target, so status.claude.com was not read.', r.description, describeIndicator(r.indicator));
        void (r.indicator === 'none' ? vscode.window.showInformationMessage(text) : vscode.window.showWarningMessage(text));
      }
    } else {
      this.setStatus({ state: r.kind, source: 'simulator', message: r.message });
      this.deps.out.info(`simulator status page: ${r.message}`);
      if (interactive) void vscode.window.showInformationMessage(r.message);
    }
    return r;
  }

  async replay(entry: LogEntry): Promise<ResultEvent | undefined> {
    const req: RunRequest = {
      target: entry.target === 'simulator' ? 'simulator' : 'api',
      ...(entry.target === 'simulator' ? { scenario: entry.request.scenario ?? entry.scenario ?? 'ok' } : { baseUrl: entry.baseUrl }),
      model: entry.model,
      ...(typeof entry.request?.prompt === 'string' ? { prompt: entry.request.prompt } : {}),
      ...(typeof entry.request?.maxTokens === 'number' ? { maxTokens: entry.request.maxTokens } : {}),
      stream: typeof entry.request?.stream === 'boolean' ? entry.request.stream : entry.stream,
    };
    if (req.target === 'api') {
      const k = await this.deps.keys.get();
      if (!k.key) {
        void vscode.window.showWarningMessage(vscode.l10n.t('Set an API key before replaying a request against the API.'), vscode.l10n.t('Set API Key'))
          .then((c) => { if (c) void vscode.commands.executeCommand('claudeDoctor.setApiKey'); });
        return undefined;
      }
    }
    return this.run(req);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.storm.dispose(); // storm aggregate hook
    this.current?.abort.abort();
    this.statusAbort?.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel?.dispose();
    const sim = this.sim;
    this.sim = undefined;
    if (sim) await sim.then((s) => s.close(), () => undefined);
  }
}

function isPanelStateLike(v: unknown): v is PanelState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Partial<PanelState>;
  return Array.isArray(s.attempts) && 'run' in s && typeof s.statusPage === 'object' && s.statusPage !== null;
}

const TRUSTED_LINK_HOSTS = new Set(['docs.claude.com', 'docs.anthropic.com', 'console.anthropic.com', 'status.claude.com', 'platform.claude.com', 'support.claude.com']);

export async function openTrustedLink(url: string): Promise<boolean> {
  let u: URL;
  try { u = new URL(url); } catch { return false; }
  if (u.protocol !== 'https:' || !TRUSTED_LINK_HOSTS.has(u.hostname)) return false;
  return vscode.env.openExternal(vscode.Uri.parse(u.toString()));
}

export { CONNECTION_VIEW_TYPE };
