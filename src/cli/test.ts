/**
 * `claude-doctor test`: one real request through the retrying client, every attempt and backoff
 * shown as it happens, then a plain-words verdict. Against the real API, a base URL of the user's
 * choosing, or a private simulator started for the run.
 */
import { readFileSync, statSync } from 'node:fs';
import { clientOptions, describeBackoff, REQUEST_PROFILE, slowScenarioNote } from '../core/connection/profile';
import { describeAggregate, isStormScenario, runStormAggregate, STORM_AGGREGATE_DEFAULTS, type AggregateSide, type StormAggregate } from '../core/connection/aggregate';
import { runConnectionTest } from '../core/retry/client';
import type { RetryPolicy } from '../core/retry/policy';
import { startSimulator } from '../core/simulator/index';
import { parseScenarioSpec } from '../core/simulator/spec';
import { outcomeOf, type AttemptEvent, type BackoffEvent, type ClientEvent, type JitterKind, type ResultEvent } from '../core/retry/events';
import { clip } from '../core/taxonomy';
import { DEFAULT_TEST_MODEL, KEY_PREFIXES, lookupModel, sdkBackoffDescription, type Fault } from '../core/data/api-facts';
import { redactDeep, rememberSecret } from '../core/redact';
import { Emitter } from '../core/util/emitter';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { oneLine, style, type Io } from './output';

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

interface TestPlan {
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

function plan(argv: string[], env: NodeJS.ProcessEnv): TestPlan | 'help' {
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

export interface TestDeps {
  env: NodeJS.ProcessEnv;
  /** Cancels the run (Ctrl-C). */
  signal?: AbortSignal;
}

const FAULT_TEXT: Record<Fault, string> = {
  you: 'yours: the request, the key or the code that sends it',
  anthropic: "Anthropic's side: nothing in your request is wrong",
  network: 'the network between you and the API',
  limit: 'a limit on your account or organization',
  server: 'the server side: the API, or a proxy or gateway in front of it (the request reached it)',
  none: "nobody's: the run was stopped before it finished",
};

/** The `verdict` string of the NDJSON result line: one line, no secrets. */
export function verdictLine(r: ResultEvent): string {
  const v = r.verdict;
  // Summaries often open with the title already ("Timed out: …", "401 Authentication failed …").
  const head = v.summary.slice(0, v.title.length + 8).toLowerCase().includes(v.title.toLowerCase())
    ? v.summary
    : `${v.title}: ${v.summary}`;
  return oneLine(r.ok ? head : `${head} Next: ${v.nextStep}`);
}

export async function testCommand(argv: string[], io: Io, deps: TestDeps): Promise<number> {
  let p: TestPlan | 'help';
  try {
    p = plan(argv, deps.env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`claude-doctor test: ${e.message}\nRun \`claude-doctor test --help\` for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (p === 'help') {
    io.out.write(TEST_HELP);
    return 0;
  }
  if (p.key.key) {
    io.secrets.push(p.key.key);
    rememberSecret(p.key.key);
  }
  const s = style(io.color && !p.json);
  for (const w of p.key.warnings) io.err.write(`${s.yellow('warning:')} ${w}\n`);

  const status = lookupModel(p.model);
  if (status.kind === 'retired') {
    io.err.write(`${s.yellow('warning:')} ${p.model} is retired: expect 404 not_found_error. Use ${status.successor}.\n`);
  } else if (status.kind === 'unknown') {
    io.err.write(`${s.yellow('note:')} ${p.model} is not a current Claude model id (ids match exactly).\n`);
  }
  if (p.baseURL === REAL_API_URL && p.key.key && !p.key.key.startsWith('sk-ant-')) {
    io.err.write(
      `${s.yellow('warning:')} the key does not look like an Anthropic key (expected prefix ${KEY_PREFIXES.api}…).\n`,
    );
  }

  // A private simulator when asked, or when there is nothing real to talk to.
  let sim: Awaited<ReturnType<typeof startSimulator>> | undefined;
  let baseURL = p.baseURL;
  let apiKey = p.key.key;
  /** No key and no base URL: the run goes to the simulator, and that must not pass for the API. */
  const noKeyFallback = baseURL === undefined && p.scenario === undefined && p.key.key === undefined;
  if (baseURL === undefined) {
    apiKey = apiKey ?? `sk-ant-api03-sim-${Math.random().toString(36).slice(2, 12)}`;
    if (!io.secrets.includes(apiKey)) io.secrets.push(apiKey);
    sim = await startSimulator({ port: 0, scenario: p.scenario, apiKey });
    baseURL = sim.url;
  }
  if (noKeyFallback) {
    io.err.write(
      `${s.yellow('warning:')} ${s.bold('no API key found')} (ANTHROPIC_API_KEY is not set, no --api-key-file): ` +
        'this run goes to a private local SIMULATOR, not the Claude API. Set ANTHROPIC_API_KEY to test the real API.\n',
    );
  }

  // One request profile for the CLI and the extension (core/connection/profile.ts).
  const opts = clientOptions({
    model: p.model,
    stream: p.stream,
    ...(p.maxTokens !== undefined ? { maxTokens: p.maxTokens } : {}),
    ...(p.timeoutMs !== undefined ? { timeoutMs: p.timeoutMs } : {}),
    ...(p.scenario !== undefined ? { scenario: p.scenario } : {}),
    policy: p.policy,
  });

  const printer = createPrinter(io, p.json, noKeyFallback);
  if (!p.json) {
    const where = sim
      ? noKeyFallback
        ? `${s.bold('SIMULATOR')} ${sim.url} (no API key found; not the Claude API)`
        : `private simulator ${sim.url}${p.scenario ? ` (scenario ${p.scenario})` : ''}`
      : baseURL;
    const keyNote = apiKey ? (sim && !p.key.key ? 'a throwaway key' : `key from ${p.key.source === 'file' ? 'file' : 'ANTHROPIC_API_KEY'}`) : 'no key';
    const pol = opts.policy;
    const tries = `up to ${pol.maxRetries + 1} attempt${pol.maxRetries ? 's' : ''} (${describeBackoff(pol)}), ${Math.round(opts.timeoutMs / 100) / 10} s per attempt`;
    const streaming = opts.streamForcedBy ? `, streaming (${opts.streamForcedBy} is a stream scenario)` : opts.stream ? ', streaming' : '';
    const sdkNote = pol.jitter === 'sdk' ? `\n  sdk jitter: ${sdkBackoffDescription()}` : '';
    io.out.write(
      `${s.bold('claude-doctor test')} → ${where}\n  model ${opts.model}${streaming}, ${keyNote}, ${tries}${sdkNote}\n`,
    );
    const slow = p.scenario ? slowScenarioNote(p.scenario, opts) : undefined;
    if (slow) io.out.write(`  ${s.yellow('note:')} ${slow}\n`);
    if (p.callers > 0) io.out.write(`  ${s.dim(`then the storm aggregate: ${p.callers} callers with this client and ${p.callers} with the official SDK`)}\n`);
  }
  // The run's event stream (core/util/emitter.ts, as in the extension): the printer listens.
  const events = new Emitter<ClientEvent>();
  events.on((e) => printer.onEvent(e));
  let result: ResultEvent;
  try {
    result = await runConnectionTest({
      baseURL: baseURL!,
      apiKey: apiKey ?? '',
      authHeader: p.authHeader,
      model: opts.model,
      prompt: opts.prompt,
      maxTokens: opts.maxTokens,
      stream: opts.stream,
      timeoutMs: opts.timeoutMs,
      policy: opts.policy,
      signal: deps.signal,
      onEvent: events.emit,
    });
  } finally {
    events.clear();
    printer.stop();
    if (sim) await sim.close();
  }
  printer.result(result);
  // The storm aggregate (issue #13): N callers per side, each side against its own fresh storm,
  // after the single run (so neither's timings carry the other's load); not after a Ctrl-C.
  if (p.callers > 0 && !deps.signal?.aborted) {
    printer.aggregateStarts(p.callers);
    printer.aggregate(await runStormAggregate({
      scenario: p.scenario,
      callers: p.callers,
      ours: {
        model: opts.model, prompt: opts.prompt, maxTokens: opts.maxTokens, timeoutMs: opts.timeoutMs, policy: opts.policy,
        ...(p.authHeader ? { authHeader: p.authHeader } : {}),
      },
      ...(deps.signal ? { signal: deps.signal } : {}),
    }));
  }
  if (deps.signal?.aborted || result.verdict.category === 'aborted') return 130;
  return result.ok ? 0 : 1;
}

export interface Printer {
  onEvent(e: ClientEvent): void;
  result(r: ResultEvent): void;
  /** The storm aggregate begins (after the result). */
  aggregateStarts(callers: number): void;
  /** The storm aggregate, when it is over. */
  aggregate(a: StormAggregate): void;
  stop(): void;
}

/**
 * NDJSON for `--json`, else human lines (live on a TTY). `noKeySimulator`: the run went to the
 * simulator only because no key was found, and the result says so.
 */
export function createPrinter(io: Io, json: boolean, noKeySimulator = false): Printer {
  return json ? new JsonPrinter(io) : new HumanPrinter(io, style(io.color), noKeySimulator);
}

/** Longest message shown under an attempt line; longer ones end in an ellipsis. */
export const ATTEMPT_MESSAGE_WIDTH = 160;

/** `--json`: exactly the documented NDJSON shapes, one per line, nothing else on stdout. */
class JsonPrinter implements Printer {
  constructor(private readonly io: Io) {}
  onEvent(e: ClientEvent): void {
    if (e.event === 'attempt') {
      this.line({
        event: 'attempt',
        attempt: e.attempt,
        status: e.status,
        errorType: e.errorType,
        errorCode: e.errorCode,
        requestId: e.requestId,
        latencyMs: Math.round(e.latencyMs),
        retryable: e.retryable,
      });
    } else if (e.event === 'backoff') {
      this.line({ event: 'backoff', attempt: e.attempt, delayMs: Math.round(e.delayMs), reason: e.reason });
    }
  }
  result(r: ResultEvent): void {
    this.line({
      event: 'result',
      ok: r.ok,
      attempts: r.attempts,
      status: r.status,
      totalMs: Math.round(r.totalMs),
      verdict: verdictLine(r),
    });
  }
  aggregateStarts(): void {}
  aggregate(a: StormAggregate): void {
    const side = (x: AggregateSide) => ({
      attempts: x.attempts, overloaded: x.overloaded, succeeded: x.succeeded, failed: x.failed, unfinished: x.unfinished,
      elapsedMs: Math.round(x.elapsedMs), maxRetries: x.maxRetries,
    });
    this.line({
      event: 'aggregate',
      state: a.state,
      callers: a.callers,
      capacity: a.capacity,
      serviceTimeMs: a.serviceTimeMs,
      floorMs: a.floorMs,
      ours: { ...side(a.ours), jitter: a.ours.jitter, limiter: a.ours.limiter },
      sdk: { ...side(a.sdk), version: a.sdk.version },
      ...(a.error ? { error: oneLine(a.error) } : {}),
    });
  }
  stop(): void {}
  private line(o: object): void {
    // The one deep redaction over the value, before it is text (the writer redacts the text too).
    this.io.out.write(`${JSON.stringify(redactDeep(o, this.io.secrets))}\n`);
  }
}

/** Human output: a live line per attempt and per backoff on a TTY, plain lines otherwise. */
class HumanPrinter implements Printer {
  private timer: NodeJS.Timeout | undefined;
  private liveLine = false;
  private attempts: AttemptEvent[] = [];

  constructor(
    private readonly io: Io,
    private readonly s: ReturnType<typeof style>,
    private readonly noKeySimulator = false,
  ) {}

  onEvent(e: ClientEvent): void {
    const tty = this.io.out.isTTY;
    switch (e.event) {
      case 'attemptStart': {
        this.endLive();
        if (tty) {
          const started = Date.now();
          const draw = () =>
            this.live(`  attempt ${e.attempt}  ${this.s.dim(`waiting for ${e.model}… ${fmtSecs(Date.now() - started)}`)}`);
          draw();
          this.timer = setInterval(draw, 100);
        }
        break;
      }
      case 'attempt':
        this.endLive();
        this.attempts.push(e);
        this.io.out.write(`${this.attemptLine(e)}\n`);
        break;
      case 'backoff': {
        this.endLive();
        if (tty) {
          const until = Date.now() + e.delayMs;
          const draw = () =>
            this.live(
              `  ${this.s.dim('backoff')}    ${fmtMs(e.delayMs)} (${reasonText(e)}) ${this.s.dim(
                `retrying in ${fmtSecs(Math.max(0, until - Date.now()))}`,
              )}`,
            );
          draw();
          this.timer = setInterval(draw, 100);
        } else {
          this.io.out.write(`  backoff    ${fmtMs(e.delayMs)} (${reasonText(e)})\n`);
        }
        break;
      }
      case 'backoffDone':
        if (tty && this.liveLine) {
          this.stopTimer();
          this.live(`  ${this.s.dim('backoff')}    ${fmtMs(e.plannedMs)} ${this.s.dim(`(waited ${fmtMs(e.actualMs)})`)}`);
          this.io.out.write('\n');
          this.liveLine = false;
        }
        break;
      case 'result':
        break;
    }
  }

  result(r: ResultEvent): void {
    this.endLive();
    const { s } = this;
    const v = r.verdict;
    const outcome = outcomeOf(r);
    // A cancelled run is neutral: not a success, not a failure, nobody's fault.
    const head = outcome === 'ok' ? s.green(`✔ ${oneLine(v.title)}`) : outcome === 'cancelled' ? s.yellow(`■ ${oneLine(v.title)}`) : s.red(`✘ ${oneLine(v.title)}`);
    const plural = r.attempts === 1 ? 'attempt' : 'attempts';
    const where = this.noKeySimulator ? ` ${s.yellow('(the local simulator, not the Claude API: no API key was found)')}` : '';
    this.io.out.write(`\n${s.bold(head)} after ${r.attempts} ${plural} in ${fmtMs(r.totalMs)}${where}\n`);
    const rows: [string, string][] = [
      ['What happened', v.summary],
      ['Why', v.explanation],
      ['Whose fault', FAULT_TEXT[v.fault] ?? v.fault],
      ['Next step', v.nextStep],
      ['Docs', v.docsUrl],
    ];
    if (r.ok && r.text) rows.splice(1, 0, ['Reply', JSON.stringify(clip(r.text, 200))]);
    if (this.noKeySimulator) rows.push(['Real API', 'not tested: set ANTHROPIC_API_KEY (or --api-key-file) and run again']);
    const last = this.attempts.at(-1);
    if (last?.requestId) rows.push(['Request id', last.requestId]);
    const skip = outcome === 'ok' ? ['Why', 'Next step', 'Whose fault'] : outcome === 'cancelled' ? ['Why', 'Whose fault', 'Docs'] : [];
    for (const [k, val] of rows) {
      if (skip.includes(k)) continue;
      this.io.out.write(`  ${s.dim(k.padEnd(13))} ${oneLine(val)}\n`);
    }
  }

  aggregateStarts(callers: number): void {
    this.io.out.write(`\n${this.s.dim(`Storm aggregate: running ${callers} callers with this client and ${callers} with the official SDK, each side against its own storm…`)}\n`);
  }

  aggregate(a: StormAggregate): void {
    const { s } = this;
    const [head, ...rest] = describeAggregate(a);
    this.io.out.write(`${s.bold('Storm aggregate')}  ${oneLine(head ?? '')}\n`);
    for (const line of rest) this.io.out.write(`  ${oneLine(line)}\n`);
  }

  stop(): void {
    this.endLive();
  }

  private attemptLine(e: AttemptEvent): string {
    const { s } = this;
    const status = e.status === null ? '---' : String(e.status);
    const label = oneLine(`${e.ok ? 'OK' : (e.errorType ?? e.category)}${e.errorCode ? ` (${e.errorCode})` : ''}`);
    const what = e.ok ? s.green(label.padEnd(18)) : s.red(label.padEnd(18));
    const tail = e.ok ? '' : e.retryable ? s.yellow('  retryable') : s.dim('  not retryable');
    const msg = !e.ok && e.message ? `\n             ${s.dim(clip(oneLine(e.message), ATTEMPT_MESSAGE_WIDTH - 1))}` : '';
    const partial = e.partialTextLength ? s.dim(`  after ${e.partialTextLength} chars of text`) : '';
    return (
      `  attempt ${String(e.attempt).padEnd(2)} ${status}  ${what} ${fmtMs(e.latencyMs).padStart(7)}` +
      `  ${s.dim(e.requestId ? oneLine(e.requestId) : 'no request-id')}${partial}${tail}${msg}`
    );
  }

  private live(text: string): void {
    this.io.out.write(`\r\x1b[2K${text}`);
    this.liveLine = true;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private endLive(): void {
    this.stopTimer();
    if (this.liveLine) {
      this.io.out.write('\r\x1b[2K');
      this.liveLine = false;
    }
  }
}

function reasonText(e: BackoffEvent): string {
  switch (e.reason) {
    case 'retry-after':
      return 'server asked: retry-after';
    case 'retry-after-ms':
      return 'server asked: retry-after-ms';
    case 'budget':
      return 'retry budget';
    case 'limiter':
      return e.limiter
        ? `queued for capacity: ${e.limiter.inFlight} in flight, limit ${Math.max(1, Math.floor(e.limiter.limit))}`
        : 'queued for capacity';
    default:
      return 'jittered backoff';
  }
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function fmtSecs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
