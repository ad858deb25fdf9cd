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
import { redactSecrets } from '../../core/redact';
import { Emitter } from '../../core/util/emitter';
import { readSettings, displayUrl, profileChoices, type DoctorSettings, type RunChoices } from '../../core/connection/settings';
import { buildCurl } from '../../core/connection/curl';
import type { KeySource } from '../../core/connection/keyChecklist';
import { AttemptLog } from '../../core/connection/attemptLog';
import { runLine } from '../../core/connection/runText';
import {
  initialState, reduce, setStatusPage,
  type ConnectionEvent, type PanelState, type RunInfo, type StatusView,
} from '../../core/connection/runModel';
import { isPanelStateLike, requestForReplay, requestForShownRun, restoredPanelState, type RunRequest } from '../../core/connection/runRequest';
import type { ErrorLogApi } from '../log/index';
import { ConnectionPanel, CONNECTION_VIEW_TYPE, redactDeep, type PanelRecord } from './panel';
import type { RedactingLog } from './output';
import type { KeyStore } from './secrets';
import type { ConnectionStatusBar } from './statusBar';
import { loadRuntime } from './loadRuntime';
import type { WebviewToHost } from '../../webview/connection/protocol';
import { StormAggregateRunner } from './stormAggregate';
import { StatusChecker, type StatusCheck } from './statusCheck';
import { onWebviewMessage } from './webviewMessages';
import { RunDiagnostics } from './diagnosis';

export type { RunRequest } from '../../core/connection/runRequest';
export type { StatusCheck } from './statusCheck';
export { openTrustedLink } from './webviewMessages';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

/** A placeholder the simulator accepts when no key is set (it is not a secret). */
const SIMULATOR_PLACEHOLDER_KEY = 'simulator-placeholder-key';

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
  /** The key checklist and status page listener (diagnosis.ts). */
  private readonly diagnostics: RunDiagnostics;
  private readonly attemptLog: AttemptLog;
  /** The status page reader (statusCheck.ts): its results go into the panel state. */
  private readonly status: StatusChecker;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  /** Storm aggregate hook (stormAggregate.ts): N callers, ours next to the SDK's, for `storm` runs. */
  private readonly storm = new StormAggregateRunner((aggregate) => { this.state = { ...this.state, aggregate }; this.push(); }, (level, line) => this.deps.out.write(level, line));

  constructor(private readonly context: vscode.ExtensionContext, private readonly deps: ControllerDeps) {
    this.state = initialState(deps.keys.source === 'none' ? 'none' : deps.keys.source);
    this.diagnostics = new RunDiagnostics({
      getState: () => this.state, setState: (s) => { this.state = s; }, out: deps.out,
      checkStatus: (settings, forRun) => void this.checkStatus(false, settings, forRun),
    });
    this.status = new StatusChecker({ setStatus: (v) => this.setStatus(v), simulator: () => this.simulator(), out: deps.out, statusUrl: () => this.statusUrl });
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
      { dispose: this.events.on((e) => this.diagnostics.onEvent(e)) },
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
      this.state = restoredPanelState(redactDeep(saved, this.secrets()), this.state.keyState, Date.now());
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
    onWebviewMessage(m, {
      runAgain: () => void this.runAgain(),
      cancel: () => void this.cancel(),
      copyCurl: () => void this.copyCurl(),
      checkStatus: () => void this.checkStatus(true),
      openLog: () => void this.deps.log.show(),
      post: (msg) => this.panel?.post(msg),
    });
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
      return this.run(requestForShownRun(this.state.run));
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
    this.diagnostics.forRun({ runId, settings, baseUrl, key: key ?? '', keySource });
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
      return this.status.checkSimulator(interactive, forRun?.scenario ?? shown ?? 'ok');
    }
    return this.status.checkApi(interactive, settings);
  }

  async replay(entry: LogEntry): Promise<ResultEvent | undefined> {
    const req = requestForReplay(entry);
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
    this.status.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel?.dispose();
    const sim = this.sim;
    this.sim = undefined;
    if (sim) await sim.then((s) => s.close(), () => undefined);
  }
}

export { CONNECTION_VIEW_TYPE };
