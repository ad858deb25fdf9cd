/**
 * The flags, help texts and shared options of `claude-doctor lint` and `claude-doctor fix`.
 */
import { MAX_FIX_PASSES, RULES } from '../core/analyzer/index';
import type { RuleId, SdkVersions } from '../core/analyzer/types';
import { UsageError, type FlagSpec } from './args';
import { SKIP_DIRS } from './lint-files';

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

export function parseCommon(flags: Record<string, unknown>): LintOptions {
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
