/**
 * `claude-doctor lint` and `claude-doctor fix`: the analyzer over files and folders.
 *
 * lint: text, JSON or SARIF 2.1.0 (GitHub code scanning); exit 1 when an error-severity finding
 * exists. fix: applies the safe quickfixes in place, repeatedly, writing each file atomically.
 * Files that could not be analysed are reported; a source file that uses (or may use) a Claude SDK
 * and could not be analysed makes the run incomplete: exit 3 unless --allow-skipped, so a CI gate
 * never passes on files it did not read.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
// (named: the bundle keeps these three fields, not the whole manifest with its settings schema)
import { name as PKG_NAME, repository as PKG_REPOSITORY, version as PKG_VERSION } from '../../package.json';
import {
  fixAllText,
  MAX_FIX_PASSES,
  createAnalyzer,
  languageFromPath,
  mentionsClaudeSdk,
  ProjectIndex,
  RULES,
  safeQuickFix,
  type Analyzer,
  type ProjectImports,
} from '../core/analyzer/index';
import { LineIndex } from '../core/analyzer/lineIndex';
import { SdkVersionCache } from '../core/analyzer/versionCache';
import type { AnalyzerLanguage, Finding, RuleId, SdkVersions, Severity, TextEdit } from '../core/analyzer/types';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { processIo, style, type Io } from './output';
import { terminalSafe } from '../core/text/terminal';

/** Folders never walked into. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'build', '.venv', 'venv']);
/** Files above this size are reported and skipped. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** `fix` re-analyzes and re-applies at most this many times per file. */

const VERSION: string = PKG_VERSION;
const REPO_URL: string | undefined = repoUrl({ repository: PKG_REPOSITORY });

function repoUrl(p: Record<string, unknown>): string | undefined {
  const r = p.repository;
  const raw = typeof r === 'string' ? r : r && typeof r === 'object' ? (r as { url?: string }).url : undefined;
  if (raw) {
    const m = /github(?:\.com)?[:/]([^/]+\/[^/.#]+)/.exec(raw);
    if (m) return `https://github.com/${m[1]}`;
  }
  return undefined;
}

/** The installed package's root: the folder above `dist/cli.js` (or `src/cli/` when run from source). */
function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 4; i++) {
    try {
      const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (p.name === PKG_NAME) return dir;
    } catch { /* keep walking up */ }
    dir = dirname(dir);
  }
  return resolve(__dirname, '..');
}

/**
 * Where a rule's page lives, for SARIF `helpUri` and the text output: the repository's copy when
 * package.json names one, else the copy shipped inside the package (never an invented address).
 */
export function ruleHelpUri(docsPath: string): string {
  return REPO_URL ? `${REPO_URL}/blob/main/${docsPath}` : pathToFileURL(join(packageRoot(), docsPath)).href;
}

/** A rule page's Markdown, embedded in SARIF so code scanning shows it without following a link. */
function ruleHelpMarkdown(docsPath: string): string | undefined {
  try { return readFileSync(join(packageRoot(), docsPath), 'utf8'); } catch { return undefined; }
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

const RULE_IDS = new Set<string>(RULES.map((r) => r.id));

const COMMON_FLAGS: Record<string, FlagSpec> = {
  'sdk-version': { kind: 'string' },
  disable: { kind: 'string' },
  help: { kind: 'boolean', short: 'h' },
};

export const LINT_FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  format: { kind: 'string', choices: ['text', 'json', 'sarif'] },
  'allow-skipped': { kind: 'boolean' },
};

export const FIX_FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  'dry-run': { kind: 'boolean' },
  'allow-skipped': { kind: 'boolean' },
};

/** Exit status when the run is incomplete: some file that may use a Claude SDK was not analysed. */
export const EXIT_INCOMPLETE = 3;

export const LINT_HELP = `Usage: claude-doctor lint [paths…] [options]

Finds code that causes Claude API errors in TypeScript, JavaScript and Python files.
Folders are walked (skipping ${[...SKIP_DIRS].join(', ')}); only files that use a Claude SDK (directly, or through a client imported from another module) are analyzed.

Options:
  --format text|json|sarif   output format (default: text)
                             json: [{file, line, column, endLine, endColumn, rule, severity,
                             message, fixable}], lines and columns 1-based, columns in UTF-16
                             code units (as editors count them)
                             sarif: SARIF 2.1.0 for GitHub code scanning
  --sdk-version ts=N,python=N  SDK majors to assume (default: read from the nearest
                             package.json / package-lock.json / requirements.txt / pyproject.toml)
  --disable RULE,…           switch rules off
  --allow-skipped            exit 0/1 by the findings even when some files could not be analysed
  -h, --help                 this help

Rules:
${RULES.map((r) => `  ${r.id.padEnd(30)} ${r.defaultSeverity.padEnd(8)} ${r.description}`).join('\n')}

Exit status: 1 when any error-severity finding exists; else ${EXIT_INCOMPLETE} when a source file that may use a
Claude SDK could not be analysed (unreadable, too large, not UTF-8, not a regular file, analysis
failed; --allow-skipped turns this off); else 0. 2 on a usage error.
`;

export const FIX_HELP = `Usage: claude-doctor fix [paths…] [--dry-run] [options]

Applies the safe quickfixes in place (re-analyzing until nothing more is fixable, at most
${MAX_FIX_PASSES} passes per file). Files are written atomically (temporary file + rename).
Refactors (wrapping calls in retry helpers, etc.) are never applied automatically.

Options:
  --dry-run                  report what would change, write nothing
  --sdk-version ts=N,python=N  SDK majors to assume (default: from the nearest manifest)
  --disable RULE,…           switch rules off
  --allow-skipped            do not exit ${EXIT_INCOMPLETE} for files that could not be analysed
  -h, --help                 this help

Exit status: 0 when no error-severity finding remains, 1 otherwise (or a write failed),
${EXIT_INCOMPLETE} when a file that may use a Claude SDK could not be analysed, 2 on a usage error.
`;

export interface LintOptions {
  sdk?: SdkVersions;
  disabled: Set<RuleId>;
}

function parseCommon(flags: Record<string, unknown>): LintOptions {
  const disabled = new Set<RuleId>();
  const dis = flags.disable as string | undefined;
  if (dis !== undefined) {
    for (const id of dis.split(',').map((x) => x.trim()).filter(Boolean)) {
      if (!RULE_IDS.has(id)) throw new UsageError(`--disable: unknown rule "${id.slice(0, 60)}" (see --help)`);
      disabled.add(id as RuleId);
    }
  }
  let sdk: SdkVersions | undefined;
  const sv = flags['sdk-version'] as string | undefined;
  if (sv !== undefined) {
    sdk = {};
    for (const part of sv.split(',').map((x) => x.trim()).filter(Boolean)) {
      const m = /^(ts|python)=(\d+)$/.exec(part);
      if (!m) throw new UsageError(`--sdk-version: expected ts=N,python=N (got "${part.slice(0, 40)}")`);
      const major = Number(m[2]);
      if (m[1] === 'ts' && major !== 0 && major !== 1) throw new UsageError('--sdk-version: ts must be 0 or 1');
      if (m[1] === 'python' && major !== 1 && major !== 2) throw new UsageError('--sdk-version: python must be 1 or 2');
      sdk[m[1] as 'ts' | 'python'] = major;
    }
    if (sdk.ts === undefined && sdk.python === undefined) throw new UsageError('--sdk-version: nothing given');
  }
  return { sdk, disabled };
}

// ---------------------------------------------------------------------------------------------
// Walking and reading
// ---------------------------------------------------------------------------------------------

export interface Skipped {
  file: string;
  reason: string;
  /**
   * A source file that uses or may use a Claude SDK was not analysed: the run is incomplete
   * (exit ${EXIT_INCOMPLETE}). Files that are not sources (wrong extension, binary) are skipped quietly.
   */
  unanalysed: boolean;
}

export interface Candidate {
  path: string; // absolute, for display (a name that is not UTF-8 shows U+FFFD)
  language: AnalyzerLanguage;
  /** The path's raw bytes when its name is not valid UTF-8 (what the file system is asked for). */
  raw?: Buffer;
}

/** The path to hand the file system: the raw bytes when the name is not UTF-8. */
const fsPathOf = (c: { path: string; raw?: Buffer }): string | Buffer => c.raw ?? c.path;

/** Expands paths into analyzable files. Missing paths throw a UsageError. */
export async function collectFiles(paths: readonly string[], skipped: Skipped[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (p: string, raw?: Buffer) => {
    const language = languageFromPath(p);
    const key = raw ? `raw:${raw.toString('hex')}` : p;
    if (!language || seen.has(key)) return false;
    seen.add(key);
    out.push(raw ? { path: p, language, raw } : { path: p, language });
    return true;
  };
  /** `dir` as shown, and its raw bytes once some name on the way was not UTF-8. */
  const walk = async (dir: string, rawDir?: Buffer): Promise<void> => {
    let entries: import('node:fs').Dirent<Buffer>[];
    try {
      entries = await fsp.readdir(rawDir ?? dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      skipped.push({ file: dir, reason: `cannot read folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, unanalysed: true });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const ent of entries) {
      const name = ent.name.toString('utf8');
      // A name that is not valid UTF-8 is opened by its bytes (and shown with U+FFFD).
      const rawName = rawDir || !Buffer.from(name, 'utf8').equals(ent.name)
        ? Buffer.concat([rawDir ?? Buffer.from(dir, 'utf8'), Buffer.from(sep), ent.name])
        : undefined;
      const full = join(dir, name);
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(name)) await walk(full, rawName);
      } else if (ent.isFile()) {
        add(full, rawName);
      }
      // Symlinks are not followed: no loops, no escaping the tree. FIFOs, sockets and devices
      // inside a folder are not source files.
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    let st: import('node:fs').Stats;
    try {
      st = await fsp.stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`no such file or folder: ${p}`);
      skipped.push({ file: abs, reason: `cannot read (${code ?? 'error'})`, unanalysed: true });
      continue;
    }
    if (st.isDirectory()) await walk(abs);
    else if (!add(abs) && !seen.has(abs)) skipped.push({ file: abs, reason: 'not a TypeScript, JavaScript or Python file', unanalysed: false });
  }
  return out;
}

/**
 * `unanalysed`: the file is (or may be) a source that uses a Claude SDK — missing it makes the run
 * incomplete. A binary file, or a huge one that never names Anthropic, is not.
 */
export type ReadResult = { ok: true; text: string; bom: boolean } | { ok: false; reason: string; unanalysed: boolean };

/** Whether a file (too large to analyse) names Anthropic anywhere: read in chunks, memory bounded. */
async function mentionsAnthropic(path: string | Buffer): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    const needle = 'anthropic';
    let carry = '';
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return false;
      const part = carry + chunk.subarray(0, bytesRead).toString('latin1').toLowerCase();
      if (part.includes(needle)) return true;
      carry = part.slice(-(needle.length - 1));
    }
  } finally {
    await fh.close();
  }
}

/** Reads a source file; refuses huge, binary and special files (FIFOs, devices, sockets) with a reason. */
export async function readSource(path: string | Buffer): Promise<ReadResult> {
  let buf: Buffer;
  try {
    const st = await fsp.stat(path);
    // A FIFO or a device named like a source file would block the read or never end.
    if (!st.isFile()) return { ok: false, reason: 'not a regular file (a FIFO, device or socket): not read', unanalysed: true };
    if (st.size > MAX_FILE_BYTES) {
      return {
        ok: false,
        reason: `too large (${(st.size / 1024 / 1024).toFixed(1)} MB > ${MAX_FILE_BYTES / 1024 / 1024} MB)`,
        unanalysed: await mentionsAnthropic(path).catch(() => true),
      };
    }
    buf = await fsp.readFile(path);
  } catch (e) {
    return { ok: false, reason: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, unanalysed: true };
  }
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary file', unanalysed: false };
  let text = buf.toString('utf8');
  if (text.includes('\uFFFD') && !isValidUtf8(buf)) return { ok: false, reason: 'not UTF-8 text', unanalysed: true };
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  return { ok: true, text, bom };
}

function isValidUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** A manifest's text for the SDK-version cache (core/analyzer/versionCache.ts): absent, unreadable or too large is undefined. */
function readManifest(p: string): string | undefined {
  try {
    return statSync(p).size <= MAX_FILE_BYTES ? readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

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

function analyzeOptions(file: Candidate, versions: SdkVersionCache, opts: LintOptions, project?: ProjectImports): { language: AnalyzerLanguage; sdk: SdkVersions; disabled: Set<RuleId>; project?: ProjectImports } {
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
function cliWasmTiering(): void {
  // (a budget given on the command line wins: `node --wasm-tiering-budget=… claude-doctor …`)
  if (`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.includes('--wasm-tiering-budget')) return;
  try {
    setFlagsFromString(`--wasm-tiering-budget=${CLI_WASM_TIERING_BUDGET}`);
  } catch {
    // an engine without the flag: its own default
  }
}

export async function lintCommand(argv: string[], io: Io = processIo()): Promise<number> {
  let format: 'text' | 'json' | 'sarif';
  let opts: LintOptions;
  let paths: string[];
  let report: LintReport;
  let allowSkipped: boolean;
  try {
    const { flags, positionals } = parseArgs(argv, LINT_FLAGS);
    if (flags.help) {
      io.out.write(LINT_HELP);
      return 0;
    }
    format = (flags.format as typeof format | undefined) ?? 'text';
    allowSkipped = Boolean(flags['allow-skipped']);
    opts = parseCommon(flags);
    paths = positionals.length ? positionals : ['.'];
    cliWasmTiering();
    report = await lintPaths(paths, opts);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`claude-doctor lint: ${e.message}\nRun \`claude-doctor lint --help\` for usage.\n`);
      return 2;
    }
    throw e;
  }
  for (const s of report.skipped) io.err.write(`skipped ${terminalSafe(displayPath(s.file))}: ${terminalSafe(s.reason)}\n`);
  if (format === 'json') {
    const arr = report.entries.map(({ lineText: _l, ...rest }) => rest);
    io.out.write(`${JSON.stringify(arr, null, 2)}\n`);
  } else if (format === 'sarif') {
    io.out.write(`${JSON.stringify(toSarif(report), null, 2)}\n`);
  } else {
    io.out.write(formatText(report, style(io.color), allowSkipped));
  }
  if (report.entries.some((e) => e.severity === 'error')) return 1;
  return unanalysedCount(report.skipped) > 0 && !allowSkipped ? EXIT_INCOMPLETE : 0;
}

export const unanalysedCount = (skipped: readonly Skipped[]): number => skipped.filter((s) => s.unanalysed).length;

export function formatText(report: LintReport, s = style(false), allowSkipped = false): string {
  const lines: string[] = [];
  let current: string | undefined;
  const sev = (v: Severity) =>
    v === 'error' ? s.red('error') : v === 'warning' ? s.yellow('warning') : s.cyan(v);
  for (const e of report.entries) {
    if (e.file !== current) {
      if (current !== undefined) lines.push('');
      current = e.file;
    }
    const fix = e.fixable ? s.dim(' [fixable]') : '';
    // File names, rule ids and messages (which quote the linted source) through the terminal sanitizer.
    lines.push(`${terminalSafe(e.file)}:${e.line}:${e.column} ${sev(e.severity)} ${s.dim(terminalSafe(e.rule))} ${terminalSafe(e.message)}${fix}`);
  }
  const count = (v: Severity) => report.entries.filter((e) => e.severity === v).length;
  const files = new Set(report.entries.map((e) => e.file)).size;
  const fixable = report.entries.filter((e) => e.fixable).length;
  const n = report.entries.length;
  if (n) lines.push('');
  const scanned = `${report.analyzed} of ${report.candidates} file${report.candidates === 1 ? '' : 's'} use a Claude SDK`;
  if (n === 0) {
    lines.push(`${s.green('✔')} no problems (${scanned})`);
  } else {
    const head = `${n} problem${n === 1 ? '' : 's'} (${count('error')} error${count('error') === 1 ? '' : 's'}, ` +
      `${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info') + count('hint')} info) in ` +
      `${files} file${files === 1 ? '' : 's'}; ${scanned}`;
    lines.push(`${count('error') ? s.red('✘') : s.yellow('!')} ${head}`);
    if (fixable) lines.push(`  ${fixable} fixable with \`claude-doctor fix\``);
  }
  const unanalysed = unanalysedCount(report.skipped);
  const quiet = report.skipped.length - unanalysed;
  if (unanalysed) {
    const what = `${unanalysed} file${unanalysed === 1 ? '' : 's'} that may use a Claude SDK could not be analysed (see above)`;
    lines.push(`${s.red('✘')} incomplete: ${what}${allowSkipped ? ' — accepted (--allow-skipped)' : `: exit ${EXIT_INCOMPLETE} (--allow-skipped accepts this)`}`);
  }
  if (quiet) lines.push(`  ${quiet} skipped (see above)`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0
// ---------------------------------------------------------------------------------------------

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

export function toSarif(report: LintReport, cwd = process.cwd()): object {
  const ruleIndex = new Map<string, number>(RULES.map((r, i) => [r.id, i]));
  const occurrences = new Map<string, number>();
  const results = report.entries.map((e) => {
    const base = createHash('sha256').update(`${e.rule}\0${e.lineText.trim()}`).digest('hex').slice(0, 32);
    const key = `${e.file}\0${base}`;
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    const absolute = isAbsolute(e.file);
    return {
      ruleId: e.rule,
      ruleIndex: ruleIndex.get(e.rule) ?? -1,
      level: SARIF_LEVEL[e.severity],
      message: { text: e.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: absolute
              ? { uri: pathToFileURL(e.file).href }
              : { uri: encodeURI(e.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: `${base}:${n}` },
      properties: { fixable: e.fixable },
    };
  });
  const notifications = report.skipped.map((s) => ({
    level: 'warning',
    message: { text: `skipped ${displayPath(s.file, cwd)}: ${s.reason}` },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'claude-doctor',
            semanticVersion: VERSION,
            version: VERSION,
            ...(REPO_URL ? { informationUri: REPO_URL } : {}),
            rules: RULES.map((r) => ({
              id: r.id,
              name: camel(r.id),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              helpUri: ruleHelpUri(r.docs),
              help: { text: `${r.description} See ${ruleHelpUri(r.docs)}`, ...helpMarkdown(r.docs) },
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
              properties: { tags: ['claude-api'] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        columnKind: 'utf16CodeUnits',
        // A run that could not analyse some source file did not fully succeed (code scanning shows it).
        invocations: [{ executionSuccessful: unanalysedCount(report.skipped) === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}

function helpMarkdown(docsPath: string): { markdown?: string } {
  const md = ruleHelpMarkdown(docsPath);
  return md ? { markdown: md } : {};
}

function camel(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

// ---------------------------------------------------------------------------------------------
// Fix
// ---------------------------------------------------------------------------------------------

export interface FileFixResult {
  file: string; // absolute
  text: string;
  changed: boolean;
  fixesByRule: Map<RuleId, number>;
  remaining: Finding[];
}

/** Analyze → apply safe fixes → repeat (the core's fix-all loop). Pure: writes nothing. */
export async function fixText(
  text: string,
  options: { language: AnalyzerLanguage; sdk?: SdkVersions; disabled: Set<RuleId>; project?: ProjectImports },
  analyzer = getAnalyzer(),
): Promise<{ text: string; fixesByRule: Map<RuleId, number>; remaining: Finding[] }> {
  const r = await fixAllText(text, (t) => analyzer.analyze(t, options), { remaining: true });
  return { text: r.text, fixesByRule: r.byRule, remaining: (r.remaining ?? []).filter((f) => !options.disabled.has(f.rule)) };
}

/**
 * Writes through a temporary file in the same folder, then renames: never a half-written file.
 * A path given as bytes (a name that is not UTF-8) keeps its bytes.
 */
export async function writeAtomic(path: string | Buffer, text: string): Promise<void> {
  const suffix = `.claude-doctor-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const tmp = typeof path === 'string'
    ? join(dirname(path), `.${basename(path)}${suffix}`)
    : Buffer.concat([path, Buffer.from(suffix)]);
  let mode: number | undefined;
  try {
    mode = (await fsp.stat(path)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    await fsp.writeFile(tmp, text, { encoding: 'utf8', mode: mode ?? 0o644, flag: 'wx' });
    if (mode !== undefined) await fsp.chmod(tmp, mode);
    await fsp.rename(tmp, path);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export async function fixCommand(argv: string[], io: Io = processIo()): Promise<number> {
  let opts: LintOptions;
  let dryRun: boolean;
  let allowSkipped: boolean;
  let files: Candidate[];
  const skipped: Skipped[] = [];
  try {
    const { flags, positionals } = parseArgs(argv, FIX_FLAGS);
    if (flags.help) {
      io.out.write(FIX_HELP);
      return 0;
    }
    opts = parseCommon(flags);
    dryRun = Boolean(flags['dry-run']);
    allowSkipped = Boolean(flags['allow-skipped']);
    files = await collectFiles(positionals.length ? positionals : ['.'], skipped);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`claude-doctor fix: ${e.message}\nRun \`claude-doctor fix --help\` for usage.\n`);
      return 2;
    }
    throw e;
  }
  const s = style(io.color);
  cliWasmTiering();
  const analyzer = getAnalyzer();
  const versions = new SdkVersionCache(opts.sdk);
  const totals = new Map<RuleId, number>();
  let changedFiles = 0;
  let failed = 0;
  let remainingErrors = 0;
  let remainingOther = 0;
  const fix = (text: string, file: Candidate, project?: ProjectImports) => fixText(text, analyzeOptions(file, versions, opts, project), analyzer);
  for await (const { file, src, result: res } of analyzeEach(files, skipped, fix, projectIndex(analyzer))) {
    for (const f of res.remaining) {
      if (f.severity === 'error') remainingErrors++;
      else remainingOther++;
    }
    if (res.text === src.text) continue;
    const n = [...res.fixesByRule.values()].reduce((a, b) => a + b, 0);
    const detail = [...res.fixesByRule].map(([r, c]) => `${r}×${c}`).join(', ');
    if (!dryRun) {
      try {
        await writeAtomic(fsPathOf(file), src.bom ? `\uFEFF${res.text}` : res.text);
      } catch (e) {
        failed++;
        io.err.write(`${s.red('error:')} cannot write ${terminalSafe(displayPath(file.path))}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        continue;
      }
    }
    changedFiles++;
    for (const [r, c] of res.fixesByRule) totals.set(r, (totals.get(r) ?? 0) + c);
    io.out.write(`${dryRun ? 'would fix' : 'fixed'} ${terminalSafe(displayPath(file.path))}: ${n} fix${n === 1 ? '' : 'es'} (${detail})\n`);
  }
  for (const sk of skipped) io.err.write(`skipped ${terminalSafe(displayPath(sk.file))}: ${terminalSafe(sk.reason)}\n`);
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  io.out.write(
    `\n${dryRun ? 'Would apply' : 'Applied'} ${total} fix${total === 1 ? '' : 'es'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}` +
      `${dryRun ? ' (dry run: nothing written)' : ''}.\n`,
  );
  for (const [r, c] of [...totals].sort((a, b) => b[1] - a[1])) io.out.write(`  ${r.padEnd(30)} ${c}\n`);
  if (remainingErrors + remainingOther) {
    io.out.write(
      `${remainingErrors} error${remainingErrors === 1 ? '' : 's'} and ${remainingOther} other finding${remainingOther === 1 ? '' : 's'} ` +
        'remain (need a manual change; run `claude-doctor lint`).\n',
    );
  }
  const unanalysed = unanalysedCount(skipped);
  if (unanalysed) {
    io.out.write(`${unanalysed} file${unanalysed === 1 ? '' : 's'} that may use a Claude SDK could not be analysed (see above)${allowSkipped ? '.' : `: exit ${EXIT_INCOMPLETE} (--allow-skipped accepts this).`}\n`);
  }
  if (failed > 0 || remainingErrors > 0) return 1;
  return unanalysed > 0 && !allowSkipped ? EXIT_INCOMPLETE : 0;
}
