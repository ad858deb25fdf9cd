/**
 * The Error Log's webview panel: a class with createOrShow / revive / dispose, like the webview
 * sample's panel. It owns only the webview — its HTML, its messages, its visibility — and hands
 * every message to its controller, which is the single source of truth (controller.ts).
 */
import * as vscode from 'vscode';
import { renderWebviewHtml, webviewLocalRoots } from '../webviewHtml';
import type { HostToWebview } from '../../webview/log/protocol';

export const VIEW_TYPE = 'claudeDoctor.errorLog';

/** What the panel tells its controller. */
export interface ErrorLogPanelHost {
  readonly extensionUri: vscode.Uri;
  /** A message from the webview (validated by the controller). */
  receive(panel: ErrorLogPanel, msg: unknown): void;
  /** The panel was shown again (the webview reloads: retainContextWhenHidden is off) or hidden. */
  visibility(panel: ErrorLogPanel, visible: boolean): void;
  disposed(panel: ErrorLogPanel): void;
  /** Every message posted to the webview (the controller records them in test builds). */
  posted(msg: HostToWebview): void;
}

export class ErrorLogPanel implements vscode.Disposable {
  /** A new panel in the active column (the controller reveals an open one instead). */
  static create(host: ErrorLogPanelHost): ErrorLogPanel {
    const p = vscode.window.createWebviewPanel(VIEW_TYPE, vscode.l10n.t('Claude Doctor: Error Log'),
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: webviewLocalRoots(host.extensionUri), retainContextWhenHidden: false });
    return new ErrorLogPanel(p, host);
  }

  /** A panel VS Code restored after a window reload (the serializer). */
  static revive(p: vscode.WebviewPanel, host: ErrorLogPanelHost): ErrorLogPanel {
    p.webview.options = { enableScripts: true, localResourceRoots: webviewLocalRoots(host.extensionUri) };
    return new ErrorLogPanel(p, host);
  }

  private readonly disposables: vscode.Disposable[];
  private disposed = false;
  /** The webview said `ready` since it was last (re)loaded. */
  ready = false;

  private constructor(readonly webviewPanel: vscode.WebviewPanel, private readonly host: ErrorLogPanelHost) {
    this.disposables = [
      webviewPanel.webview.onDidReceiveMessage((m) => host.receive(this, m)),
      webviewPanel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
        host.visibility(this, e.webviewPanel.visible);
      }),
      webviewPanel.onDidDispose(() => this.dispose()),
    ];
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  reveal(): void {
    if (!this.disposed) this.webviewPanel.reveal();
  }

  /** The page; `initialState` (already redacted) rides inside it for a first paint with rows. */
  render(initialState: HostToWebview | undefined): void {
    if (this.disposed) return;
    this.ready = false;
    this.webviewPanel.webview.html = renderWebviewHtml(this.webviewPanel.webview, this.host.extensionUri, {
      title: vscode.l10n.t('Claude Doctor: Error Log'), script: 'log', styles: ['log.css'], initialState,
    });
  }

  get html(): string {
    return this.webviewPanel.webview.html;
  }

  post(msg: HostToWebview): void {
    if (this.disposed) return;
    this.host.posted(msg);
    void this.webviewPanel.webview.postMessage(msg);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    for (const d of this.disposables) d.dispose();
    this.host.disposed(this);
    this.webviewPanel.dispose();
  }
}
