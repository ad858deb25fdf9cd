/**
 * The storm aggregate (issue #13 item 2): what N callers meeting one capacity storm at once come
 * to, with our retrying client next to the official SDK's own retries — both measured, neither
 * modelled.
 *
 * - Each side gets a fresh simulator (127.0.0.1, port 0) with the same storm: `capacity` requests
 *   served at once, every request beyond that answered 529 at once, `serviceTimeMs` per success,
 *   and no simulated background load (`background=0`): the N callers are the storm. Both sides run
 *   at the same time, each against its own simulator, so they meet identical storms and the whole
 *   comparison takes as long as the slower side.
 * - Ours: N concurrent `runConnectionTest` runs with the face's options (the request profile and
 *   the user's retry settings), sharing one fresh adaptive limiter as runs of one process do.
 * - SDK: N real `@anthropic-ai/sdk` clients over HTTP with their defaults (`maxRetries: 2`, the
 *   SDK's backoff `min(0.5·2ⁿ, 8) s × (1 − 0.25·random)`); only the per-attempt timeout is the
 *   profile's instead of 10 minutes, so nothing can hang.
 * - Bounded: both sides stop at `boundMs` (callers still running count as unfinished), and at once
 *   on the caller's AbortSignal (Cancel). The simulators are closed before the promise settles.
 * - The physical floor: no client can finish N callers faster than ⌈N / capacity⌉ × service time.
 *
 * The key is never needed: the simulators accept a placeholder.
 */
import { setMaxListeners } from 'node:events';
import Anthropic from '@anthropic-ai/sdk';
import { VERSION as SDK_VERSION } from '@anthropic-ai/sdk/version';
import { SDK } from '../data/api-facts';
import { RetryBudget } from '../retry/budget';
import { runConnectionTest } from '../retry/client';
import type { AttemptEvent, JitterKind } from '../retry/events';
import { AdaptiveLimiter } from '../retry/limiter';
import type { RetryPolicy } from '../retry/policy';
import { parseScenarioSpec } from '../simulator/spec';
import { SIMULATOR_TEST_KEY, startSimulator, type RunningSimulator, type SimulatorRequestEvent } from '../simulator/index';
import { REQUEST_PROFILE } from './profile';

/** Defaults of the aggregate, and why. */
export const STORM_AGGREGATE_DEFAULTS = Object.freeze({
  /**
   * Concurrent callers: twice the storm's default capacity (10), so half of the first wave meets a
   * 529 — a real storm, small enough to finish in a few seconds on either side.
   */
  callers: 20,
  /** Most callers accepted (CLI `--callers`): each side is one process's worth of clients. */
  maxCallers: 200,
  /**
   * Time one success takes, unless the storm spec sets `serviceTimeMs`: about what a one-word
   * reply from a small model takes, and longer than the SDK's first backoff (0.375–0.5 s), so a
   * retry can meet a slot that is still busy — as it does against the real API.
   */
  serviceTimeMs: 500,
  /** Both sides stop here at the latest (callers still running count as unfinished). */
  boundMs: 10_000,
});

export interface StormAggregateOptions {
  /** The storm spec the user picked (`storm`, `storm;capacity=5`, …): its capacity and service time are used. */
  scenario?: string;
  /** Concurrent callers per side; default 20. */
  callers?: number;
  /** Our client's options: the face's request profile and retry settings. */
  ours?: {
    model?: string;
    prompt?: string;
    maxTokens?: number;
    timeoutMs?: number;
    policy?: Partial<RetryPolicy>;
    /** Share one fresh retry budget (10 tokens, ratio 0.1) between our callers, as the setting does for runs of one window. */
    retryBudget?: boolean;
    authHeader?: 'bearer' | 'x-api-key';
  };
  /** Hard stop for both sides; default 10 s. */
  boundMs?: number;
  signal?: AbortSignal;
  /** Told of every attempt and every caller that settles, with the figures so far. */
  onProgress?: (a: StormAggregate) => void;
  /** Every request as a side's simulator saw it (for live logs; never carries a key). */
  onRequest?: (side: 'ours' | 'sdk', e: SimulatorRequestEvent) => void;
}

export interface AggregateSide {
  callers: number;
  /** Requests sent (every attempt of every caller). */
  attempts: number;
  /** Attempts answered 529 overloaded_error. */
  overloaded: number;
  succeeded: number;
  /** Gave up: retries exhausted or a final error. */
  failed: number;
  /** Still running when the bound or Cancel stopped the side. */
  unfinished: number;
  /** Callers that ended (succeeded + failed + unfinished once stopped). */
  settled: number;
  /** Start of the side to its last caller's end (so far, while running). */
  elapsedMs: number;
  /** Most attempts one caller made. */
  maxAttemptsPerCaller: number;
  /** Requests in flight at the simulator at once, at most (never above capacity + the 529s being answered). */
  maxInFlight: number;
  /** Retries after the first attempt each caller may make. */
  maxRetries: number;
}

export interface StormAggregate {
  state: 'running' | 'done' | 'cancelled' | 'bounded';
  callers: number;
  capacity: number;
  serviceTimeMs: number;
  /** ⌈callers / capacity⌉ × serviceTimeMs: the least time any client needs for every caller. */
  floorMs: number;
  boundMs: number;
  ours: AggregateSide & { jitter: JitterKind; limiter: boolean };
  sdk: AggregateSide & { version: string };
  /** Set when the aggregate could not run at all (a simulator did not start). */
  error?: string;
}

/** The aggregate as a panel gets it: the summary, tied to the run that started it. */
export type AggregateView = StormAggregate & { runId: string };

/** The storm's capacity and service time from a storm spec; undefined for any other scenario. */
export function stormParameters(spec: string | undefined): { capacity: number; serviceTimeMs: number } | undefined {
  if (!spec) return undefined;
  const r = parseScenarioSpec(spec.trim());
  if (!r.ok || r.spec.name !== 'storm') return undefined;
  return {
    capacity: r.spec.capacity ?? 10,
    serviceTimeMs: r.spec.serviceTimeMs ?? STORM_AGGREGATE_DEFAULTS.serviceTimeMs,
  };
}

/** True for a `storm` spec: the scenario whose test also runs the aggregate. */
export function isStormScenario(spec: string | undefined): boolean {
  return stormParameters(spec) !== undefined;
}

export function physicalFloorMs(callers: number, capacity: number, serviceTimeMs: number): number {
  return Math.ceil(callers / Math.max(1, capacity)) * serviceTimeMs;
}

function clampCallers(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return STORM_AGGREGATE_DEFAULTS.callers;
  return Math.min(STORM_AGGREGATE_DEFAULTS.maxCallers, Math.max(1, Math.floor(n)));
}

function blankSide(callers: number, maxRetries: number): AggregateSide {
  return {
    callers, attempts: 0, overloaded: 0, succeeded: 0, failed: 0, unfinished: 0, settled: 0,
    elapsedMs: 0, maxAttemptsPerCaller: 0, maxInFlight: 0, maxRetries,
  };
}

/** The simulator spec both sides meet: the user's storm without background, the aggregate's service time. */
function aggregateSpec(capacity: number, serviceTimeMs: number): string {
  return `storm;capacity=${capacity};background=0;serviceTimeMs=${serviceTimeMs}`;
}

/**
 * Runs N callers with our client and N real SDK clients, each side against its own fresh storm,
 * and returns what each came to. Never throws: a setup failure is reported in `error`.
 */
export async function runStormAggregate(options: StormAggregateOptions = {}): Promise<StormAggregate> {
  const params = stormParameters(options.scenario ?? 'storm') ?? stormParameters('storm')!;
  const callers = clampCallers(options.callers);
  const boundMs = Math.max(100, options.boundMs ?? STORM_AGGREGATE_DEFAULTS.boundMs);
  const o = options.ours ?? {};
  const policy: Partial<RetryPolicy> = { ...REQUEST_PROFILE.retry, ...(o.policy ?? {}) };
  const ourMaxRetries = Math.max(0, Math.min(20, Math.floor(policy.maxRetries ?? REQUEST_PROFILE.retry.maxRetries)));
  const timeoutMs = o.timeoutMs ?? REQUEST_PROFILE.attemptTimeoutMs;
  const agg: StormAggregate = {
    state: 'running',
    callers,
    capacity: params.capacity,
    serviceTimeMs: params.serviceTimeMs,
    floorMs: physicalFloorMs(callers, params.capacity, params.serviceTimeMs),
    boundMs,
    ours: { ...blankSide(callers, ourMaxRetries), jitter: policy.jitter ?? REQUEST_PROFILE.retry.jitter, limiter: policy.limiter !== false },
    sdk: { ...blankSide(callers, SDK.ts.defaultMaxRetries), version: SDK_VERSION },
  };
  const snapshot = (): StormAggregate => ({ ...agg, ours: { ...agg.ours }, sdk: { ...agg.sdk } });
  const progress = (): void => {
    if (typeof options.onProgress !== 'function') return;
    try {
      options.onProgress(snapshot());
    } catch {
      /* a throwing listener must not break the aggregate */
    }
  };

  // One stop for both sides: Cancel (the caller's signal) or the bound.
  const stop = new AbortController();
  // Every caller's client listens to it (2 × N listeners by design, not a leak).
  setMaxListeners(4 * callers + 10, stop.signal);
  let stoppedBy: 'cancelled' | 'bounded' | undefined;
  const onAbort = (): void => {
    stoppedBy ??= 'cancelled';
    stop.abort();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const bound = setTimeout(() => {
    stoppedBy ??= 'bounded';
    stop.abort();
  }, boundMs);

  const sims: RunningSimulator[] = [];
  try {
    if (!stop.signal.aborted) {
      const spec = aggregateSpec(params.capacity, params.serviceTimeMs);
      for (const side of ['ours', 'sdk'] as const) {
        const onRequest = options.onRequest;
        sims.push(await startSimulator({
          host: '127.0.0.1', port: 0, scenario: spec, capacity: params.capacity,
          ...(typeof onRequest === 'function' ? { onRequest: (e: SimulatorRequestEvent) => { try { onRequest(side, e); } catch { /* a listener's bug is not ours */ } } } : {}),
        }));
      }
    }
    if (sims.length === 2 && !stop.signal.aborted) {
      progress();
      const [oursSim, sdkSim] = sims as [RunningSimulator, RunningSimulator];
      await Promise.all([
        runOurs(agg.ours, oursSim, { ...o, policy, timeoutMs }, stop.signal, progress),
        runSdk(agg.sdk, sdkSim, { model: o.model, prompt: o.prompt, maxTokens: o.maxTokens, timeoutMs }, stop.signal, progress),
      ]);
      agg.ours.maxInFlight = oursSim.stats().maxInFlight;
      agg.sdk.maxInFlight = sdkSim.stats().maxInFlight;
    }
  } catch (e) {
    agg.error = e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(bound);
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.all(sims.map((s) => s.close()));
  }
  agg.state = stoppedBy ?? 'done';
  progress();
  return snapshot();
}

function ended(side: AggregateSide, t0: number, attempts: number): void {
  side.settled++;
  side.elapsedMs = performance.now() - t0;
  side.maxAttemptsPerCaller = Math.max(side.maxAttemptsPerCaller, attempts);
}

async function runOurs(
  side: AggregateSide,
  sim: RunningSimulator,
  o: NonNullable<StormAggregateOptions['ours']> & { policy: Partial<RetryPolicy>; timeoutMs: number },
  signal: AbortSignal,
  progress: () => void,
): Promise<void> {
  // One fresh limiter (and budget) for these callers: what the process-wide ones are to runs of
  // one process against one endpoint, without touching the process-wide ones.
  const policy: Partial<RetryPolicy> = {
    ...o.policy,
    ...(o.policy.limiter === false ? {} : { limiter: new AdaptiveLimiter() }),
    retryBudget: false,
  };
  const budget = o.retryBudget ? new RetryBudget(REQUEST_PROFILE.retryBudget) : undefined;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: side.callers }, async (_, i) => {
    let attempts = 0;
    const r = await runConnectionTest({
      baseURL: sim.url,
      apiKey: SIMULATOR_TEST_KEY,
      authHeader: o.authHeader,
      model: o.model ?? REQUEST_PROFILE.model,
      prompt: o.prompt ?? REQUEST_PROFILE.prompt,
      maxTokens: o.maxTokens ?? REQUEST_PROFILE.maxTokens,
      stream: false,
      timeoutMs: o.timeoutMs,
      policy,
      ...(budget ? { budget } : {}),
      signal,
      runId: `storm_ours_${i + 1}_${Date.now().toString(36)}`,
      onEvent: (e) => {
        if (e.event !== 'attempt') return;
        attempts++;
        side.attempts++;
        if (isOverloaded(e)) side.overloaded++;
        progress();
      },
    });
    if (r.ok) side.succeeded++;
    else if (r.verdict.category === 'aborted') side.unfinished++;
    else side.failed++;
    ended(side, t0, attempts);
    progress();
  }));
}

function isOverloaded(e: AttemptEvent): boolean {
  return e.status === 529 || (e.status === null && e.errorType === 'overloaded_error');
}

async function runSdk(
  side: AggregateSide,
  sim: RunningSimulator,
  o: { model?: string; prompt?: string; maxTokens?: number; timeoutMs: number },
  signal: AbortSignal,
  progress: () => void,
): Promise<void> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: side.callers }, async () => {
    let attempts = 0;
    // Counts what goes over the wire: every attempt the SDK makes, and every 529 it meets.
    const counting: typeof fetch = async (input, init) => {
      attempts++;
      side.attempts++;
      progress();
      const res = await fetch(input, init);
      if (res.status === 529) {
        side.overloaded++;
        progress();
      }
      return res;
    };
    // One client per caller, as N independent apps; the SDK's own retry defaults, a bounded timeout.
    const client = new Anthropic({ baseURL: sim.url, apiKey: SIMULATOR_TEST_KEY, fetch: counting, timeout: o.timeoutMs });
    try {
      await client.messages.create(
        {
          model: o.model ?? REQUEST_PROFILE.model,
          max_tokens: o.maxTokens ?? REQUEST_PROFILE.maxTokens,
          messages: [{ role: 'user', content: o.prompt ?? REQUEST_PROFILE.prompt }],
        },
        { signal },
      );
      side.succeeded++;
    } catch (e) {
      if (signal.aborted || e instanceof Anthropic.APIUserAbortError) side.unfinished++;
      else side.failed++;
    }
    ended(side, t0, attempts);
    progress();
  }));
}

/** A side's time over the physical floor, one decimal. */
export function timesFloor(s: Pick<AggregateSide, 'elapsedMs'>, a: Pick<StormAggregate, 'floorMs'>): string {
  return (s.elapsedMs / Math.max(1, a.floorMs)).toFixed(1);
}

/** The aggregate in plain lines (the CLI prints them; the panel draws the same figures). */
export function describeAggregate(a: StormAggregate): string[] {
  const pct = (n: number, of: number) => `${of === 0 ? 0 : Math.round((n / of) * 100)} %`;
  const secs = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);
  const side = (name: string, s: AggregateSide) => {
    const unfinished = s.unfinished ? `, ${s.unfinished} unfinished` : '';
    const failed = s.failed ? `, ${s.failed} gave up` : '';
    const under = s.elapsedMs < a.floorMs && s.succeeded < s.callers ? ' (under the floor only because not every caller got through)' : '';
    return `${name}: ${s.attempts} attempts (${s.overloaded} × 529), ${s.succeeded}/${s.callers} succeeded (${pct(s.succeeded, s.callers)})${failed}${unfinished}, ` +
      `all ended in ${secs(s.elapsedMs)} = ${timesFloor(s, a)}× the floor${under}`;
  };
  const head = `${a.callers} callers at once, capacity ${a.capacity}, ${secs(a.serviceTimeMs)} per reply: ` +
    `physical floor ${secs(a.floorMs)} (⌈${a.callers} / ${a.capacity}⌉ × ${secs(a.serviceTimeMs)})`;
  const lines = [head];
  if (a.error) lines.push(`could not run: ${a.error}`);
  lines.push(
    side(`ours (${a.ours.maxRetries} retries, ${a.ours.jitter} jitter${a.ours.limiter ? ', adaptive limiter' : ''})`, a.ours),
    side(`@anthropic-ai/sdk ${a.sdk.version} (maxRetries ${a.sdk.maxRetries}, its own backoff)`, a.sdk),
  );
  if (a.state === 'cancelled') lines.push('cancelled: the figures are what had happened by then');
  else if (a.state === 'bounded') lines.push(`stopped at the ${secs(a.boundMs)} bound: callers still running are counted as unfinished`);
  return lines;
}
