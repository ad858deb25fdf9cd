/**
 * The analysis walk shared by lint and fix: one analyzer and one project index per run, each
 * candidate read, kept when it uses a Claude SDK, analysed; findings → 1-based report entries.
 */
import { promises as fsp } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import {
  createAnalyzer,
  mentionsClaudeSdk,
  ProjectIndex,
  safeQuickFix,
  type Analyzer,
  type ProjectImports,
} from '../core/analyzer/index';
import { LineIndex } from '../core/analyzer/lineIndex';
import { SdkVersionCache } from '../core/analyzer/versionCache';
import type { AnalyzerLanguage, Finding, RuleId, SdkVersions, Severity } from '../core/analyzer/types';
import { collectFiles, fsPathOf, MAX_FILE_BYTES, readManifest, readSource, type Candidate, type ReadResult, type Skipped } from './lint-files';
import type { LintOptions } from './lint-options';

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

/** UTF-16 offset → 1-based line and column (column in UTF-16 code units), as the CLI prints them. */
export function position(idx: LineIndex, offset: number): { line: number; column: number } {
  const p = idx.positionAt(offset);
  return { line: p.line + 1, column: p.character + 1 };
}

// ---------------------------------------------------------------------------------------------
// Lint
// ---------------------------------------------------------------------------------------------

export interface LintEntry {
  file: string; // as shown: relative to cwd when inside it, '/'-separated
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: RuleId;
  severity: Severity;
  message: string;
  fixable: boolean;
  /** For SARIF fingerprints. */
  lineText: string;
}

export interface LintReport {
  entries: LintEntry[];
  skipped: Skipped[];
  /** Files with a known extension found by the walk. */
  candidates: number;
  /** Files that mention a Claude SDK and were analyzed. */
  analyzed: number;
}

export function isSafelyFixable(f: Finding): boolean {
  return safeQuickFix(f) !== undefined;
}

export function displayPath(abs: string, cwd = process.cwd()): string {
  const rel = relative(cwd, abs);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  return sep === '\\' ? shown.replace(/\\/g, '/') : shown;
}

let sharedAnalyzer: Analyzer | undefined;

/** One analyzer per process: grammars load once (from dist/wasm next to the bundle, else node_modules). */
export function getAnalyzer(): Analyzer {
  sharedAnalyzer ??= createAnalyzer();
  return sharedAnalyzer;
}

/**
 * The project index of one run (built once, shared by every file): other modules are read from
 * disk, only when an import leads to them, each at most once.
 */
export function projectIndex(analyzer: Analyzer): ProjectIndex {
  return new ProjectIndex({
    async read(file) {
      try {
        const st = await fsp.stat(file);
        if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
        const text = await fsp.readFile(file, 'utf8');
        return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      } catch {
        return undefined;
      }
    },
  }, analyzer);
}

/**
 * The walk shared by lint and fix: reads each candidate, keeps those that use a Claude SDK (or,
 * with a project index, import a client from another module) and runs `analyze` on them, in
 * order. Unreadable files and failed analyses go to `skipped`, never fatal.
 */
export async function* analyzeEach<T>(
  files: readonly Candidate[],
  skipped: Skipped[],
  analyze: (text: string, file: Candidate, project?: ProjectImports) => Promise<T>,
  index?: ProjectIndex,
): AsyncGenerator<{ file: Candidate; src: Extract<ReadResult, { ok: true }>; result: T }> {
  for (const file of files) {
    const src = await readSource(fsPathOf(file));
    if (!src.ok) {
      skipped.push({ file: file.path, reason: src.reason, unanalysed: src.unanalysed });
      continue;
    }
    let project: ProjectImports | undefined;
    if (index) {
      try {
        project = await index.importsFor(file.path, src.text, file.language);
      } catch {
        project = undefined; // an unreadable neighbour never stops the file's own analysis
      }
    }
    if (!project?.hasClient && !mentionsClaudeSdk(src.text, file.language)) continue;
    let result: T;
    try {
      result = await analyze(src.text, file, project);
    } catch (e) {
      skipped.push({ file: file.path, reason: `analysis failed: ${e instanceof Error ? e.message : String(e)}`, unanalysed: true });
      continue;
    }
    yield { file, src, result };
  }
}

export function analyzeOptions(file: Candidate, versions: SdkVersionCache, opts: LintOptions, project?: ProjectImports): { language: AnalyzerLanguage; sdk: SdkVersions; disabled: Set<RuleId>; project?: ProjectImports } {
  return { language: file.language, sdk: versions.get(file.path, readManifest), disabled: opts.disabled, project };
}

/** Lints paths in-process; the engine of `claude-doctor lint` and of the workspace benchmark. */
export async function lintPaths(paths: readonly string[], opts: LintOptions, analyzer = getAnalyzer()): Promise<LintReport> {
  const skipped: Skipped[] = [];
  const files = await collectFiles(paths, skipped);
  const versions = new SdkVersionCache(opts.sdk);
  const entries: LintEntry[] = [];
  let analyzed = 0;
  const analyze = (text: string, file: Candidate, project?: ProjectImports): Promise<Finding[]> => {
    analyzed++; // every file that uses an SDK client, those whose analysis fails included
    return analyzer.analyze(text, analyzeOptions(file, versions, opts, project));
  };
  for await (const { file, src, result: findings } of analyzeEach(files, skipped, analyze, projectIndex(analyzer))) {
    const idx = new LineIndex(src.text);
    const shown = displayPath(file.path);
    for (const f of findings) {
      if (opts.disabled.has(f.rule)) continue;
      const a = position(idx, f.start);
      const b = position(idx, Math.max(f.end, f.start));
      entries.push({
        file: shown,
        line: a.line,
        column: a.column,
        endLine: b.line,
        endColumn: b.column,
        rule: f.rule,
        severity: f.severity,
        message: f.message,
        fixable: isSafelyFixable(f),
        lineText: idx.lineText(a.line - 1),
      });
    }
  }
  entries.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : x.line - y.line || x.column - y.column));
  return { entries, skipped, candidates: files.length, analyzed };
}

/**
 * V8 moves a wasm function to its optimizing compiler once it has run a budget of code; with the
 * default budget the parser's hot functions are recompiled within the first file, which on a
 * short run costs more CPU than it saves (a one-file lint: about a third of its start). A
 * budget ten times higher leaves short runs on the baseline code; a workspace scan still tiers
 * up its hot loops. Process-wide, so only the CLI's own commands set it, before the first parse.
 */
export const CLI_WASM_TIERING_BUDGET = 20_000_000;
export function cliWasmTiering(): void {
  // (a budget given on the command line wins: `node --wasm-tiering-budget=… claude-doctor …`)
  if (`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.includes('--wasm-tiering-budget')) return;
  try {
    setFlagsFromString(`--wasm-tiering-budget=${CLI_WASM_TIERING_BUDGET}`);
  } catch {
    // an engine without the flag: its own default
  }
}
