/**
 * `claude-doctor test`'s printer, listening to the run's event stream: NDJSON for `--json`, else
 * human lines (live on a TTY), the verdict, and the storm aggregate.
 */
import { describeAggregate, type AggregateSide, type StormAggregate } from '../core/connection/aggregate';
import { outcomeOf, type AttemptEvent, type BackoffEvent, type ClientEvent, type ResultEvent } from '../core/retry/events';
import { clip } from '../core/taxonomy';
import type { Fault } from '../core/data/api-facts';
import { redactDeep } from '../core/redact';
import { oneLine, style, type Io } from './output';

const FAULT_TEXT: Record<Fault, string> = {
  you: 'yours: the request, the key or the code that sends it',
  anthropic: "Anthropic's side: nothing in your request is wrong",
  network: 'the network between you and the API',
  limit: 'a limit on your account or organization',
  server: 'the server side: the API, or a proxy or gateway in front of it (the request reached it)',
  none: "nobody's: the run was stopped before it finished",
};

/** The `verdict` string of the NDJSON result line: one line, no secrets. */
export function verdictLine(r: ResultEvent): string {
  const v = r.verdict;
  // Summaries often open with the title already ("Timed out: …", "401 Authentication failed …").
  const head = v.summary.slice(0, v.title.length + 8).toLowerCase().includes(v.title.toLowerCase())
    ? v.summary
    : `${v.title}: ${v.summary}`;
  return oneLine(r.ok ? head : `${head} Next: ${v.nextStep}`);
}

export interface Printer {
  onEvent(e: ClientEvent): void;
  result(r: ResultEvent): void;
  /** The storm aggregate begins (after the result). */
  aggregateStarts(callers: number): void;
  /** The storm aggregate, when it is over. */
  aggregate(a: StormAggregate): void;
  stop(): void;
}

/**
 * NDJSON for `--json`, else human lines (live on a TTY). `noKeySimulator`: the run went to the
 * simulator only because no key was found, and the result says so.
 */
export function createPrinter(io: Io, json: boolean, noKeySimulator = false): Printer {
  return json ? new JsonPrinter(io) : new HumanPrinter(io, style(io.color), noKeySimulator);
}

/** Longest message shown under an attempt line; longer ones end in an ellipsis. */
export const ATTEMPT_MESSAGE_WIDTH = 160;

/** `--json`: exactly the documented NDJSON shapes, one per line, nothing else on stdout. */
class JsonPrinter implements Printer {
  constructor(private readonly io: Io) {}
  onEvent(e: ClientEvent): void {
    if (e.event === 'attempt') {
      this.line({
        event: 'attempt',
        attempt: e.attempt,
        status: e.status,
        errorType: e.errorType,
        errorCode: e.errorCode,
        requestId: e.requestId,
        latencyMs: Math.round(e.latencyMs),
        retryable: e.retryable,
      });
    } else if (e.event === 'backoff') {
      this.line({ event: 'backoff', attempt: e.attempt, delayMs: Math.round(e.delayMs), reason: e.reason, ...(e.demandMs !== undefined ? { demandMs: Math.round(e.demandMs) } : {}) });
    }
  }
  result(r: ResultEvent): void {
    this.line({
      event: 'result',
      ok: r.ok,
      attempts: r.attempts,
      status: r.status,
      totalMs: Math.round(r.totalMs),
      verdict: verdictLine(r),
    });
  }
  aggregateStarts(): void {}
  aggregate(a: StormAggregate): void {
    const side = (x: AggregateSide) => ({
      attempts: x.attempts, overloaded: x.overloaded, succeeded: x.succeeded, failed: x.failed, unfinished: x.unfinished,
      elapsedMs: Math.round(x.elapsedMs), maxRetries: x.maxRetries,
    });
    this.line({
      event: 'aggregate',
      state: a.state,
      callers: a.callers,
      capacity: a.capacity,
      serviceTimeMs: a.serviceTimeMs,
      floorMs: a.floorMs,
      ours: { ...side(a.ours), jitter: a.ours.jitter, limiter: a.ours.limiter },
      sdk: { ...side(a.sdk), version: a.sdk.version },
      ...(a.error ? { error: oneLine(a.error) } : {}),
    });
  }
  stop(): void {}
  private line(o: object): void {
    // The one deep redaction over the value, before it is text (the writer redacts the text too).
    this.io.out.write(`${JSON.stringify(redactDeep(o, this.io.secrets))}\n`);
  }
}

/** Human output: a live line per attempt and per backoff on a TTY, plain lines otherwise. */
class HumanPrinter implements Printer {
  private timer: NodeJS.Timeout | undefined;
  private liveLine = false;
  private attempts: AttemptEvent[] = [];

  constructor(
    private readonly io: Io,
    private readonly s: ReturnType<typeof style>,
    private readonly noKeySimulator = false,
  ) {}

  onEvent(e: ClientEvent): void {
    const tty = this.io.out.isTTY;
    switch (e.event) {
      case 'attemptStart': {
        this.endLive();
        if (tty) {
          const started = Date.now();
          const draw = () =>
            this.live(`  attempt ${e.attempt}  ${this.s.dim(`waiting for ${e.model}… ${fmtSecs(Date.now() - started)}`)}`);
          draw();
          this.timer = setInterval(draw, 100);
        }
        break;
      }
      case 'attempt':
        this.endLive();
        this.attempts.push(e);
        this.io.out.write(`${this.attemptLine(e)}\n`);
        break;
      case 'backoff': {
        this.endLive();
        if (tty) {
          const until = Date.now() + e.delayMs;
          const draw = () =>
            this.live(
              `  ${this.s.dim('backoff')}    ${fmtMs(e.delayMs)} (${reasonText(e)}) ${this.s.dim(
                `retrying in ${fmtSecs(Math.max(0, until - Date.now()))}`,
              )}`,
            );
          draw();
          this.timer = setInterval(draw, 100);
        } else {
          this.io.out.write(`  backoff    ${fmtMs(e.delayMs)} (${reasonText(e)})\n`);
        }
        break;
      }
      case 'backoffDone':
        if (tty && this.liveLine) {
          this.stopTimer();
          this.live(`  ${this.s.dim('backoff')}    ${fmtMs(e.plannedMs)} ${this.s.dim(`(waited ${fmtMs(e.actualMs)})`)}`);
          this.io.out.write('\n');
          this.liveLine = false;
        }
        break;
      case 'result':
        break;
    }
  }

  result(r: ResultEvent): void {
    this.endLive();
    const { s } = this;
    const v = r.verdict;
    const outcome = outcomeOf(r);
    // A cancelled run is neutral: not a success, not a failure, nobody's fault.
    const head = outcome === 'ok' ? s.green(`✔ ${oneLine(v.title)}`) : outcome === 'cancelled' ? s.yellow(`■ ${oneLine(v.title)}`) : s.red(`✘ ${oneLine(v.title)}`);
    const plural = r.attempts === 1 ? 'attempt' : 'attempts';
    const where = this.noKeySimulator ? ` ${s.yellow('(the local simulator, not the Claude API: no API key was found)')}` : '';
    this.io.out.write(`\n${s.bold(head)} after ${r.attempts} ${plural} in ${fmtMs(r.totalMs)}${where}\n`);
    const rows: [string, string][] = [
      ['What happened', v.summary],
      ['Why', v.explanation],
      ['Whose fault', FAULT_TEXT[v.fault] ?? v.fault],
      ['Next step', v.nextStep],
      ['Docs', v.docsUrl],
    ];
    if (r.ok && r.text) rows.splice(1, 0, ['Reply', JSON.stringify(clip(r.text, 200))]);
    if (this.noKeySimulator) rows.push(['Real API', 'not tested: set ANTHROPIC_API_KEY (or --api-key-file) and run again']);
    const last = this.attempts.at(-1);
    if (last?.requestId) rows.push(['Request id', last.requestId]);
    const skip = outcome === 'ok' ? ['Why', 'Next step', 'Whose fault'] : outcome === 'cancelled' ? ['Why', 'Whose fault', 'Docs'] : [];
    for (const [k, val] of rows) {
      if (skip.includes(k)) continue;
      this.io.out.write(`  ${s.dim(k.padEnd(13))} ${oneLine(val)}\n`);
    }
  }

  aggregateStarts(callers: number): void {
    this.io.out.write(`\n${this.s.dim(`Storm aggregate: running ${callers} callers with this client and ${callers} with the official SDK, each side against its own storm…`)}\n`);
  }

  aggregate(a: StormAggregate): void {
    const { s } = this;
    const [head, ...rest] = describeAggregate(a);
    this.io.out.write(`${s.bold('Storm aggregate')}  ${oneLine(head ?? '')}\n`);
    for (const line of rest) this.io.out.write(`  ${oneLine(line)}\n`);
  }

  stop(): void {
    this.endLive();
  }

  private attemptLine(e: AttemptEvent): string {
    const { s } = this;
    const status = e.status === null ? '---' : String(e.status);
    const label = oneLine(`${e.ok ? 'OK' : (e.errorType ?? e.category)}${e.errorCode ? ` (${e.errorCode})` : ''}`);
    const what = e.ok ? s.green(label.padEnd(18)) : s.red(label.padEnd(18));
    const tail = e.ok ? '' : e.retryable ? s.yellow('  retryable') : s.dim('  not retryable');
    const msg = !e.ok && e.message ? `\n             ${s.dim(clip(oneLine(e.message), ATTEMPT_MESSAGE_WIDTH - 1))}` : '';
    const partial = e.partialTextLength ? s.dim(`  after ${e.partialTextLength} chars of text`) : '';
    return (
      `  attempt ${String(e.attempt).padEnd(2)} ${status}  ${what} ${fmtMs(e.latencyMs).padStart(7)}` +
      `  ${s.dim(e.requestId ? oneLine(e.requestId) : 'no request-id')}${partial}${tail}${msg}`
    );
  }

  private live(text: string): void {
    this.io.out.write(`\r\x1b[2K${text}`);
    this.liveLine = true;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private endLive(): void {
    this.stopTimer();
    if (this.liveLine) {
      this.io.out.write('\r\x1b[2K');
      this.liveLine = false;
    }
  }
}

function reasonText(e: BackoffEvent): string {
  switch (e.reason) {
    case 'retry-after':
      return e.demandMs !== undefined ? `server asked: retry-after ${fmtMs(e.demandMs)}, + jitter` : 'server asked: retry-after';
    case 'retry-after-ms':
      return e.demandMs !== undefined ? `server asked: retry-after-ms ${fmtMs(e.demandMs)}, + jitter` : 'server asked: retry-after-ms';
    case 'budget':
      return 'retry budget';
    case 'limiter':
      return e.limiter
        ? `queued for capacity: ${e.limiter.inFlight} in flight, limit ${Math.max(1, Math.floor(e.limiter.limit))}`
        : 'queued for capacity';
    default:
      return 'jittered backoff';
  }
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function fmtSecs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
