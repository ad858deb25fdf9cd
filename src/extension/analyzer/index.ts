/**
 * The analyzer in the editor: diagnostics, quick fixes, fix-all, hovers and Scan Workspace.
 *
 * This is the activation shell, in dist/extension.js: it registers the providers and the commands
 * and watches documents, all cheaply. The analyzer itself — engine, rules, tree-sitter glue,
 * controller — is dist/analyzer-runtime.js (runtime.ts), required on the first document that needs
 * it: one that mentions the Claude SDK, or one whose imports the project index would parse (a
 * module that may export a client). From then on the runtime's controller tracks every document.
 */
import * as vscode from 'vscode';
import { mentionsClaudeSdk } from '../../core/analyzer/precheck';
import { ProjectIndex } from '../../core/analyzer/project';
import { analyzerLanguageOf, LANGUAGE_IDS, MAX_LIVE_CHARS, PROVIDED_KINDS, readSourceText } from './languages';
import { loadAnalyzerRuntime } from './loadRuntime';
import type { AnalyzerFeature, AnalyzerStats } from './runtime';

export const SCAN_COMMAND = 'claudeDoctor.scanWorkspace';
/** Internal (not in the palette): counters for the integration tests and bug reports. */
export const STATS_COMMAND = '_claudeDoctor.analyzerStats';
/** Typing in a document the runtime does not track yet: it is looked at again after this pause. */
const RECHECK_MS = 300;

const NOT_LOADED: AnalyzerStats = {
  runtimeLoaded: false, engineLoaded: false, engineLoads: 0,
  scheduler: { runs: 0, applied: 0, stale: 0, errors: 0 }, tracked: 0, dependentRuns: 0,
  worker: { running: false, starts: 0, crashes: 0, hangs: 0, requests: 0, resent: 0, minChars: 0 },
};

async function readFile(uri: vscode.Uri): Promise<string | undefined> {
  return readSourceText(uri, vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()));
}

/**
 * Whether the analyzer is needed for this document: exactly when the controller would parse
 * something for it — the text mentions the SDK, or the project index would parse one of the
 * modules it imports. A fresh index each time, which fails the first parse it asks for: the shell
 * keeps no state that could go stale, and never parses.
 */
export async function needsAnalyzer(doc: vscode.TextDocument): Promise<boolean> {
  const language = analyzerLanguageOf(doc);
  if (!language) return false;
  const text = doc.getText();
  // (a too-large file that uses the SDK loads the runtime too: it publishes the file's note)
  if (mentionsClaudeSdk(text, language)) return true;
  if (text.length > MAX_LIVE_CHARS) return false;
  if (doc.uri.scheme !== 'file') return false;
  let parses = false;
  const index = new ProjectIndex(
    { read: (file) => readFile(vscode.Uri.file(file)) },
    { moduleFacts: () => { parses = true; return Promise.reject(new Error('the analyzer runtime parses modules')); } },
  );
  try {
    const imports = await index.importsFor(doc.uri.fsPath, text, language);
    return parses || imports.hasClient;
  } catch {
    return parses;
  }
}

export function registerAnalyzer(context: vscode.ExtensionContext): vscode.Disposable {
  let feature: AnalyzerFeature | undefined;
  let failed = false;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const watching: vscode.Disposable[] = [];
  /** Documents the shell looked at before the runtime loaded (for the integration tests). */
  let checked = 0;

  const load = (): AnalyzerFeature | undefined => {
    if (feature || failed) return feature;
    try {
      feature = loadAnalyzerRuntime().startAnalyzer(context);
    } catch (e) {
      failed = true;
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      return undefined;
    }
    stopWatching();
    return feature;
  };
  const stopWatching = () => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    verdicts.clear();
    for (const d of watching.splice(0)) d.dispose();
  };
  /** One verdict per document version: the light bulb asks on every cursor move. */
  const verdicts = new Map<string, { version: number; needed: Promise<boolean> }>();
  const needed = (doc: vscode.TextDocument): Promise<boolean> => {
    const key = doc.uri.toString();
    const v = verdicts.get(key);
    if (v && v.version === doc.version) return v.needed;
    const p = needsAnalyzer(doc).catch(() => false);
    verdicts.set(key, { version: doc.version, needed: p });
    return p;
  };
  const check = (doc: vscode.TextDocument) => {
    if (feature || failed || !analyzerLanguageOf(doc)) return;
    checked++;
    void needed(doc).then((yes) => { if (yes && !doc.isClosed) load(); });
  };
  const recheckLater = (doc: vscode.TextDocument) => {
    if (feature || failed || !analyzerLanguageOf(doc)) return;
    const key = doc.uri.toString();
    const t = timers.get(key);
    if (t) clearTimeout(t);
    timers.set(key, setTimeout(() => { timers.delete(key); check(doc); }, RECHECK_MS));
  };

  watching.push(
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0) recheckLater(e.document); }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      const key = d.uri.toString();
      const t = timers.get(key);
      if (t) clearTimeout(t);
      timers.delete(key);
      verdicts.delete(key);
    }),
  );
  // The documents already open are looked at after activation returns, not during it.
  const initial = setTimeout(() => { for (const d of vscode.workspace.textDocuments) check(d); }, 0);
  watching.push({ dispose: () => clearTimeout(initial) });

  const selector: vscode.DocumentSelector = LANGUAGE_IDS.map((language) => ({ language }));
  /** The runtime for a provider call: loaded already, or loaded now if this document needs it. */
  const featureFor = async (doc: vscode.TextDocument): Promise<AnalyzerFeature | undefined> =>
    feature ?? ((await needed(doc)) ? load() : undefined);

  const codeActions: vscode.CodeActionProvider = {
    async provideCodeActions(document, range, ctx, token) {
      const f = await featureFor(document);
      return f ? f.codeActions.provideCodeActions(document, range, ctx, token) : [];
    },
    // "Fix all" in the light bulb computes its edit only when chosen: only the runtime offers it.
    resolveCodeAction(action, token) {
      return feature?.codeActions.resolveCodeAction ? feature.codeActions.resolveCodeAction(action, token) : action;
    },
  };
  const hover: vscode.HoverProvider = {
    provideHover(document, position, token) {
      if (feature) return feature.hover.provideHover(document, position, token);
      const language = analyzerLanguageOf(document);
      if (!language || !mentionsClaudeSdk(document.getText(), language)) return undefined;
      return load()?.hover.provideHover(document, position, token);
    },
  };

  return vscode.Disposable.from(
    { dispose: () => { stopWatching(); feature?.dispose(); } },
    vscode.languages.registerCodeActionsProvider(selector, codeActions, { providedCodeActionKinds: PROVIDED_KINDS }),
    vscode.languages.registerHoverProvider(selector, hover),
    vscode.commands.registerCommand(SCAN_COMMAND, () => load()?.scan()),
    vscode.commands.registerCommand(STATS_COMMAND, (): AnalyzerStats & { shellChecks: number } =>
      ({ ...(feature?.stats() ?? { ...NOT_LOADED, scheduler: { ...NOT_LOADED.scheduler }, worker: { ...NOT_LOADED.worker } }), shellChecks: checked })),
  );
}
