/**
 * The Error Log's actions on the whole log: export, clear, replay. The controller lends what they
 * need through `ActionHost`; each shows its progress as `busy` and its outcome as the notice.
 */
import * as vscode from 'vscode';
import * as os from 'node:os';
import type { LogEntry } from '../../core/log/types';
import type { LogReader, LogStore } from '../../core/log/store';
import { isEmptyFilter, toCsv, toJson } from '../../core/log/query';
import type { LogViewModel } from '../../core/log/panelModel';
import type { ErrorLogOptions } from './settings';
import type { HostToWebview, Notice, ViewState } from '../../webview/log/protocol';

/** What the actions need of the controller. */
export interface ActionHost {
  readonly view: ViewState;
  readonly options: Pick<ErrorLogOptions, 'pickSaveUri' | 'confirm'>;
  loadedModel(): Promise<{ model: LogViewModel; reader: LogReader }>;
  store(): LogStore;
  post(msg: HostToWebview): void;
  postState(model: LogViewModel): void;
  setNotice(n: Notice): void;
  redact(s: string): string;
  replay(entry: LogEntry): Promise<void>;
  /** The log was cleared: a write error of before no longer stands. */
  clearWriteError(): void;
}

function stamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Export: the filtered entries, sanitized and redacted, as JSON or CSV to a file the user picks. */
export async function exportLog(host: ActionHost, format: 'json' | 'csv'): Promise<void> {
  const { model } = await host.loadedModel();
  const list = model.filtered().map((e) => host.store().sanitize(e));
  const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const defaultUri = vscode.Uri.joinPath(base, `claude-doctor-log-${stamp()}.${format}`);
  const pick = host.options.pickSaveUri ?? ((d, f) => vscode.window.showSaveDialog({
    defaultUri: d,
    saveLabel: vscode.l10n.t('Export'),
    title: vscode.l10n.t('Export Error Log'),
    filters: f === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
  }));
  const target = await pick(defaultUri, format);
  if (!target) return;
  host.post({ type: 'busy', action: 'export' });
  try {
    const filter = isEmptyFilter(host.view.filter) ? undefined : host.view.filter;
    const raw = format === 'json' ? toJson(list, { filter }) : toCsv(list, { bom: true });
    await vscode.workspace.fs.writeFile(target, Buffer.from(host.redact(raw), 'utf8'));
    const text = vscode.l10n.t('Exported {0} entries to {1}', list.length, target.fsPath);
    host.setNotice({ level: 'info', text });
    if (!host.options.pickSaveUri) {
      void vscode.window.showInformationMessage(text, vscode.l10n.t('Open')).then((a) => {
        if (a) void vscode.commands.executeCommand('vscode.open', target);
      });
    }
  } catch (e) {
    const text = vscode.l10n.t('Export failed: {0}', host.redact(message(e)));
    host.setNotice({ level: 'error', text });
    void vscode.window.showErrorMessage(text);
  } finally {
    host.post({ type: 'busy', action: null });
  }
}

/** Clear: after a confirmation, every log file, for every window. */
export async function clearLog(host: ActionHost): Promise<void> {
  const { model, reader } = await host.loadedModel();
  const n = model.size;
  const question = vscode.l10n.t('Clear the Claude Doctor error log?');
  const detail = vscode.l10n.t('This deletes all {0} entries from disk, for every window. It cannot be undone.', n);
  const confirm = host.options.confirm ?? (async (msg, det) => {
    const yes = vscode.l10n.t('Clear Log');
    return (await vscode.window.showWarningMessage(msg, { modal: true, detail: det }, yes)) === yes;
  });
  if (!(await confirm(question, detail))) return;
  host.post({ type: 'busy', action: 'clear' });
  try {
    await host.store().clear();
    model.reset();
    reader.reset();
    host.view.selectedId = null;
    host.view.scrollTop = 0;
    host.clearWriteError();
    host.setNotice({ level: 'info', text: vscode.l10n.t('Cleared {0} entries.', n) });
    host.postState(model);
  } catch (e) {
    host.setNotice({ level: 'error', text: message(e) });
  } finally {
    host.post({ type: 'busy', action: null });
  }
}

/** Replay: sends the entry's request again (entries seen by the proxy have no body to send). */
export async function replayEntry(host: ActionHost, id: string): Promise<void> {
  const { model } = await host.loadedModel();
  const entry = model.find(id);
  if (!entry) {
    host.setNotice({ level: 'warning', text: vscode.l10n.t('That entry is no longer in the log.') });
    return;
  }
  if (entry.proxy) {
    // Seen by the proxy (issue #15): the app's request body was never kept, so it cannot be sent again.
    host.setNotice({ level: 'info', text: vscode.l10n.t('This request came from your app through the Claude Doctor proxy; its body was not kept. Run your app again to repeat it.') });
    return;
  }
  host.post({ type: 'busy', action: 'replay' });
  try {
    await host.replay(entry);
  } catch (e) {
    const text = vscode.l10n.t('Replay failed: {0}', host.redact(message(e)));
    host.setNotice({ level: 'error', text });
    void vscode.window.showErrorMessage(text);
  } finally {
    host.post({ type: 'busy', action: null });
  }
}
