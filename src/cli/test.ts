/**
 * `claude-doctor test`: one real request through the retrying client, every attempt and backoff
 * shown as it happens, then a plain-words verdict. Against the real API, a base URL of the user's
 * choosing, or a private simulator started for the run.
 */
import { clientOptions, describeBackoff, slowScenarioNote } from '../core/connection/profile';
import { runStormAggregate } from '../core/connection/aggregate';
import { runConnectionTest } from '../core/retry/client';
import { startSimulator } from '../core/simulator/index';
import type { ClientEvent, ResultEvent } from '../core/retry/events';
import { KEY_PREFIXES, lookupModel, sdkBackoffDescription } from '../core/data/api-facts';
import { rememberSecret } from '../core/redact';
import { Emitter } from '../core/util/emitter';
import { UsageError } from './args';
import { style, type Io } from './output';
import { plan, REAL_API_URL, TEST_HELP, type TestPlan } from './test-plan';
import { createPrinter } from './test-printer';

// The parts, re-exported: this file is the `cli-test.js` bundle's entry, and tests import from here.
export { checkScenario, JITTER_KINDS, REAL_API_URL, resolveKey, TEST_FLAGS, TEST_HELP, type ResolvedKey } from './test-plan';
export { ATTEMPT_MESSAGE_WIDTH, createPrinter, verdictLine, type Printer } from './test-printer';

export interface TestDeps {
  env: NodeJS.ProcessEnv;
  /** Cancels the run (Ctrl-C). */
  signal?: AbortSignal;
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
