/**
 * The Error Log feature: every attempt of every run, persisted by `LogStore` in the extension's
 * global storage, and the Error Log webview panel (filters, search, stats, virtualized table,
 * details, export, clear, replay, live updates).
 *
 * This module registers it; `controller.ts` is the host side (the single source of truth),
 * `panel.ts` the webview panel, `model.ts` the entries as the panel shows them.
 * `registerErrorLog` is cheap: it registers the command and a settings listener; the store is
 * created on first use and nothing is read from disk until the panel opens.
 */
import * as vscode from 'vscode';
import type { LogEntry } from '../../core/log/types';
import { ErrorLogController, type ErrorLogOptions, type PaintMetrics, type Timings } from './controller';
import { VIEW_TYPE } from './panel';
import type { HostToWebview, ViewState, WebviewToHost } from '../../webview/log/protocol';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

export type { ErrorLogOptions, PaintMetrics } from './controller';
export { VIEW_TYPE } from './panel';

export interface ErrorLogApi {
  append(entry: LogEntry): Promise<void>;
  show(): Promise<void>;
  readonly storePath: string;
}

/** What `registerErrorLog` returns: the contract plus, in test builds only (`__TEST_HOOKS__`, esbuild.mjs), read-only hooks for the integration tests. */
export interface ErrorLogHandle extends ErrorLogApi, vscode.Disposable {
  readonly testing?: ErrorLogTestHooks;
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
  timings(): Timings;
  readAll(): Promise<LogEntry[]>;
  closePanel(): void;
}

export const SHOW_COMMAND = 'claudeDoctor.showErrorLog';
/** Set in the extension host when running tests, so a suite bundled separately finds the live handle. */
export const GLOBAL_HOOK = '__claudeDoctorErrorLog';

export function registerErrorLog(
  context: vscode.ExtensionContext,
  deps: { replay(entry: LogEntry): Promise<void> },
  options: ErrorLogOptions = {},
): ErrorLogHandle {
  const record = __TEST_HOOKS__ && (options.recordMessages ?? context.extensionMode === vscode.ExtensionMode.Test);
  const log = new ErrorLogController(context, deps, options, record);
  const disposables: vscode.Disposable[] = [log];
  if (options.registerCommand !== false) {
    disposables.push(vscode.commands.registerCommand(SHOW_COMMAND, () => log.show()));
    // Brings the panel back after a window reload (activation event onWebviewPanel:claudeDoctor.errorLog).
    disposables.push(vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: (p) => log.revive(p) }));
  }
  disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('claudeDoctor.log')) log.configureStore();
  }));

  const testing: ErrorLogTestHooks | undefined = !__TEST_HOOKS__ ? undefined : {
    panelOpen: () => !!log.panel,
    panelHtml: () => log.panel?.html,
    posted: () => log.postedLog,
    clearPosted: () => {
      log.postedLog = [];
    },
    receive: (msg) => log.handle(msg),
    metrics: (phase = 'first') => log.paint[phase],
    viewState: () => ({ ...log.view, filter: { ...log.view.filter } }),
    timings: () => ({ ...log.timings }),
    readAll: async () => (await log.store().readAll()).entries,
    closePanel: () => log.panel?.dispose(),
  };

  const api: ErrorLogHandle = {
    storePath: log.storePath,
    append: (entry) => log.append(entry),
    show: () => log.show(),
    testing,
    dispose() {
      for (const d of disposables) d.dispose();
      disposables.length = 0;
      if (__TEST_HOOKS__) {
        const g = globalThis as Record<string, unknown>;
        if (g[GLOBAL_HOOK] === api) delete g[GLOBAL_HOOK];
      }
    },
  };
  if (__TEST_HOOKS__ && context.extensionMode === vscode.ExtensionMode.Test) (globalThis as Record<string, unknown>)[GLOBAL_HOOK] = api;
  return api;
}
