/**
 * The typed message protocol between the Error Log panel (webview) and its host.
 * Imported by both sides; no DOM and no vscode here. The host is the source of truth: it holds
 * the entries, the filter, the selection and the scroll position, and re-sends them on `ready`.
 */
import type { LogEntry } from '../../core/log/types';
import type { LogFilter, LogStats } from '../../core/log/query';

export type { LogFilter, LogStats };
// Rows are made by the host's panel model (core/log/rows.ts); the page only draws them.
export { toRow, type LogRow } from '../../core/log/rows';
import type { LogRow } from '../../core/log/rows';

export interface ViewState {
  filter: LogFilter;
  selectedId: string | null;
  scrollTop: number;
}

export type Notice = { level: 'info' | 'warning' | 'error'; text: string } | null;

export type HostToWebview =
  | {
    type: 'state';
    view: ViewState;
    /** Filtered rows, newest first. */
    rows: LogRow[];
    stats: LogStats;
    /** Entries in the log before filtering. */
    totalAll: number;
    /** Damaged lines skipped while reading. */
    skipped: number;
    /** Error types present in the log, for the filter menu. */
    errorTypes: string[];
    storePath: string;
    notice: Notice;
    /** True for the quick preview (newest entries only) sent while the full read runs. */
    loading: boolean;
  }
  /** New entries that match the filter (newest first), plus refreshed counts. */
  | { type: 'appended'; rows: LogRow[]; stats: LogStats; totalAll: number; errorTypes: string[] }
  | { type: 'details'; entry: LogEntry | null }
  | { type: 'notice'; notice: Notice }
  | { type: 'busy'; action: 'export' | 'clear' | 'replay' | null };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'setFilter'; filter: LogFilter }
  | { type: 'select'; id: string | null }
  | { type: 'viewState'; scrollTop: number }
  | { type: 'export'; format: 'json' | 'csv' }
  | { type: 'clear' }
  | { type: 'replay'; id: string }
  | { type: 'refresh' }
  | { type: 'openFolder' }
  /** Sent once per webview load after the first rows are painted. */
  /** Paint timing; `fromPage`: these rows came with the page itself (before any host message). */
  | { type: 'metrics'; phase: 'first' | 'full'; firstPaintMs: number; renderMs: number; rows: number; renderedRows: number; fromPage?: boolean };

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a filter coming from the webview; drops anything malformed. */
export function sanitizeFilter(x: unknown): LogFilter {
  const f: LogFilter = {};
  if (!x || typeof x !== 'object') return f;
  const o = x as Record<string, unknown>;
  if (Array.isArray(o.statuses)) f.statuses = o.statuses.filter(isStr).slice(0, 32).map((s) => s.slice(0, 16));
  if (Array.isArray(o.errorTypes)) f.errorTypes = o.errorTypes.filter(isStr).slice(0, 64).map((s) => s.slice(0, 100));
  if (isNum(o.from)) f.from = o.from;
  if (isNum(o.to)) f.to = o.to;
  if (isNum(o.sinceMs) && o.sinceMs > 0) f.sinceMs = o.sinceMs;
  if (isStr(o.text) && o.text) f.text = o.text.slice(0, 500);
  if (isStr(o.runId) && o.runId) f.runId = o.runId.slice(0, 200);
  if (o.target === 'api' || o.target === 'simulator') f.target = o.target;
  return f;
}

/** Type guard for messages from the webview (they are not trusted blindly). */
export function isWebviewMessage(m: unknown): m is WebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'clear':
    case 'refresh':
    case 'openFolder':
      return true;
    case 'setFilter':
      return typeof o.filter === 'object' && o.filter !== null;
    case 'select':
      return o.id === null || isStr(o.id);
    case 'viewState':
      return isNum(o.scrollTop);
    case 'export':
      return o.format === 'json' || o.format === 'csv';
    case 'replay':
      return isStr(o.id);
    case 'metrics':
      return (o.phase === 'first' || o.phase === 'full') && isNum(o.firstPaintMs) && isNum(o.renderMs) && isNum(o.rows) && isNum(o.renderedRows)
        && (o.fromPage === undefined || typeof o.fromPage === 'boolean');
    default:
      return false;
  }
}

/** Quick ranges the toolbar offers, in ms back from now. */
export const QUICK_RANGES: readonly { id: string; label: string; ms: number | null }[] = [
  { id: 'all', label: 'Any time', ms: null },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];
