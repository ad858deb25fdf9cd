/**
 * Which documents the analyzer looks at, and the code action kinds it provides: shared by the
 * activation shell (index.ts, in dist/extension.js) and the analyzer runtime.
 */
import * as vscode from 'vscode';
import type { AnalyzerLanguage } from '../../core/analyzer/types';

export const LANGUAGE_IDS: readonly AnalyzerLanguage[] = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'python'];
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata']);
/**
 * Bigger documents (bundles, generated code) are not analysed live, and say so: a cold analysis
 * runs on the extension host's thread and grows with the text (a 1 MB one-line file: ~0.5 s; the
 * CLI has no such limit up to 2 MB).
 */
export const MAX_LIVE_CHARS = 1_000_000;

/** The note a too-large file that uses a Claude SDK gets instead of findings. */
export function tooLargeNote(chars: number): string {
  const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} M`;
  return `Claude Doctor does not analyse this file as you type: it has ${mb(chars)} characters, over the ${mb(MAX_LIVE_CHARS)} limit that keeps the editor responsive. Run \`claude-doctor lint\` on it to check it.`;
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
