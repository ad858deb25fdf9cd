import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEntry } from '../../../src/core/log/types';

let seq = 0;
export function makeEntry(over: Partial<LogEntry> = {}): LogEntry {
  seq++;
  return {
    v: 1,
    id: `e-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    runId: 'run-1',
    ts: 1_763_880_000_000 + seq,
    target: 'simulator',
    scenario: 'ok',
    baseUrl: 'http://127.0.0.1:4010',
    model: 'claude-haiku-4-5',
    stream: false,
    attempt: 1,
    ok: true,
    status: 200,
    errorType: null,
    errorCode: null,
    message: null,
    requestId: `req_${seq}`,
    latencyMs: 100,
    retryable: false,
    category: 'ok',
    request: { maxTokens: 8, prompt: 'Say hi', stream: false },
    ...over,
  };
}

export function tempDir(prefix = 'cd-log-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
