/**
 * The Error Log table's rows: a compact summary of an entry (the full entry is sent on
 * selection). Made on the host (panelModel.ts), drawn by the webview (src/webview/log).
 */
import type { LogEntry } from './types';

/** One table row: a compact summary of an entry (the full entry is sent on selection). */
export interface LogRow {
  id: string;
  ts: number;
  runId: string;
  attempt: number;
  ok: boolean;
  status: number | null;
  /** "200", "529", "transport", "stream". */
  statusKey: string;
  errorType: string | null;
  category: string;
  retryable: boolean;
  model: string;
  latencyMs: number;
  target: 'api' | 'simulator';
  /** First 240 characters. */
  message: string;
  requestId: string | null;
  /** Held in memory only: the disk refused it (see the notice). */
  unsaved?: boolean;
}

const MAX_MESSAGE = 240;

export function toRow(e: LogEntry, statusKey: string, unsaved = false): LogRow {
  const msg = e.message ?? '';
  const row: LogRow = {
    id: e.id, ts: e.ts, runId: e.runId, attempt: e.attempt, ok: e.ok, status: e.status, statusKey,
    errorType: e.errorType, category: e.category, retryable: e.retryable, model: e.model, latencyMs: e.latencyMs,
    target: e.target, message: msg.length > MAX_MESSAGE ? msg.slice(0, MAX_MESSAGE - 1) + '…' : msg,
    requestId: e.requestId,
  };
  if (unsaved) row.unsaved = true;
  return row;
}
