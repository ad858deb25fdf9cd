/**
 * The messages between the extension host and the analyzer worker (dist/analyzer-worker.js, see
 * worker.ts and workerClient.ts). Everything travels by structured clone: texts, options (their
 * Sets and Maps included), findings and module facts are plain data. No vscode import.
 */
import type { AnalyzeOptions, AnalyzerLanguage, ContentChange, Finding, LocalFacts } from '../../core/analyzer';

/** `workerData` of the worker: where the tree-sitter wasm files are. */
export interface WorkerData {
  wasmDir: string;
}

export type WorkerRequest =
  /** `key` set: incremental (the worker keeps that document's tree; `changes` since its previous run). */
  | { id: number; op: 'analyze'; text: string; options: AnalyzeOptions; key?: string; changes?: readonly ContentChange[] }
  | { id: number; op: 'facts'; text: string; language: AnalyzerLanguage }
  /** Drops a document's tree (no reply). */
  | { id: number; op: 'forget'; key: string }
  /** Test builds only (`__TEST_HOOKS__`): the next analysis crashes the worker, or never returns. */
  | { id: number; op: 'analyzerWorkerTest'; arm: 'crash' | 'hang' };

export type WorkerReply =
  | { id: number; ok: true; findings: Finding[] }
  | { id: number; ok: true; facts: LocalFacts }
  | { id: number; ok: false; error: string };

/** Why the worker gave no answer for a request. */
export type WorkerFailure = 'crashed' | 'hung' | 'stopped';

export class AnalyzerWorkerError extends Error {
  constructor(readonly reason: WorkerFailure, message: string) {
    super(message);
    this.name = 'AnalyzerWorkerError';
  }
}
