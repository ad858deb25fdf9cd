/**
 * The storm aggregate in the editor (issue #13 item 2): when a connection test runs the simulator's
 * `storm` scenario, N callers with our client and N real SDK clients run once it is over (each side
 * against a simulator of its own, and after the run, so no timing on the panel carries the other's
 * load), and the panel draws the figures as they come. The controller calls `forRun` for every run
 * (a new run stops the previous aggregate), `cancel` from Cancel (before the aggregate has begun,
 * it never begins), and `dispose`; everything else lives here.
 *
 * N is STORM_AGGREGATE_DEFAULTS.callers (20), documented in the README; the CLI has `--callers`.
 */
import type { AggregateView, StormAggregate } from '../../core/connection/aggregate';
import type { RetryPolicy } from '../../core/retry/policy';
import { loadRuntime } from './loadRuntime';
import type { Level } from './output';

/** The panel is re-sent at most this often while the aggregate runs (the end is always sent). */
const PUSH_EVERY_MS = 150;

export interface AggregateRunOptions {
  model: string;
  prompt: string;
  maxTokens: number;
  timeoutMs: number;
  policy: RetryPolicy;
  authHeader: 'bearer' | 'x-api-key';
  retryBudget: boolean;
}

export class StormAggregateRunner {
  private current: { runId: string; abort: AbortController; done: Promise<StormAggregate | undefined> } | undefined;
  private disposed = false;
  /** The panel state holds an aggregate (cleared when a run without one starts). */
  private shown = false;

  /** `show` puts the view into the panel state and sends it (or clears it with null). */
  constructor(private readonly show: (v: AggregateView | null) => void, private readonly log: (level: Level, line: string) => void) {}

  get running(): boolean {
    return !!this.current;
  }

  /**
   * Called for every run: stops an aggregate still running for an earlier run, and when `scenario`
   * (the simulator scenario of this run, if any) is a storm, starts one once `after` (the run) settles.
   */
  forRun(runId: string, scenario: string | undefined, opts: AggregateRunOptions, after?: Promise<unknown>): Promise<StormAggregate | undefined> {
    this.cancel();
    const rt = this.disposed || !scenario ? undefined : loadRuntime();
    if (!rt || !rt.isStormScenario(scenario)) {
      if (this.shown) this.show(null);
      this.shown = false;
      return Promise.resolve(undefined);
    }
    const abort = new AbortController();
    let lastPush = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest: StormAggregate | undefined;
    const mine = () => this.current?.runId === runId;
    const send = () => {
      timer = undefined;
      lastPush = Date.now();
      if (latest && mine()) this.put({ ...latest, runId });
    };
    const start = async (): Promise<StormAggregate | undefined> => {
      await after?.catch(() => undefined);
      if (abort.signal.aborted || !mine() || this.disposed) return undefined;
      this.log('info', `[${runId}] storm aggregate: ${rt.STORM_AGGREGATE_DEFAULTS.callers} callers with this client and ${rt.STORM_AGGREGATE_DEFAULTS.callers} with @anthropic-ai/sdk (its default retries), each side against its own storm`);
      return rt.runStormAggregate({
        scenario,
        ours: { model: opts.model, prompt: opts.prompt, maxTokens: opts.maxTokens, timeoutMs: opts.timeoutMs, policy: opts.policy, authHeader: opts.authHeader, retryBudget: opts.retryBudget },
        signal: abort.signal,
        onProgress: (a) => {
          latest = a;
          if (timer) return;
          const wait = PUSH_EVERY_MS - (Date.now() - lastPush);
          if (wait <= 0) send();
          else timer = setTimeout(send, wait);
        },
      });
    };
    const done = start().then((a) => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (!a) return undefined;
      // A newer run owns the panel now: only this run's aggregate is drawn.
      if (mine()) this.put({ ...a, runId });
      for (const line of rt.describeAggregate(a)) this.log('info', `[${runId}] storm aggregate: ${line}`);
      return a;
    }, (e: unknown) => {
      this.log('error', `[${runId}] storm aggregate failed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }).finally(() => {
      if (this.current?.runId === runId) this.current = undefined;
    });
    this.current = { runId, abort, done };
    return done;
  }

  private put(v: AggregateView): void {
    this.shown = true;
    this.show(v);
  }

  /** Stops a running aggregate (its figures so far stay on the panel, marked cancelled). */
  cancel(): boolean {
    const c = this.current;
    if (!c) return false;
    c.abort.abort();
    return true;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}
