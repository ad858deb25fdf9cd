/**
 * Code actions: a quick fix per finding fix, "Ignore <rule> on this line", the refactors the engine
 * offers ("Wrap in retry helper", "Configure SDK retries"), and "Fix all Claude Doctor problems"
 * (`source.fixAll.claudeDoctor`: safe fixes only, also run on save via `editor.codeActionsOnSave`).
 */
import * as vscode from 'vscode';
import type { Finding, TextEdit } from '../../core/analyzer';
import { safeQuickFix } from '../../core/analyzer/edits';
import { DIAGNOSTIC_SOURCE, toRange, type AnalyzerController, type Snapshot } from './controller';
import { fixAll } from '../../core/editor/fixall';
import { ignoreRuleEdit } from '../../core/editor/ignore';

import { FIX_ALL_KIND, PROVIDED_KINDS } from './languages';

export { FIX_ALL_KIND, PROVIDED_KINDS } from './languages';
export const FIX_ALL_TITLE = 'Fix all Claude Doctor problems';

function overlaps(snap: Snapshot, f: Finding, range: vscode.Range): boolean {
  const r = toRange(snap.index, f.start, f.end);
  // Touching counts: the cursor right after a token still "is on" it.
  return !(r.end.isBefore(range.start) || range.end.isBefore(r.start));
}

export class ClaudeCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: PROVIDED_KINDS };

  constructor(private readonly controller: AnalyzerController) {}

  private workspaceEdit(snap: Snapshot, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
    const we = new vscode.WorkspaceEdit();
    for (const e of edits) we.replace(snap.uri, toRange(snap.index, e.start, e.end), e.newText);
    return we;
  }

  /** The published diagnostic that stands for this finding, for `CodeAction.diagnostics`. */
  private diagnosticFor(snap: Snapshot, f: Finding, context: vscode.CodeActionContext): vscode.Diagnostic | undefined {
    const range = toRange(snap.index, f.start, f.end);
    const sameRule = (d: vscode.Diagnostic) =>
      d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'object' && d.code !== null && String(d.code.value) === f.rule;
    return context.diagnostics.find((d) => sameRule(d) && d.range.isEqual(range)) ?? context.diagnostics.find((d) => sameRule(d) && d.range.intersection(range) !== undefined);
  }

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind);
    const wantFixAll = !!context.only && context.only.contains(FIX_ALL_KIND);
    if (!wants(vscode.CodeActionKind.QuickFix) && !wants(vscode.CodeActionKind.RefactorRewrite) && !wantFixAll) return [];
    const snap = await this.controller.snapshotFor(document);
    if (!snap || token.isCancellationRequested || snap.version !== document.version) return [];
    const actions: vscode.CodeAction[] = [];

    if (wantFixAll) {
      const action = await this.fixAllAction(snap, FIX_ALL_KIND);
      if (action && snap.version === document.version) actions.push(action);
      return actions;
    }

    const here = snap.findings.filter((f) => overlaps(snap, f, range));
    const ignored = new Set<string>();
    let preferredGiven = false;
    for (const f of here) {
      const diagnostic = this.diagnosticFor(snap, f, context);
      for (const fix of f.fixes) {
        const kind = fix.kind === 'refactor' ? vscode.CodeActionKind.RefactorRewrite : vscode.CodeActionKind.QuickFix;
        if (!wants(kind) || fix.edits.length === 0) continue;
        const action = new vscode.CodeAction(fix.title, kind);
        action.edit = this.workspaceEdit(snap, fix.edits);
        if (kind === vscode.CodeActionKind.QuickFix) {
          if (diagnostic) action.diagnostics = [diagnostic];
          if (fix.safe && !preferredGiven) {
            action.isPreferred = true;
            preferredGiven = true;
          }
        }
        actions.push(action);
      }
      if (wants(vscode.CodeActionKind.QuickFix)) {
        const line = snap.index.positionAt(f.start).line;
        const id = `${f.rule}@${line}`;
        if (!ignored.has(id)) {
          ignored.add(id);
          const edit = ignoreRuleEdit(snap.text, f.start, f.rule, snap.language, snap.index);
          if (edit) {
            const action = new vscode.CodeAction(`Ignore ${f.rule} on this line`, vscode.CodeActionKind.QuickFix);
            action.edit = this.workspaceEdit(snap, [edit]);
            if (diagnostic) action.diagnostics = [diagnostic];
            actions.push(action);
          }
        }
      }
    }

    // In the light bulb too, when the document has several safe fixes; its edit is computed only
    // when chosen (resolveCodeAction), so showing the light bulb stays cheap.
    if (here.length > 0 && wants(vscode.CodeActionKind.QuickFix)) {
      const safe = snap.findings.filter((f) => safeQuickFix(f) !== undefined).length;
      if (safe > 1) {
        const action = new vscode.CodeAction(FIX_ALL_TITLE, vscode.CodeActionKind.QuickFix);
        this.pending.set(action, snap);
        actions.push(action);
      }
    }
    return actions;
  }

  private readonly pending = new WeakMap<vscode.CodeAction, Snapshot>();

  async resolveCodeAction(action: vscode.CodeAction, token: vscode.CancellationToken): Promise<vscode.CodeAction> {
    const snap = this.pending.get(action);
    if (!snap || action.edit || token.isCancellationRequested) return action;
    const resolved = await this.fixAllAction(snap, vscode.CodeActionKind.QuickFix);
    if (resolved?.edit) action.edit = resolved.edit;
    return action;
  }

  private async fixAllAction(snap: Snapshot, kind: vscode.CodeActionKind): Promise<vscode.CodeAction | undefined> {
    const result = await fixAll(snap.text, snap.findings, (text) => this.controller.analyzeText(snap.uri, text, snap.language));
    if (result.applied === 0 || result.edits.length === 0) return undefined;
    const action = new vscode.CodeAction(FIX_ALL_TITLE, kind);
    action.edit = this.workspaceEdit(snap, result.edits);
    return action;
  }
}
