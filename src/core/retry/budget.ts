/**
 * Retry budget: gRPC-style retry throttling (facts §7). A token bucket that starts full at
 * `maxTokens`; every failed attempt (a retryable failure) takes one token, every success gives
 * back `tokenRatio`. Retries are allowed only while tokens > maxTokens / 2. With the defaults
 * (10, 0.1) a client that mostly fails stops retrying after ~5 failures and earns one retry back
 * per 10 successes: retry-induced load stays near 1.1× under sustained failure.
 *
 * One instance can be shared by many runs (and passed as `policy.retryBudget`, since it has the
 * `maxTokens` and `tokenRatio` fields), so a storm seen by one run throttles the others.
 */
import { DEFAULT_RETRY_BUDGET } from './policy';

export interface RetryBudgetSnapshot {
  tokens: number;
  maxTokens: number;
  tokenRatio: number;
  threshold: number;
  retriesAllowed: boolean;
}

export class RetryBudget {
  readonly maxTokens: number;
  readonly tokenRatio: number;
  #tokens: number;

  constructor(config: { maxTokens?: number; tokenRatio?: number } = {}) {
    const max = config.maxTokens;
    const ratio = config.tokenRatio;
    this.maxTokens = typeof max === 'number' && Number.isFinite(max) && max > 0 ? max : DEFAULT_RETRY_BUDGET.maxTokens;
    this.tokenRatio = typeof ratio === 'number' && Number.isFinite(ratio) && ratio >= 0 ? ratio : DEFAULT_RETRY_BUDGET.tokenRatio;
    this.#tokens = this.maxTokens;
  }

  get tokens(): number {
    return this.#tokens;
  }

  get threshold(): number {
    return this.maxTokens / 2;
  }

  /** True while a retry may be sent (tokens above half the bucket). */
  canRetry(): boolean {
    return this.#tokens > this.threshold;
  }

  /** A retryable failure: one token out. */
  recordFailure(): void {
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  /** A success: `tokenRatio` back, up to the top. Rounded to avoid float drift (0.1 + 0.2 …). */
  recordSuccess(): void {
    this.#tokens = Math.min(this.maxTokens, Math.round((this.#tokens + this.tokenRatio) * 1e6) / 1e6);
  }

  reset(): void {
    this.#tokens = this.maxTokens;
  }

  snapshot(): RetryBudgetSnapshot {
    return {
      tokens: this.#tokens,
      maxTokens: this.maxTokens,
      tokenRatio: this.tokenRatio,
      threshold: this.threshold,
      retriesAllowed: this.canRetry(),
    };
  }
}

export function isRetryBudget(v: unknown): v is RetryBudget {
  return v instanceof RetryBudget;
}
