/**
 * Per-document debounce + generation scheduler (pure: no vscode import).
 *
 * - Every edit bumps the document's generation and restarts its debounce timer; the content
 *   changes accumulate in order so the engine can re-parse incrementally.
 * - Runs of one document never overlap (the engine keeps one tree per document).
 * - A result is applied only if no edit arrived since its run started: stale results are dropped,
 *   so an older analysis never overwrites a newer one. Nothing is cleared in between, so the
 *   previous diagnostics stay visible while the user types (no flicker).
 */

export interface Change {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface SchedulerHost<R> {
  /** Debounce delay for edits, read at each edit (settings may change). */
  delayMs(): number;
  /**
   * Analyzes the document now. Must read the document text synchronously before its first await:
   * `changes` are the edits since the previous run (undefined = none known / re-parse fully).
   */
  run(key: string, changes: Change[] | undefined): Promise<R>;
  /** Called with a fresh result only (no edit since the run started). */
  apply(key: string, result: R): void;
  /** A run threw: reported, and the next run re-parses fully. */
  onError?(key: string, error: unknown): void;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

interface DocState {
  generation: number;
  /** Edits since the last run started; undefined = unknown, re-parse fully. */
  pending: Change[] | undefined;
  timer: unknown;
  /** The run in flight (serialized per document). */
  running: Promise<void> | undefined;
  /** A run is wanted after the current one. */
  queued: boolean;
}

export class DocumentScheduler<R> {
  private readonly docs = new Map<string, DocState>();
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private disposed = false;
  /** Counters for tests and diagnostics. */
  readonly stats = { runs: 0, applied: 0, stale: 0, errors: 0 };

  constructor(private readonly host: SchedulerHost<R>) {
    this.setTimer = host.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = host.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  private state(key: string): DocState {
    let s = this.docs.get(key);
    if (!s) {
      s = { generation: 0, pending: undefined, timer: undefined, running: undefined, queued: false };
      this.docs.set(key, s);
    }
    return s;
  }

  /**
   * An edit (with its content changes) or an open / settings change (without).
   * `immediate` skips the debounce (document opened, settings changed).
   */
  schedule(key: string, changes?: readonly Change[], immediate = false): void {
    if (this.disposed) return;
    // A new document starts with pending = undefined: its first run parses fully.
    const s = this.state(key);
    s.generation++;
    // Edits accumulate in order; a call without edits (open, settings) re-runs on the same text.
    if (changes && changes.length > 0 && s.pending !== undefined) s.pending.push(...changes);
    if (s.timer !== undefined) this.clearTimer(s.timer);
    const delay = immediate ? 0 : Math.max(0, this.host.delayMs());
    s.timer = this.setTimer(() => {
      s.timer = undefined;
      this.start(key);
    }, delay);
  }

  private start(key: string): void {
    const s = this.docs.get(key);
    if (!s || this.disposed) return;
    if (s.running) {
      s.queued = true;
      return;
    }
    const generation = s.generation;
    const changes = s.pending;
    s.pending = [];
    this.stats.runs++;
    let promise: Promise<R>;
    try {
      promise = this.host.run(key, changes);
    } catch (error) {
      promise = Promise.reject(error);
    }
    s.running = promise.then(
      (result) => {
        if (this.docs.get(key) !== s || this.disposed) return;
        if (s.generation === generation) {
          this.stats.applied++;
          this.host.apply(key, result);
        } else {
          this.stats.stale++;
        }
      },
      (error: unknown) => {
        this.stats.errors++;
        if (this.docs.get(key) === s) s.pending = undefined;
        this.host.onError?.(key, error);
      },
    ).finally(() => {
      s.running = undefined;
      if (this.docs.get(key) !== s || this.disposed) return;
      if (s.queued) {
        s.queued = false;
        this.start(key);
      }
    });
  }

  /** Forgets the document: cancels its timer; an in-flight result is dropped. */
  cancel(key: string): void {
    const s = this.docs.get(key);
    if (!s) return;
    if (s.timer !== undefined) this.clearTimer(s.timer);
    this.docs.delete(key);
  }

  /** True while a timer or a run is pending for the document. */
  isBusy(key: string): boolean {
    const s = this.docs.get(key);
    return !!s && (s.timer !== undefined || s.running !== undefined || s.queued);
  }

  /** Resolves when the document has no timer and no run pending (for tests and fix-all). */
  async idle(key: string): Promise<void> {
    for (;;) {
      const s = this.docs.get(key);
      if (!s) return;
      if (s.running) {
        await s.running;
        continue;
      }
      if (s.timer === undefined && !s.queued) return;
      await new Promise<void>((resolve) => this.setTimer(resolve, 5));
    }
  }

  keys(): string[] {
    return [...this.docs.keys()];
  }

  dispose(): void {
    this.disposed = true;
    for (const s of this.docs.values()) if (s.timer !== undefined) this.clearTimer(s.timer);
    this.docs.clear();
  }
}
