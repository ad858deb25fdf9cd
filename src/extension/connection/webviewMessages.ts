/** What the connection panel's buttons do: its messages to the host, each to a command or a controller call. */
import * as vscode from 'vscode';
import { trustedLink } from '../../core/connection/runRequest';
import type { WebviewToHost, HostToWebview } from '../../webview/connection/protocol';

export interface PanelActions {
  runAgain(): void;
  cancel(): void;
  copyCurl(): void;
  checkStatus(): void;
  openLog(): void;
  /** Posts to the panel on display, if any. */
  post(m: HostToWebview): void;
}

export function onWebviewMessage(m: WebviewToHost, a: PanelActions): void {
  switch (m.type) {
    case 'runAgain': a.runAgain(); break;
    case 'cancel': a.cancel(); break;
    case 'copyCurl': a.copyCurl(); break;
    case 'copyRequestId':
      if (/^[A-Za-z0-9_\-:.]{1,200}$/.test(m.requestId)) {
        void vscode.env.clipboard.writeText(m.requestId);
        a.post({ type: 'notice', text: vscode.l10n.t('Copied request id {0}', m.requestId) });
      }
      break;
    case 'openLog': a.openLog(); break;
    case 'openDocs': void openTrustedLink(m.url); break;
    case 'checkStatus': a.checkStatus(); break;
    case 'setKey': void vscode.commands.executeCommand('claudeDoctor.setApiKey'); break;
    case 'runSimulator': void vscode.commands.executeCommand('claudeDoctor.testConnectionSimulator'); break;
    default: break;
  }
}

/** Opens `url` only when it is a trusted Claude link (core/connection/runRequest.ts). */
export async function openTrustedLink(url: string): Promise<boolean> {
  const u = trustedLink(url);
  if (!u) return false;
  return vscode.env.openExternal(vscode.Uri.parse(u));
}
