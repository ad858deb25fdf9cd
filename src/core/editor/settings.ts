/**
 * The analyzer's settings, parsed and validated (pure: the caller passes a getter over
 * `workspace.getConfiguration('claudeDoctor')`).
 *
 *   "claudeDoctor.rules": { "<rule-id>": "off" | "error" | "warning" | "info" | "hint" | "default" | false | true }
 *   "claudeDoctor.analyzer.enable": true
 *   "claudeDoctor.analyzer.sdkVersion": { "typescript": "auto" | "0.x" | "1.x", "python": "auto" | "1.x" | "2.x" }
 *   "claudeDoctor.analyzer.defaultMaxTokens": 1024
 *   "claudeDoctor.analyzer.debounceMs": 300
 */
import type { RuleId, SdkVersions, Severity } from '../analyzer/types';

export const DEFAULT_DEBOUNCE_MS = 300;
export const DEFAULT_MAX_TOKENS = 1024;
export const MAX_DEBOUNCE_MS = 5000;

export type RuleSetting = 'off' | 'default' | Severity;

export interface AnalyzerSettings {
  enabled: boolean;
  disabled: Set<RuleId>;
  severity: Partial<Record<RuleId, Severity>>;
  /** Only the majors the user pinned; the rest comes from the nearest manifest. */
  sdkOverride: SdkVersions;
  defaultMaxTokens: number;
  debounceMs: number;
  /** Problems found while reading the settings (unknown rule ids, bad values), for the log. */
  warnings: string[];
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMajor(value: unknown, allowed: readonly number[]): number | undefined {
  if (value === undefined || value === null || value === 'auto' || value === '') return undefined;
  const m = /^\s*v?(\d+)(?:\.(?:x|\d+))*\s*$/i.exec(String(value));
  if (!m) return undefined;
  const n = Number(m[1]);
  return allowed.includes(n) ? n : undefined;
}

/**
 * Reads the analyzer settings. `get(section)` returns the value under `claudeDoctor.<section>`
 * (undefined when unset). Unknown rule ids and bad values are ignored with a warning.
 */
export function parseSettings(get: (section: string) => unknown, ruleIds: readonly RuleId[]): AnalyzerSettings {
  const warnings: string[] = [];
  const disabled = new Set<RuleId>();
  const severity: Partial<Record<RuleId, Severity>> = {};
  const known = new Set<string>(ruleIds);

  const rules = get('rules');
  if (rules !== undefined && rules !== null && !isRecord(rules)) warnings.push('claudeDoctor.rules must be an object of rule id → "off" | severity');
  if (isRecord(rules)) {
    for (const [id, raw] of Object.entries(rules)) {
      if (!known.has(id)) {
        warnings.push(`claudeDoctor.rules: unknown rule "${id}"`);
        continue;
      }
      const rule = id as RuleId;
      let value: unknown = raw;
      // Also accept { "enabled": false, "severity": "warning" }.
      if (isRecord(raw)) {
        if (raw.enabled === false) value = 'off';
        else value = raw.severity ?? 'default';
      }
      if (value === false || value === 'off' || value === 'none') disabled.add(rule);
      else if (value === true || value === 'default' || value === 'on') continue;
      else if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value)) severity[rule] = value as Severity;
      else if (value === 'information') severity[rule] = 'info';
      else warnings.push(`claudeDoctor.rules.${id}: expected "off", "default", "error", "warning", "info" or "hint"`);
    }
  }

  const sdkOverride: SdkVersions = {};
  const sdk = get('analyzer.sdkVersion');
  if (isRecord(sdk)) {
    const ts = parseMajor(sdk.typescript, [0, 1]);
    const py = parseMajor(sdk.python, [1, 2]);
    if (ts !== undefined) sdkOverride.ts = ts;
    else if (sdk.typescript !== undefined && sdk.typescript !== 'auto') warnings.push('claudeDoctor.analyzer.sdkVersion.typescript: expected "auto", "0.x" or "1.x"');
    if (py !== undefined) sdkOverride.python = py;
    else if (sdk.python !== undefined && sdk.python !== 'auto') warnings.push('claudeDoctor.analyzer.sdkVersion.python: expected "auto", "1.x" or "2.x"');
  }

  const num = (section: string, def: number, min: number, max: number): number => {
    const v = get(section);
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      warnings.push(`claudeDoctor.${section}: expected a number`);
      return def;
    }
    return Math.min(max, Math.max(min, Math.round(v)));
  };

  const enable = get('analyzer.enable');
  return {
    enabled: enable !== false,
    disabled,
    severity,
    sdkOverride,
    defaultMaxTokens: num('analyzer.defaultMaxTokens', DEFAULT_MAX_TOKENS, 1, 1_000_000),
    debounceMs: num('analyzer.debounceMs', DEFAULT_DEBOUNCE_MS, 0, MAX_DEBOUNCE_MS),
    warnings,
  };
}

/** The detected versions with the user's pins on top. */
export function mergeSdk(detected: SdkVersions, override: SdkVersions): SdkVersions {
  const out: SdkVersions = { ...detected };
  if (override.ts !== undefined) {
    out.ts = override.ts;
    if (detected.ts !== override.ts) delete out.tsVersion;
  }
  if (override.python !== undefined) {
    out.python = override.python;
    if (detected.python !== override.python) delete out.pythonVersion;
  }
  return out;
}
