/**
 * The typed message protocol between the connection panel (webview) and the extension host.
 * Imported by both sides. The host is the single source of truth: it owns `PanelState` and
 * sends it whole; the webview only renders it and sends user intents back.
 * Nothing here ever carries the API key.
 */
import type { ErrorCategory, Fault } from '../../core/data/api-facts';
import type { BackoffReason, JitterKind, RateLimitInfo, Verdict } from '../../core/retry/events';
import type { AggregateView } from '../../core/connection/aggregate';

export type { AggregateView } from '../../core/connection/aggregate';

export type ChipClass = 'ok' | 'retryable' | 'fatal' | 'network' | 'running';

export interface BackoffView {
  plannedMs: number;
  reason: BackoffReason;
  /** Host epoch ms when the wait began. */
  startedAt: number;
  actualMs: number | null;
  state: 'waiting' | 'done' | 'cancelled';
}

export interface AttemptView {
  attempt: number;
  model: string;
  startedAt: number;
  state: 'running' | 'done';
  ok: boolean | null;
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  message: string | null;
  requestId: string | null;
  latencyMs: number | null;
  retryable: boolean | null;
  category: ErrorCategory | null;
  chip: ChipClass;
  partialTextLength?: number;
  backoff: BackoffView | null;
}

export interface RunInfo {
  runId: string;
  target: 'api' | 'simulator';
  scenario?: string;
  /** Display form: no credentials, no query. */
  baseUrl: string;
  model: string;
  stream: boolean;
  authHeader: 'bearer' | 'x-api-key';
  maxRetries: number;
  jitter: JitterKind;
  timeoutMs: number;
  startedAt: number;
}

export interface ResultView {
  ok: boolean;
  attempts: number;
  status: number | null;
  totalMs: number;
  model: string;
  verdict: Verdict;
  finishedAt: number;
  /** First characters of the reply when ok. */
  textPreview?: string;
}

export type KeyCheckOutcome = 'pass' | 'fail' | 'warn' | 'info';
export interface KeyCheckView { id: string; outcome: KeyCheckOutcome; label: string; detail: string }

export interface StatusView {
  state: 'idle' | 'loading' | 'ok' | 'offline' | 'error' | 'disabled';
  indicator?: 'none' | 'minor' | 'major' | 'critical' | 'maintenance' | 'unknown';
  description?: string;
  fetchedAt?: number;
  message?: string;
  pageUrl?: string;
  /** 'simulator': read from the simulator's own status page (the target is the simulator). */
  source?: 'simulator';
}

export interface RateLimitView {
  info: RateLimitInfo;
  /** Host epoch ms when these headers arrived. */
  receivedAt: number;
  attempt: number;
}

export interface PanelState {
  run: RunInfo | null;
  running: boolean;
  attempts: AttemptView[];
  rateLimit: RateLimitView | null;
  result: ResultView | null;
  keyChecklist: KeyCheckView[] | null;
  statusPage: StatusView;
  /** Key presence only (never the key): drives the "no key" hint. */
  keyState: 'secret' | 'env' | 'none';
  /**
   * The storm aggregate of a `storm` run (src/core/connection/aggregate.ts): N callers with our
   * client next to N real SDK clients. Drawn only while `runId` is the run on display.
   */
  aggregate?: AggregateView | null;
}


export type HostToWebview =
  | { type: 'state'; state: PanelState; /** host epoch ms, to correct countdowns for clock skew */ now: number }
  | { type: 'notice'; text: string }
  /** Localized UI strings, keyed by their English text; sent before the first state. */
  | { type: 'l10n'; strings: Record<string, string> };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'runAgain' }
  | { type: 'cancel' }
  | { type: 'copyCurl' }
  | { type: 'copyRequestId'; requestId: string }
  | { type: 'openLog' }
  | { type: 'openDocs'; url: string }
  | { type: 'checkStatus' }
  | { type: 'setKey' }
  | { type: 'runSimulator' }
  /** Sent after each render: lets tests check what the DOM shows. */
  | { type: 'rendered'; runId: string | null; rows: number; verdict: string; chips: string[] };

export const FAULT_WORDS: Readonly<Record<Fault, string>> = {
  you: 'Your side: the request, the key or the configuration.',
  anthropic: "Anthropic's side: not something your code did.",
  network: 'The network between you and the API.',
  limit: "An account limit: your organization's rate or spend limits.",
  server: 'The server side: the API, or a proxy or gateway in front of it (the request reached it).',
  none: 'Nobody: the run was stopped before it finished.',
};

export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const t = (m as { type?: unknown }).type;
  switch (t) {
    case 'ready': case 'runAgain': case 'cancel': case 'copyCurl': case 'openLog': case 'checkStatus':
    case 'setKey': case 'runSimulator':
      return true;
    case 'copyRequestId': return typeof (m as { requestId?: unknown }).requestId === 'string';
    case 'openDocs': return typeof (m as { url?: unknown }).url === 'string';
    case 'rendered': return typeof (m as { rows?: unknown }).rows === 'number';
    default: return false;
  }
}
