/**
 * One line of the persisted error log: one attempt of one run. Never holds a key.
 */
import type { ErrorCategory } from '../data/api-facts';
import type { RateLimitInfo } from '../retry/events';

export interface LogEntry {
  /** Schema version of this line. */
  v: 1;
  /** Unique id of this entry. */
  id: string;
  runId: string;
  /** Epoch ms the attempt started. */
  ts: number;
  target: 'api' | 'simulator';
  /** Simulator scenario when target is simulator. */
  scenario?: string;
  /** Base URL with any credentials stripped. */
  baseUrl: string;
  model: string;
  stream: boolean;
  attempt: number;
  ok: boolean;
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  message: string | null;
  requestId: string | null;
  latencyMs: number;
  retryable: boolean;
  category: ErrorCategory;
  /** Planned and actual backoff after this attempt, when one followed. */
  backoffPlannedMs?: number;
  backoffActualMs?: number;
  backoffReason?: string;
  rateLimit?: RateLimitInfo;
  /** Enough to replay the request (never the key). */
  request: { maxTokens: number; prompt: string; stream: boolean; scenario?: string };
}
