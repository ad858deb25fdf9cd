/**
 * The two engines the analyzer controller chooses between: the in-thread one for texts under
 * `minChars` (no copy, no hop: faster there) and the one on a worker thread (workerClient.ts)
 * for larger ones, each created on first use. It remembers which engine holds each document's
 * tree, so that the other one forgets it when a document moves across the threshold.
 */
import * as vscode from 'vscode';
import { createAnalyzer, type Analyzer } from '../../core/analyzer';
import { WORKER_MIN_CHARS } from './languages';
import { AnalyzerWorkerClient, type WorkerEngine } from './workerClient';

/** The extension's dist/analyzer-worker.js and dist/wasm, and where the worker's failures are logged. */
interface EnginePaths {
  script: string;
  wasmDir: string;
  log(line: string): void;
}

export type WorkerStats = AnalyzerWorkerClient['stats'] & { running: boolean; minChars: number };

export class AnalyzerEngines {
  private analyzer: Analyzer | undefined;
  /** The engine on a worker thread, for large texts: started on the first one. */
  private worker: AnalyzerWorkerClient | undefined;
  /** Texts of at least this many characters go to the worker (a test seam may move it). */
  minChars = WORKER_MIN_CHARS;
  private deadlineMs: number | undefined;
  /** Which engine holds each document's tree. */
  private readonly holder = new Map<string, WorkerEngine>();
  /** Times the in-thread engine was created (0 until a document mentions the SDK). */
  loads = 0;

  private readonly paths: EnginePaths;

  constructor(extensionUri: vscode.Uri, log: (line: string) => void) {
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    this.paths = { script: vscode.Uri.joinPath(dist, 'analyzer-worker.js').fsPath, wasmDir: vscode.Uri.joinPath(dist, 'wasm').fsPath, log };
  }

  /** The engine and its grammars: created on the first document that mentions the SDK. */
  private inThread(): Analyzer {
    if (!this.analyzer) {
      this.loads++;
      this.analyzer = createAnalyzer({ wasmDir: this.paths.wasmDir });
    }
    return this.analyzer;
  }

  /** The worker engine: started on the first large text, restarted after a crash or a hang. */
  private workerEngine(): AnalyzerWorkerClient {
    this.worker ??= new AnalyzerWorkerClient({
      script: this.paths.script,
      wasmDir: this.paths.wasmDir,
      log: this.paths.log,
      ...(this.deadlineMs ? { deadlineMs: this.deadlineMs } : {}),
    });
    return this.worker;
  }

  /** The engine for a text of `chars` characters. */
  for(chars: number): WorkerEngine {
    return chars >= this.minChars ? this.workerEngine() : this.inThread();
  }

  /**
   * The engine for document `key`'s text of `chars` characters, and whether it already holds the
   * document's tree (then it may parse incrementally). Moved across the threshold: the other
   * engine's tree is dropped, this one parses fully.
   */
  forDocument(key: string, chars: number): { engine: WorkerEngine; holds: boolean } {
    const engine = this.for(chars);
    const held = this.holder.get(key);
    if (held !== engine) {
      held?.forget(key);
      this.holder.set(key, engine);
    }
    return { engine, holds: held === engine };
  }

  /** Forgets a document's tree, in whichever engine holds it. */
  forgetTree(key: string): void {
    this.holder.get(key)?.forget(key);
    this.holder.delete(key);
  }

  /** The engine that held `key` lost it (the worker restarted): the next analysis parses fully. */
  lostTree(key: string): void {
    this.holder.delete(key);
  }

  get loaded(): boolean {
    return this.analyzer !== undefined || this.worker !== undefined;
  }

  /** The worker's counters (for the integration tests and bug reports). */
  get workerStats(): WorkerStats {
    const w = this.worker;
    return { ...(w?.stats ?? { starts: 0, crashes: 0, hangs: 0, requests: 0, resent: 0 }), running: w?.running ?? false, minChars: this.minChars };
  }

  /** Test seam: a new worker with that deadline on the next request; every document parses fully there. */
  setWorkerDeadline(deadlineMs: number): void {
    this.deadlineMs = deadlineMs || undefined;
    void this.worker?.dispose();
    this.worker = undefined;
    for (const [key, held] of this.holder) if (held !== this.analyzer) this.holder.delete(key);
  }

  /** Test seam: make the worker's next analysis crash or hang. */
  armWorker(mode: 'crash' | 'hang'): void {
    this.workerEngine().arm(mode);
  }

  dispose(): void {
    // The worker thread ends with the extension.
    void this.worker?.dispose();
  }
}
