/** The simulator the retry tests share: one per test file on 127.0.0.1, and a scenario runner for the client against it. */
import { afterAll, beforeAll } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorStats } from '../../../src/core/simulator';
import { runConnectionTest, type ConnectionTestOptions } from '../../../src/core/retry/client';
import type { ClientEvent, ResultEvent } from '../../../src/core/retry/events';

/** Short backoffs so retry scenarios run quickly. */
export const FAST = { baseDelayMs: 20, maxDelayMs: 80 };

export interface SimulatedClient {
  /** The running simulator (set by the file's beforeAll). */
  readonly sim: RunningSimulator;
  /** Runs the client once against `scenario` (`x-simulate-scenario`) with FAST backoff, collecting its events. */
  runScenario(scenario: string, extra?: Partial<ConnectionTestOptions>): Promise<{ result: ResultEvent; events: ClientEvent[] }>;
}

/** Starts a simulator before the file's tests and closes it after them. Call at the top level of a test file. */
export function useSimulator(apiKey: string): SimulatedClient {
  let sim: RunningSimulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey, serviceTimeMs: 2 });
  });
  afterAll(async () => {
    await sim?.close();
  });
  const env: SimulatedClient = {
    get sim(): RunningSimulator {
      if (!sim) throw new Error('the simulator is not running (use it inside a test)');
      return sim;
    },
    async runScenario(scenario, extra = {}) {
      const events: ClientEvent[] = [];
      const result = await runConnectionTest({
        baseURL: env.sim.url,
        apiKey,
        model: 'claude-haiku-4-5',
        timeoutMs: 5000,
        ...extra,
        headers: { 'x-simulate-scenario': scenario, ...(extra.headers ?? {}) },
        policy: { ...FAST, ...(extra.policy ?? {}) },
        onEvent: (e) => events.push(e),
      });
      return { result, events };
    },
  };
  return env;
}

/**
 * `callers` concurrent runs of the `storm` scenario against a fresh simulator of `capacity`
 * (150 ms service time, so the callers overlap even on a loaded machine). Returns the results and
 * the server's counters, taken once every run is over; the simulator is closed either way.
 */
export async function runStorm(
  apiKey: string,
  opts: { capacity: number; callers: number; runId: string; options: Partial<ConnectionTestOptions> },
): Promise<{ results: ResultEvent[]; stats: SimulatorStats }> {
  const storm = await startSimulator({ apiKey, capacity: opts.capacity, serviceTimeMs: 150 });
  try {
    const results = await Promise.all(
      Array.from({ length: opts.callers }, (_, i) =>
        runConnectionTest({
          baseURL: storm.url,
          apiKey,
          model: 'claude-haiku-4-5',
          // Real concurrent callers only: no simulated background load.
          headers: { 'x-simulate-scenario': 'storm;background=0' },
          ...opts.options,
          runId: `${opts.runId}-${i}`,
        }),
      ),
    );
    return { results, stats: storm.stats() };
  } finally {
    await storm.close();
  }
}
