/**
 * `claude-doctor test`'s flags and help, the key (env or file, never a flag) and the run's plan:
 * argv + env → base URL or private simulator, model, retry policy, output mode.
 */
import { readFileSync, statSync } from 'node:fs';
import { REQUEST_PROFILE } from '../core/connection/profile';
import { isStormScenario, STORM_AGGREGATE_DEFAULTS } from '../core/connection/aggregate';
import type { RetryPolicy } from '../core/retry/policy';
import { parseScenarioSpec } from '../core/simulator/spec';
import type { JitterKind } from '../core/retry/events';
import { DEFAULT_TEST_MODEL } from '../core/data/api-facts';
import { parseArgs, UsageError, type FlagSpec } from './args';

export const REAL_API_URL = 'https://api.anthropic.com';

export const JITTER_KINDS: readonly JitterKind[] = ['full', 'equal', 'decorrelated', 'none', 'sdk'];

const API_KEY_REFUSAL =
  '--api-key is not accepted: a key on the command line ends up in shell history and in every ' +
  'process listing (ps). Put it in ANTHROPIC_API_KEY, or in a file readable only by you and pass ' +
  '--api-key-file PATH.';

export const TEST_FLAGS: Record<string, FlagSpec> = {
  simulate: { kind: 'string' },
  'base-url': { kind: 'string' },
  model: { kind: 'string' },
  'max-retries': { kind: 'int', min: 0, max: 50 },
  'base-delay-ms': { kind: 'int', min: 0, max: 3_600_000 },
  'max-delay-ms': { kind: 'int', min: 0, max: 3_600_000 },
  jitter: { kind: 'string', choices: JITTER_KINDS },
  'timeout-ms': { kind: 'int', min: 1, max: 3_600_000 },
  'deadline-ms': { kind: 'int', min: 1, max: 24 * 3_600_000 },
  'fallback-model': { kind: 'string' },
  'max-tokens': { kind: 'int', min: 0, max: 1_000_000 },
  stream: { kind: 'boolean' },
  json: { kind: 'boolean' },
  'api-key-file': { kind: 'string' },
  'auth-header': { kind: 'string', choices: ['bearer', 'x-api-key'] },
  callers: { kind: 'int', min: 0, max: STORM_AGGREGATE_DEFAULTS.maxCallers },
  help: { kind: 'boolean', short: 'h' },
  'api-key': { kind: 'string', refuse: API_KEY_REFUSAL },
};

export const TEST_HELP = `Usage: claude-doctor test [options]

Sends one small request through the retrying client and explains the outcome.
With --simulate, or with no API key and no base URL, it runs against a private local
simulator that it starts and stops (and says so: no key means no test of the real API).

Options:
  --simulate SCENARIO     run against a private simulator playing SCENARIO, optionally
                          with parameters: "overloaded;count=3", "rate-limited;retryAfter=2"
                          (see \`claude-doctor simulate --list\`)
  --base-url URL          API base URL (default: ANTHROPIC_BASE_URL, else ${REAL_API_URL})
  --model ID              model id (default: ${DEFAULT_TEST_MODEL})
  --max-retries N         retries after the first attempt
  --base-delay-ms N       first backoff step
  --max-delay-ms N        backoff cap
  --jitter KIND           ${JITTER_KINDS.join(' | ')}
  --timeout-ms N          per-attempt timeout (default ${REQUEST_PROFILE.attemptTimeoutMs})
  --deadline-ms N         total time budget of the run (attempts and waits)
  --fallback-model ID     tried once after the 529 retries are exhausted
  --max-tokens N          max_tokens of the test request (default ${REQUEST_PROFILE.maxTokens})
  --stream                use a streaming request (stream scenarios always stream)
  --json                  NDJSON on stdout: one event per line (attempt, backoff, result)
  --api-key-file PATH     read the key from PATH (trimmed) instead of ANTHROPIC_API_KEY
  --auth-header KIND      bearer | x-api-key (how the key is sent)
  --callers N             with --simulate storm: also run N concurrent callers with this
                          client and N with the official SDK's default retries, each side
                          against its own storm, and print the aggregate (default
                          ${STORM_AGGREGATE_DEFAULTS.callers}; 0 turns it off)
  -h, --help              this help

The key is read from ANTHROPIC_API_KEY or --api-key-file, never from a flag, and never printed.
Exit status: 0 success, 1 failure, 2 usage error, 130 cancelled (Ctrl-C).
`;

export interface ResolvedKey {
  key: string | undefined;
  source: 'env' | 'file' | 'none';
  warnings: string[];
}

/** Reads the key from --api-key-file or ANTHROPIC_API_KEY. Never returns it in a message. */
export function resolveKey(file: string | undefined, env: NodeJS.ProcessEnv): ResolvedKey {
  const warnings: string[] = [];
  let raw: string | undefined;
  let source: ResolvedKey['source'] = 'none';
  let label: string;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`cannot read --api-key-file ${file} (${code})`);
    }
    source = 'file';
    label = `--api-key-file ${file}`;
    try {
      const mode = statSync(file).mode;
      if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
        warnings.push(`${file} is readable by other users (mode ${(mode & 0o777).toString(8)}); \`chmod 600 ${file}\` keeps the key yours.`);
      }
    } catch {
      /* read already succeeded; the mode is only advice */
    }
    if (raw.trim() === '') throw new UsageError(`--api-key-file ${file} is empty`);
  } else {
    raw = env.ANTHROPIC_API_KEY;
    label = 'ANTHROPIC_API_KEY';
    if (raw === undefined) return { key: undefined, source: 'none', warnings };
    source = 'env';
    if (raw.trim() === '') {
      warnings.push('ANTHROPIC_API_KEY is set but empty: treated as no key (an empty key is a 401).');
      return { key: undefined, source: 'none', warnings };
    }
  }
  const key = raw.trim();
  if (key !== raw) {
    const what = /[\r\n]/.test(raw) ? 'a newline' : 'spaces or tabs';
    warnings.push(
      `the key from ${label} had leading/trailing whitespace (${what}); it was trimmed. ` +
        'Code that sends it untrimmed gets 401 authentication_error.',
    );
  }
  if (/\s/.test(key)) warnings.push(`the key from ${label} contains whitespace inside it: expect 401.`);
  return { key, source, warnings };
}

/** Accepts `name` or `name;key=value;…`; anything else is a usage error naming the choices. */
export function checkScenario(spec: string): void {
  const r = parseScenarioSpec(spec);
  if (!r.ok) throw new UsageError(r.error.replace(/^x-simulate-scenario: /, '--simulate: '));
}

export interface TestPlan {
  baseURL: string | undefined; // undefined: private simulator
  scenario: string | undefined;
  model: string;
  policy: Partial<RetryPolicy>;
  stream: boolean;
  json: boolean;
  timeoutMs: number | undefined;
  maxTokens: number | undefined;
  authHeader: 'bearer' | 'x-api-key' | undefined;
  key: ResolvedKey;
  /** Storm aggregate callers per side (0: none); only with a storm scenario. */
  callers: number;
}

export function plan(argv: string[], env: NodeJS.ProcessEnv): TestPlan | 'help' {
  const { flags, positionals } = parseArgs(argv, TEST_FLAGS);
  if (flags.help) return 'help';
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]!.slice(0, 40)}"`);
  const scenario = flags.simulate as string | undefined;
  if (scenario !== undefined) checkScenario(scenario);
  let baseURL = (flags['base-url'] as string | undefined) ?? (env.ANTHROPIC_BASE_URL || undefined);
  if (flags['base-url'] !== undefined && scenario !== undefined) {
    throw new UsageError('--simulate and --base-url cannot be combined (--simulate starts its own server)');
  }
  if (baseURL !== undefined) {
    let u: URL;
    try {
      u = new URL(baseURL);
    } catch {
      throw new UsageError(`--base-url is not a URL: "${baseURL.slice(0, 80)}"`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new UsageError(`--base-url must be http:// or https:// (got ${u.protocol})`);
    }
    if (u.username || u.password) throw new UsageError('--base-url must not carry credentials');
    baseURL = baseURL.replace(/\/+$/, '');
  }
  const key = resolveKey(flags['api-key-file'] as string | undefined, env);
  if (scenario !== undefined) baseURL = undefined;
  else if (baseURL === undefined && key.key !== undefined) baseURL = REAL_API_URL;

  const policy: Partial<RetryPolicy> = {};
  if (flags['max-retries'] !== undefined) policy.maxRetries = flags['max-retries'] as number;
  if (flags['base-delay-ms'] !== undefined) policy.baseDelayMs = flags['base-delay-ms'] as number;
  if (flags['max-delay-ms'] !== undefined) policy.maxDelayMs = flags['max-delay-ms'] as number;
  if (flags.jitter !== undefined) policy.jitter = flags.jitter as JitterKind;
  if (flags['deadline-ms'] !== undefined) policy.deadlineMs = flags['deadline-ms'] as number;
  if (flags['fallback-model'] !== undefined) policy.fallbackModel = flags['fallback-model'] as string;
  if (policy.baseDelayMs !== undefined && policy.maxDelayMs !== undefined && policy.maxDelayMs < policy.baseDelayMs) {
    throw new UsageError('--max-delay-ms must be at least --base-delay-ms');
  }
  const storm = isStormScenario(scenario);
  if (flags.callers !== undefined && !storm) {
    throw new UsageError('--callers needs --simulate storm (the aggregate is run against a capacity storm)');
  }
  return {
    baseURL,
    scenario,
    model: (flags.model as string | undefined) ?? DEFAULT_TEST_MODEL,
    policy,
    stream: Boolean(flags.stream),
    json: Boolean(flags.json),
    timeoutMs: flags['timeout-ms'] as number | undefined,
    maxTokens: flags['max-tokens'] as number | undefined,
    authHeader: flags['auth-header'] as TestPlan['authHeader'],
    key,
    callers: storm ? ((flags.callers as number | undefined) ?? STORM_AGGREGATE_DEFAULTS.callers) : 0,
  };
}
