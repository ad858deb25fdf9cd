/**
 * The host side of the analyzer worker (worker.ts): the engine's interface, answered on another
 * thread. The worker starts on the first request and runs requests one at a time, in order, so the
 * oldest unanswered request is the one running. When the worker dies (crash) or that request
 * outlives its deadline (hang: the worker is terminated), that request fails with an
 * AnalyzerWorkerError — its document gets a note — and every other unanswered request is sent to
 * a fresh worker: nothing else is lost. The worker's trees are gone with it, so the next
 * incremental run of every document parses fully (the engine does that for a key it does not know).
 * No vscode import: unit-tested against the real worker bundle.
 */
import { Worker } from 'node:worker_threads';
import type { Analyzer, AnalyzeOptions, AnalyzerLanguage, ContentChange, Finding, LocalFacts } from '../../core/analyzer';
import { AnalyzerWorkerError, type WorkerData, type WorkerFailure, type WorkerReply, type WorkerRequest } from './protocol';

declare const __TEST_HOOKS__: boolean;

/** What the client needs of a worker thread (node:worker_threads' Worker). */
export interface WorkerLike {
  postMessage(msg: WorkerRequest): void;
  on(event: 'message', fn: (msg: WorkerReply) => void): unknown;
  on(event: 'error', fn: (e: Error) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export interface WorkerClientOptions {
  /** Path of dist/analyzer-worker.js. */
  script: string;
  wasmDir: string;
  /** A request that runs longer than this is taken for a hung worker. */
  deadlineMs?: number;
  /** Told about every crash, hang and restart (the output channel). */
  log?: (line: string) => void;
}

/** A 2 MB file takes ~1 s cold on an idle core; a loaded 2-core machine several times that. */
export const DEFAULT_DEADLINE_MS = 30_000;

interface Pending {
  msg: Exclude<WorkerRequest, { op: 'forget' | 'analyzerWorkerTest' }>;
  resolve(reply: WorkerReply): void;
  reject(e: unknown): void;
}

export type WorkerEngine = Pick<Analyzer, 'analyze' | 'analyzeIncremental' | 'forget' | 'moduleFacts'>;

export class AnalyzerWorkerClient implements WorkerEngine {
  private worker: WorkerLike | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private lastError: string | undefined;
  readonly stats = { starts: 0, crashes: 0, hangs: 0, requests: 0, resent: 0 };
  private readonly deadlineMs: number;

  constructor(private readonly opts: WorkerClientOptions, private readonly spawn?: () => WorkerLike) {
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  async analyze(text: string, options: AnalyzeOptions): Promise<Finding[]> {
    return this.findings(await this.request({ op: 'analyze', text, options }));
  }

  async analyzeIncremental(key: string, text: string, options: AnalyzeOptions, changes?: readonly ContentChange[]): Promise<Finding[]> {
    return this.findings(await this.request({ op: 'analyze', text, options, key, ...(changes ? { changes } : {}) }));
  }

  async moduleFacts(text: string, language: AnalyzerLanguage): Promise<LocalFacts> {
    const reply = await this.request({ op: 'facts', text, language });
    if (!('facts' in reply)) throw new Error('analyzer worker: no facts in the reply');
    return reply.facts;
  }

  forget(key: string): void {
    // A worker that is not running holds no trees.
    if (this.worker) this.worker.postMessage({ id: 0, op: 'forget', key });
  }

  /** Test builds: the worker's next analysis crashes it or never ends. */
  arm(what: 'crash' | 'hang'): void {
    if (__TEST_HOOKS__) this.ensure().postMessage({ id: 0, op: 'analyzerWorkerTest', arm: what });
  }

  /** Ends the worker; unanswered requests fail with reason `stopped`. */
  dispose(): Promise<void> {
    this.disposed = true;
    this.clearDeadline();
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new AnalyzerWorkerError('stopped', 'the analyzer worker was stopped'));
    this.pending.clear();
    return w ? w.terminate().then(() => undefined, () => undefined) : Promise.resolve();
  }

  private findings(reply: WorkerReply): Finding[] {
    if (!('findings' in reply)) throw new Error('analyzer worker: no findings in the reply');
    return reply.findings;
  }

  private request(body: DistributiveOmit<Pending['msg'], 'id'>): Promise<WorkerReply> {
    if (this.disposed) return Promise.reject(new AnalyzerWorkerError('stopped', 'the analyzer worker was stopped'));
    const msg = { ...body, id: this.nextId++ } as Pending['msg'];
    this.stats.requests++;
    return new Promise<WorkerReply>((resolve, reject) => {
      const p: Pending = { msg, resolve, reject };
      this.pending.set(msg.id, p);
      this.send(p);
    });
  }

  private send(p: Pending): void {
    try {
      this.ensure().postMessage(p.msg);
    } catch (e) {
      // Not cloneable, or no thread to be had (not a crash): this request alone fails.
      this.pending.delete(p.msg.id);
      p.reject(e);
      return;
    }
    if (!this.deadline) this.armDeadline();
  }

  private ensure(): WorkerLike {
    if (this.worker) return this.worker;
    const data: WorkerData = { wasmDir: this.opts.wasmDir };
    const w = this.spawn ? this.spawn() : new Worker(this.opts.script, { workerData: data, name: 'claude-doctor-analyzer' });
    this.stats.starts++;
    this.lastError = undefined;
    w.on('message', (reply: WorkerReply) => {
      if (w !== this.worker) return;
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      // The next request starts now: its deadline too.
      this.clearDeadline();
      if (this.pending.size > 0) this.armDeadline();
      if (reply.ok) p.resolve(reply);
      else p.reject(new Error(`analyzer worker: ${reply.error}`));
    });
    w.on('error', (e: Error) => {
      if (w === this.worker) this.lastError = e.stack ?? e.message;
    });
    w.on('exit', (code: number) => {
      if (w !== this.worker) return; // terminated by us
      this.stats.crashes++;
      this.failed('crashed', `the analyzer worker stopped (exit code ${code})${this.lastError ? `: ${this.lastError}` : ''}`);
    });
    this.worker = w;
    return w;
  }

  private armDeadline(): void {
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      const w = this.worker;
      if (!w || this.pending.size === 0) return;
      this.stats.hangs++;
      // failed() detaches it first: its exit is ours, not a crash.
      this.failed('hung', `the analyzer worker took over ${Math.round(this.deadlineMs / 1000)} s on one request and was restarted`);
      void w.terminate().catch(() => undefined);
    }, this.deadlineMs);
    (this.deadline as { unref?: () => void }).unref?.();
  }

  private clearDeadline(): void {
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /**
   * The worker is gone: the running request fails, the others go to a new worker. (No loop: every
   * failure removes the request that caused it, so a request is sent again only once per culprit.)
   */
  private failed(reason: WorkerFailure, message: string): void {
    this.worker = undefined;
    this.clearDeadline();
    this.opts.log?.(message);
    const queued = [...this.pending.values()];
    this.pending.clear();
    const [running, ...rest] = queued;
    if (running) running.reject(new AnalyzerWorkerError(reason, message));
    if (this.disposed) {
      for (const p of rest) p.reject(new AnalyzerWorkerError('stopped', 'the analyzer worker was stopped'));
      return;
    }
    for (const p of rest) {
      this.stats.resent++;
      this.pending.set(p.msg.id, p);
      this.send(p);
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
