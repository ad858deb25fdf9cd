/**
 * The analyzer's public contract: one engine for the editor and the CLI.
 * Offsets are UTF-16 code-unit offsets into the analyzed text (what VS Code and JS strings use).
 */

export type { RuleId } from './rules/index';
import type { RuleId } from './rules/index';
import type { ProjectImports } from './project';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type AnalyzerLanguage = 'typescript' | 'typescriptreact' | 'javascript' | 'javascriptreact' | 'python';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes may be applied by fix-all / `claude-doctor fix` without review. */
  safe: boolean;
  /** Refactors ("Wrap in retry helper", "Configure SDK retries") are offered, never auto-applied. */
  kind: 'quickfix' | 'refactor';
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  fixes: Fix[];
  /** Optional other places that explain the finding (e.g. the existing `system` parameter); shown as related information. */
  related?: { start: number; end: number; message: string }[];
}

export interface SdkVersions {
  /** Major version of `@anthropic-ai/sdk` in effect (0 or 1), when known. */
  ts?: number;
  /** Major version of the Python `anthropic` package (1 or 2), when known. */
  python?: number;
  /** Full `@anthropic-ai/sdk` version when a lock file or exact pin gives it (e.g. "1.4.2"): version-gated facts such as `OverloadedError` (1.5.0). */
  tsVersion?: string;
  /** Full `anthropic` (Python) version when a lock file or exact pin gives it. */
  pythonVersion?: string;
}

export interface AnalyzeOptions {
  language: AnalyzerLanguage;
  /** SDK majors from the nearest manifest, or the user's override. */
  sdk?: SdkVersions;
  /** Rules switched off; severity overrides. */
  disabled?: ReadonlySet<RuleId>;
  severity?: Partial<Record<RuleId, Severity>>;
  /** Value inserted by the missing-max-tokens fix. */
  defaultMaxTokens?: number;
  /** What the project index knows about this file's imports (clients and constants of other modules). */
  project?: ProjectImports;
  /** The day retirement dates are compared with (`YYYY-MM-DD`, UTC); default: today. For tests. */
  today?: string;
}
