/**
 * "Claude Doctor: Scan Workspace": analyzes every TS/JS/Python file of the workspace (files.exclude
 * and search.exclude respected, node_modules and virtualenvs skipped) and fills the Problems panel.
 */
import * as vscode from 'vscode';
import { languageFromPath } from '../../core/analyzer';
import type { AnalyzerController } from './controller';
import { buildExcludeGlob } from '../../core/editor/globs';

export const SCAN_INCLUDE = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,pyi}';
const MAX_FILES = 50_000;
/** Bigger files are bundles or generated code. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface ScanSummary {
  /** Candidate files found. */
  files: number;
  /** Files that mention the SDK and were analyzed. */
  analyzed: number;
  problems: number;
  filesWithProblems: number;
  cancelled: boolean;
  ms: number;
}

export async function scanWorkspace(
  controller: AnalyzerController,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<ScanSummary> {
  const started = Date.now();
  const summary: ScanSummary = { files: 0, analyzed: 0, problems: 0, filesWithProblems: 0, cancelled: false, ms: 0 };
  const exclude = buildExcludeGlob([
    vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude'),
    vscode.workspace.getConfiguration('search').get<Record<string, unknown>>('exclude'),
  ]);
  progress.report({ message: 'finding files…' });
  const uris = (await vscode.workspace.findFiles(SCAN_INCLUDE, exclude, MAX_FILES, token)).filter((u) => languageFromPath(u.path));
  summary.files = uris.length;
  const step = uris.length > 0 ? 100 / uris.length : 100;
  const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  for (let i = 0; i < uris.length; i++) {
    if (token.isCancellationRequested) {
      summary.cancelled = true;
      break;
    }
    const uri = uris[i]!;
    if (i % 20 === 0) progress.report({ message: `${i}/${uris.length} ${vscode.workspace.asRelativePath(uri)}` });
    progress.report({ increment: step });
    const open = openDocs.get(uri.toString());
    if (open && controller.isOpen(uri)) {
      controller.refresh(uri);
      const lang = languageFromPath(uri.path);
      if (lang && (await controller.usesClient(uri, open.getText(), lang))) {
        summary.analyzed++;
        const n = (await controller.snapshotFor(open))?.findings.length ?? 0;
        summary.problems += n;
        if (n > 0) summary.filesWithProblems++;
      }
      continue;
    }
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_FILE_BYTES) continue;
    } catch {
      continue;
    }
    const text = await controller.readText(uri);
    const language = languageFromPath(uri.path);
    if (text === undefined || !language) continue;
    // (the project index is built once for the whole scan: each module is read and parsed at most once)
    if (!(await controller.usesClient(uri, text, language))) {
      controller.forgetClosed(uri);
      continue;
    }
    summary.analyzed++;
    try {
      const n = await controller.analyzeClosed(uri, text);
      summary.problems += n;
      if (n > 0) summary.filesWithProblems++;
    } catch {
      // one broken file must not stop the scan
    }
  }
  summary.ms = Date.now() - started;
  return summary;
}
