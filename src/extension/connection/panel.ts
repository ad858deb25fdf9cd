/**
 * The connection panel's host side: one webview panel, strict CSP via `renderWebviewHtml`,
 * `retainContextWhenHidden: false`. The webview sends `ready` whenever it (re)loads and the host
 * answers with the whole state, so hiding and showing the panel restores it. Every message is
 * deep-redacted before it is posted. A bounded record of posted messages and the HTML feeds the
 * integration tests.
 */
import * as vscode from 'vscode';
import { redactDeep } from '../../core/redact';
import { WEBVIEW_STRINGS } from '../../webview/connection/strings';
import { renderWebviewHtml, webviewLocalRoots } from '../webviewHtml';
import { isWebviewToHost, type HostToWebview, type PanelState, type WebviewToHost } from '../../webview/connection/protocol';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

export { redactDeep };

let l10nCache: Record<string, string> | undefined;
/** The webview's strings through vscode.l10n.t (English text = key). */
function localizedStrings(): Record<string, string> {
  l10nCache ??= Object.fromEntries(WEBVIEW_STRINGS.map((s) => [s, vscode.l10n.t(s)]));
  return l10nCache;
}
export const CONNECTION_VIEW_TYPE = 'claudeDoctor.connection';

/** Everything any panel of this window was given (bounded): the leak test reads it. */
export interface PanelRecord { html: string[]; posted: HostToWebview[] }

export interface RenderedReport { runId: string | null; rows: number; verdict: string; chips: string[]; at: number }

export class ConnectionPanel implements vscode.Disposable {
  readonly posted: HostToWebview[] = [];
  html = '';
  lastRendered: RenderedReport | undefined;
  /** Told of each rendered report (test builds: the integration tests' waitForRender). */
  readonly renderListeners = new Set<(r: RenderedReport) => void>();
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;

  static create(extensionUri: vscode.Uri, getState: () => PanelState, secrets: () => readonly string[],
    onMessage: (m: WebviewToHost) => void, record?: PanelRecord): ConnectionPanel {
    const panel = vscode.window.createWebviewPanel(CONNECTION_VIEW_TYPE, vscode.l10n.t('Claude Connection'),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, ConnectionPanel.options(extensionUri));
    return new ConnectionPanel(panel, extensionUri, getState, secrets, onMessage, record);
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: webviewLocalRoots(extensionUri), enableFindWidget: true };
  }

  constructor(readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly getState: () => PanelState,
    private readonly secrets: () => readonly string[], private readonly onMessage: (m: WebviewToHost) => void,
    private readonly record?: PanelRecord) {
    panel.webview.options = ConnectionPanel.options(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'walkthrough', 'icon.svg');
    this.html = renderWebviewHtml(panel.webview, extensionUri, { title: vscode.l10n.t('Claude Connection'), script: 'connection', styles: ['connection.css'] });
    panel.webview.html = this.html;
    record?.html.push(this.html);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private receive(m: unknown): void {
    if (!isWebviewToHost(m)) return;
    if (m.type === 'ready') {
      this.post({ type: 'l10n', strings: localizedStrings() });
      this.sendState();
      return;
    }
    if (m.type === 'rendered') {
      if (!__TEST_HOOKS__) return;
      const r: RenderedReport = { runId: m.runId, rows: m.rows, verdict: String(m.verdict ?? ''), chips: Array.isArray(m.chips) ? m.chips.map(String) : [], at: Date.now() };
      this.lastRendered = r;
      for (const l of [...this.renderListeners]) l(r);
      return;
    }
    this.onMessage(m);
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  reveal(preserveFocus = true): void {
    if (!this.disposed) this.panel.reveal(undefined, preserveFocus);
  }

  sendState(): void {
    this.post({ type: 'state', state: this.getState(), now: Date.now() });
  }

  post(msg: HostToWebview): void {
    if (this.disposed) return;
    const safe = redactDeep(msg, this.secrets());
    for (const log of [this.posted, this.record?.posted]) {
      if (!log) continue;
      log.push(safe);
      if (log.length > 2000) log.splice(0, log.length - 2000);
    }
    void this.panel.webview.postMessage(safe).then(undefined, () => undefined);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
