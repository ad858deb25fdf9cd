/**
 * The simulator's public shape: options, the per-request event, counters, the running handle.
 */

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Scenario spec for requests without `x-simulate-scenario`; default 'ok'. */
  scenario?: string;
  /** When set, only this key is accepted (Bearer or x-api-key); otherwise any non-empty key. */
  apiKey?: string;
  /** Seed of the 'flaky' scenario (a spec's `seed=` wins). */
  seed?: number;
  /** Simulated generation time of a successful reply; default 5 ms. */
  serviceTimeMs?: number;
  /** 'storm': requests beyond this many in flight (simulated background load included) get 529; default 10. */
  capacity?: number;
  /** Request body limit in bytes (413 above); default 32 MB like the API. */
  maxBodyBytes?: number;
  /** Called once per request when its outcome is decided (for live logs). Never carries a key. */
  onRequest?: (event: SimulatorRequestEvent) => void;
  /**
   * The day (`YYYY-MM-DD`, UTC) model lifecycles are judged on — a model past its retirement day
   * answers 404 — or a function giving it; default: the real date. For tests.
   */
  today?: string | (() => string);
}

/** One request as the simulator saw it. */
export interface SimulatorRequestEvent {
  requestId: string;
  method: string;
  path: string;
  /** HTTP status, or 'reset' / 'timeout' when no answer is sent. */
  outcome: string;
  /** Canonical scenario spec that applied ('' before the spec was read). */
  scenario: string;
  session: string;
  model: string | null;
  stream: boolean;
  /** `x-stainless-retry-count` of the request, when sent. */
  retryCount: number | null;
  /** Time from the request's arrival to the decision. */
  latencyMs: number;
}

export interface SimulatorStats {
  /** Requests received (every attempt). */
  requests: number;
  /** Requests not yet answered or still streaming (hanging `timeout` requests included). */
  inFlight: number;
  /** Outcomes by HTTP status ('200', '529', …), plus 'reset' and 'timeout' for no-answer faults. */
  byStatus: Record<string, number>;
  /** Requests that carried `x-stainless-retry-count` > 0 (SDK retries). */
  retries: number;
  /** Highest number of requests in flight at once. */
  maxInFlight: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  stats(): SimulatorStats;
  /** Forget session state and zero the counters. */
  reset(): void;
}
