/** What the in-host suites share: waiting for a condition, and reading our diagnostics. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** The `source` of every diagnostic Claude Doctor publishes. */
export const SOURCE = 'Claude Doctor';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `pollMs` until it gives a truthy value; fails after `ms` naming `what`. */
export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000, pollMs = 25): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

export const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' && d.code ? d.code.value : d.code);
export const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);

/** Writes `text` to `rel` under `root` on disk (not through an editor). */
export async function writeUnder(root: vscode.Uri, rel: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(root, rel);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

/** Replaces the whole text of an open document, unsaved, as typing would. */
export async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const we = new vscode.WorkspaceEdit();
  we.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(we));
  assert.equal(doc.getText(), text);
}
