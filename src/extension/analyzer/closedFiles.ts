/**
 * Scan Workspace's half of the analyzer controller: files that are not open. Their diagnostics
 * come from the text on disk; the files a scan covered are read again when what they depend on
 * changes (settings, manifests, a module they import, their editor closing).
 */
import * as vscode from 'vscode';
import { languageFromPath, mentionsClaudeSdk, type AnalyzerLanguage, type Finding } from '../../core/analyzer';
import { MAX_LIVE_CHARS, tooLargeNote, workerFailedNote } from './languages';
import { AnalyzerWorkerError } from './protocol';
import { snapshot, type Snapshot } from './diagnostics';

export interface ClosedFilesDeps {
  /** Whether document `key` is open (then the live analysis owns it). */
  isOpen(key: string): boolean;
  /** The number of findings of open document `key`'s live analysis. */
  liveFindings(key: string): number;
  enabled(): boolean;
  analyzeText(uri: vscode.Uri, text: string, language: AnalyzerLanguage): Promise<Finding[]>;
  publish(snap: Snapshot): void;
  /** Clears the file's diagnostics. */
  clear(uri: vscode.Uri): void;
  error(line: string): void;
}

export class ClosedFiles {
  /** Closed files whose diagnostics came from Scan Workspace. */
  readonly scanned = new Set<string>();
  /** Files a workspace scan covered: closing one re-reads it from disk instead of clearing. */
  readonly covered = new Set<string>();

  constructor(private readonly deps: ClosedFilesDeps) {}

  /** A file that is not open. Returns the number of findings published. */
  async analyze(uri: vscode.Uri, text: string): Promise<number> {
    const { deps } = this;
    const key = uri.toString();
    if (deps.isOpen(key)) return deps.liveFindings(key);
    const language = languageFromPath(uri.path);
    if (!language) return 0;
    const noted = (note: string): number => {
      this.covered.add(key);
      this.scanned.add(key);
      deps.publish(snapshot({ uri, version: -1, text, language, findings: [], note }));
      return 0;
    };
    if (text.length > MAX_LIVE_CHARS) {
      // Not analysed in the editor; said so in the Problems panel.
      if (!deps.enabled() || !mentionsClaudeSdk(text, language)) return 0;
      return noted(tooLargeNote(text.length));
    }
    let findings: Finding[];
    try {
      findings = await deps.analyzeText(uri, text, language);
    } catch (e) {
      if (!(e instanceof AnalyzerWorkerError) || e.reason === 'stopped' || deps.isOpen(key)) throw e;
      deps.error(`analysis of ${key}: ${e.message}`);
      return noted(workerFailedNote(e.reason));
    }
    if (deps.isOpen(key)) return findings.length; // opened meanwhile: the live analysis owns it
    this.covered.add(key);
    if (findings.length === 0) {
      this.forget(uri);
      return 0;
    }
    this.scanned.add(key);
    deps.publish(snapshot({ uri, version: -1, text, language, findings }));
    return findings.length;
  }

  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.deps.isOpen(key)) return;
    this.scanned.delete(key);
    this.deps.clear(uri);
  }

  /** Reads each file again and analyses it, one after the other (a file gone from disk is forgotten); `onRead` before each analysis. */
  reread(uris: readonly vscode.Uri[], onRead?: () => void): void {
    if (uris.length === 0) return;
    void (async () => {
      for (const uri of uris) {
        const text = await readText(uri);
        if (text === undefined) this.forget(uri);
        else {
          onRead?.();
          await this.analyze(uri, text);
        }
      }
    })().catch((e: unknown) => this.deps.error(String(e)));
  }
}

export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
