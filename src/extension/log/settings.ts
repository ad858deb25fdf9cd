/** The Error Log's options (test seams with production defaults), its settings, and its timing records. */
import * as vscode from 'vscode';

/** Optional seams (all have production defaults). */
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
  /** Keep the messages posted to the webview for `testing.posted()` (test builds only). Default: in test mode. */
  recordMessages?: boolean;
}

export interface PaintMetrics {
  firstPaintMs: number; renderMs: number; rows: number; renderedRows: number;
  /** The rows came with the page's HTML, before the ready handshake. */
  fromPage: boolean;
}

export type Timings = { previewReadyMs?: number; fullReadMs?: number; webviewReadyMs?: number };

export function readLogSettings(): { enabled: boolean; maxFileBytes: number; maxFiles: number } {
  const c = vscode.workspace.getConfiguration('claudeDoctor.log');
  const kb = c.get<number>('maxFileSizeKB', 2048);
  const files = c.get<number>('maxFiles', 5);
  return {
    enabled: c.get<boolean>('enabled', true) !== false,
    maxFileBytes: (typeof kb === 'number' && Number.isFinite(kb) && kb >= 16 ? Math.min(kb, 1024 * 1024) : 2048) * 1024,
    maxFiles: typeof files === 'number' && Number.isFinite(files) && files >= 1 ? Math.min(Math.floor(files), 100) : 5,
  };
}
