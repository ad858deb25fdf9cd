/**
 * The status bar item: the last connection result (persisted in globalState, so it survives a
 * reload), a spinner while a test runs. Cheap: created at activation, no heavy imports.
 */
import * as vscode from 'vscode';
import { formatMs, type ConnectionEvent, type RunInfo } from '../../core/connection/runModel';
import { COMMAND_IDS } from './commandIds';

export interface LastResult {
  ok: boolean;
  status: number | null;
  category: string;
  title: string;
  summary: string;
  attempts: number;
  totalMs: number;
  target: 'api' | 'simulator';
  scenario?: string;
  at: number;
}

const STATE_KEY = 'claudeDoctor.lastResult';
export const SHOW_PANEL_COMMAND = COMMAND_IDS.showConnectionPanel;

export class ConnectionStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  /** The run whose events are shown (from its `runStart`). */
  private run: RunInfo | undefined;

  constructor(private readonly memento: vscode.Memento) {
    this.item = vscode.window.createStatusBarItem('claudeDoctor.connection', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('Claude Doctor: connection');
    this.item.command = SHOW_PANEL_COMMAND;
    const last = memento.get<LastResult>(STATE_KEY);
    if (last && typeof last === 'object' && typeof last.ok === 'boolean') this.render(last);
    else this.idle();
    this.item.show();
  }

  get last(): LastResult | undefined {
    return this.memento.get<LastResult>(STATE_KEY);
  }

  idle(): void {
    this.item.text = '$(pulse) Claude';
    this.item.tooltip = vscode.l10n.t('Claude Doctor: no connection test yet. Click to open the connection panel.');
    this.item.backgroundColor = undefined;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Claude Doctor: no connection test yet') };
  }

  running(detail: string): void {
    this.item.text = `$(sync~spin) Claude ${detail}`;
    this.item.tooltip = vscode.l10n.t('Claude Doctor: connection test running. Click to open the panel.');
    this.item.backgroundColor = undefined;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Claude Doctor: connection test running, {0}', detail) };
  }

  /** The listener of a run's event stream: a spinner with the attempt or wait, then the result. */
  onEvent(e: ConnectionEvent): void {
    switch (e.event) {
      case 'runStart':
        this.run = e.run;
        this.running(vscode.l10n.t('attempt {0}', 1));
        break;
      case 'attemptStart':
        this.running(vscode.l10n.t('attempt {0}', e.attempt));
        break;
      case 'backoff':
        this.running(vscode.l10n.t('waiting {0}', formatMs(e.delayMs)));
        break;
      case 'result': {
        const v = e.verdict;
        const run = this.run?.runId === e.runId ? this.run : undefined;
        void this.setResult({
          ok: e.ok, status: e.status, category: v.category, title: v.title, summary: v.summary, attempts: e.attempts,
          totalMs: e.totalMs, target: run?.target ?? 'api', ...(run?.scenario ? { scenario: run.scenario } : {}), at: Date.now(),
        });
        break;
      }
      default:
        break;
    }
  }

  async setResult(r: LastResult): Promise<void> {
    this.render(r);
    await this.memento.update(STATE_KEY, r);
  }

  private render(r: LastResult): void {
    const sim = r.target === 'simulator' ? ` ${vscode.l10n.t('(simulator)')}` : '';
    const when = new Date(r.at).toLocaleTimeString();
    if (r.ok) {
      this.item.text = r.attempts > 1 ? `$(pass) Claude OK ×${r.attempts}` : '$(pass) Claude OK';
      this.item.backgroundColor = undefined;
    } else if (r.category === 'aborted') {
      // Cancelled is not a failure: a neutral item, no error colour.
      this.item.text = `$(circle-slash) Claude ${vscode.l10n.t('cancelled')}`;
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = `$(error) Claude ${r.status ?? r.category}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.appendMarkdown(`**${escapeMd(r.title)}**${escapeMd(sim)}\n\n`);
    md.appendText(r.summary);
    md.appendMarkdown(`\n\n${escapeMd(vscode.l10n.t('{0} attempt(s), {1} ms, at {2}', r.attempts, Math.round(r.totalMs), when))}`);
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Claude Doctor: last test {0}: {1}', r.ok ? vscode.l10n.t('succeeded') : r.category === 'aborted' ? vscode.l10n.t('was cancelled') : vscode.l10n.t('failed'), r.title) };
  }

  dispose(): void {
    this.item.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
