/**
 * Typed events the retrying client emits while it runs. The CLI prints them, the extension
 * forwards them to the connection panel and the error log. No secrets ever appear in them.
 */
import type { ErrorCategory, Fault } from '../data/api-facts';

export type JitterKind = 'full' | 'equal' | 'decorrelated' | 'none' | 'sdk';
/**
 * Why the client waits this long: the server's `retry-after` (seconds or HTTP-date) or
 * `retry-after-ms`; our jitter formula; `budget` — a jittered wait shortened so one more attempt
 * still fits in the run's total deadline (`policy.deadlineMs`); or `limiter` — the time this run
 * waited in the shared adaptive concurrency limiter's queue for a free slot (emitted once the slot
 * is granted, only when the run actually had to queue; `delayMs` is the time queued).
 */
export type BackoffReason = 'retry-after' | 'retry-after-ms' | 'jitter' | 'budget' | 'limiter';

/** One `anthropic-ratelimit-{kind}-*` triple. */
export interface RateLimitWindow {
  limit?: number;
  remaining?: number;
  /** RFC 3339 time the window resets. */
  reset?: string;
}

export interface RateLimitInfo {
  requests?: RateLimitWindow;
  tokens?: RateLimitWindow;
  inputTokens?: RateLimitWindow;
  outputTokens?: RateLimitWindow;
  /** Subscription/OAuth traffic: `anthropic-ratelimit-unified-*` (resets converted to RFC 3339). */
  unified?: UnifiedRateLimit;
}

/** One window of `anthropic-ratelimit-unified-{window}-{utilization,reset,status}` (e.g. `5h`, `7d`). */
export interface UnifiedWindow {
  window: string;
  /** 0–1 share used. */
  utilization?: number;
  reset?: string;
  status?: string;
}

export interface UnifiedRateLimit {
  /** `allowed`, `allowed_warning`, `rejected`, … as sent (sanitised, clipped). */
  status?: string;
  reset?: string;
  windows: UnifiedWindow[];
}

/** The plain-words outcome: what happened, whose fault, what to do next. */
export interface Verdict {
  category: ErrorCategory;
  fault: Fault;
  title: string;
  /** What happened, in plain words, specific to this run. */
  summary: string;
  explanation: string;
  nextStep: string;
  docsUrl: string;
}

export interface AttemptStartEvent {
  event: 'attemptStart';
  runId: string;
  attempt: number; // 1-based
  model: string;
  startedAt: number; // epoch ms
  /** Milliseconds this attempt waited for a slot in the concurrency limiter (absent when it did not queue). */
  queuedMs?: number;
}

export interface AttemptEvent {
  event: 'attempt';
  runId: string;
  attempt: number;
  model: string;
  ok: boolean;
  /** HTTP status; null for transport failures and mid-stream errors. */
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  message: string | null;
  requestId: string | null;
  latencyMs: number;
  retryable: boolean;
  category: ErrorCategory;
  rateLimit?: RateLimitInfo;
  /** Streaming: characters of text received before an error. */
  partialTextLength?: number;
  startedAt: number;
}

export interface BackoffEvent {
  event: 'backoff';
  runId: string;
  attempt: number; // the attempt that just failed
  delayMs: number; // planned
  reason: BackoffReason;
  /**
   * reason 'retry-after'/'retry-after-ms': the server's demand, present when jitter was added on
   * top of it (a 529/503; see throttle.ts), so `delayMs` is longer than what the header said.
   */
  demandMs?: number;
  /** reason 'limiter': the limiter's state when the slot was granted. */
  limiter?: { limit: number; inFlight: number; queued: number };
}

export interface BackoffDoneEvent {
  event: 'backoffDone';
  runId: string;
  attempt: number;
  plannedMs: number;
  actualMs: number;
}

export interface ResultEvent {
  event: 'result';
  runId: string;
  ok: boolean;
  attempts: number;
  status: number | null;
  totalMs: number;
  model: string;
  /** Text of the reply when ok. */
  text?: string;
  verdict: Verdict;
}

/** How a run ended: a cancelled run is its own outcome, neither a success nor a failure. */
export type RunOutcome = 'ok' | 'failed' | 'cancelled';

export function outcomeOf(r: Pick<ResultEvent, 'ok' | 'verdict'>): RunOutcome {
  return r.ok ? 'ok' : r.verdict.category === 'aborted' ? 'cancelled' : 'failed';
}

export type ClientEvent = AttemptStartEvent | AttemptEvent | BackoffEvent | BackoffDoneEvent | ResultEvent;
