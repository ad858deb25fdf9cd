/**
 * Overload pacing that needs no state shared between callers (issue #16 item 1): what one client
 * can do on its own, from its own answers, when a 529 storm hits callers in many processes at once.
 * The process-wide limiter (limiter.ts) wins a storm only for the runs of one process; these two
 * mechanisms act per client.
 *
 * 1. **Jitter on top of `retry-after`** (default on). Every caller that honours the same header
 *    retries at the same instant (the official SDKs wait exactly `retry-after`), so a storm comes
 *    back in lockstep once per `retry-after`: one capacity's worth succeeds per round, the rest
 *    collide again. After a capacity overload (529 overloaded, 503 unavailable) that carries a
 *    retry-after, the wait is `retry-after + random(0, spread · retry-after)`, never less than the
 *    demand, and shortened back to the demand itself when the jitter would not fit in the run's
 *    deadline. 429 is not jittered: its retry-after is the moment your own rate-limit window resets,
 *    which the tests and the verdicts quote exactly.
 *    Default `spread 1` (the retry lands in [RA, 2·RA]): the server's demand is its estimate of the
 *    storm's time scale, so the callers told the same thing spread over one more such period.
 *    Measured in bench/client.ts (100 callers, capacity 10, `retry-after: 1` on every 529, one
 *    limiter per caller, 2026-12-04, 2 cores): with the retry-after waited exactly, 384 attempts at
 *    60 % success (service 100 ms; 218–268 at 95–100 % on a loaded machine, whose first wave is
 *    spread by itself) and 400 at 50 % (500 ms); with the jitter 201 and 313, both at 100 %. A
 *    larger spread saves a few more attempts and costs a lone caller more time: with spread 1 it
 *    waits 1.5 × the demand on average instead of the demand.
 *
 * 2. **Adaptive throttle** (`AdaptiveThrottle`, opt-in: `policy.throttle`). Client-side adaptive
 *    throttling as in the Google SRE book ("Handling Overload"): over a sliding window of this
 *    client's attempts, `p = max(0, (requests − K·accepts) / (requests + 1))`, where an accept is
 *    any answer that is not an overload (529, 503, 429). Before a retry after an overload answer
 *    the client holds locally with probability p — the retry is not sent, one more backoff draw is
 *    waited instead — up to `maxHolds` times. Holds are not requests (the book counts them; that
 *    makes a client that has seen only overloads hold almost forever, and a connection test
 *    must settle). A client whose answers are mostly accepted never holds (p = 0 while
 *    accepts ≥ requests / K). Defaults: `K 2` and the book's reasoning (the backend may receive up
 *    to twice what it accepts, so a throttled client still probes for recovery); `window 30 s` in
 *    `buckets 10` (the book uses two minutes for long-lived RPC clients; 529 storms clear in
 *    seconds to minutes and a connection test lives seconds); `maxHolds 4`.
 *    Measured per caller (same bench, no retry-after): 187–208 attempts against 205–243 without
 *    it at 100 ms service — about the least possible for callers that share nothing, 190 — and
 *    295–309 at 100 % success against 392–396 at 89–90 % at 500 ms; but completion 1.3–2.3× longer
 *    (4.4–4.7× against 2.8–3.7× the floor at 100 ms, 2.7–3.2× against 1.4× at 500 ms). Not on by
 *    default: a caller that knows only its own run cannot tell a storm of 100 callers from one of
 *    1 (its history is 1–5 attempts, all overloads, so p is 1/2, 2/3, …), so the holds stretch a
 *    lone run's backoff too, and a lone run's waits are the contract (its first retries wait
 *    exactly full jitter).
 *    It is meant for a client that keeps sending through a storm, whose window also holds its
 *    other requests.
 *
 * One run alone never waits extra when nothing is overloaded: neither mechanism acts before a
 * first attempt or after an answer that is not an overload.
 */
import { overloadSignal, type LimiterSignal } from './limiter';

/** Capacity overloads whose `retry-after` is the same for every caller: 529 overloaded, 503 unavailable. */
export function isCapacityOverload(status: number | null, category: string): boolean {
  return status === 529 || status === 503 || category === 'overloaded' || category === 'unavailable';
}

/** Default spread of the jitter on top of a capacity overload's `retry-after` (× the demand). */
export const DEFAULT_RETRY_AFTER_SPREAD = 1;

function unit(random: () => number): number {
  const r = random();
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) return 0;
  return r >= 1 ? 1 - Number.EPSILON : r;
}

/**
 * The wait for a capacity overload's `retry-after` of `ms`: `ms + random(0, spread · ms)`, at most
 * `roomMs` (the time left for waiting before the deadline) unless the demand alone is longer —
 * never less than the demand.
 */
export function jitterRetryAfter(ms: number, random: () => number, spread = DEFAULT_RETRY_AFTER_SPREAD, roomMs = Infinity): number {
  if (!Number.isFinite(ms) || ms <= 0) return ms;
  const s = Number.isFinite(spread) && spread > 0 ? spread : 0;
  const jittered = ms + unit(random) * s * ms;
  return Math.max(ms, Math.min(jittered, roomMs));
}

export interface ThrottleOptions {
  /** Accepts multiplier K: the client may send up to K × what the backend accepts. Default 2. */
  k?: number;
  /** Sliding window length. Default 30 s. */
  windowMs?: number;
  /** Buckets the window is kept in (its resolution). Default 10. */
  buckets?: number;
  /** Holds at most this many backoff draws before one retry. Default 4. */
  maxHolds?: number;
  /** Clock (ms, monotonic). Default `performance.now`. */
  now?: () => number;
}

export const DEFAULT_THROTTLE_OPTIONS = { k: 2, windowMs: 30_000, buckets: 10, maxHolds: 4 } as const;

export interface ThrottleSnapshot {
  requests: number;
  accepts: number;
  /** max(0, (requests − K·accepts) / (requests + 1)). */
  holdProbability: number;
  holds: number;
}

function num(v: unknown, fallback: number, ok: (n: number) => boolean): number {
  return typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : fallback;
}

interface Bucket {
  /** Index of the bucket's time slot (floor(now / bucketMs)). */
  slot: number;
  requests: number;
  accepts: number;
}

/** Client-side adaptive throttling (SRE book) over a sliding window of this client's answers. */
export class AdaptiveThrottle {
  readonly k: number;
  readonly windowMs: number;
  readonly maxHolds: number;
  readonly #bucketMs: number;
  readonly #buckets: Bucket[];
  readonly #now: () => number;
  #holds = 0;

  constructor(opts: ThrottleOptions = {}) {
    const d = DEFAULT_THROTTLE_OPTIONS;
    this.k = num(opts.k, d.k, (n) => n >= 1);
    this.windowMs = num(opts.windowMs, d.windowMs, (n) => n > 0);
    this.maxHolds = Math.floor(num(opts.maxHolds, d.maxHolds, (n) => n >= 0));
    const count = Math.floor(num(opts.buckets, d.buckets, (n) => n >= 1 && n <= 1000));
    this.#bucketMs = this.windowMs / count;
    this.#buckets = Array.from({ length: count }, () => ({ slot: -Infinity, requests: 0, accepts: 0 }));
    this.#now = typeof opts.now === 'function' ? opts.now : () => performance.now();
  }

  #bucket(at: number): Bucket {
    const slot = Math.floor(at / this.#bucketMs);
    const b = this.#buckets[((slot % this.#buckets.length) + this.#buckets.length) % this.#buckets.length]!;
    if (b.slot !== slot) {
      b.slot = slot;
      b.requests = 0;
      b.accepts = 0;
    }
    return b;
  }

  /** One answered attempt: an overload is a request the backend rejected; anything else was accepted. */
  record(signal: LimiterSignal): void {
    const b = this.#bucket(this.#now());
    b.requests++;
    if (signal !== 'overload') b.accepts++;
  }

  #totals(): { requests: number; accepts: number } {
    const slot = Math.floor(this.#now() / this.#bucketMs);
    let requests = 0;
    let accepts = 0;
    for (const b of this.#buckets) {
      if (b.slot > slot - this.#buckets.length && b.slot <= slot) {
        requests += b.requests;
        accepts += b.accepts;
      }
    }
    return { requests, accepts };
  }

  holdProbability(): number {
    const { requests, accepts } = this.#totals();
    return Math.max(0, (requests - this.k * accepts) / (requests + 1));
  }

  snapshot(): ThrottleSnapshot {
    const { requests, accepts } = this.#totals();
    return { requests, accepts, holdProbability: Math.max(0, (requests - this.k * accepts) / (requests + 1)), holds: this.#holds };
  }

  /**
   * The wait before a retry after an overload answer: `delayMs`, plus one `draw()` for every local
   * hold (each with the current hold probability, at most `maxHolds`).
   */
  pace(delayMs: number, draw: () => number, random: () => number): { delayMs: number; holds: number } {
    const p = this.holdProbability();
    let total = delayMs;
    let holds = 0;
    while (holds < this.maxHolds && p > 0 && unit(random) < p) {
      total += Math.max(0, draw());
      holds++;
    }
    this.#holds += holds;
    return { delayMs: total, holds };
  }
}

export function isThrottle(v: unknown): v is AdaptiveThrottle {
  return v instanceof AdaptiveThrottle;
}

export interface PaceInput {
  /** The wait chosen so far: the server's demand or the policy's jitter. */
  delayMs: number;
  reason: string;
  status: number | null;
  category: string;
  /** `policy.retryAfterSpread` (absent: the default) and `policy.throttle`. */
  retryAfterSpread?: number;
  throttle?: AdaptiveThrottle | false;
  random: () => number;
  /** One more draw of the policy's backoff for this retry (what a hold waits). */
  draw: () => number;
  /**
   * The longest wait pacing may produce: the time left before the deadline, at most the longest
   * wait the run's settle budget allows for (max(maxDelayMs, maxRetryAfterMs)).
   */
  roomMs: number;
}

/**
 * The client's hook: the wait before a retry after `status`/`category`, with jitter on top of a
 * capacity overload's retry-after and the throttle's holds after a jittered overload backoff.
 * Any other answer keeps `delayMs` as it is.
 */
export function paceOverload(o: PaceInput): number {
  let d = o.delayMs;
  const serverAsked = o.reason === 'retry-after' || o.reason === 'retry-after-ms';
  if (serverAsked && isCapacityOverload(o.status, o.category)) {
    d = jitterRetryAfter(d, o.random, o.retryAfterSpread ?? DEFAULT_RETRY_AFTER_SPREAD, o.roomMs);
  }
  if (o.reason === 'jitter' && o.throttle && overloadSignal(o.status, o.category) === 'overload') d = o.throttle.pace(d, o.draw, o.random).delayMs;
  // Never below what was chosen (the server's demand stays a floor), never above the room left.
  return Math.max(o.delayMs, Math.min(d, o.roomMs));
}
