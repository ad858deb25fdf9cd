/**
 * The retrying client behind "Test connection": one small Messages request through the official
 * `@anthropic-ai/sdk` with the SDK's own retries off, and our attempt loop on top. The parts:
 *   - transport.ts  the shared SDK clients and the fetch wrapper (auth form, no redirects, bounded bodies)
 *   - attempt.ts    one attempt → `AttemptOutcome` (classified), ended by its timeout whatever the HTTP stack does
 *   - decide.ts     pure `decide(state, outcome, policy, now)` → retry after a delay | stop with a reason
 *   - verdict.ts    the words of every verdict
 *   - this file     the options, the settle watchdog and the loop: admit → attempt → record → decide → back off
 * Every step is emitted as a `ClientEvent`; the key never appears in any event (every event goes
 * through `redactDeep` with this run's redactor).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { REQUEST_PROFILE } from '../connection/profile';
import { DEFAULT_TEST_MODEL, ERROR_ROWS } from '../data/api-facts';
import { createRedactor, redactDeep, rememberSecret } from '../redact';
import { classifyError, type Classification } from '../taxonomy';
import { ABORT_GRACE_MS, runAttempt, type AttemptOutcome } from './attempt';
import { isRetryBudget, RetryBudget } from './budget';
import { advance, attemptFloor, attemptTimeoutMs, decide, tooLateToStart, type Now, type RetryState } from './decide';
import type { AttemptEvent, ClientEvent, ResultEvent, Verdict } from './events';
import { parseRateLimitHeaders } from './headers';
import { isLimiter, overloadSignal, queuePaces, sharedLimiter, type Limiter, type Permit } from './limiter';
import { resolvePolicy, type RetryPolicy } from './policy';
import { abortableSleep } from './sleep';
import { closeRunContext, collectSecrets, isLoopbackOrCustom, openRunContext, safeBaseURL, sharedClient, X_API_KEY_PLACEHOLDER, type Captured, type RunContext } from './transport';
import { cancelledVerdict, fmtS, preflight, stopVerdict, tooLateVerdict, watchdogVerdict, type AttemptRecord } from './verdict';

export { ABORT_GRACE_MS } from './attempt';
export { MIN_ATTEMPT_MS } from './decide';
export { ERROR_BODY_LIMIT, SESSION_HEADER, SUCCESS_BODY_LIMIT } from './transport';

export interface ConnectionTestOptions {
  baseURL: string;
  apiKey: string;
  /** How the key is sent: `Authorization: Bearer` (SDK 1.x default) or `x-api-key`. */
  authHeader?: 'bearer' | 'x-api-key';
  model: string;
  /** Default: the request profile's (src/core/connection/profile.ts). */
  maxTokens?: number;
  prompt?: string;
  stream?: boolean;
  /** Per-attempt timeout covering the whole attempt (headers and body). Default: the profile's. */
  timeoutMs?: number;
  policy?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  onEvent?: (e: ClientEvent) => void;
  runId?: string;
  random?: () => number;
  /** A retry budget shared across runs (alternatively pass it as `policy.retryBudget`). */
  budget?: RetryBudget;
}

export const DEFAULT_ATTEMPT_TIMEOUT_MS = REQUEST_PROFILE.attemptTimeoutMs;
export const DEFAULT_PROMPT = REQUEST_PROFILE.prompt;

function newRunId(): string {
  return `run_${Date.now().toString(36)}_${Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0')}`;
}

const clock = (): Now => ({ mono: performance.now(), wall: Date.now() });

// ---------------------------------------------------------------------------------------------
// The run and its settle guarantee
// ---------------------------------------------------------------------------------------------

/** What the watchdog needs to answer for a run it stops. */
interface RunState {
  history: AttemptRecord[];
  lastStatus: number | null;
  model: string;
  /** What the run is doing now, for the watchdog's verdict ("waiting for attempt 2's answer"). */
  phase: string;
}

/** The end of a run: builds, redacts and emits its one `result` event. */
type Finish = (ok: boolean, verdict: Verdict, text?: string) => ResultEvent;

/**
 * Run one connection test. Never throws: always resolves with the final `result` event (also
 * emitted through `onEvent`).
 */
export async function runConnectionTest(options: ConnectionTestOptions): Promise<ResultEvent> {
  const t0 = performance.now();
  const opts: ConnectionTestOptions = options && typeof options === 'object' ? options : ({} as ConnectionTestOptions);
  const runId = (typeof opts.runId === 'string' && opts.runId) || newRunId();
  const secrets = collectSecrets(opts);
  for (const s of secrets) rememberSecret(s);
  // The x-api-key placeholder is not a secret: only replaced whole (its parts are ordinary words).
  const redact = createRedactor(secrets, opts.authHeader === 'x-api-key' ? [X_API_KEY_PLACEHOLDER] : []);
  const emit = (e: ClientEvent): void => {
    if (typeof opts.onEvent !== 'function') return;
    try {
      opts.onEvent(e);
    } catch {
      /* a throwing listener must not break the run */
    }
  };
  const state: RunState = { history: [], lastStatus: null, model: typeof opts.model === 'string' ? opts.model : '', phase: 'before the first attempt' };
  // Exactly one result event, whoever ends the run (the loop, the watchdog, or the catch below).
  let settled = false;
  const once = (e: ClientEvent): void => {
    if (settled) return;
    if (e.event === 'result') settled = true;
    emit(e);
  };
  const finish: Finish = (ok, verdict, text) => {
    const result: ResultEvent = {
      event: 'result', runId, ok, attempts: state.history.length, status: state.lastStatus, totalMs: performance.now() - t0, model: state.model, verdict,
    };
    if (text !== undefined) result.text = text;
    const safe = redactDeep(result, redact);
    once(safe);
    return safe;
  };

  // The settle guarantee: whatever the network, the HTTP stack or a bug does, the run resolves by
  // its deadline (policy.deadlineMs, else the longest run its policy allows, settleBudgetMs). The
  // watchdog aborts everything still running and answers with what it knows. Its timer also keeps
  // the process alive, so a CLI can never drain its event loop and exit without a verdict.
  const internal = new AbortController();
  const user = opts.signal;
  const onUserAbort = () => internal.abort();
  if (user?.aborted) internal.abort();
  else user?.addEventListener?.('abort', onUserAbort, { once: true });
  const budget = settleBudgetMs(opts);
  const implicit = resolvePolicy(opts.policy).deadlineMs === undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<ResultEvent>((resolve) => {
    watchdog = setTimeout(() => {
      internal.abort();
      resolve(finish(false, watchdogVerdict(state.history, budget, implicit, state.phase)));
    }, Math.min(budget, 2 ** 31 - 1));
  });
  const inner: ConnectionTestOptions = { ...opts, signal: internal.signal };
  const loop = run(inner, runId, (e) => once(redactDeep(e, redact)), finish, t0, state).catch((err: unknown) => {
    // Defensive: any bug in the loop still ends with a verdict, never a throw.
    return finish(false, preflight.internal(classifyError(err)));
  });
  try {
    return await Promise.race([loop, expired]);
  } finally {
    clearTimeout(watchdog);
    user?.removeEventListener?.('abort', onUserAbort);
    internal.abort(); // nothing of this run outlives its result
  }
}

/** Slack on top of the policy's worst case for the bookkeeping between attempts. */
const SETTLE_SLACK_MS = 1000;

/**
 * The latest a run may settle: `policy.deadlineMs` when set; otherwise the longest run the policy
 * allows (every attempt at its timeout plus the abort grace, every wait at its longest, the
 * fallback attempt) plus a second of slack.
 */
export function settleBudgetMs(opts: Pick<ConnectionTestOptions, 'policy' | 'timeoutMs'>): number {
  const policy = resolvePolicy(opts?.policy);
  if (policy.deadlineMs !== undefined) return policy.deadlineMs;
  const timeout = typeof opts?.timeoutMs === 'number' && Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_ATTEMPT_TIMEOUT_MS;
  const attempts = policy.maxRetries + 1 + (policy.fallbackModel ? 1 : 0);
  const longestWait = Math.max(policy.maxDelayMs, policy.maxRetryAfterMs);
  return attempts * (timeout + ABORT_GRACE_MS) + (attempts - 1) * longestWait + SETTLE_SLACK_MS;
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

async function run(
  opts: ConnectionTestOptions,
  runId: string,
  emit: (e: ClientEvent) => void,
  finish: Finish,
  t0: number,
  state: RunState,
): Promise<ResultEvent> {
  const policy = resolvePolicy(opts.policy);
  const authHeader = opts.authHeader === 'x-api-key' ? 'x-api-key' : 'bearer';
  const key = typeof opts.apiKey === 'string' ? opts.apiKey : '';
  const baseModel = typeof opts.model === 'string' && opts.model.trim() ? opts.model.trim() : DEFAULT_TEST_MODEL;
  const maxTokens = typeof opts.maxTokens === 'number' && Number.isInteger(opts.maxTokens) && opts.maxTokens >= 0 ? opts.maxTokens : REQUEST_PROFILE.maxTokens;
  const prompt = typeof opts.prompt === 'string' && opts.prompt.length > 0 ? opts.prompt : DEFAULT_PROMPT;
  const stream = opts.stream === true;
  const timeoutMs = typeof opts.timeoutMs === 'number' && Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_ATTEMPT_TIMEOUT_MS;
  const budget: RetryBudget | undefined = isRetryBudget(opts.budget)
    ? opts.budget
    : isRetryBudget(policy.retryBudget)
      ? policy.retryBudget
      : policy.retryBudget
        ? new RetryBudget(policy.retryBudget)
        : undefined;
  const signal = opts.signal;
  const history = state.history;
  state.model = baseModel;
  let rs: RetryState = {
    retriesUsed: 0, fallbackUsed: false, prevDelayMs: 0, model: baseModel, fastestMs: Infinity, stream, limiterSaturated: false,
    random: typeof opts.random === 'function' ? opts.random : Math.random,
    ...(policy.deadlineMs !== undefined ? { deadlineAt: t0 + policy.deadlineMs } : {}),
  };
  let totalBackoffMs = 0;
  /** Time spent waiting for a limiter slot (not counted as backoff). */
  let totalQueuedMs = 0;
  let lastFailure: Classification | null = null;
  const cancelled = (where: string): ResultEvent => finish(false, cancelledVerdict(where, history, null));

  if (signal?.aborted) return cancelled('before the first attempt');

  // Before anything is sent: a base URL that is not http(s), a key that cannot go in a header.
  let url: URL;
  try {
    url = new URL(String(opts.baseURL));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    return finish(false, preflight.badURL(safeBaseURL(String(opts.baseURL ?? ''))));
  }
  const trimmedKey = key.trim();
  if (/[\r\n\0]/.test(trimmedKey)) return finish(false, preflight.keyLineBreak(key, authHeader));

  // The shared adaptive limiter of this endpoint (origin and path, never credentials), unless the
  // policy brings its own or turns it off.
  const limiter: Limiter | undefined =
    policy.limiter === false ? undefined : isLimiter(policy.limiter) ? policy.limiter : sharedLimiter(`${url.origin}${url.pathname.replace(/\/+$/, '')}`);

  // The transport: the cached SDK client, and this run's context in the fetch wrapper.
  const capture: { current: Captured } = { current: { status: null, headers: null, contentType: null } };
  const extraHeaders: Record<string, string> = {};
  if (opts.headers && typeof opts.headers === 'object') {
    for (const [k, v] of Object.entries(opts.headers)) if (typeof v === 'string') extraHeaders[k] = v;
  }
  const runCtx: RunContext = {
    capture,
    authHeader,
    key: trimmedKey,
    stripAuthorization: authHeader === 'x-api-key' && !Object.keys(extraHeaders).some((h) => h.toLowerCase() === 'authorization'),
    session: isLoopbackOrCustom(opts.baseURL) ? runId : null,
  };
  let client: Anthropic;
  try {
    client = sharedClient(url.toString(), authHeader, key, extraHeaders);
  } catch (err) {
    return finish(false, preflight.clientSetup(classifyError(err)));
  }
  const ctxToken = openRunContext(runId, runCtx);

  const tooLate = (attempt: number, remainingMs: number, limiterWait?: Parameters<typeof tooLateVerdict>[0]['limiter']): ResultEvent =>
    finish(false, tooLateVerdict({ attempt, remainingMs, floorMs: attemptFloor(rs.fastestMs), deadlineMs: policy.deadlineMs!, ...(limiterWait ? { limiter: limiterWait } : {}) }, history, lastFailure));

  /**
   * Step "admit": a slot in the adaptive limiter. Waiting is not an attempt; it ends at the
   * deadline (less the time an attempt needs) or on cancel. Returns the permit, or the result.
   */
  const admit = async (attempt: number): Promise<{ permit?: Permit; queuedMs: number } | ResultEvent> => {
    if (!limiter) return { queuedMs: 0 };
    state.phase = `waiting for a free limiter slot before attempt ${attempt}`;
    const got = await limiter.acquire({
      ...(signal ? { signal } : {}),
      ...(rs.deadlineAt !== undefined ? { deadlineAt: rs.deadlineAt - attemptFloor(rs.fastestMs) } : {}),
    });
    if (!got.ok) {
      if (got.reason === 'aborted') return cancelled(`while waiting for a free slot before attempt ${attempt} (queued ${fmtS(got.waitedMs)})`);
      return tooLate(attempt, rs.deadlineAt !== undefined ? rs.deadlineAt - performance.now() : 0, { snapshot: got.snapshot, waitedMs: got.waitedMs });
    }
    const permit = got.permit;
    if (!permit.queued) return { permit, queuedMs: 0 };
    const queuedMs = permit.waitedMs;
    const s = limiter.snapshot();
    emit({ event: 'backoff', runId, attempt: attempt - 1, delayMs: queuedMs, reason: 'limiter', limiter: { limit: s.limit, inFlight: s.inFlight, queued: s.queued } });
    emit({ event: 'backoffDone', runId, attempt: attempt - 1, plannedMs: queuedMs, actualMs: queuedMs });
    totalQueuedMs += queuedMs;
    return { permit, queuedMs };
  };

  /** Step "record": the attempt event, the history, the retry budget. */
  const record = (attempt: number, outcome: AttemptOutcome, latencyMs: number, startedAt: number): void => {
    const rateLimit = parseRateLimitHeaders(outcome.headers);
    let ev: AttemptEvent;
    if (outcome.ok) {
      state.lastStatus = outcome.status;
      ev = {
        event: 'attempt', runId, attempt, model: rs.model, ok: true, status: outcome.status, errorType: null, errorCode: null, message: null,
        requestId: outcome.requestId, latencyMs, retryable: false, category: 'ok', startedAt,
      };
      if (rateLimit) ev.rateLimit = rateLimit;
      history.push({ attempt, model: rs.model, status: outcome.status, category: 'ok', errorType: null, title: ERROR_ROWS.ok.title });
    } else {
      const cls = outcome.cls;
      lastFailure = cls;
      state.lastStatus = cls.status;
      ev = {
        event: 'attempt', runId, attempt, model: rs.model, ok: false, status: cls.status, errorType: cls.errorType, errorCode: cls.errorCode,
        message: cls.message, requestId: cls.requestId, latencyMs, retryable: cls.retryable, category: cls.category, startedAt,
      };
      if (rateLimit) ev.rateLimit = rateLimit;
      if (stream && outcome.partialTextLength !== undefined) ev.partialTextLength = outcome.partialTextLength;
      history.push({ attempt, model: rs.model, status: cls.status, category: cls.category, errorType: cls.errorType, title: cls.title, message: cls.message });
    }
    emit(ev);
    if (outcome.ok) budget?.recordSuccess();
    else if (!outcome.userAborted && outcome.cls.retryable) budget?.recordFailure();
  };

  try {
    for (;;) {
      const attempt = history.length + 1;
      if (signal?.aborted) return cancelled(`before attempt ${attempt}`);
      // Too little time left for another attempt: stop instead of sending a doomed request.
      const late = tooLateToStart(rs, attempt, clock());
      if (late) return tooLate(attempt, late.remainingMs);

      const admitted = await admit(attempt);
      if ('event' in admitted) return admitted;
      const { permit, queuedMs } = admitted;

      // Step "attempt".
      let outcome: AttemptOutcome;
      let latencyMs: number;
      let startedAt: number;
      try {
        if (signal?.aborted) return cancelled(`before attempt ${attempt}`);
        startedAt = Date.now();
        const a0 = performance.now();
        emit({ event: 'attemptStart', runId, attempt, model: rs.model, startedAt, ...(permit?.queued ? { queuedMs } : {}) });
        state.phase = `waiting for the answer to attempt ${attempt}`;
        outcome = await runAttempt({
          client, capture, ctxToken, retryCount: attempt - 1, model: rs.model, maxTokens, prompt, stream,
          timeoutMs: attemptTimeoutMs(timeoutMs, rs.deadlineAt, clock()), ...(signal ? { signal } : {}),
        });
        latencyMs = performance.now() - a0;
        const loadSignal = outcome.ok ? 'success' : overloadSignal(outcome.cls.status, outcome.cls.category);
        permit?.release(loadSignal);
        if (policy.throttle) policy.throttle.record(loadSignal); // the opt-in per-client throttle (throttle.ts)
      } finally {
        permit?.release('ignore');
      }
      rs.fastestMs = Math.min(rs.fastestMs, latencyMs);
      record(attempt, outcome, latencyMs, startedAt);

      // Step "decide".
      rs.limiterSaturated = limiter !== undefined && queuePaces(limiter);
      if (budget) rs.budgetOpen = budget.canRetry();
      const d = decide(rs, outcome, policy, clock());
      if (d.action === 'stop') {
        const verdict = stopVerdict(d.stop, {
          history, cls: outcome.ok ? null : outcome.cls, attempt, baseModel, model: rs.model, fallbackUsed: rs.fallbackUsed, latencyMs,
          requestId: outcome.ok ? outcome.requestId : null, totalBackoffMs, totalQueuedMs, totalMs: performance.now() - t0,
          ...(policy.deadlineMs !== undefined ? { deadlineMs: policy.deadlineMs } : {}), maxRetryAfterMs: policy.maxRetryAfterMs,
          ...(budget ? { budget: budget.snapshot() } : {}), url, key, authHeader,
        });
        return finish(outcome.ok, verdict, outcome.ok ? outcome.text : undefined);
      }
      rs = advance(rs, d, policy);
      state.model = rs.model;
      if (d.paced) continue; // the wait happens in the limiter's queue (reported as reason 'limiter')

      // Step "back off".
      emit({ event: 'backoff', runId, attempt, delayMs: d.delayMs, reason: d.reason, ...(d.demandMs !== undefined ? { demandMs: d.demandMs } : {}) });
      state.phase = `in the backoff after attempt ${attempt}`;
      const slept = await abortableSleep(d.delayMs, signal);
      totalBackoffMs += slept.sleptMs;
      emit({ event: 'backoffDone', runId, attempt, plannedMs: d.delayMs, actualMs: slept.sleptMs });
      if (slept.aborted) return cancelled(`during the backoff after attempt ${attempt}`);
    }
  } finally {
    closeRunContext(ctxToken);
  }
}
