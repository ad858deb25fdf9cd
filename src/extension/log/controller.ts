/**
 * The Error Log's host side, the single source of truth: the persisted view state, the notice,
 * the entries read from disk while the panel is open (`LogViewModel`), live updates from this and
 * other windows, and the actions (export, clear, replay: actions.ts). The webview only renders what
 * this posts (panel.ts); `index.ts` registers the command and the serializer; settings.ts holds the
 * options and settings.
 */
import * as vscode from 'vscode';
import type { LogEntry } from '../../core/log/types';
import { LogStore, LogStoreError, type LogReader } from '../../core/log/store';
import { redactDeep, redactSecrets } from '../../core/redact';
import type { LogViewModel } from '../../core/log/panelModel';
import { startSession, type Session } from './session';
import { ErrorLogPanel, type ErrorLogPanelHost } from './panel';
import { clearLog, exportLog, replayEntry, type ActionHost } from './actions';
import { readLogSettings, type ErrorLogOptions, type PaintMetrics, type Timings } from './settings';
import { isWebviewMessage, sanitizeFilter, type HostToWebview, type Notice, type ViewState } from '../../webview/log/protocol';

export type { ErrorLogOptions, PaintMetrics, Timings } from './settings';

const STATE_KEY = 'claudeDoctor.log.viewState';
/** Rows the page itself carries (a tall screen shows about 60). */
const INITIAL_ROWS = 100;
/** No row is shorter than this (the page's rows are 24 px at the default font size). */
const MIN_ROW_PX = 20;
/** How long opening the panel waits for the log's tail before showing the page without rows. */
const PREVIEW_WAIT_MS = 250;

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ErrorLogController implements ErrorLogPanelHost, vscode.Disposable {
  readonly storePath: string;
  readonly extensionUri: vscode.Uri;
  panel: ErrorLogPanel | undefined;
  /** The view state (filter, selection, scroll): outlives the panel; the filter is persisted. */
  readonly view: ViewState;
  notice: Notice = null;
  /** Test builds: what was posted to the webview, and the webview's paint metrics. */
  postedLog: HostToWebview[] = [];
  readonly paint: { first?: PaintMetrics; full?: PaintMetrics } = {};
  readonly timings: Timings = {};

  private readonly dirUri: vscode.Uri;
  private storeInstance: LogStore | undefined;
  private session: Session | undefined;
  private writeError: string | null = null;
  private warnedWrite = false;
  private readySignal = deferred();
  private firstPaintSignal = deferred();
  private shownAt = 0;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly record: boolean;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: { replay(entry: LogEntry): Promise<void> },
    private readonly options: ErrorLogOptions,
    record: boolean,
  ) {
    this.extensionUri = context.extensionUri;
    this.dirUri = vscode.Uri.joinPath(context.globalStorageUri, 'error-log');
    this.storePath = vscode.Uri.joinPath(this.dirUri, 'errors.jsonl').fsPath;
    const saved = context.globalState.get<Partial<ViewState>>(STATE_KEY);
    this.view = { filter: sanitizeFilter(saved?.filter), selectedId: null, scrollTop: 0 };
    this.record = record;
  }

  /** The store, created on first use: nothing is read from disk until it is needed. */
  store(): LogStore {
    if (!this.storeInstance) {
      const s = readLogSettings();
      this.storeInstance = new LogStore(this.dirUri.fsPath, { maxFileBytes: s.maxFileBytes, maxFiles: s.maxFiles, secrets: this.secrets });
    }
    return this.storeInstance;
  }

  configureStore(): void {
    if (!this.storeInstance) return;
    const s = readLogSettings();
    this.storeInstance.configure({ maxFileBytes: s.maxFileBytes, maxFiles: s.maxFiles });
  }

  readonly secrets = (): readonly string[] => (this.options.secrets ?? (() => []))();
  private redact(s: string): string {
    return redactSecrets(s, this.secrets());
  }

  // ---- the panel ----------------------------------------------------------------------------

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    await this.open(ErrorLogPanel.create(this));
  }

  /** A panel VS Code brings back after a reload; a second one is closed. */
  async revive(p: vscode.WebviewPanel): Promise<void> {
    if (this.panel) {
      p.dispose();
      return;
    }
    await this.open(ErrorLogPanel.revive(p, this));
  }

  private async open(panel: ErrorLogPanel): Promise<void> {
    this.shownAt = performance.now();
    for (const k of Object.keys(this.timings) as (keyof Timings)[]) delete this.timings[k];
    this.panel = panel;
    this.readySignal = deferred();
    this.firstPaintSignal = deferred();
    delete this.paint.first;
    delete this.paint.full;
    void this.load();
    this.startPolling();
    // The page carries the newest entries itself (read from the log's tail, a few ms), so its
    // first paint has rows; a slow disk only delays that, never the page (at most PREVIEW_WAIT_MS).
    const p0 = this.session?.preview;
    if (p0 && !this.session?.loaded) await Promise.race([p0.ready, sleep(PREVIEW_WAIT_MS)]);
    if (this.panel !== panel) return; // closed meanwhile
    panel.render(this.initialState());
  }

  receive(panel: ErrorLogPanel, msg: unknown): void {
    if (panel !== this.panel) return;
    this.handle(msg).catch((e) => this.setNotice({ level: 'error', text: message(e) }));
  }

  visibility(panel: ErrorLogPanel, visible: boolean): void {
    if (panel !== this.panel) return;
    if (visible) {
      this.startPolling();
      void this.refresh();
    } else {
      this.stopPolling();
    }
  }

  disposed(panel: ErrorLogPanel): void {
    if (panel !== this.panel) return;
    this.stopPolling();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.panel = undefined;
    // Free the entries; the view state (filter, selection, scroll) stays for the next show.
    this.session = undefined;
  }

  posted(msg: HostToWebview): void {
    if (!this.record) return;
    this.postedLog.push(msg);
    if (this.postedLog.length > 200) this.postedLog = this.postedLog.slice(-100);
  }

  private post(msg: HostToWebview): void {
    this.panel?.post(msg);
  }

  private get webviewReady(): boolean {
    return !!this.panel?.ready;
  }

  setNotice(n: Notice): void {
    this.notice = n ? { level: n.level, text: this.redact(n.text) } : null;
    if (this.webviewReady) this.post({ type: 'notice', notice: this.notice });
  }

  // ---- reading ------------------------------------------------------------------------------

  private mark(k: keyof Timings): void {
    this.timings[k] = Math.round(performance.now() - this.shownAt);
  }

  /** The entries of this session: a quick preview of the log's tail, then the full read (session.ts). */
  private load(): Promise<void> {
    if (this.session) return this.session.loading;
    this.session = startSession(this.store(), this.view.filter, {
      mark: (k) => this.mark(k),
      waitForPage: async (previewRows) => {
        if (!this.panel || this.paint.first) return;
        await Promise.race([this.readySignal.promise, sleep(1500)]);
        if (previewRows > 0) await Promise.race([this.firstPaintSignal.promise, sleep(400)]);
      },
      failed: (e) => this.setNotice({ level: 'error', text: message(e) }),
    });
    return this.session.loading;
  }

  /** The session's model once loaded (starting the read if none is under way). */
  private async loadedModel(): Promise<{ model: LogViewModel; reader: LogReader }> {
    await this.load();
    const s = this.session!;
    return { model: s.model, reader: s.reader };
  }

  private stateOf(source: LogViewModel, isPreview: boolean): Extract<HostToWebview, { type: 'state' }> {
    const { view } = this;
    source.setFilter(view.filter); // re-anchors relative ranges ("last hour") to now
    const { rows, stats } = source.view();
    if (!isPreview && view.selectedId && !source.find(view.selectedId)) view.selectedId = null;
    return {
      type: 'state', view: { ...view }, rows, stats, totalAll: source.size, skipped: source.skipped,
      errorTypes: source.errorTypes(), storePath: this.storePath, notice: this.notice, loading: isPreview,
    };
  }

  private postState(source: LogViewModel | undefined = this.session?.model, isPreview = false): void {
    if (!source || !this.webviewReady) return;
    this.post(this.stateOf(source, isPreview));
  }

  /**
   * The first screenful of the newest entries, for the page itself (first paint without waiting
   * for the ready handshake and a message round trip). Redacted like everything the panel shows.
   */
  private initialState(): Extract<HostToWebview, { type: 'state' }> | undefined {
    const s = this.session;
    const source = s?.loaded ? s.model : s?.preview?.model;
    if (!s || !source || source.size === 0) return undefined;
    const state = this.stateOf(source, !s.loaded);
    // Enough rows for the first screen at the remembered scroll position.
    const keep = INITIAL_ROWS + Math.ceil(this.view.scrollTop / MIN_ROW_PX);
    if (state.rows.length > keep) {
      state.rows = state.rows.slice(0, keep);
      state.loading = true;
    }
    return redactDeep(state, this.secrets());
  }

  /** Reads what was appended (by us or any other window) and pushes it to the panel. */
  refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing.then(() => this.refresh());
    this.refreshing = (async () => {
      const s = this.session;
      if (!this.panel || !s) return;
      await s.loading;
      try {
        const res = await s.reader.readNew();
        if (s !== this.session) return;
        const m = s.model;
        m.skipped += res.skipped;
        const { added, inOrder } = m.ingest(res.entries);
        const unsavedChanged = m.setUnsaved(this.store().pending());
        if (!this.webviewReady) return;
        if (!inOrder || unsavedChanged || res.skipped) {
          this.postState();
        } else if (added.length) {
          this.post({ type: 'appended', rows: m.rowsFor(added), stats: m.stats(), totalAll: m.size, errorTypes: m.errorTypes() });
        }
      } catch (e) {
        this.setNotice({ level: 'error', text: message(e) });
      }
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private scheduleRefresh(): void {
    if (!this.panel || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 30);
  }

  private startPolling(): void {
    this.stopPolling();
    const ms = this.options.pollMs ?? 2000;
    if (ms > 0) this.pollTimer = setInterval(() => void this.refresh(), ms);
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private persistView(): void {
    void this.context.globalState.update(STATE_KEY, { filter: this.view.filter });
  }

  // ---- writing ------------------------------------------------------------------------------

  async append(entry: LogEntry): Promise<void> {
    if (!readLogSettings().enabled) return;
    const s = this.store();
    try {
      await s.append(entry);
      if (this.writeError) {
        this.writeError = null;
        this.warnedWrite = false;
        this.setNotice({ level: 'info', text: vscode.l10n.t('The error log is writable again; entries held in memory were saved.') });
      }
    } catch (e) {
      // Never fail the caller's run because the log could not be written: the entry is kept in
      // memory (shown in the panel as unsaved) and written by the next successful append.
      this.writeError = e instanceof LogStoreError ? e.message : String(e);
      this.setNotice({ level: 'error', text: this.writeError });
      if (!this.warnedWrite) {
        this.warnedWrite = true;
        void vscode.window.showWarningMessage(this.redact(this.writeError));
      }
    }
    this.scheduleRefresh();
  }

  // ---- the webview's messages ---------------------------------------------------------------

  async handle(msg: unknown): Promise<void> {
    if (!isWebviewMessage(msg)) return;
    const { view } = this;
    switch (msg.type) {
      case 'ready': {
        this.mark('webviewReadyMs');
        if (this.panel) this.panel.ready = true;
        this.readySignal.resolve();
        const full = this.load();
        const p = this.session?.preview;
        if (!this.session?.loaded && p) {
          await p.ready;
          if (!this.session?.loaded && p.model.size > 0) this.postState(p.model, true);
        }
        await full;
        this.postState();
        if (view.selectedId) this.post({ type: 'details', entry: this.session?.model.find(view.selectedId) ?? null });
        return;
      }
      case 'setFilter': {
        view.filter = sanitizeFilter(msg.filter);
        view.scrollTop = 0;
        this.persistView();
        const { model } = await this.loadedModel();
        model.setFilter(view.filter);
        this.postState(model);
        return;
      }
      case 'select': {
        view.selectedId = msg.id;
        const { model } = await this.loadedModel();
        this.post({ type: 'details', entry: msg.id ? model.find(msg.id) ?? null : null });
        return;
      }
      case 'viewState':
        view.scrollTop = Math.max(0, msg.scrollTop);
        return;
      case 'export':
        return exportLog(this.actionHost(), msg.format);
      case 'clear':
        return clearLog(this.actionHost());
      case 'replay':
        return replayEntry(this.actionHost(), msg.id);
      case 'refresh':
        await this.load();
        await this.store().flush().catch(() => undefined);
        await this.refresh();
        this.postState();
        return;
      case 'openFolder':
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(this.storePath));
        return;
      case 'metrics':
        this.paint[msg.phase] = { firstPaintMs: msg.firstPaintMs, renderMs: msg.renderMs, rows: msg.rows, renderedRows: msg.renderedRows, fromPage: msg.fromPage === true };
        if (msg.phase === 'first') this.firstPaintSignal.resolve();
        return;
    }
  }

  // ---- actions (actions.ts) ----------------------------------------------------------------

  private actionHost(): ActionHost {
    return {
      view: this.view,
      options: this.options,
      loadedModel: () => this.loadedModel(),
      store: () => this.store(),
      post: (msg) => this.post(msg),
      postState: (model) => this.postState(model),
      setNotice: (n) => this.setNotice(n),
      redact: (s) => this.redact(s),
      replay: (entry) => this.deps.replay(entry),
      clearWriteError: () => {
        this.writeError = null;
      },
    };
  }

  dispose(): void {
    this.panel?.dispose();
    this.stopPolling();
  }
}
