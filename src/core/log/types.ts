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
  /**
   * Set when the entry is an exchange of the user's own app seen by the Claude Doctor proxy
   * (issue #15): what the app sent cannot be replayed (its body is not kept), `target` is where
   * the proxy forwarded it, `scenario` the fault injected instead, when one was.
   */
  proxy?: ProxyNote;
  /** Enough to replay the request (never the key). */
  request: { maxTokens: number; prompt: string; stream: boolean; scenario?: string };
}

/** What the proxy adds to an entry of the user's app traffic. Never holds a key or a body. */
export interface ProxyNote {
  /** The proxy session (one Start Proxy … Stop Proxy). */
  session: string;
  method: string;
  path: string;
  /** The simulator scenario answered instead of the upstream, when a fault was injected. */
  injected: string | null;
  /** `x-stainless-retry-count` the app sent (the official SDKs do). */
  retryCount: number | null;
  firstByteMs: number | null;
  /** The upstream could not be reached, or the answer broke. */
  failure: string | null;
  /** The app went away before the answer ended. */
  clientAborted: boolean;
}
