/**
 * The analyzer's heavy half — the engine, its rules, the tree-sitter glue, the controller, quick
 * fixes, hovers and Scan Workspace — bundled on its own into dist/analyzer-runtime.js (see
 * scripts/build-options.mjs). The activation shell (index.ts) requires it on the first document
 * that needs it (one that mentions the Claude SDK, or imports a module that does), never at
 * activation. The engine and the grammars inside it still load only on the first analysis.
 */
import * as vscode from 'vscode';
import { mentionsClaudeSdk } from '../../core/analyzer';
import { ClaudeCodeActionProvider } from './codeActions';
import { AnalyzerController, analyzerLanguageOf } from './controller';
import { hoverAt } from '../../core/editor/hover';
import { scanWorkspace, type ScanSummary } from './scan';

declare const __TEST_HOOKS__: boolean;


export interface AnalyzerStats {
  /** Whether dist/analyzer-runtime.js was loaded. */
  runtimeLoaded: boolean;
  engineLoaded: boolean;
  engineLoads: number;
  scheduler: { runs: number; applied: number; stale: number; errors: number };
  tracked: number;
  dependentRuns: number;
  /** The analyzer worker thread (large files). */
  worker: { running: boolean; starts: number; crashes: number; hangs: number; requests: number; resent: number; minChars: number };
}

export interface AnalyzerFeature extends vscode.Disposable {
  codeActions: vscode.CodeActionProvider;
  hover: vscode.HoverProvider;
  scan(): Promise<ScanSummary | undefined>;
  stats(): AnalyzerStats;
}

/** Creates the controller (which tracks every open document from here on) and its providers. */
export function startAnalyzer(context: vscode.ExtensionContext): AnalyzerFeature {
  const controller = new AnalyzerController(context);
  const codeActions = new ClaudeCodeActionProvider(controller);
  // Test builds only: `{ minChars?, deadlineMs?, arm?: 'crash' | 'hang', coldRun? }` (AnalyzerController.workerTest).
  const testCommand = __TEST_HOOKS__
    ? vscode.commands.registerCommand('_claudeDoctor.analyzerWorkerTest', (cmd: Parameters<AnalyzerController['workerTest']>[0]) => controller.workerTest(cmd))
    : undefined;

  const hover: vscode.HoverProvider = {
    provideHover(document, position) {
      const language = analyzerLanguageOf(document);
      if (!language) return undefined;
      const text = document.getText();
      if (!mentionsClaudeSdk(text, language)) return undefined;
      const h = hoverAt(text, document.offsetAt(position), language);
      if (!h) return undefined;
      const md = new vscode.MarkdownString(h.markdown);
      return new vscode.Hover(md, new vscode.Range(document.positionAt(h.start), document.positionAt(h.end)));
    },
  };

  const scan = async (): Promise<ScanSummary | undefined> => {
    if (!vscode.workspace.workspaceFolders?.length) {
      void vscode.window.showInformationMessage('Claude Doctor: open a folder to scan.');
      return undefined;
    }
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Claude Doctor: scanning workspace', cancellable: true },
      (progress, token) => scanWorkspace(controller, progress, token),
    );
    const what = `${summary.problems} problem${summary.problems === 1 ? '' : 's'} in ${summary.filesWithProblems} file${summary.filesWithProblems === 1 ? '' : 's'}`;
    const msg = summary.cancelled
      ? `Claude Doctor: scan cancelled after ${summary.analyzed} files using the SDK: ${what} so far.`
      : `Claude Doctor: scanned ${summary.files} files (${summary.analyzed} use the Claude SDK): ${what}.`;
    void vscode.window.showInformationMessage(msg, ...(summary.problems > 0 ? ['Show Problems'] : [])).then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return summary;
  };

  return {
    codeActions,
    hover,
    scan,
    stats: () => ({
      runtimeLoaded: true,
      engineLoaded: controller.engineLoaded,
      engineLoads: controller.engineLoads,
      scheduler: { ...controller.scheduler.stats },
      tracked: controller.scheduler.keys().length,
      dependentRuns: controller.dependentRuns,
      worker: controller.workerStats,
    }),
    dispose: () => {
      testCommand?.dispose();
      controller.dispose();
    },
  };
}
