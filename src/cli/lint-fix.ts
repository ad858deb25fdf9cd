/**
 * `claude-doctor fix`: the safe quickfixes applied in place, repeatedly, each file written atomically.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fixAllText, type ProjectImports } from '../core/analyzer/index';
import { SdkVersionCache } from '../core/analyzer/versionCache';
import type { AnalyzerLanguage, Finding, RuleId, SdkVersions } from '../core/analyzer/types';
import { terminalSafe } from '../core/text/terminal';
import { parseArgs, UsageError } from './args';
import { collectFiles, fsPathOf, unanalysedCount, type Candidate, type Skipped } from './lint-files';
import { EXIT_INCOMPLETE, FIX_FLAGS, FIX_HELP, parseCommon, type LintOptions } from './lint-options';
import { analyzeEach, analyzeOptions, cliWasmTiering, displayPath, getAnalyzer, projectIndex } from './lint-run';
import { processIo, style, type Io } from './output';

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
