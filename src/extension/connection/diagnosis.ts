/**
 * The diagnostics listener of the connection event stream: the key checklist after a 401, the
 * status page after a server-side failure (once per run), for the run on display. It holds the
 * key to describe it (core/redact.ts describeKey); the key never leaves the host.
 */
import * as vscode from 'vscode';
import { describeKey } from '../../core/redact';
import type { DoctorSettings } from '../../core/connection/settings';
import { keyChecklist, type KeySource } from '../../core/connection/keyChecklist';
import { isServerSide, setKeyChecklist, setStatusPage, type ConnectionEvent, type PanelState } from '../../core/connection/runModel';
import type { RedactingLog } from './output';

/** What the run on display needs for its diagnostics (key checklist, status page). Holds the key: never leaves the host. */
export interface RunDiagnosis {
  runId: string;
  settings: DoctorSettings;
  baseUrl: string;
  key: string;
  keySource: KeySource;
}

export interface DiagnosticsDeps {
  getState(): PanelState;
  /** Replaces the panel state (the panel is sent it by a later listener). */
  setState(s: PanelState): void;
  out: RedactingLog;
  /** Reads the status page for the run (its settings, its target). */
  checkStatus(settings: DoctorSettings, forRun: { target: 'api' | 'simulator'; scenario?: string } | undefined): void;
}

export class RunDiagnostics {
  private diagnosis: RunDiagnosis | undefined;
  private statusFetchForRun: string | undefined;

  constructor(private readonly deps: DiagnosticsDeps) {}

  /** The run now on display. */
  forRun(d: RunDiagnosis): void {
    this.diagnosis = d;
  }

  onEvent(e: ConnectionEvent): void {
    const d = this.diagnosis;
    if (e.event !== 'attempt' || !d || e.runId !== d.runId) return;
    if (e.status === 401 || e.category === 'authentication') this.runKeyChecklist(d);
    if (isServerSide(e.status, e.category) && this.statusFetchForRun !== d.runId) {
      this.statusFetchForRun = d.runId;
      const run = this.deps.getState().run;
      const forRun = run ? { target: run.target, ...(run.scenario ? { scenario: run.scenario } : {}) } : undefined;
      if (d.settings.statusPage || forRun?.target === 'simulator') this.deps.checkStatus(d.settings, forRun);
      else this.deps.setState(setStatusPage(this.deps.getState(), { state: 'disabled', message: vscode.l10n.t('The status page was not read: claudeDoctor.statusPage is off.') }));
    }
  }

  private runKeyChecklist(p: RunDiagnosis): void {
    const items = keyChecklist({ key: describeKey(p.key), source: p.keySource, baseUrl: p.baseUrl, authHeader: p.settings.authHeader, target: this.deps.getState().run?.target ?? 'api' });
    this.deps.setState(setKeyChecklist(this.deps.getState(), items));
    for (const i of items) this.deps.out.info(`key check: ${i.outcome.toUpperCase()} ${i.label}: ${i.detail}`);
  }
}
