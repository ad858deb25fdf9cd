/**
 * The one request profile of a connection test, shared by the CLI and the extension: the test
 * prompt, its max_tokens, the per-attempt timeout, the retry policy and the retry budget. Both
 * faces turn their validated inputs (CLI flags, `claudeDoctor.*` settings) into client options
 * through `clientOptions` here, so a test means the same thing wherever it runs.
 */
import { DEFAULT_TEST_MODEL } from '../data/api-facts';
import { computeBackoff, DEFAULT_POLICY, DEFAULT_RETRY_BUDGET, resolvePolicy, type RetryPolicy } from '../retry/policy';
import { parseScenarioSpec, SCENARIOS } from '../simulator/spec';

export interface RequestProfile {
  /** The test prompt: asks for one word, so a tiny max_tokens holds the whole reply. */
  readonly prompt: string;
  /**
   * Output tokens asked for: cheap, but room for a short reply ("ok", or "OK." with a stray
   * word) without a max_tokens cut-off.
   */
  readonly maxTokens: number;
  /**
   * Per-attempt timeout covering the whole attempt. A 16-token reply from a small model takes
   * well under a second; 30 s leaves room for a slow gateway while keeping a hung server's
   * 5 attempts to about 2.6 min in the worst case.
   */
  readonly attemptTimeoutMs: number;
  readonly model: string;
  readonly retry: Readonly<RetryPolicy>;
  /** The gRPC-style token bucket used when a retry budget is on. */
  readonly retryBudget: Readonly<{ maxTokens: number; tokenRatio: number }>;
}

export const REQUEST_PROFILE: RequestProfile = Object.freeze({
  prompt: 'Reply with the single word: ok',
  maxTokens: 16,
  attemptTimeoutMs: 30_000,
  model: DEFAULT_TEST_MODEL,
  retry: Object.freeze({ ...DEFAULT_POLICY }),
  retryBudget: Object.freeze({ ...DEFAULT_RETRY_BUDGET }),
});

/** What a face may choose (already validated by the face: flags or settings). */
export interface ProfileChoices {
  model?: string;
  prompt?: string;
  maxTokens?: number;
  timeoutMs?: number;
  stream?: boolean;
  /** A simulator scenario spec: a stream scenario forces a streaming request. */
  scenario?: string;
  policy?: Partial<RetryPolicy>;
}

export interface ProfileOptions {
  model: string;
  prompt: string;
  maxTokens: number;
  timeoutMs: number;
  stream: boolean;
  policy: RetryPolicy;
  /** Set when the scenario made the request a stream although `stream` was not asked for. */
  streamForcedBy?: string;
}

/** Scenarios whose fault lives inside a stream: they run as a stream whatever the stream setting. */
export function isStreamScenario(spec: string | undefined): boolean {
  if (!spec) return false;
  const r = parseScenarioSpec(spec.trim());
  if (!r.ok) return false;
  return SCENARIOS.find((s) => s.name === r.spec.name)?.stream === true;
}

/** The profile with a face's choices on top: the options every connection test runs with. */
export function clientOptions(choices: ProfileChoices = {}): ProfileOptions {
  const forced = !choices.stream && isStreamScenario(choices.scenario);
  const out: ProfileOptions = {
    model: choices.model?.trim() || REQUEST_PROFILE.model,
    prompt: choices.prompt && choices.prompt.length > 0 ? choices.prompt : REQUEST_PROFILE.prompt,
    maxTokens: choices.maxTokens ?? REQUEST_PROFILE.maxTokens,
    timeoutMs: choices.timeoutMs ?? REQUEST_PROFILE.attemptTimeoutMs,
    stream: choices.stream === true || forced,
    policy: resolvePolicy({ ...REQUEST_PROFILE.retry, ...(choices.policy ?? {}) }),
  };
  if (forced) out.streamForcedBy = choices.scenario!.trim().split(';')[0]!;
  return out;
}

/**
 * The longest a run can take when every attempt hangs until its timeout: every attempt's
 * timeout plus the longest backoff each jitter kind can draw (capped by a deadline, if any).
 */
export function worstCaseMs(opts: Pick<ProfileOptions, 'timeoutMs' | 'policy'>): number {
  const p = opts.policy;
  let total = (p.maxRetries + 1) * opts.timeoutMs;
  let prev = 0;
  for (let i = 0; i < p.maxRetries; i++) {
    prev = computeBackoff(i, p, prev, () => 1);
    total += prev;
  }
  return p.deadlineMs !== undefined ? Math.min(total, p.deadlineMs) : total;
}

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 90_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

/**
 * A warning for a scenario that takes long with these options (one that hangs every attempt
 * until its timeout), or undefined. Shown by the scenario picker and the CLI header.
 */
export function slowScenarioNote(spec: string, opts: Pick<ProfileOptions, 'timeoutMs' | 'policy'>): string | undefined {
  const r = parseScenarioSpec(spec.trim());
  if (!r.ok) return undefined;
  const s = r.spec;
  const hangs = s.name === 'timeout' ? Math.min(s.count, opts.policy.maxRetries + 1) : s.name === 'slow' && s.delayMs >= opts.timeoutMs ? opts.policy.maxRetries + 1 : 0;
  if (hangs === 0) return undefined;
  const worst = worstCaseMs({ timeoutMs: opts.timeoutMs, policy: { ...opts.policy, maxRetries: hangs - 1 } });
  if (worst < 10_000) return undefined;
  return `Takes up to ${fmtDuration(worst)} with these settings: ${hangs} attempt${hangs === 1 ? '' : 's'} × ${fmtDuration(opts.timeoutMs)} timeout plus backoff. A shorter per-attempt timeout shows it sooner; Cancel stops it at once.`;
}


/** The range each backoff wait is drawn from, in order (retry 1 first), for this policy. */
export function backoffRanges(policy: RetryPolicy): { minMs: number; maxMs: number }[] {
  const out: { minMs: number; maxMs: number }[] = [];
  let prevLo = 0;
  let prevHi = 0;
  for (let i = 0; i < policy.maxRetries; i++) {
    // Every kind is monotonic in the draw and in the previous wait; the extremes are among these.
    const v = [prevLo, prevHi].flatMap((prev) => [0, 1].map((r) => computeBackoff(i, policy, prev, () => r)));
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    out.push({ minMs: lo, maxMs: hi });
    prevLo = lo;
    prevHi = hi;
  }
  return out;
}

const JITTER_WORDS: Record<RetryPolicy['jitter'], string> = {
  full: 'full jitter',
  equal: 'equal jitter',
  decorrelated: 'decorrelated jitter',
  none: 'no jitter',
  sdk: "the SDK's formula",
};

function fmtWait(ms: number, unit = true): string {
  const r = Math.round(ms);
  const t = r < 1000 ? `${r}` : `${Math.round(r / 100) / 10}`;
  return unit ? `${t} ${r < 1000 ? 'ms' : 's'}` : t;
}

function fmtRange(lo: number, hi: number): string {
  if (Math.round(lo) === Math.round(hi)) return fmtWait(hi);
  if (Math.round(lo) === 0) return `0–${fmtWait(hi)}`;
  const sameUnit = (Math.round(lo) < 1000) === (Math.round(hi) < 1000);
  return `${fmtWait(lo, !sameUnit)}–${fmtWait(hi)}`;
}

/**
 * The waits between attempts in words, e.g. "full jitter: 0–500 ms, 0–1 s, 0–2 s, 0–4 s" (a
 * server's retry-after overrides them).
 */
export function describeBackoff(policy: RetryPolicy): string {
  const ranges = backoffRanges(policy);
  if (ranges.length === 0) return 'no retries';
  const parts = ranges.map((r) => fmtRange(r.minMs, r.maxMs));
  return `${JITTER_WORDS[policy.jitter]}, waits ${parts.join(', ')}`;
}
