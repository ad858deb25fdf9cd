/**
 * lint's output: the human text and SARIF 2.1.0 (GitHub code scanning), with rule help links.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
// (named: the bundle keeps these three fields, not the whole manifest with its settings schema)
import { name as PKG_NAME, repository as PKG_REPOSITORY, version as PKG_VERSION } from '../../package.json';
import { RULES } from '../core/analyzer/index';
import type { Severity } from '../core/analyzer/types';
import { terminalSafe } from '../core/text/terminal';
import { unanalysedCount } from './lint-files';
import { EXIT_INCOMPLETE } from './lint-options';
import { displayPath, type LintReport } from './lint-run';
import { style } from './output';

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
// Text
// ---------------------------------------------------------------------------------------------

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
