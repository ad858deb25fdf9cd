/**
 * Which documents the analyzer looks at, and the code action kinds it provides: shared by the
 * activation shell (index.ts, in dist/extension.js) and the analyzer runtime.
 */
import * as vscode from 'vscode';
import type { AnalyzerLanguage } from '../../core/analyzer/types';

export const LANGUAGE_IDS: readonly AnalyzerLanguage[] = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'];
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata']);
/**
 * Bigger documents (bundles, generated code) are not analysed live, and say so (the CLI has no
 * such limit). Up to this size they are, on a worker thread when large (WORKER_MIN_CHARS).
 */
export const MAX_LIVE_CHARS = 2_000_000;
/**
 * Texts of this many characters and more are analysed on the worker thread. Below, a cold
 * analysis blocks the host for ~10 ms at most (~0.45 s per 1 M characters on a busy core), and
 * answers sooner in the thread than across it (an edit of a small file: p50 0.17 ms here, 0.27 ms
 * through the worker; README, "Limits").
 */
export const WORKER_MIN_CHARS = 20_000;

/** The note a too-large file that uses a Claude SDK gets instead of findings. */
export function tooLargeNote(chars: number): string {
  const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} M`;
  return `Claude Doctor does not analyse this file as you type: it has ${mb(chars)} characters, over the ${mb(MAX_LIVE_CHARS)} limit that keeps the editor responsive. Run \`claude-doctor lint\` on it to check it.`;
}

/** The note of a file whose analysis crashed or hung the analyzer's worker thread (restarted since). */
export function workerFailedNote(reason: 'crashed' | 'hung' | 'stopped'): string {
  const what = reason === 'hung' ? 'took too long analysing this file and was stopped' : 'crashed while analysing this file';
  return `Claude Doctor's analyzer ${what}; it was restarted and your other files are still analysed. This file has no findings until your next edit analyses it again (or run \`claude-doctor lint\` on it).`;
}

export function analyzerLanguageOf(doc: vscode.TextDocument): AnalyzerLanguage | undefined {
  if (!SCHEMES.has(doc.uri.scheme)) return undefined;
  if ((LANGUAGE_IDS as readonly string[]).includes(doc.languageId)) return doc.languageId as AnalyzerLanguage;
  return undefined;
}

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('claudeDoctor');
export const PROVIDED_KINDS = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite, FIX_ALL_KIND];

/**
 * A source file's text for the project index: the open document's when there is one (`open`),
 * else the file read through `workspace.fs` (remote and virtual workspaces too); nothing for
 * folders, special files and files too large to analyse live.
 */
export async function readSourceText(uri: vscode.Uri, open: vscode.TextDocument | undefined): Promise<string | undefined> {
  if (open && !open.isClosed) return open.getText();
  try {
    const st = await vscode.workspace.fs.stat(uri);
    if (st.type !== vscode.FileType.File || st.size > MAX_LIVE_CHARS) return undefined;
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
