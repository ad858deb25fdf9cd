/**
 * What a connection test is asked to run, and the pure choices around it that both a fresh run
 * and a restored panel need: the request behind "Run Again" for a panel restored after a reload,
 * the request behind a replayed Error Log entry, the restored panel's state, and which links the
 * panel may open. No vscode: the extension's controller (src/extension/connection/) adapts these.
 */
import { DOCS } from '../data/api-facts';
import type { LogEntry } from '../log/types';
import { applyEvent, type PanelState, type RunInfo } from './runModel';

export interface RunRequest {
  target: 'api' | 'simulator';
  scenario?: string;
  /** Raw overrides merged over the user's settings before validation (tests, replay). */
  overrides?: Record<string, unknown>;
  baseUrl?: string;
  model?: string;
  prompt?: string;
  maxTokens?: number;
  stream?: boolean;
}

/** "Run Again" on a panel restored after a reload (no request was sent in this window): run what it shows. */
export function requestForShownRun(r: Pick<RunInfo, 'target' | 'scenario' | 'model' | 'stream'>): RunRequest {
  return r.target === 'simulator'
    ? { target: 'simulator', scenario: r.scenario ?? 'ok', model: r.model, stream: r.stream }
    : { target: 'api', model: r.model, stream: r.stream };
}

/** The request that replays an Error Log entry: its target, model and, where recorded, its prompt, size and streaming. */
export function requestForReplay(entry: LogEntry): RunRequest {
  return {
    target: entry.target === 'simulator' ? 'simulator' : 'api',
    ...(entry.target === 'simulator' ? { scenario: entry.request.scenario ?? entry.scenario ?? 'ok' } : { baseUrl: entry.baseUrl }),
    model: entry.model,
    ...(typeof entry.request?.prompt === 'string' ? { prompt: entry.request.prompt } : {}),
    ...(typeof entry.request?.maxTokens === 'number' ? { maxTokens: entry.request.maxTokens } : {}),
    stream: typeof entry.request?.stream === 'boolean' ? entry.request.stream : entry.stream,
  };
}

export function isPanelStateLike(v: unknown): v is PanelState {
  if (!v || typeof v !== 'object') return false;
  const s = v as Partial<PanelState>;
  return Array.isArray(s.attempts) && 'run' in s && typeof s.statusPage === 'object' && s.statusPage !== null;
}

/**
 * The state of a panel restored after a reload (`saved`, already redacted): the run that produced
 * it is gone with the old window, so it is history now — not running, and a run left without a
 * result ends as "Interrupted". The key state is the current window's.
 */
export function restoredPanelState(saved: PanelState, keyState: PanelState['keyState'], now: number): PanelState {
  let state: PanelState = { ...saved, running: false, keyState };
  if (state.result === null && state.run) {
    state = applyEvent(state, {
      event: 'result', runId: state.run.runId, ok: false, attempts: state.attempts.length, status: null,
      totalMs: 0, model: state.run.model,
      verdict: { category: 'aborted', fault: 'none', title: 'Interrupted', summary: 'The window reloaded while this test was running.', explanation: '', nextStep: 'Run it again.', docsUrl: DOCS.errors },
    }, now);
  }
  return state;
}

const TRUSTED_LINK_HOSTS = new Set(['docs.claude.com', 'docs.anthropic.com', 'console.anthropic.com', 'status.claude.com', 'platform.claude.com', 'support.claude.com']);

/** The link the panel may open (https on a Claude documentation, console or status host), normalised; else undefined. */
export function trustedLink(url: string): string | undefined {
  let u: URL;
  try { u = new URL(url); } catch { return undefined; }
  if (u.protocol !== 'https:' || !TRUSTED_LINK_HOSTS.has(u.hostname)) return undefined;
  return u.toString();
}
