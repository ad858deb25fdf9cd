/**
 * The status page half of the connection controller: reads status.claude.com (or, when the
 * simulator is the target, the simulator's own loopback status page for the scenario) into the
 * panel state, says what it found in the output channel and, when asked for, in a message.
 */
import * as vscode from 'vscode';
import { DOCS } from '../../core/data/api-facts';
import type { DoctorSettings } from '../../core/connection/settings';
import { fetchStatus, describeIndicator, simulatorStatusUrl, type StatusResult } from '../../core/connection/statusPage';
import type { StatusView } from '../../core/connection/runModel';
import type { RedactingLog } from './output';

const STATUS_TIMEOUT_MS = 5000;

export type StatusCheck = StatusResult | { kind: 'disabled'; message: string };

export interface StatusCheckerDeps {
  /** Puts `v` into the panel state and sends it to the panel. */
  setStatus(v: StatusView): void;
  simulator(): Promise<{ url: string }>;
  out: RedactingLog;
  /** The status page URL (tests point it at 127.0.0.1). */
  statusUrl(): string;
}

export class StatusChecker {
  private abort: AbortController | undefined;

  constructor(private readonly deps: StatusCheckerDeps) {}

  /** A fresh check, ending any still in flight. */
  private begin(): AbortController {
    this.abort?.abort();
    const ctl = new AbortController();
    this.abort = ctl;
    return ctl;
  }

  private end(ctl: AbortController): void {
    if (this.abort === ctl) this.abort = undefined;
  }

  async checkApi(interactive: boolean, settings: DoctorSettings): Promise<StatusCheck> {
    const { setStatus, out } = this.deps;
    if (!settings.statusPage) {
      const message = vscode.l10n.t('Status page checks are turned off (setting claudeDoctor.statusPage).');
      setStatus({ state: 'disabled', message });
      if (interactive) {
        void vscode.window.showInformationMessage(message, vscode.l10n.t('Open Settings')).then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'claudeDoctor.statusPage');
        });
      }
      return { kind: 'disabled', message };
    }
    const ctl = this.begin();
    setStatus({ state: 'loading', pageUrl: DOCS.statusPage });
    const r = await fetchStatus(this.deps.statusUrl(), STATUS_TIMEOUT_MS, ctl.signal);
    this.end(ctl);
    if (r.kind === 'ok') {
      setStatus({ state: 'ok', indicator: r.indicator, description: r.description, fetchedAt: r.fetchedAt, pageUrl: DOCS.statusPage });
      out.info(`status page: ${r.indicator} (${r.description})`);
      if (interactive) {
        const text = vscode.l10n.t('Claude status: {0} ({1}).', r.description, describeIndicator(r.indicator));
        const show = r.indicator === 'none' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
        void show(text, vscode.l10n.t('Open Status Page')).then((c) => { if (c) void vscode.env.openExternal(vscode.Uri.parse(DOCS.statusPage)); });
      }
    } else {
      setStatus({ state: r.kind, message: r.message, pageUrl: DOCS.statusPage });
      out.info(`status page: ${r.message}`);
      if (interactive) {
        // Offline is an expected condition: a plain information message, not an error dialog.
        void vscode.window.showInformationMessage(r.message);
      }
    }
    return r;
  }

  async checkSimulator(interactive: boolean, scenario: string): Promise<StatusCheck> {
    const { setStatus, out } = this.deps;
    const ctl = this.begin();
    setStatus({ state: 'loading', source: 'simulator' });
    let r: StatusResult;
    try {
      const sim = await this.deps.simulator();
      r = await fetchStatus(simulatorStatusUrl(sim.url, scenario), STATUS_TIMEOUT_MS, ctl.signal);
    } catch (e) {
      r = { kind: 'error', message: vscode.l10n.t('The simulator could not start: {0}', e instanceof Error ? e.message : String(e)), url: '' };
    }
    this.end(ctl);
    if (r.kind === 'ok') {
      setStatus({ state: 'ok', source: 'simulator', indicator: r.indicator, description: r.description, fetchedAt: r.fetchedAt });
      out.info(`simulator status page: ${r.indicator} (${r.description})`);
      if (interactive) {
        const text = vscode.l10n.t('Claude status from the simulator: {0} ({1}). The simulator is the target, so status.claude.com was not read.', r.description, describeIndicator(r.indicator));
        void (r.indicator === 'none' ? vscode.window.showInformationMessage(text) : vscode.window.showWarningMessage(text));
      }
    } else {
      setStatus({ state: r.kind, source: 'simulator', message: r.message });
      out.info(`simulator status page: ${r.message}`);
      if (interactive) void vscode.window.showInformationMessage(r.message);
    }
    return r;
  }

  dispose(): void {
    this.abort?.abort();
  }
}
