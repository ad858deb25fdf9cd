/**
 * The extension's exported API (`vscode.extensions.getExtension(id).exports`): the measured
 * activation time and, in development and test builds only (`__TEST_HOOKS__`, esbuild.mjs), test hooks for the
 * integration suites. The hooks read state; none of them can reveal the API key (everything they
 * return was redacted before it was stored). Production bundles carry no hooks at all.
 */
import type { HostToWebview, PanelState } from '../webview/connection/protocol';
import type { LogEntry } from '../core/log/types';
import type { ResultEvent } from '../core/retry/events';
import type { ProxyTestHooks } from './proxy/index';


export interface RenderedReportView { runId: string | null; rows: number; verdict: string; chips: string[]; at: number }

export interface ConnectionTestHooks {
  /** Point the status page check at another URL (tests: 127.0.0.1); undefined restores the real one. */
  setStatusUrl(url: string | undefined): Promise<void>;
  panelState(): Promise<PanelState>;
  postedMessages(): readonly HostToWebview[];
  clearPostedMessages(): void;
  panelHtml(): string | undefined;
  panelOpen(): boolean;
  panelVisible(): boolean;
  lastRendered(): RenderedReportView | undefined;
  waitForRender(pred: (r: RenderedReportView) => boolean, timeoutMs: number): Promise<RenderedReportView>;
  outputLines(): readonly string[];
  errorLogPath(): string;
  simulatorUrl(): Promise<string>;
  curl(): Promise<string | undefined>;
  closePanel(): void;
  /** View column of the panel, when it is open. */
  panelViewColumn(): number | undefined;
  /** The extension's globalStorage folder (the user settings live two levels up). */
  globalStoragePath(): string;
  /** What the error log's "replay" does with an entry; resolves with the new run's result. */
  replay(entry: LogEntry): Promise<ResultEvent | undefined>;
  /** Text and tooltip of the status bar item. */
  statusBar(): { text: string; tooltip: string };
  /** Whether the heavy half (controller, client, simulator) has been loaded. */
  controllerLoaded(): boolean;
}

export interface ClaudeDoctorApi {
  /** Duration of the last `activate()` in milliseconds. */
  readonly activationMs: number;
  /** `activate()` per feature registration: errorLog, connection, others (analyzer, …). */
  readonly activationBreakdownMs: Readonly<Record<string, number>>;
  /** Absent from production builds. */
  readonly testing?: ConnectionTestHooks;
  /** The proxy feature's hooks (issue #15); absent from production builds. */
  readonly proxyTesting?: ProxyTestHooks;
}
