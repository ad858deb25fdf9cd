/**
 * The Error Log feature: every attempt of every run, persisted by `LogStore` in the extension's
 * global storage, and the Error Log webview panel (filters, search, stats, virtualized table,
 * details, export, clear, replay, live updates).
 *
 * `registerErrorLog` is cheap: it registers the command and a settings listener; the store is
 * created on first use and nothing is read from disk until the panel opens.
 */
import * as vscode from 'vscode';
import * as os from 'node:os';
import type { LogEntry } from '../../core/log/types';
import { LogStore, LogStoreError, type LogReader } from '../../core/log/store';
import { isEmptyFilter, toCsv, toJson } from '../../core/log/query';
import { redactDeep, redactSecrets } from '../../core/redact';
import { renderWebviewHtml, webviewLocalRoots } from '../webviewHtml';
import { LogViewModel } from './model';
import {
  isWebviewMessage, sanitizeFilter, type HostToWebview, type Notice, type ViewState, type WebviewToHost,
} from '../../webview/log/protocol';

export interface ErrorLogApi {
  append(entry: LogEntry): Promise<void>;
  show(): Promise<void>;
  readonly storePath: string;
}

/** Optional seams (all have production defaults). The 3rd parameter is additive to the contract. */
export interface ErrorLogOptions {
  /** Register `claudeDoctor.showErrorLog` (default true). A second registration in tests passes false. */
  registerCommand?: boolean;
  /** Extra secrets to redact (e.g. the key held in SecretStorage). Key-shaped text is always redacted. */
  secrets?: () => readonly string[];
  /** Where an export goes; default: a save dialog. */
  pickSaveUri?: (defaultUri: vscode.Uri, format: 'json' | 'csv') => Thenable<vscode.Uri | undefined>;
  /** Clear confirmation; default: a modal warning. */
  confirm?: (message: string, detail: string) => Thenable<boolean>;
  /** How often an open, visible panel looks for entries written by other windows. Default 2000 ms. */
  pollMs?: number;
  /** Keep the messages posted to the webview for `testing.posted()`. Default: only in test mode. */
  recordMessages?: boolean;
}

/** What `registerErrorLog` returns: the contract plus read-only hooks for the integration tests. */
export interface ErrorLogHandle extends ErrorLogApi, vscode.Disposable {
  readonly testing: ErrorLogTestHooks;
}

export interface ErrorLogTestHooks {
  panelOpen(): boolean;
  panelHtml(): string | undefined;
  /** Messages posted to the webview since the last `clearPosted()` (already redacted). */
  posted(): readonly HostToWebview[];
  clearPosted(): void;
  /** Feeds a message to the host as if the webview sent it; resolves when it is handled. */
  receive(msg: WebviewToHost): Promise<void>;
  /** The webview's paint metrics: `first` rows on screen, and the `full` log on screen. */
  metrics(phase?: 'first' | 'full'): PaintMetrics | undefined;
  viewState(): ViewState;
  /** Host-side milestones of the last show(), ms after it: preview rows ready, full log read, webview ready. */
  timings(): { previewReadyMs?: number; fullReadMs?: number; webviewReadyMs?: number };
  readAll(): Promise<LogEntry[]>;
  closePanel(): void;
}

export interface PaintMetrics {
  firstPaintMs: number; renderMs: number; rows: number; renderedRows: number;
  /** The rows came with the page's HTML, before the ready handshake. */
  fromPage: boolean;
}

export const SHOW_COMMAND = 'claudeDoctor.showErrorLog';
export const VIEW_TYPE = 'claudeDoctor.errorLog';
const STATE_KEY = 'claudeDoctor.log.viewState';
/** Rows the page itself carries (a tall screen shows about 60). */
const INITIAL_ROWS = 100;
/** No row is shorter than this (the page's rows are 24 px at the default font size). */
const MIN_ROW_PX = 20;
/** How long opening the panel waits for the log's tail before showing the page without rows. */
const PREVIEW_WAIT_MS = 250;
/** Set in the extension host when running tests, so a suite bundled separately finds the live handle. */
export const GLOBAL_HOOK = '__claudeDoctorErrorLog';

function readSettings(): { enabled: boolean; maxFileBytes: number; maxFiles: number } {
  const c = vscode.workspace.getConfiguration('claudeDoctor.log');
  const kb = c.get<number>('maxFileSizeKB', 2048);
  const files = c.get<number>('maxFiles', 5);
  return {
    enabled: c.get<boolean>('enabled', true) !== false,
    maxFileBytes: (typeof kb === 'number' && Number.isFinite(kb) && kb >= 16 ? Math.min(kb, 1024 * 1024) : 2048) * 1024,
    maxFiles: typeof files === 'number' && Number.isFinite(files) && files >= 1 ? Math.min(Math.floor(files), 100) : 5,
  };
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function registerErrorLog(
  context: vscode.ExtensionContext,
  deps: { replay(entry: LogEntry): Promise<void> },
  options: ErrorLogOptions = {},
): ErrorLogHandle {
  const dirUri = vscode.Uri.joinPath(context.globalStorageUri, 'error-log');
  const storePath = vscode.Uri.joinPath(dirUri, 'errors.jsonl').fsPath;
  const extraSecrets = options.secrets ?? (() => []);
  const disposables: vscode.Disposable[] = [];

  let store: LogStore | undefined;
  const getStore = (): LogStore => {
    if (!store) {
      const s = readSettings();
      store = new LogStore(dirUri.fsPath, { maxFileBytes: s.maxFileBytes, maxFiles: s.maxFiles, secrets: extraSecrets });
    }
    return store;
  };
  const secrets = () => extraSecrets();
  const redact = (s: string) => redactSecrets(s, secrets());

  // ---- panel state (the host is the source of truth) ---------------------------------------
  const saved = context.globalState.get<Partial<ViewState>>(STATE_KEY);
  const view: ViewState = { filter: sanitizeFilter(saved?.filter), selectedId: null, scrollTop: 0 };
  let panel: vscode.WebviewPanel | undefined;
  let panelDisposables: vscode.Disposable[] = [];
  let model: LogViewModel | undefined;
  let reader: LogReader | undefined;
  let loading: Promise<void> | undefined;
  let notice: Notice = null;
  let writeError: string | null = null;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshing: Promise<void> | undefined;
  let posted: HostToWebview[] = [];
  const paint: { first?: PaintMetrics; full?: PaintMetrics } = {};
  let webviewReady = false;
  let shownAt = 0;
  const timings: { previewReadyMs?: number; fullReadMs?: number; webviewReadyMs?: number } = {};
  const mark = (k: keyof typeof timings) => {
    timings[k] = Math.round(performance.now() - shownAt);
  };

  const record = options.recordMessages ?? context.extensionMode === vscode.ExtensionMode.Test;
  const post = (msg: HostToWebview): void => {
    if (!panel) return;
    if (record) {
      posted.push(msg);
      if (posted.length > 200) posted = posted.slice(-100);
    }
    void panel.webview.postMessage(msg);
  };

  const setNotice = (n: Notice): void => {
    notice = n ? { level: n.level, text: redact(n.text) } : null;
    if (webviewReady) post({ type: 'notice', notice });
  };

  let readySignal = deferred();
  let firstPaintSignal = deferred();
  /** Entries of the newest bytes only, shown while the full read runs (fast first paint). */
  let preview: { model: LogViewModel; ready: Promise<void> } | undefined;
  let loaded = false;

  const load = (): Promise<void> => {
    if (!loading) {
      loaded = false;
      model = new LogViewModel();
      model.setFilter(view.filter);
      reader = getStore().createReader();
      const m = model;
      const r = reader;
      const pm = new LogViewModel();
      let previewDone!: () => void;
      preview = { model: pm, ready: new Promise<void>((res) => (previewDone = res)) };
      loading = (async () => {
        try {
          pm.setFilter(view.filter);
          pm.ingest(await getStore().tail());
        } catch {
          /* the full read below reports problems */
        } finally {
          mark('previewReadyMs');
          previewDone();
        }
        // Let the webview boot and paint the preview before the long parse competes with it for
        // the event loop (the preview message would otherwise queue behind the parse).
        if (panel && !paint.first) {
          const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
          await Promise.race([readySignal.promise, sleep(1500)]);
          if (pm.size > 0) await Promise.race([firstPaintSignal.promise, sleep(400)]);
        }
        try {
          const res = await r.readNew();
          m.skipped += res.skipped;
          m.ingest(res.entries);
          m.setUnsaved(getStore().pending());
          mark('fullReadMs');
        } catch (e) {
          setNotice({ level: 'error', text: e instanceof Error ? e.message : String(e) });
        } finally {
          if (m === model) {
            loaded = true;
            preview = undefined;
          }
        }
      })();
    }
    return loading;
  };

  const stateOf = (source: LogViewModel, isPreview: boolean): Extract<HostToWebview, { type: 'state' }> => {
    source.setFilter(view.filter); // re-anchors relative ranges ("last hour") to now
    const { rows, stats } = source.view();
    if (!isPreview && view.selectedId && !source.find(view.selectedId)) view.selectedId = null;
    return {
      type: 'state', view: { ...view }, rows, stats, totalAll: source.size, skipped: source.skipped,
      errorTypes: source.errorTypes(), storePath, notice, loading: isPreview,
    };
  };

  const postState = (source: LogViewModel | undefined = model, isPreview = false): void => {
    if (!panel || !source || !webviewReady) return;
    post(stateOf(source, isPreview));
  };

  /**
   * The first screenful of the newest entries, for the page itself (first paint without waiting
   * for the ready handshake and a message round trip). Redacted like everything the panel shows.
   */
  const initialState = (): Extract<HostToWebview, { type: 'state' }> | undefined => {
    const source = loaded ? model : preview?.model;
    if (!source || source.size === 0) return undefined;
    const state = stateOf(source, !loaded);
    // Enough rows for the first screen at the remembered scroll position.
    const keep = INITIAL_ROWS + Math.ceil(view.scrollTop / MIN_ROW_PX);
    if (state.rows.length > keep) {
      state.rows = state.rows.slice(0, keep);
      state.loading = true;
    }
    return redactDeep(state, secrets());
  };

  /** Reads what was appended (by us or any other window) and pushes it to the panel. */
  const refresh = (): Promise<void> => {
    if (refreshing) return refreshing.then(() => refresh());
    refreshing = (async () => {
      if (!panel || !model || !reader) return;
      await loading;
      const m = model;
      try {
        const res = await reader.readNew();
        if (m !== model) return;
        m.skipped += res.skipped;
        const { added, inOrder } = m.ingest(res.entries);
        const unsavedChanged = m.setUnsaved(getStore().pending());
        if (!webviewReady) return;
        if (!inOrder || unsavedChanged || res.skipped) {
          postState();
        } else if (added.length) {
          const rows = m.rowsFor(added);
          post({ type: 'appended', rows, stats: m.stats(), totalAll: m.size, errorTypes: m.errorTypes() });
        }
      } catch (e) {
        setNotice({ level: 'error', text: e instanceof Error ? e.message : String(e) });
      }
    })().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };

  const scheduleRefresh = (): void => {
    if (!panel || refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void refresh();
    }, 30);
  };

  const startPolling = (): void => {
    stopPolling();
    const ms = options.pollMs ?? 2000;
    if (ms > 0) pollTimer = setInterval(() => void refresh(), ms);
  };
  const stopPolling = (): void => {
    if (pollTimer) clearInterval(pollTimer);
    pollTimer = undefined;
  };

  const persistView = (): void => {
    void context.globalState.update(STATE_KEY, { filter: view.filter });
  };

  // ---- actions ------------------------------------------------------------------------------
  const doExport = async (format: 'json' | 'csv'): Promise<void> => {
    await load();
    const m = model!;
    const list = m.filtered().map((e) => getStore().sanitize(e));
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const defaultUri = vscode.Uri.joinPath(base, `claude-doctor-log-${stamp()}.${format}`);
    const pick = options.pickSaveUri ?? ((d, f) => vscode.window.showSaveDialog({
      defaultUri: d,
      saveLabel: vscode.l10n.t('Export'),
      title: vscode.l10n.t('Export Error Log'),
      filters: f === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
    }));
    const target = await pick(defaultUri, format);
    if (!target) return;
    post({ type: 'busy', action: 'export' });
    try {
      const filter = isEmptyFilter(view.filter) ? undefined : view.filter;
      const raw = format === 'json' ? toJson(list, { filter }) : toCsv(list, { bom: true });
      await vscode.workspace.fs.writeFile(target, Buffer.from(redact(raw), 'utf8'));
      const text = vscode.l10n.t('Exported {0} entries to {1}', list.length, target.fsPath);
      setNotice({ level: 'info', text });
      if (!options.pickSaveUri) {
        void vscode.window.showInformationMessage(text, vscode.l10n.t('Open')).then((a) => {
          if (a) void vscode.commands.executeCommand('vscode.open', target);
        });
      }
    } catch (e) {
      const text = vscode.l10n.t('Export failed: {0}', redact(e instanceof Error ? e.message : String(e)));
      setNotice({ level: 'error', text });
      void vscode.window.showErrorMessage(text);
    } finally {
      post({ type: 'busy', action: null });
    }
  };

  const doClear = async (): Promise<void> => {
    await load();
    const n = model!.size;
    const message = vscode.l10n.t('Clear the Claude Doctor error log?');
    const detail = vscode.l10n.t('This deletes all {0} entries from disk, for every window. It cannot be undone.', n);
    const confirm = options.confirm ?? (async (msg, det) => {
      const yes = vscode.l10n.t('Clear Log');
      return (await vscode.window.showWarningMessage(msg, { modal: true, detail: det }, yes)) === yes;
    });
    if (!(await confirm(message, detail))) return;
    post({ type: 'busy', action: 'clear' });
    try {
      await getStore().clear();
      model!.reset();
      reader!.reset();
      view.selectedId = null;
      view.scrollTop = 0;
      writeError = null;
      setNotice({ level: 'info', text: vscode.l10n.t('Cleared {0} entries.', n) });
      postState();
    } catch (e) {
      setNotice({ level: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      post({ type: 'busy', action: null });
    }
  };

  const doReplay = async (id: string): Promise<void> => {
    await load();
    const entry = model!.find(id);
    if (!entry) {
      setNotice({ level: 'warning', text: vscode.l10n.t('That entry is no longer in the log.') });
      return;
    }
    post({ type: 'busy', action: 'replay' });
    try {
      await deps.replay(entry);
    } catch (e) {
      const text = vscode.l10n.t('Replay failed: {0}', redact(e instanceof Error ? e.message : String(e)));
      setNotice({ level: 'error', text });
      void vscode.window.showErrorMessage(text);
    } finally {
      post({ type: 'busy', action: null });
    }
  };

  const handle = async (msg: unknown): Promise<void> => {
    if (!isWebviewMessage(msg)) return;
    switch (msg.type) {
      case 'ready': {
        webviewReady = true;
        mark('webviewReadyMs');
        readySignal.resolve();
        const full = load();
        const p = preview;
        if (!loaded && p) {
          await p.ready;
          if (!loaded && p.model.size > 0) postState(p.model, true);
        }
        await full;
        postState();
        if (view.selectedId) post({ type: 'details', entry: model?.find(view.selectedId) ?? null });
        return;
      }
      case 'setFilter': {
        view.filter = sanitizeFilter(msg.filter);
        view.scrollTop = 0;
        persistView();
        await load();
        model!.setFilter(view.filter);
        postState();
        return;
      }
      case 'select':
        view.selectedId = msg.id;
        await load();
        post({ type: 'details', entry: msg.id ? model!.find(msg.id) ?? null : null });
        return;
      case 'viewState':
        view.scrollTop = Math.max(0, msg.scrollTop);
        return;
      case 'export':
        return doExport(msg.format);
      case 'clear':
        return doClear();
      case 'replay':
        return doReplay(msg.id);
      case 'refresh':
        await load();
        await getStore().flush().catch(() => undefined);
        await refresh();
        postState();
        return;
      case 'openFolder':
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(storePath));
        return;
      case 'metrics':
        paint[msg.phase] = { firstPaintMs: msg.firstPaintMs, renderMs: msg.renderMs, rows: msg.rows, renderedRows: msg.renderedRows, fromPage: msg.fromPage === true };
        if (msg.phase === 'first') firstPaintSignal.resolve();
        return;
    }
  };

  const setupPanel = async (p: vscode.WebviewPanel): Promise<void> => {
    shownAt = performance.now();
    for (const k of Object.keys(timings) as (keyof typeof timings)[]) delete timings[k];
    panel = p;
    webviewReady = false;
    readySignal = deferred();
    firstPaintSignal = deferred();
    delete paint.first;
    delete paint.full;
    p.webview.options = { enableScripts: true, localResourceRoots: webviewLocalRoots(context.extensionUri) };
    void load();
    listen(p);
    // The page carries the newest entries itself (read from the log's tail, a few ms), so its
    // first paint has rows; a slow disk only delays that, never the page (at most PREVIEW_WAIT_MS).
    const p0 = preview;
    if (p0 && !loaded) await Promise.race([p0.ready, new Promise((res) => setTimeout(res, PREVIEW_WAIT_MS))]);
    if (panel !== p) return; // closed meanwhile
    p.webview.html = renderWebviewHtml(p.webview, context.extensionUri, {
      title: vscode.l10n.t('Claude Doctor: Error Log'), script: 'log', styles: ['log.css'], initialState: initialState(),
    });
  };

  const listen = (p: vscode.WebviewPanel): void => {
    panelDisposables = [
      p.webview.onDidReceiveMessage((m) => {
        handle(m).catch((e) => setNotice({ level: 'error', text: e instanceof Error ? e.message : String(e) }));
      }),
      p.onDidChangeViewState((e) => {
        // retainContextWhenHidden is off: the webview reloads and says `ready` again when shown.
        if (e.webviewPanel.visible) {
          startPolling();
          void refresh();
        } else {
          webviewReady = false;
          stopPolling();
        }
      }),
      p.onDidDispose(() => {
        stopPolling();
        if (refreshTimer) clearTimeout(refreshTimer);
        refreshTimer = undefined;
        for (const d of panelDisposables) d.dispose();
        panelDisposables = [];
        panel = undefined;
        webviewReady = false;
        // Free the entries; the view state (filter, selection, scroll) stays for the next show.
        model = undefined;
        reader = undefined;
        loading = undefined;
        preview = undefined;
        loaded = false;
      }),
    ];
    startPolling();
  };

  const show = async (): Promise<void> => {
    if (panel) {
      panel.reveal();
      return;
    }
    await setupPanel(vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Claude Doctor: Error Log'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: webviewLocalRoots(context.extensionUri), retainContextWhenHidden: false }));
  };

  let warnedWrite = false;
  const append = async (entry: LogEntry): Promise<void> => {
    if (!readSettings().enabled) return;
    const s = getStore();
    try {
      await s.append(entry);
      if (writeError) {
        writeError = null;
        warnedWrite = false;
        setNotice({ level: 'info', text: vscode.l10n.t('The error log is writable again; entries held in memory were saved.') });
      }
    } catch (e) {
      // Never fail the caller's run because the log could not be written: the entry is kept in
      // memory (shown in the panel as unsaved) and written by the next successful append.
      writeError = e instanceof LogStoreError ? e.message : String(e);
      setNotice({ level: 'error', text: writeError });
      if (!warnedWrite) {
        warnedWrite = true;
        void vscode.window.showWarningMessage(redact(writeError));
      }
    }
    scheduleRefresh();
  };

  if (options.registerCommand !== false) {
    disposables.push(vscode.commands.registerCommand(SHOW_COMMAND, () => show()));
    // Brings the panel back after a window reload (activation event onWebviewPanel:claudeDoctor.errorLog).
    disposables.push(vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (p) => {
        if (panel) p.dispose();
        else await setupPanel(p);
      },
    }));
  }
  disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (store && e.affectsConfiguration('claudeDoctor.log')) {
      const s = readSettings();
      store.configure({ maxFileBytes: s.maxFileBytes, maxFiles: s.maxFiles });
    }
  }));

  const testing: ErrorLogTestHooks = {
    panelOpen: () => !!panel,
    panelHtml: () => panel?.webview.html,
    posted: () => posted,
    clearPosted: () => {
      posted = [];
    },
    receive: (msg) => handle(msg),
    metrics: (phase = 'first') => paint[phase],
    viewState: () => ({ ...view, filter: { ...view.filter } }),
    timings: () => ({ ...timings }),
    readAll: async () => (await getStore().readAll()).entries,
    closePanel: () => panel?.dispose(),
  };

  const api: ErrorLogHandle = {
    storePath,
    append,
    show,
    testing,
    dispose() {
      panel?.dispose();
      for (const d of disposables) d.dispose();
      disposables.length = 0;
      const g = globalThis as Record<string, unknown>;
      if (g[GLOBAL_HOOK] === api) delete g[GLOBAL_HOOK];
    },
  };
  if (context.extensionMode === vscode.ExtensionMode.Test) (globalThis as Record<string, unknown>)[GLOBAL_HOOK] = api;
  return api;
}
