/**
 * The analyzer in the editor: diagnostics, quick fixes, fix-all, hovers and Scan Workspace.
 * Thin adapter over `core/analyzer`; the engine and grammars load on the first document that
 * mentions the Claude SDK, never at activation.
 */
import * as vscode from 'vscode';
import { mentionsClaudeSdk } from '../../core/analyzer';
import { ClaudeCodeActionProvider } from './codeActions';
import { AnalyzerController, analyzerLanguageOf, LANGUAGE_IDS } from './controller';
import { hoverAt } from './hover';
import { scanWorkspace, type ScanSummary } from './scan';

export const SCAN_COMMAND = 'claudeDoctor.scanWorkspace';
/** Internal (not in the palette): counters for the integration tests and bug reports. */
export const STATS_COMMAND = '_claudeDoctor.analyzerStats';

export function registerAnalyzer(context: vscode.ExtensionContext): vscode.Disposable {
  const controller = new AnalyzerController(context);
  const selector: vscode.DocumentSelector = LANGUAGE_IDS.map((language) => ({ language }));

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

  return vscode.Disposable.from(
    controller,
    vscode.languages.registerCodeActionsProvider(selector, new ClaudeCodeActionProvider(controller), ClaudeCodeActionProvider.metadata),
    vscode.languages.registerHoverProvider(selector, hover),
    vscode.commands.registerCommand(SCAN_COMMAND, scan),
    vscode.commands.registerCommand(STATS_COMMAND, () => ({
      engineLoaded: controller.engineLoaded,
      engineLoads: controller.engineLoads,
      scheduler: { ...controller.scheduler.stats },
      tracked: controller.scheduler.keys().length,
      dependentRuns: controller.dependentRuns,
    })),
  );
}
