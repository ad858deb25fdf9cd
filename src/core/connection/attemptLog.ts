/**
 * The attempt → log-entry mapping of a connection test: one v1 `LogEntry` per attempt, with the
 * backoff that followed it when one did, written as soon as the entry is complete (the next
 * attempt starts, the backoff ends, or the run ends). A listener of the run's event stream; the
 * face gives it where entries go (`append`: the extension's Error Log store, redacting first).
 */
import type { LogEntry } from '../log/types';
import type { AttemptEvent } from '../retry/events';
import { attemptOutcome, type ConnectionEvent, type RunStartEvent } from './runModel';

/** What every entry of one run shares. `baseUrl` is the display form (no credentials). */
export interface AttemptLogContext {
  runId: string;
  target: 'api' | 'simulator';
  scenario?: string;
  baseUrl: string;
  stream: boolean;
  maxTokens: number;
  prompt: string;
}

export function logContextOf(e: RunStartEvent): AttemptLogContext {
  const { run } = e;
  return {
    runId: e.runId, target: run.target, ...(run.scenario ? { scenario: run.scenario } : {}),
    baseUrl: run.baseUrl, stream: run.stream, maxTokens: e.maxTokens, prompt: e.prompt,
  };
}

/** The log entry of one attempt (without its backoff: `withBackoff` adds that). `seq` keeps ids unique within a run. */
export function attemptEntry(ctx: AttemptLogContext, e: AttemptEvent, seq: number): LogEntry {
  return {
    v: 1,
    id: `${ctx.runId}-${e.attempt}-${seq}`,
    runId: ctx.runId,
    ts: e.startedAt,
    target: ctx.target,
    ...(ctx.scenario ? { scenario: ctx.scenario } : {}),
    baseUrl: ctx.baseUrl,
    model: e.model,
    stream: ctx.stream,
    attempt: e.attempt,
    ...attemptOutcome(e),
    latencyMs: Math.round(e.latencyMs),
    ...(e.rateLimit ? { rateLimit: e.rateLimit } : {}),
    request: { maxTokens: ctx.maxTokens, prompt: ctx.prompt, stream: ctx.stream, ...(ctx.scenario ? { scenario: ctx.scenario } : {}) },
  };
}

/**
 * Turns a run's event stream into log entries. Events of another run than the last `runStart`
 * are ignored. `flush()` writes what is pending and resolves when every write has settled.
 */
export class AttemptLog {
  private ctx: AttemptLogContext | undefined;
  private entry: LogEntry | undefined;
  private writes: Promise<void>[] = [];
  private seq = 0;

  constructor(
    private readonly append: (entry: LogEntry) => Promise<void>,
    private readonly onWriteError: (err: unknown) => void,
  ) {}

  /** The listener: pass `(e) => log.onEvent(e)` to the run's event stream. */
  onEvent(e: ConnectionEvent): void {
    if (e.event === 'runStart') {
      this.flushSoon();
      this.ctx = logContextOf(e);
      this.seq = 0;
      return;
    }
    if (!this.ctx || e.runId !== this.ctx.runId) return;
    switch (e.event) {
      case 'attemptStart':
        this.flushSoon();
        break;
      case 'attempt':
        this.flushSoon();
        this.entry = attemptEntry(this.ctx, e, ++this.seq);
        break;
      case 'backoff':
        if (!this.entry) break;
        this.entry.backoffPlannedMs = Math.round(e.delayMs);
        this.entry.backoffReason = e.reason;
        break;
      case 'backoffDone':
        if (!this.entry) break;
        this.entry.backoffActualMs = Math.round(e.actualMs);
        this.flushSoon();
        break;
      case 'result':
        this.flushSoon();
        break;
    }
  }

  private flushSoon(): void {
    const e = this.entry;
    this.entry = undefined;
    if (!e) return;
    let write: Promise<void>;
    try {
      write = this.append(e);
    } catch (err) {
      write = Promise.reject(err);
    }
    this.writes.push(write.catch((err: unknown) => this.onWriteError(err)));
  }

  async flush(): Promise<void> {
    this.flushSoon();
    const writes = this.writes;
    this.writes = [];
    await Promise.all(writes);
  }
}
