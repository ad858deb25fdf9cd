/**
 * The typed message protocol between the connection panel (webview) and the extension host.
 * Imported by both sides. The host is the single source of truth: it owns `PanelState` and
 * sends it whole; the webview only renders it and sends user intents back.
 * Nothing here ever carries the API key.
 */
import type { Fault } from '../../core/data/api-facts';
import type { PanelState } from '../../core/connection/runModel';

// The panel's state is the host's, built by the reducer in core (core/connection/runModel.ts).
export type {
  AttemptView, BackoffView, ChipClass, KeyCheckOutcome, KeyCheckView, PanelState, RateLimitView, ResultView, RunInfo, StatusView,
} from '../../core/connection/runModel';
export type { AggregateView } from '../../core/connection/aggregate';


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

/** The rate-limit windows the panel shows headroom for. */
export type HeadroomKind = 'requests' | 'tokens' | 'inputTokens' | 'outputTokens';

export const HEADROOM_LABELS: Readonly<Record<HeadroomKind, string>> = {
  requests: 'Requests',
  tokens: 'Tokens',
  inputTokens: 'Input tokens',
  outputTokens: 'Output tokens',
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
