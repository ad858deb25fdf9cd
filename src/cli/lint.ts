/**
 * `claude-doctor lint` and `claude-doctor fix`: the analyzer over files and folders.
 *
 * lint: text, JSON or SARIF 2.1.0 (GitHub code scanning); exit 1 when an error-severity finding
 * exists. fix: applies the safe quickfixes in place, repeatedly, writing each file atomically.
 * Files that could not be analysed are reported; a source file that uses (or may use) a Claude SDK
 * and could not be analysed makes the run incomplete: exit 3 unless --allow-skipped, so a CI gate
 * never passes on files it did not read.
 */
import { terminalSafe } from '../core/text/terminal';
import { parseArgs, UsageError } from './args';
import { unanalysedCount } from './lint-files';
import { EXIT_INCOMPLETE, LINT_FLAGS, LINT_HELP, parseCommon, type LintOptions } from './lint-options';
import { formatText, toSarif } from './lint-format';
import { cliWasmTiering, displayPath, lintPaths, type LintReport } from './lint-run';
import { processIo, style, type Io } from './output';

// The parts, re-exported: this file is the `cli-lint.js` bundle's entry, and tests and benches
// import the building blocks from here.
export { collectFiles, MAX_FILE_BYTES, readSource, SKIP_DIRS, unanalysedCount, type Candidate, type ReadResult, type Skipped } from './lint-files';
export { EXIT_INCOMPLETE, FIX_FLAGS, FIX_HELP, LINT_FLAGS, LINT_HELP, type LintOptions } from './lint-options';
export { formatText, ruleHelpUri, toSarif } from './lint-format';
export {
  analyzeEach, CLI_WASM_TIERING_BUDGET, displayPath, getAnalyzer, isSafelyFixable, lintPaths, position, projectIndex,
  type LintEntry, type LintReport,
} from './lint-run';
export { fixCommand, fixText, writeAtomic, type FileFixResult } from './lint-fix';

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
