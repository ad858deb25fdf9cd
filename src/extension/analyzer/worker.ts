/**
 * dist/analyzer-worker.js: the engine on its own thread (node:worker_threads), so that analysing a
 * large file never stalls the extension host. The tree-sitter wasm loads here; the worker keeps
 * one tree per document for incremental re-parses, like the in-thread engine. Requests run one at
 * a time, in the order they came: the host knows which one was running when the worker died.
 * No vscode import (the worker has no vscode API).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer } from '../../core/analyzer';
import type { WorkerData, WorkerReply, WorkerRequest } from './protocol';

declare const __TEST_HOOKS__: boolean;

const port = parentPort;
if (!port) throw new Error('analyzer-worker.js runs as a worker thread');
const engine = createAnalyzer({ wasmDir: (workerData as WorkerData).wasmDir });
let armed: 'crash' | 'hang' | undefined;

async function handle(msg: WorkerRequest): Promise<WorkerReply | undefined> {
  if (__TEST_HOOKS__) {
    if (msg.op === 'analyzerWorkerTest') {
      armed = msg.arm;
      return undefined;
    }
  }
  switch (msg.op) {
    case 'forget':
      engine.forget(msg.key);
      return undefined;
    case 'facts':
      return { id: msg.id, ok: true, facts: await engine.moduleFacts(msg.text, msg.language) };
    case 'analyze': {
      if (__TEST_HOOKS__ && armed) {
        const what = armed;
        armed = undefined;
        if (what === 'crash') process.exit(70); // in a worker: ends this thread only
        for (;;) { /* hang: the host's deadline terminates the thread */ }
      }
      const findings = msg.key === undefined
        ? await engine.analyze(msg.text, msg.options)
        : await engine.analyzeIncremental(msg.key, msg.text, msg.options, msg.changes);
      return { id: msg.id, ok: true, findings };
    }
    default:
      return undefined;
  }
}

let queue: Promise<void> = Promise.resolve();
port.on('message', (msg: WorkerRequest) => {
  queue = queue.then(async () => {
    let reply: WorkerReply | undefined;
    try {
      reply = await handle(msg);
    } catch (e) {
      if (msg.op === 'analyze' && msg.key !== undefined) engine.forget(msg.key);
      reply = { id: msg.id, ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) };
    }
    if (reply) port.postMessage(reply);
  });
});
