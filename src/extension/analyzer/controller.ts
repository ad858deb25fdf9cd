/**
 * Live diagnostics for open documents: debounced, incremental, generation-guarded (see
 * scheduler.ts), with lazily loaded engine and grammars, per-rule settings and SDK versions
 * from the nearest manifest. Texts of WORKER_MIN_CHARS and more are analysed on a worker thread
 * (workerClient.ts), smaller ones on the host's, where they are faster (no copy, no hop).
 */
import * as vscode from 'vscode';
import {
  analysable,
  createAnalyzer,
  languageFromPath,
  mentionsClaudeSdk,
  ProjectIndex,
  RULES,
  type ProjectImports,
  type Analyzer,
  type AnalyzeOptions,
  type AnalyzerLanguage,
  type Finding,
  type RuleId,
  type SdkVersions,
  type Severity,
} from '../../core/analyzer';
import { LineIndex } from '../../core/analyzer/lineIndex';
import { DocumentScheduler, type Change } from '../../core/editor/scheduler';
import { mergeSdk, parseSettings, type AnalyzerSettings } from '../../core/editor/settings';
import { MANIFEST_GLOB, SdkVersionCache } from '../../core/analyzer/versionCache';
import { sdkVersionsFor } from './sdkVersions';
import { analyzerLanguageOf, MAX_LIVE_CHARS, readSourceText, tooLargeNote, WORKER_MIN_CHARS, workerFailedNote } from './languages';
import { AnalyzerWorkerError } from './protocol';
import { AnalyzerWorkerClient, type WorkerEngine } from './workerClient';

declare const __TEST_HOOKS__: boolean;

export { analyzerLanguageOf, LANGUAGE_IDS, MAX_LIVE_CHARS } from './languages';

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
const MANIFEST_SETTLE_MS = 250;
/** Source files and the configs whose `paths` resolve imports: the project index re-reads them when they change on disk. */
const PROJECT_GLOB = '**/{*.ts,*.tsx,*.mts,*.cts,*.js,*.jsx,*.mjs,*.cjs,*.py,*.pyi,tsconfig*.json,jsconfig*.json}';

/** A snapshot whose line index is built when first read. */
function snapshot(s: Omit<Snapshot, 'index'>): Snapshot {
  let index: LineIndex | undefined;
  return Object.defineProperty(s, 'index', { get: () => (index ??= new LineIndex(s.text)), enumerable: true }) as Snapshot;
}

export function toRange(index: LineIndex, start: number, end: number): vscode.Range {
  const a = index.positionAt(start);
  const b = index.positionAt(Math.max(start, end));
  return new vscode.Range(a.line, a.character, b.line, b.character);
}

export class AnalyzerController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('claudeDoctor');
  private analyzer: Analyzer | undefined;
  /** The engine on a worker thread, for large texts: started on the first one. */
  private worker: AnalyzerWorkerClient | undefined;
  /** Texts of at least this many characters go to the worker (a test seam may move it). */
  workerMinChars = WORKER_MIN_CHARS;
  private workerDeadlineMs: number | undefined;
  /** Which engine holds each document's tree: the other one forgets it when a document moves. */
  private readonly holder = new Map<string, WorkerEngine>();
  private settings: AnalyzerSettings;
  private readonly versions = new SdkVersionCache();
  private readonly docs = new Map<string, vscode.TextDocument>();
  private readonly snapshots = new Map<string, Snapshot>();
  /** Closed files whose diagnostics came from Scan Workspace. */
  readonly scanned = new Set<string>();
  /** Files a workspace scan covered: closing one re-reads it from disk instead of clearing. */
  readonly scanCovered = new Set<string>();
  readonly scheduler: DocumentScheduler<Snapshot | undefined>;
  private readonly disposables: vscode.Disposable[] = [];
  private output: vscode.LogOutputChannel | undefined;
  /** Times the engine was created (0 until a document mentions the SDK). */
  engineLoads = 0;
  /** Which modules export clients and constants (created on first use; reads other files only through it). */
  private project: ProjectIndex | undefined;
  /** Importers re-analysed because a module they read changed (for the integration tests). */
  dependentRuns = 0;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.settings = this.readSettings();
    this.scheduler = new DocumentScheduler<Snapshot | undefined>({
      delayMs: () => this.settings.debounceMs,
      run: (key, changes) => this.run(key, changes),
      apply: (key, snap) => {
        if (!snap) return;
        // (the scheduler drops results older than an edit; the version check is the last word)
        const doc = this.docs.get(key);
        if (!doc || doc.isClosed || doc.version !== snap.version) return;
        this.snapshots.set(key, snap);
        this.publish(snap);
      },
      onError: (key, error) => {
        this.forgetTree(key);
        this.log().error(`analysis of ${key} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      },
    });

    const ws = vscode.workspace;
    this.disposables.push(
      this.collection,
      ws.onDidOpenTextDocument((d) => this.track(d, undefined, true)),
      ws.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        this.track(e.document, e.contentChanges.map((c) => ({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, text: c.text })));
      }),
      ws.onDidCloseTextDocument((d) => this.untrack(d)),
      ws.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('claudeDoctor')) return;
        this.settings = this.readSettings();
        this.reanalyzeAll();
      }),
    );
    const watcher = ws.createFileSystemWatcher(MANIFEST_GLOB);
    // An install touches several manifests in a row: one re-analysis after they settle.
    let manifestTimer: ReturnType<typeof setTimeout> | undefined;
    const manifestsChanged = () => {
      this.versions.clear();
      if (manifestTimer) clearTimeout(manifestTimer);
      manifestTimer = setTimeout(() => {
        manifestTimer = undefined;
        this.versions.clear();
        this.reanalyzeAll();
      }, MANIFEST_SETTLE_MS);
    };
    this.disposables.push({ dispose: () => manifestTimer && clearTimeout(manifestTimer) });
    this.disposables.push(watcher, watcher.onDidChange(manifestsChanged), watcher.onDidCreate(manifestsChanged), watcher.onDidDelete(manifestsChanged));
    // A module changed on disk (not through an open editor): the files that imported it look again.
    const sources = ws.createFileSystemWatcher(PROJECT_GLOB);
    const sourceChanged = (uri: vscode.Uri) => {
      if (!this.project || uri.scheme !== 'file' || this.docs.has(uri.toString())) return;
      this.project.invalidate(uri.fsPath);
      this.dependentsIfExportsChanged(uri.fsPath);
    };
    this.disposables.push(sources, sources.onDidChange(sourceChanged), sources.onDidCreate(sourceChanged), sources.onDidDelete(sourceChanged));
    for (const d of ws.textDocuments) this.track(d, undefined, true);
  }

  /** The project index: modules are parsed by the engine, which loads only when a module needs it. */
  private index(): ProjectIndex {
    this.project ??= new ProjectIndex(
      { read: (file) => this.readPath(file) },
      { moduleFacts: (text, language) => this.engineFor(text.length).moduleFacts(text, language) },
    );
    return this.project;
  }

  private async readPath(file: string): Promise<string | undefined> {
    const uri = vscode.Uri.file(file);
    return readSourceText(uri, this.docs.get(uri.toString()));
  }

  /** What the index says about this file's imports (file URIs only). */
  async projectFor(uri: vscode.Uri, text: string, language: AnalyzerLanguage): Promise<ProjectImports | undefined> {
    if (uri.scheme !== 'file') return undefined;
    try {
      return await this.index().importsFor(uri.fsPath, text, language);
    } catch (e) {
      this.log().warn(`project index: ${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /** Whether the file is analysed: it uses the SDK, or imports a client from another module. */
  async usesClient(uri: vscode.Uri, text: string, language: AnalyzerLanguage): Promise<boolean> {
    if (mentionsClaudeSdk(text, language)) return true;
    return (await this.projectFor(uri, text, language))?.hasClient === true;
  }

  /** A module's text changed: its importers look again only if what it exports changed. */
  private dependentsIfExportsChanged(file: string): void {
    const index = this.project;
    if (!index || index.dependents(file).length === 0) return;
    void index.exportsChanged(file)
      .then((changed) => { if (changed) this.reanalyzeDependents(file); })
      .catch((e: unknown) => this.log().error(String(e)));
  }

  /** A module changed: re-analyse the open and scanned files whose imports read it. */
  private reanalyzeDependents(file: string): void {
    if (!this.project) return;
    const closed: vscode.Uri[] = [];
    for (const dep of this.project.dependents(file)) {
      const uri = vscode.Uri.file(dep);
      const key = uri.toString();
      if (this.docs.has(key)) {
        this.dependentRuns++;
        this.scheduler.schedule(key, undefined, false);
      } else if (this.scanCovered.has(key)) closed.push(uri);
    }
    if (closed.length === 0) return;
    void (async () => {
      for (const uri of closed) {
        const text = await this.readText(uri);
        if (text === undefined) this.forgetClosed(uri);
        else {
          this.dependentRuns++;
          await this.analyzeClosed(uri, text);
        }
      }
    })().catch((e: unknown) => this.log().error(String(e)));
  }

  private readSettings(): AnalyzerSettings {
    const cfg = vscode.workspace.getConfiguration('claudeDoctor');
    const s = parseSettings((section) => cfg.get(section), RULES.map((r) => r.id));
    for (const w of s.warnings) this.log().warn(w);
    return s;
  }

  private log(): vscode.LogOutputChannel {
    this.output ??= vscode.window.createOutputChannel('Claude Doctor: Analyzer', { log: true });
    return this.output;
  }

  /** The engine and its grammars: created on the first document that mentions the SDK. */
  private engine(): Analyzer {
    if (!this.analyzer) {
      this.engineLoads++;
      this.analyzer = createAnalyzer({ wasmDir: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'wasm').fsPath });
    }
    return this.analyzer;
  }

  /** The worker engine: started on the first large text, restarted after a crash or a hang. */
  private workerEngine(): AnalyzerWorkerClient {
    this.worker ??= new AnalyzerWorkerClient({
      script: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'analyzer-worker.js').fsPath,
      wasmDir: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'wasm').fsPath,
      log: (line) => this.log().error(line),
      ...(this.workerDeadlineMs ? { deadlineMs: this.workerDeadlineMs } : {}),
    });
    return this.worker;
  }

  /** The engine for a text of `chars` characters. */
  private engineFor(chars: number): WorkerEngine {
    return chars >= this.workerMinChars ? this.workerEngine() : this.engine();
  }

  /** Forgets a document's tree, in whichever engine holds it. */
  private forgetTree(key: string): void {
    this.holder.get(key)?.forget(key);
    this.holder.delete(key);
  }

  get engineLoaded(): boolean {
    return this.analyzer !== undefined || this.worker !== undefined;
  }

  /** The worker's counters (for the integration tests and bug reports). */
  get workerStats(): AnalyzerWorkerClient['stats'] & { running: boolean; minChars: number } {
    const w = this.worker;
    return { ...(w?.stats ?? { starts: 0, crashes: 0, hangs: 0, requests: 0, resent: 0 }), running: w?.running ?? false, minChars: this.workerMinChars };
  }

  /** Test builds only: move the size threshold, or make the worker's next analysis crash or hang. */
  workerTest(cmd: { minChars?: number; deadlineMs?: number; arm?: 'crash' | 'hang'; coldRun?: string }): void {
    if (!__TEST_HOOKS__) return;
    if (cmd.coldRun !== undefined && this.docs.has(cmd.coldRun)) {
      // Analyse an open document again from scratch (no tree, no units): only this extension's work.
      this.forgetTree(cmd.coldRun);
      this.scheduler.schedule(cmd.coldRun, undefined, true);
    }
    if (cmd.minChars !== undefined) this.workerMinChars = cmd.minChars;
    if (cmd.deadlineMs !== undefined) {
      // A new worker with that deadline on the next request; every document parses fully there.
      this.workerDeadlineMs = cmd.deadlineMs || undefined;
      void this.worker?.dispose();
      this.worker = undefined;
      for (const [key, held] of this.holder) if (held !== this.analyzer) this.holder.delete(key);
    }
    if (cmd.arm) this.workerEngine().arm(cmd.arm);
  }

  get currentSettings(): AnalyzerSettings {
    return this.settings;
  }

  options(language: AnalyzerLanguage, sdk: SdkVersions, project?: ProjectImports): AnalyzeOptions {
    return {
      language,
      sdk,
      project,
      disabled: this.settings.disabled,
      severity: this.settings.severity,
      defaultMaxTokens: this.settings.defaultMaxTokens,
    };
  }

  async sdkFor(uri: vscode.Uri): Promise<SdkVersions> {
    return mergeSdk(await sdkVersionsFor(this.versions, uri), this.settings.sdkOverride);
  }

  docsUri(rule: RuleId): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'docs', 'rules', `${rule}.md`);
  }

  private track(doc: vscode.TextDocument, changes: Change[] | undefined, immediate = false): void {
    if (!analyzerLanguageOf(doc)) return;
    const key = doc.uri.toString();
    this.docs.set(key, doc);
    this.scanned.delete(key);
    this.scheduler.schedule(key, changes, immediate);
  }

  private untrack(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (!this.docs.has(key)) return;
    this.docs.delete(key);
    this.scheduler.cancel(key);
    this.forgetTree(key);
    this.snapshots.delete(key);
    this.collection.delete(doc.uri);
    if (this.project && doc.uri.scheme === 'file') {
      // The editor's (maybe unsaved) text is gone: importers see the file on disk again.
      this.project.invalidate(doc.uri.fsPath);
      this.dependentsIfExportsChanged(doc.uri.fsPath);
    }
    if (this.scanCovered.has(key) && doc.uri.scheme !== 'untitled') {
      const uri = doc.uri;
      void this.readText(uri)
        .then(async (text) => {
          if (text === undefined) this.forgetClosed(uri);
          else await this.analyzeClosed(uri, text);
        })
        .catch((e: unknown) => this.log().error(String(e)));
    }
  }

  /** Settings or manifests changed: open documents now, scanned closed files from disk. */
  reanalyzeAll(): void {
    for (const key of this.docs.keys()) this.scheduler.schedule(key, undefined, true);
    // Every closed file a scan covered: one whose problems are now all disabled may get them back.
    const closed = [...this.scanCovered].filter((key) => !this.docs.has(key));
    void (async () => {
      for (const key of closed) {
        const uri = vscode.Uri.parse(key);
        const text = await this.readText(uri);
        if (text === undefined) {
          this.forgetClosed(uri);
          continue;
        }
        await this.analyzeClosed(uri, text);
      }
    })().catch((e: unknown) => this.log().error(String(e)));
  }

  private async run(key: string, changes: Change[] | undefined): Promise<Snapshot | undefined> {
    const doc = this.docs.get(key);
    if (!doc || doc.isClosed) return undefined;
    const language = analyzerLanguageOf(doc);
    if (!language) return undefined;
    // Read the text synchronously: `changes` lead exactly here.
    const text = doc.getText();
    const version = doc.version;
    const base = { uri: doc.uri, version, text, language };
    // The index sees this editor's text; a module whose text changed makes its importers look again.
    const moved = this.project && doc.uri.scheme === 'file' ? this.project.update(doc.uri.fsPath, text) : false;
    if (moved) this.dependentsIfExportsChanged(doc.uri.fsPath);
    if (!this.settings.enabled || text.length > MAX_LIVE_CHARS) {
      this.forgetTree(key);
      const note = this.settings.enabled && mentionsClaudeSdk(text, language) ? tooLargeNote(text.length) : undefined;
      return snapshot({ ...base, findings: [], ...(note ? { note } : {}) });
    }
    const project = await this.projectFor(doc.uri, text, language);
    if (!analysable(text, { language, project })) {
      this.forgetTree(key);
      return snapshot({ ...base, findings: [] });
    }
    const sdk = await this.sdkFor(doc.uri);
    const engine = this.engineFor(text.length);
    const held = this.holder.get(key);
    if (held !== engine) {
      // Moved across the threshold: the other engine's tree is dropped, this one parses fully.
      held?.forget(key);
      this.holder.set(key, engine);
    }
    try {
      const findings = await engine.analyzeIncremental(key, text, this.options(language, sdk, project), held === engine ? changes : undefined);
      return snapshot({ ...base, findings });
    } catch (e) {
      if (!(e instanceof AnalyzerWorkerError) || e.reason === 'stopped') throw e;
      // The worker died on this text (it was restarted): the file says so instead of going silent.
      this.log().error(`analysis of ${key}: ${e.message}`);
      this.holder.delete(key);
      return snapshot({ ...base, findings: [], note: workerFailedNote(e.reason) });
    }
  }

  /** Findings for the document's current version: the live ones, or a fresh analysis. */
  async snapshotFor(doc: vscode.TextDocument): Promise<Snapshot | undefined> {
    const language = analyzerLanguageOf(doc);
    if (!language) return undefined;
    const key = doc.uri.toString();
    const live = this.snapshots.get(key);
    if (live && live.version === doc.version) return live;
    const text = doc.getText();
    const version = doc.version;
    const base = { uri: doc.uri, version, text, language };
    if (!this.settings.enabled || text.length > MAX_LIVE_CHARS) return snapshot({ ...base, findings: [] });
    const project = await this.projectFor(doc.uri, text, language);
    if (!analysable(text, { language, project })) return snapshot({ ...base, findings: [] });
    const sdk = await this.sdkFor(doc.uri);
    const findings = await this.engineFor(text.length).analyze(text, this.options(language, sdk, project));
    return snapshot({ ...base, findings });
  }

  /** Analyzes `text` for a document/file without touching the live state (fix-all passes). */
  async analyzeText(uri: vscode.Uri, text: string, language: AnalyzerLanguage): Promise<Finding[]> {
    if (!this.settings.enabled) return [];
    const project = await this.projectFor(uri, text, language);
    if (!analysable(text, { language, project })) return [];
    return this.engineFor(text.length).analyze(text, this.options(language, await this.sdkFor(uri), project));
  }

  /** Scan Workspace: a file that is not open. Returns the number of findings published. */
  async analyzeClosed(uri: vscode.Uri, text: string): Promise<number> {
    const key = uri.toString();
    if (this.docs.has(key)) return this.snapshots.get(key)?.findings.length ?? 0;
    const language = languageFromPath(uri.path);
    if (!language) return 0;
    const noted = (note: string): number => {
      this.scanCovered.add(key);
      this.scanned.add(key);
      this.publish(snapshot({ uri, version: -1, text, language, findings: [], note }));
      return 0;
    };
    if (text.length > MAX_LIVE_CHARS) {
      // Not analysed in the editor; said so in the Problems panel.
      if (!this.settings.enabled || !mentionsClaudeSdk(text, language)) return 0;
      return noted(tooLargeNote(text.length));
    }
    let findings: Finding[];
    try {
      findings = await this.analyzeText(uri, text, language);
    } catch (e) {
      if (!(e instanceof AnalyzerWorkerError) || e.reason === 'stopped' || this.docs.has(key)) throw e;
      this.log().error(`analysis of ${key}: ${e.message}`);
      return noted(workerFailedNote(e.reason));
    }
    if (this.docs.has(key)) return findings.length; // opened meanwhile: the live analysis owns it
    this.scanCovered.add(key);
    if (findings.length === 0) {
      this.forgetClosed(uri);
      return 0;
    }
    this.scanned.add(key);
    this.publish(snapshot({ uri, version: -1, text, language, findings }));
    return findings.length;
  }

  forgetClosed(uri: vscode.Uri): void {
    const key = uri.toString();
    if (this.docs.has(key)) return;
    this.scanned.delete(key);
    this.collection.delete(uri);
  }

  isOpen(uri: vscode.Uri): boolean {
    return this.docs.has(uri.toString());
  }

  /** Runs the open document's analysis now (Scan Workspace on an open file). */
  refresh(uri: vscode.Uri): void {
    const key = uri.toString();
    this.scanCovered.add(key);
    if (this.docs.has(key)) this.scheduler.schedule(key, undefined, true);
  }

  async readText(uri: vscode.Uri): Promise<string | undefined> {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  diagnosticsFor(snap: Snapshot): vscode.Diagnostic[] {
    const notes = snap.note ? [this.noteDiagnostic(snap.note)] : [];
    return [...notes, ...snap.findings.map((f) => {
      const d = new vscode.Diagnostic(toRange(snap.index, f.start, f.end), f.message, SEVERITY[f.severity] ?? vscode.DiagnosticSeverity.Warning);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: f.rule, target: this.docsUri(f.rule) };
      if (DEPRECATED_RULES.has(f.rule)) d.tags = [vscode.DiagnosticTag.Deprecated];
      if (f.related && f.related.length > 0) {
        d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(snap.uri, toRange(snap.index, r.start, r.end)), r.message));
      }
      return d;
    })];
  }

  private noteDiagnostic(note: string): vscode.Diagnostic {
    const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), note, vscode.DiagnosticSeverity.Information);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = 'not-analysed';
    return d;
  }

  private publish(snap: Snapshot): void {
    if (snap.findings.length === 0 && !snap.note) this.collection.delete(snap.uri);
    else this.collection.set(snap.uri, this.diagnosticsFor(snap));
  }

  dispose(): void {
    this.scheduler.dispose();
    // The worker thread ends with the extension.
    void this.worker?.dispose();
    for (const d of this.disposables) d.dispose();
    this.output?.dispose();
  }
}
