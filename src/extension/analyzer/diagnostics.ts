/**
 * What the analyzer controller publishes: one analyzed text (a Snapshot) as Problems-panel
 * diagnostics — each finding with its rule's docs link, related locations and deprecation tag,
 * and a note (a file not analysed) as one information diagnostic.
 */
import * as vscode from 'vscode';
import { RULES, type AnalyzerLanguage, type Finding, type RuleId, type Severity } from '../../core/analyzer';
import { LineIndex } from '../../core/analyzer/lineIndex';

export const DIAGNOSTIC_SOURCE = 'Claude Doctor';

/** One analyzed text: what the diagnostics and the code actions were computed from. */
export interface Snapshot {
  uri: vscode.Uri;
  /** Document version, or -1 for a file read from disk. */
  version: number;
  text: string;
  /** Built on first use: a 2 MB text's takes several ms, and a note needs none. */
  readonly index: LineIndex;
  language: AnalyzerLanguage;
  findings: Finding[];
  /** Why the file was not analysed, shown as one information diagnostic (too large to analyse live). */
  note?: string;
}

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

const DEPRECATED_RULES = new Set<string>(RULES.filter((r) => r.deprecatedCode).map((r) => r.id));

/** A snapshot whose line index is built when first read. */
export function snapshot(s: Omit<Snapshot, 'index'>): Snapshot {
  let index: LineIndex | undefined;
  return Object.defineProperty(s, 'index', { get: () => (index ??= new LineIndex(s.text)), enumerable: true }) as Snapshot;
}

export function toRange(index: LineIndex, start: number, end: number): vscode.Range {
  const a = index.positionAt(start);
  const b = index.positionAt(Math.max(start, end));
  return new vscode.Range(a.line, a.character, b.line, b.character);
}

/** The snapshot's diagnostics: its note first, then one per finding (`docsUri`: the rule's page). */
export function diagnosticsFor(snap: Snapshot, docsUri: (rule: RuleId) => vscode.Uri): vscode.Diagnostic[] {
  const notes = snap.note ? [noteDiagnostic(snap.note)] : [];
  return [...notes, ...snap.findings.map((f) => {
    const d = new vscode.Diagnostic(toRange(snap.index, f.start, f.end), f.message, SEVERITY[f.severity] ?? vscode.DiagnosticSeverity.Warning);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.rule, target: docsUri(f.rule) };
    if (DEPRECATED_RULES.has(f.rule)) d.tags = [vscode.DiagnosticTag.Deprecated];
    if (f.related && f.related.length > 0) {
      d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(snap.uri, toRange(snap.index, r.start, r.end)), r.message));
    }
    return d;
  })];
}

function noteDiagnostic(note: string): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), note, vscode.DiagnosticSeverity.Information);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = 'not-analysed';
  return d;
}
