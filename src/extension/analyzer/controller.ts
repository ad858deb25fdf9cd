/**
 * Live diagnostics for open documents: debounced, incremental, generation-guarded (see
 * scheduler.ts), with lazily loaded engine and grammars, per-rule settings and SDK versions
 * from the nearest manifest. Texts of WORKER_MIN_CHARS and more are analysed on a worker thread
 * (workerClient.ts), smaller ones on the host's, where they are faster (no copy, no hop).
 */
import * as vscode from 'vscode';
import {
  analysable,
  mentionsClaudeSdk,
  ProjectIndex,
  RULES,
  type ProjectImports,
  type AnalyzeOptions,
  type AnalyzerLanguage,
  type Finding,
  type RuleId,
  type SdkVersions,
} from '../../core/analyzer';
import { DocumentScheduler, type Change } from '../../core/editor/scheduler';
import { mergeSdk, parseSettings, type AnalyzerSettings } from '../../core/editor/settings';
import { MANIFEST_GLOB, SdkVersionCache } from '../../core/analyzer/versionCache';
import { sdkVersionsFor } from './sdkVersions';
import { analyzerLanguageOf, MAX_LIVE_CHARS, readSourceText, tooLargeNote, workerFailedNote } from './languages';
import { ClosedFiles, readText } from './closedFiles';
import { AnalyzerWorkerError } from './protocol';
import { AnalyzerEngines, type WorkerStats } from './engines';
import { diagnosticsFor, snapshot, type Snapshot } from './diagnostics';

declare const __TEST_HOOKS__: boolean;

export { analyzerLanguageOf, LANGUAGE_IDS, MAX_LIVE_CHARS } from './languages';

export { DIAGNOSTIC_SOURCE, toRange, type Snapshot } from './diagnostics';

const MANIFEST_SETTLE_MS = 250;
/** Source files and the configs whose `paths` resolve imports: the project index re-reads them when they change on disk. */
const PROJECT_GLOB = '**/{*.ts,*.tsx,*.mts,*.cts,*.js,*.jsx,*.mjs,*.cjs,*.py,*.pyi,tsconfig*.json,jsconfig*.json}';

export class AnalyzerController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('claudeDoctor');
  /** The in-thread engine and the worker's (engines.ts): which one analyses a text, by its size. */
  private readonly engines: AnalyzerEngines;
  private settings: AnalyzerSettings;
  private readonly versions = new SdkVersionCache();
  private readonly docs = new Map<string, vscode.TextDocument>();
  private readonly snapshots = new Map<string, Snapshot>();
  /** Files that are not open, for Scan Workspace (closedFiles.ts). */
  private readonly closed: ClosedFiles;
  readonly scheduler: DocumentScheduler<Snapshot | undefined>;
  private readonly disposables: vscode.Disposable[] = [];
  private output: vscode.LogOutputChannel | undefined;
  /** Which modules export clients and constants (created on first use; reads other files only through it). */
  private project: ProjectIndex | undefined;
  /** Importers re-analysed because a module they read changed (for the integration tests). */
  dependentRuns = 0;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.engines = new AnalyzerEngines(context.extensionUri, (line) => this.log().error(line));
    this.closed = new ClosedFiles({
      isOpen: (key) => this.docs.has(key),
      liveFindings: (key) => this.snapshots.get(key)?.findings.length ?? 0,
      enabled: () => this.settings.enabled,
      analyzeText: (uri, text, language) => this.analyzeText(uri, text, language),
      publish: (snap) => this.publish(snap),
      clear: (uri) => this.collection.delete(uri),
      error: (line) => this.log().error(line),
    });
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
      { moduleFacts: (text, language) => this.engines.for(text.length).moduleFacts(text, language) },
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
      } else if (this.closed.covered.has(key)) closed.push(uri);
    }
    this.closed.reread(closed, () => { this.dependentRuns++; });
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

  /** Forgets a document's tree, in whichever engine holds it. */
  private forgetTree(key: string): void {
    this.engines.forgetTree(key);
  }

  get engineLoaded(): boolean {
    return this.engines.loaded;
  }

  /** Times the in-thread engine was created (0 until a document mentions the SDK). */
  get engineLoads(): number {
    return this.engines.loads;
  }

  /** The worker's counters (for the integration tests and bug reports). */
  get workerStats(): WorkerStats {
    return this.engines.workerStats;
  }

  /** Test builds only: move the size threshold, or make the worker's next analysis crash or hang. */
  workerTest(cmd: { minChars?: number; deadlineMs?: number; arm?: 'crash' | 'hang'; coldRun?: string }): void {
    if (!__TEST_HOOKS__) return;
    if (cmd.coldRun !== undefined && this.docs.has(cmd.coldRun)) {
      // Analyse an open document again from scratch (no tree, no units): only this extension's work.
      this.forgetTree(cmd.coldRun);
      this.scheduler.schedule(cmd.coldRun, undefined, true);
    }
    if (cmd.minChars !== undefined) this.engines.minChars = cmd.minChars;
    // A new worker with that deadline on the next request; every document parses fully there.
    if (cmd.deadlineMs !== undefined) this.engines.setWorkerDeadline(cmd.deadlineMs);
    if (cmd.arm) this.engines.armWorker(cmd.arm);
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
    this.closed.scanned.delete(key);
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
    if (this.closed.covered.has(key) && doc.uri.scheme !== 'untitled') this.closed.reread([doc.uri]);
  }

  /** Settings or manifests changed: open documents now, scanned closed files from disk. */
  reanalyzeAll(): void {
    for (const key of this.docs.keys()) this.scheduler.schedule(key, undefined, true);
    // Every closed file a scan covered: one whose problems are now all disabled may get them back.
    this.closed.reread([...this.closed.covered].filter((key) => !this.docs.has(key)).map((key) => vscode.Uri.parse(key)));
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
    // Moved across the threshold: the other engine's tree is dropped, this one parses fully.
    const { engine, holds } = this.engines.forDocument(key, text.length);
    try {
      const findings = await engine.analyzeIncremental(key, text, this.options(language, sdk, project), holds ? changes : undefined);
      return snapshot({ ...base, findings });
    } catch (e) {
      if (!(e instanceof AnalyzerWorkerError) || e.reason === 'stopped') throw e;
      // The worker died on this text (it was restarted): the file says so instead of going silent.
      this.log().error(`analysis of ${key}: ${e.message}`);
      this.engines.lostTree(key);
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
    const findings = await this.engines.for(text.length).analyze(text, this.options(language, sdk, project));
    return snapshot({ ...base, findings });
  }

  /** Analyzes `text` for a document/file without touching the live state (fix-all passes). */
  async analyzeText(uri: vscode.Uri, text: string, language: AnalyzerLanguage): Promise<Finding[]> {
    if (!this.settings.enabled) return [];
    const project = await this.projectFor(uri, text, language);
    if (!analysable(text, { language, project })) return [];
    return this.engines.for(text.length).analyze(text, this.options(language, await this.sdkFor(uri), project));
  }

  /** Scan Workspace: a file that is not open. Returns the number of findings published. */
  analyzeClosed(uri: vscode.Uri, text: string): Promise<number> {
    return this.closed.analyze(uri, text);
  }

  forgetClosed(uri: vscode.Uri): void {
    this.closed.forget(uri);
  }

  isOpen(uri: vscode.Uri): boolean {
    return this.docs.has(uri.toString());
  }

  /** Runs the open document's analysis now (Scan Workspace on an open file). */
  refresh(uri: vscode.Uri): void {
    const key = uri.toString();
    this.closed.covered.add(key);
    if (this.docs.has(key)) this.scheduler.schedule(key, undefined, true);
  }

  readText(uri: vscode.Uri): Promise<string | undefined> {
    return readText(uri);
  }

  diagnosticsFor(snap: Snapshot): vscode.Diagnostic[] {
    return diagnosticsFor(snap, (rule) => this.docsUri(rule));
  }

  private publish(snap: Snapshot): void {
    if (snap.findings.length === 0 && !snap.note) this.collection.delete(snap.uri);
    else this.collection.set(snap.uri, this.diagnosticsFor(snap));
  }

  dispose(): void {
    this.scheduler.dispose();
    this.engines.dispose();
    for (const d of this.disposables) d.dispose();
    this.output?.dispose();
  }
}
