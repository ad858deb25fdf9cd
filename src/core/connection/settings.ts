/**
 * The `claudeDoctor.*` connection settings as plain data, their validation, and what they ask of
 * the request profile. The host passes a getter over `workspace.getConfiguration` to
 * `readSettings`, so the rules are unit-tested without an editor and both editor features (the
 * connection test, the proxy) validate the same way, once per read. Odd values (negative numbers,
 * garbage, unknown enum members) fall back to the default and produce a warning for the output
 * channel.
 */
import { lookupModel, DEFAULT_TEST_MODEL } from '../data/api-facts';
import type { JitterKind } from '../retry/events';
import type { RetryPolicy } from '../retry/policy';
import type { ProfileChoices } from './profile';

export type Target = 'api' | 'simulator';
export type AuthHeader = 'bearer' | 'x-api-key';

export interface DoctorSettings {
  target: Target;
  baseUrl: string;
  model: string;
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  jitter: JitterKind;
  maxRetryAfterMs: number;
  timeoutMs: number;
  stream: boolean;
  /** Empty string = no fallback model. */
  fallbackModel: string;
  /** Share a gRPC-style retry token bucket (10 tokens, ratio 0.1) across the runs of this window. */
  retryBudget: boolean;
  authHeader: AuthHeader;
  /** Read the public status page (status.claude.com) for context. */
  statusPage: boolean;
}

/**
 * Defaults. The retry numbers match the retrying client's DEFAULT_POLICY (full jitter, 4 retries,
 * 500 ms base, 8 s cap, 60 s largest honoured retry-after) and the per-attempt timeout matches the
 * request profile (core/connection/profile.ts: 30 s, not the SDK's 10 minutes: a test asks for
 * 16 tokens); a unit test keeps package.json, this table, DEFAULT_POLICY and the profile in step.
 */
export const DEFAULT_SETTINGS: Readonly<DoctorSettings> = Object.freeze({
  target: 'api',
  baseUrl: 'https://api.anthropic.com',
  model: DEFAULT_TEST_MODEL,
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  jitter: 'full',
  maxRetryAfterMs: 60_000,
  timeoutMs: 30_000,
  stream: false,
  fallbackModel: '',
  retryBudget: false,
  authHeader: 'bearer',
  statusPage: true,
});

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof DoctorSettings)[];

/** Bounds per numeric setting: [min, max]. Values outside are replaced (below min) or clamped (above max). */
export const NUMBER_BOUNDS: Readonly<Record<'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'timeoutMs', readonly [number, number]>> = {
  maxRetries: [0, 20],
  baseDelayMs: [0, 60_000],
  maxDelayMs: [0, 300_000],
  maxRetryAfterMs: [0, 3_600_000],
  timeoutMs: [100, 600_000],
};

const JITTERS: readonly JitterKind[] = ['full', 'equal', 'decorrelated', 'none', 'sdk'];
const TARGETS: readonly Target[] = ['api', 'simulator'];
const AUTH_HEADERS: readonly AuthHeader[] = ['bearer', 'x-api-key'];

export interface ValidatedSettings {
  settings: DoctorSettings;
  /** One line per odd value, for the output channel. Never contains a secret (settings hold none). */
  warnings: string[];
}

function show(v: unknown): string {
  let s: string;
  try { s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? String(v)); } catch { s = String(v); }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function num(raw: Record<string, unknown>, key: keyof typeof NUMBER_BOUNDS, warnings: string[], integer: boolean): number {
  const def = DEFAULT_SETTINGS[key];
  const v = raw[key];
  if (v === undefined || v === null) return def;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v.trim()))) n = Number(v.trim());
  else {
    warnings.push(`claudeDoctor.${key}: ${show(v)} is not a number; using the default ${def}.`);
    return def;
  }
  if (!Number.isFinite(n)) {
    warnings.push(`claudeDoctor.${key}: ${show(v)} is not a finite number; using the default ${def}.`);
    return def;
  }
  const [min, max] = NUMBER_BOUNDS[key];
  if (n < min) {
    warnings.push(`claudeDoctor.${key}: ${show(v)} is below the minimum ${min}; using the default ${def}.`);
    return def;
  }
  if (n > max) {
    warnings.push(`claudeDoctor.${key}: ${show(v)} is above the maximum ${max}; using ${max}.`);
    n = max;
  }
  if (integer && !Number.isInteger(n)) {
    const r = Math.floor(n);
    warnings.push(`claudeDoctor.${key}: ${show(v)} is not a whole number; using ${r}.`);
    n = r;
  }
  return Math.round(n);
}

function oneOf<T extends string>(raw: Record<string, unknown>, key: keyof DoctorSettings, allowed: readonly T[], warnings: string[]): T {
  const def = DEFAULT_SETTINGS[key] as T;
  const v = raw[key];
  if (v === undefined || v === null) return def;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  const hit = allowed.find((a) => a.toLowerCase() === s);
  if (hit) return hit;
  warnings.push(`claudeDoctor.${key}: ${show(v)} is not one of ${allowed.join(', ')}; using the default ${def}.`);
  return def;
}

function bool(raw: Record<string, unknown>, key: keyof DoctorSettings, warnings: string[]): boolean {
  const def = DEFAULT_SETTINGS[key] as boolean;
  const v = raw[key];
  if (v === undefined || v === null) return def;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  warnings.push(`claudeDoctor.${key}: ${show(v)} is not true or false; using the default ${def}.`);
  return def;
}

/** Model ids: trimmed, no inner whitespace. A retired or unknown id is kept (the run will show the 404) with a warning. */
function modelId(raw: Record<string, unknown>, key: 'model' | 'fallbackModel', warnings: string[], allowEmpty: boolean): string {
  const def = DEFAULT_SETTINGS[key];
  const v = raw[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string') {
    warnings.push(`claudeDoctor.${key}: ${show(v)} is not a string; using the default ${show(def)}.`);
    return def;
  }
  const s = v.trim();
  if (s === '') {
    if (!allowEmpty) warnings.push(`claudeDoctor.${key} is empty; using the default ${show(def)}.`);
    return def;
  }
  if (/\s/.test(s)) {
    warnings.push(`claudeDoctor.${key}: ${show(v)} contains whitespace; using the default ${show(def)}.`);
    return def;
  }
  if (s !== v) warnings.push(`claudeDoctor.${key}: removed surrounding whitespace from ${show(v)}.`);
  const status = lookupModel(s);
  if (status.kind === 'retired') {
    warnings.push(`claudeDoctor.${key}: ${s} is retired (requests return 404); use ${status.successor}.`);
  } else if (status.kind === 'unknown') {
    warnings.push(`claudeDoctor.${key}: ${s} is not a known Claude model id (fine for a gateway that renames models).`);
  }
  return s;
}

/**
 * Base URL: http(s) only, credentials and query/fragment stripped, no trailing slash. A `/v1`
 * suffix is removed (the SDK appends `/v1/messages` itself: `…/v1/v1/messages` is a classic 404).
 */
export function normalizeBaseUrl(v: unknown, warnings: string[]): string {
  const def = DEFAULT_SETTINGS.baseUrl;
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string' || v.trim() === '') {
    if (typeof v !== 'string') warnings.push(`claudeDoctor.baseUrl: ${show(v)} is not a string; using the default ${def}.`);
    return def;
  }
  let u: URL;
  try {
    u = new URL(v.trim());
  } catch {
    warnings.push(`claudeDoctor.baseUrl: ${show(stripCredentialsLoose(v))} is not a valid URL; using the default ${def}.`);
    return def;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    warnings.push(`claudeDoctor.baseUrl: protocol ${u.protocol} is not http or https; using the default ${def}.`);
    return def;
  }
  if (u.username || u.password) {
    warnings.push('claudeDoctor.baseUrl: removed credentials from the URL (use Set API Key instead).');
    u.username = '';
    u.password = '';
  }
  if (u.search || u.hash) {
    warnings.push('claudeDoctor.baseUrl: removed the query string / fragment.');
    u.search = '';
    u.hash = '';
  }
  let s = u.toString().replace(/\/+$/, '');
  if (/\/v1$/.test(s)) {
    warnings.push('claudeDoctor.baseUrl: removed a trailing /v1 (the client adds /v1/messages itself).');
    s = s.replace(/\/v1$/, '');
  }
  return s;
}

/** Never let a URL with `user:pass@` reach a log line. */
export function stripCredentialsLoose(url: string): string {
  return url.replace(/(\/\/)[^/@\s]*@/, '$1');
}

export function validateSettings(raw: Record<string, unknown>): ValidatedSettings {
  const warnings: string[] = [];
  const settings: DoctorSettings = {
    target: oneOf(raw, 'target', TARGETS, warnings),
    baseUrl: normalizeBaseUrl(raw.baseUrl, warnings),
    model: modelId(raw, 'model', warnings, false),
    maxRetries: num(raw, 'maxRetries', warnings, true),
    baseDelayMs: num(raw, 'baseDelayMs', warnings, false),
    maxDelayMs: num(raw, 'maxDelayMs', warnings, false),
    jitter: oneOf(raw, 'jitter', JITTERS, warnings),
    maxRetryAfterMs: num(raw, 'maxRetryAfterMs', warnings, false),
    timeoutMs: num(raw, 'timeoutMs', warnings, false),
    stream: bool(raw, 'stream', warnings),
    fallbackModel: modelId(raw, 'fallbackModel', warnings, true),
    retryBudget: bool(raw, 'retryBudget', warnings),
    authHeader: oneOf(raw, 'authHeader', AUTH_HEADERS, warnings),
    statusPage: bool(raw, 'statusPage', warnings),
  };
  if (settings.maxDelayMs < settings.baseDelayMs) {
    warnings.push(`claudeDoctor.maxDelayMs (${settings.maxDelayMs}) is below baseDelayMs (${settings.baseDelayMs}); using ${settings.baseDelayMs} for both.`);
    settings.maxDelayMs = settings.baseDelayMs;
  }
  if (settings.fallbackModel && settings.fallbackModel === settings.model) {
    warnings.push('claudeDoctor.fallbackModel is the same as claudeDoctor.model; no fallback will be tried.');
    settings.fallbackModel = '';
  }
  return { settings, warnings };
}

/** Every setting read through `get` (e.g. `workspace.getConfiguration('claudeDoctor').get`), with `overrides` on top, validated once. */
export function readSettings(get: (key: keyof DoctorSettings) => unknown, overrides?: Record<string, unknown>): ValidatedSettings {
  const raw: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) raw[k] = get(k);
  return validateSettings({ ...raw, ...(overrides ?? {}) });
}

/** What a run asks of the request profile beyond the settings (a replay, a simulator scenario). */
export interface RunChoices {
  model?: string;
  stream?: boolean;
  prompt?: string;
  maxTokens?: number;
  scenario?: string;
}

/**
 * Validated settings (and a run's own choices) as the request profile's choices: pass the result
 * to `clientOptions()` (core/connection/profile.ts) and run the client on what that returns.
 */
export function profileChoices(settings: DoctorSettings, extra: RunChoices = {}): ProfileChoices {
  const policy: Partial<RetryPolicy> = {
    maxRetries: settings.maxRetries,
    baseDelayMs: settings.baseDelayMs,
    maxDelayMs: settings.maxDelayMs,
    jitter: settings.jitter,
    maxRetryAfterMs: settings.maxRetryAfterMs,
    ...(settings.fallbackModel ? { fallbackModel: settings.fallbackModel } : {}),
  };
  return {
    model: extra.model ?? settings.model,
    stream: extra.stream ?? settings.stream,
    ...(extra.prompt !== undefined ? { prompt: extra.prompt } : {}),
    ...(extra.maxTokens !== undefined ? { maxTokens: extra.maxTokens } : {}),
    timeoutMs: settings.timeoutMs,
    ...(extra.scenario !== undefined ? { scenario: extra.scenario } : {}),
    policy,
  };
}

/** Strip credentials, query and fragment from a URL for display and logs. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return stripCredentialsLoose(url);
  }
}
