/**
 * Adaptive, process-wide concurrency limiter for the retrying client: AIMD on overload signals,
 * in the spirit of TCP congestion avoidance, Netflix concurrency-limits' `AIMDLimit` and the SRE
 * book's client-side adaptive throttling — except that a caller over the limit WAITS for a slot
 * (in FIFO order) instead of failing.
 *
 * - Every attempt holds one permit. `limit` is how many attempts may be in flight at once.
 * - An overload answer (529, 503, 429) multiplies the limit by `decreaseFactor` (not below
 *   `minLimit`). Like TCP, one congestion event reduces the limit once: overloads from attempts
 *   that started before the last reduction are already accounted for and are ignored.
 * - A success adds `1 / limit` (about +1 per limit's worth of successes, TCP's congestion
 *   avoidance), but only when the limit was actually in use (at least half of it in flight when
 *   the permit was granted), so an idle client does not inflate it.
 * - Before the first overload ever seen (and again after a quiet spell) the limit grows by
 *   `slowStartIncrease` per success (slow start), so a healthy server is not throttled for long.
 * - Waiting is not an attempt. It ends at the caller's deadline or AbortSignal; cancellation
 *   leaves the queue at once and never leaks a permit.
 *
 * - The client lets an overload's retry wait in the queue instead of sleeping its backoff only
 *   while a success has come back since the last decrease (`queuePaces`): with one limiter per
 *   process and many processes storming one endpoint, every slot is otherwise freed by a 529
 *   answered in milliseconds and queued retries would be re-sent at that speed.
 *
 * One caller alone never waits: the limit is never below 1 and it holds one permit at a time.
 *
 * Defaults, and why: `initialLimit 8` — a storm of callers starting cold sends at most 8 before the
 * first answer (a real app rarely runs more connection tests at once; slow start finds more room
 * within a few round trips when there is no overload). `decreaseFactor 0.7` — TCP halves, which
 * leaves the server idle for long on a small limit; 0.7 (as in gRPC/Netflix-style AIMD) keeps the
 * average near capacity while one overshoot costs a single rejected attempt. `increase 1` — TCP's
 * +1 per window. `slowStartIncrease 0.5` — ×1.5 per round trip, so the first overshoot is at most
 * half the capacity in wasted attempts. Measured (bench/client.ts, 100 callers, capacity 10):
 * ~103 attempts for 100 successes against ~237 for the SDK formula, completion 1.3× the floor.
 */

export type LimiterSignal = 'success' | 'overload' | 'ignore';

export interface LimiterOptions {
  /** Limit at start and after `idleResetMs` of quiet. Default 8. */
  initialLimit?: number;
  /** Default 1 (never below 1). */
  minLimit?: number;
  /** Default 256. */
  maxLimit?: number;
  /** Multiplicative decrease on an overload signal, 0 < f < 1. Default 0.7. */
  decreaseFactor?: number;
  /** Additive increase per limit's worth of successes (each success adds increase / limit). Default 1. */
  increase?: number;
  /** Growth per success before the first overload (slow start). Default 0.5; 0 disables. */
  slowStartIncrease?: number;
  /** With nothing in flight or queued for this long, the limit returns to at least `initialLimit`. Default 30 s. */
  idleResetMs?: number;
  /** Clock (ms, monotonic). Default `performance.now`. */
  now?: () => number;
}

export interface LimiterSnapshot {
  limit: number;
  inFlight: number;
  queued: number;
  /** True until the first overload signal (and again after an idle reset). */
  slowStart: boolean;
  decreases: number;
  increases: number;
  granted: number;
  /** False from a decrease until the next success: every answer since the cut was an overload. */
  successSinceDecrease?: boolean;
}

export interface Permit {
  /** Milliseconds spent waiting in the queue (0 when granted at once). */
  readonly waitedMs: number;
  /** True when the caller had to wait in the queue. */
  readonly queued: boolean;
  /** Give the slot back with what the attempt saw. Idempotent. */
  release(signal: LimiterSignal): void;
}

export type AcquireResult =
  | { ok: true; permit: Permit }
  | {
      ok: false;
      reason: 'aborted' | 'deadline';
      waitedMs: number;
      /** State when the wait ended, for the verdict. */
      snapshot: LimiterSnapshot;
    };

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Give up waiting at this `now()` time. */
  deadlineAt?: number;
}

/** Anything with `acquire`/`snapshot` can stand in (tests, custom strategies). */
export interface Limiter {
  acquire(opts?: AcquireOptions): Promise<AcquireResult>;
  snapshot(): LimiterSnapshot;
}

interface Waiter {
  enqueuedAt: number;
  resolve: (r: AcquireResult) => void;
  cleanup: () => void;
}

function num(v: unknown, fallback: number, ok: (n: number) => boolean): number {
  return typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : fallback;
}

export const DEFAULT_LIMITER_OPTIONS = {
  initialLimit: 8,
  minLimit: 1,
  maxLimit: 256,
  decreaseFactor: 0.7,
  increase: 1,
  slowStartIncrease: 0.5,
  idleResetMs: 30_000,
} as const;

export class AdaptiveLimiter implements Limiter {
  readonly initialLimit: number;
  readonly minLimit: number;
  readonly maxLimit: number;
  readonly decreaseFactor: number;
  readonly increase: number;
  readonly slowStartIncrease: number;
  readonly idleResetMs: number;
  readonly #now: () => number;
  #limit: number;
  #inFlight = 0;
  #queue: Waiter[] = [];
  /** Bumped on every decrease; a permit remembers the epoch it was granted in. */
  #epoch = 0;
  #slowStart = true;
  #lastActivity: number;
  #decreases = 0;
  #increases = 0;
  #granted = 0;
  #successSinceDecrease = true;

  constructor(opts: LimiterOptions = {}) {
    const d = DEFAULT_LIMITER_OPTIONS;
    this.minLimit = Math.max(1, num(opts.minLimit, d.minLimit, (n) => n >= 1));
    this.maxLimit = Math.max(this.minLimit, num(opts.maxLimit, d.maxLimit, (n) => n >= 1));
    this.initialLimit = Math.min(this.maxLimit, Math.max(this.minLimit, num(opts.initialLimit, d.initialLimit, (n) => n >= 1)));
    this.decreaseFactor = num(opts.decreaseFactor, d.decreaseFactor, (n) => n > 0 && n < 1);
    this.increase = num(opts.increase, d.increase, (n) => n >= 0);
    this.slowStartIncrease = num(opts.slowStartIncrease, d.slowStartIncrease, (n) => n >= 0);
    this.idleResetMs = num(opts.idleResetMs, d.idleResetMs, (n) => n >= 0);
    this.#now = typeof opts.now === 'function' ? opts.now : () => performance.now();
    this.#limit = this.initialLimit;
    this.#lastActivity = this.#now();
  }

  get limit(): number {
    return this.#limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get queued(): number {
    return this.#queue.length;
  }

  snapshot(): LimiterSnapshot {
    return {
      limit: this.#limit,
      inFlight: this.#inFlight,
      queued: this.#queue.length,
      slowStart: this.#slowStart,
      decreases: this.#decreases,
      increases: this.#increases,
      granted: this.#granted,
      successSinceDecrease: this.#successSinceDecrease,
    };
  }

  /** Wait (FIFO) for a slot. Never rejects. */
  acquire(opts: AcquireOptions = {}): Promise<AcquireResult> {
    const start = this.#now();
    this.#maybeIdleReset(start);
    this.#lastActivity = start;
    const { signal, deadlineAt } = opts;
    if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'aborted', waitedMs: 0, snapshot: this.snapshot() });
    if (this.#queue.length === 0 && this.#inFlight < this.#limit) return Promise.resolve({ ok: true, permit: this.#grant(0, false) });
    if (deadlineAt !== undefined && deadlineAt <= start) return Promise.resolve({ ok: false, reason: 'deadline', waitedMs: 0, snapshot: this.snapshot() });

    return new Promise<AcquireResult>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = {
        enqueuedAt: start,
        resolve,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      const leave = (reason: 'aborted' | 'deadline') => {
        const i = this.#queue.indexOf(waiter);
        if (i < 0) return; // already granted
        this.#queue.splice(i, 1);
        waiter.cleanup();
        resolve({ ok: false, reason, waitedMs: this.#now() - start, snapshot: this.snapshot() });
        // A waiter leaving can unblock nobody (it held nothing), but keep the invariant explicit.
        this.#pump();
      };
      const onAbort = () => leave('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (deadlineAt !== undefined) timer = setTimeout(() => leave('deadline'), Math.max(0, Math.min(deadlineAt - start, 2 ** 31 - 1)));
      this.#queue.push(waiter);
    });
  }

  #maybeIdleReset(at: number): void {
    if (this.#inFlight === 0 && this.#queue.length === 0 && at - this.#lastActivity >= this.idleResetMs) {
      if (this.#limit < this.initialLimit) this.#limit = this.initialLimit;
      this.#slowStart = true;
    }
  }

  #grant(waitedMs: number, queued: boolean): Permit {
    this.#inFlight++;
    this.#granted++;
    const epoch = this.#epoch;
    // "Under load": the limit was at least half used when this permit was granted.
    const underLoad = this.#inFlight * 2 >= this.#limit;
    let released = false;
    return {
      waitedMs,
      queued,
      release: (sig: LimiterSignal) => {
        if (released) return;
        released = true;
        this.#inFlight--;
        this.#lastActivity = this.#now();
        if (sig === 'overload') this.#onOverload(epoch);
        else if (sig === 'success') {
          this.#successSinceDecrease = true;
          if (underLoad) this.#onSuccess();
        }
        this.#pump();
      },
    };
  }

  #onOverload(epoch: number): void {
    this.#slowStart = false;
    if (epoch !== this.#epoch) return; // this congestion was already answered by a decrease
    this.#epoch++;
    this.#decreases++;
    this.#successSinceDecrease = false;
    this.#limit = Math.max(this.minLimit, this.#limit * this.decreaseFactor);
  }

  #onSuccess(): void {
    const step = this.#slowStart ? this.slowStartIncrease : this.increase / this.#limit;
    if (step <= 0) return;
    const next = Math.min(this.maxLimit, this.#limit + step);
    if (next > this.#limit) this.#increases++;
    this.#limit = next;
  }

  /** Grant slots to waiters, oldest first. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#limit) {
      const w = this.#queue.shift()!;
      w.cleanup();
      w.resolve({ ok: true, permit: this.#grant(this.#now() - w.enqueuedAt, true) });
    }
  }
}

export function isLimiter(v: unknown): v is Limiter {
  return !!v && typeof v === 'object' && typeof (v as Limiter).acquire === 'function' && typeof (v as Limiter).snapshot === 'function';
}

// ---------------------------------------------------------------------------------------------
// The process-wide default: one limiter per API endpoint (base URL without credentials).
// ---------------------------------------------------------------------------------------------

const MAX_SHARED = 64;
const shared = new Map<string, AdaptiveLimiter>();

/** The shared limiter for `endpoint` (created on first use). */
export function sharedLimiter(endpoint: string): AdaptiveLimiter {
  const hit = shared.get(endpoint);
  if (hit) {
    shared.delete(endpoint);
    shared.set(endpoint, hit);
    return hit;
  }
  const l = new AdaptiveLimiter();
  shared.set(endpoint, l);
  if (shared.size > MAX_SHARED) {
    for (const [k, v] of shared) {
      if (v.inFlight === 0 && v.queued === 0) {
        shared.delete(k);
        break;
      }
    }
  }
  return l;
}

/** Forget every shared limiter (tests, or after the user changes endpoints). */
export function resetSharedLimiters(): void {
  shared.clear();
}

/** True when a new acquire would have to wait (others queued, or every slot taken). */
export function isSaturated(l: Limiter): boolean {
  const s = l.snapshot();
  return s.queued > 0 || s.inFlight >= s.limit;
}

/**
 * True when an overload answer's retry may wait in the limiter's queue instead of sleeping its
 * backoff: the limiter is saturated and a success has come back since its last decrease, so slots
 * are being freed by answers the server had room for. Without such a success — every answer since
 * the cut was an overload, as when many processes, each with its own limiter, storm one endpoint
 * — a queued retry would be granted the slot of the next 529 and re-sent as fast as 529s come
 * back (a 529 is answered in milliseconds, far faster than a success), burning a run's attempts
 * within one service time; so it sleeps its backoff. A limiter whose snapshot lacks the field
 * counts as having seen one.
 */
export function queuePaces(l: Limiter): boolean {
  return isSaturated(l) && l.snapshot().successSinceDecrease !== false;
}

/** Which answers tell the limiter "too much load": 529 overloaded, 503 unavailable, 429 rate limit. */
export function overloadSignal(status: number | null, category: string): LimiterSignal {
  if (category === 'spend_cap' || category === 'usage_limit') return 'ignore';
  if (status === 529 || status === 503 || status === 429) return 'overload';
  if (category === 'overloaded' || category === 'rate_limit' || category === 'unavailable') return 'overload';
  return 'ignore';
}
