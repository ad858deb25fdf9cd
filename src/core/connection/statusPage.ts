/**
 * Reads the public status page (Statuspage `status.json`) with a timeout. Pure Node (global
 * fetch), no vscode: the URL is a parameter so tests point it at 127.0.0.1. Never throws.
 */
import { STATUS_PAGE } from '../data/api-facts';

/**
 * The simulator's status page for `scenario` (core/simulator/status.ts: the real page's path on
 * the simulator, 127.0.0.1). Not imported from core/simulator: the simulator stays out of the
 * activation bundle.
 */
export function simulatorStatusUrl(simulatorUrl: string, scenario: string): string {
  return `${simulatorUrl.replace(/\/+$/, '')}${new URL(STATUS_PAGE.statusJson).pathname}?scenario=${encodeURIComponent(scenario)}`;
}

export type StatusIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance' | 'unknown';

export type StatusResult =
  | { kind: 'ok'; indicator: StatusIndicator; description: string; fetchedAt: number; url: string }
  | { kind: 'offline'; message: string; url: string }
  | { kind: 'error'; message: string; url: string };

const INDICATORS: readonly StatusIndicator[] = ['none', 'minor', 'major', 'critical', 'maintenance'];

function host(url: string): string {
  try { return new URL(url).host; } catch { return url; }
}

/** Parse a Statuspage `status.json` body; undefined when it is not that shape. */
export function parseStatusJson(body: string): { indicator: StatusIndicator; description: string } | undefined {
  let j: unknown;
  try { j = JSON.parse(body); } catch { return undefined; }
  const s = (j as { status?: { indicator?: unknown; description?: unknown } } | null)?.status;
  if (!s || typeof s !== 'object') return undefined;
  const ind = typeof s.indicator === 'string' ? s.indicator.toLowerCase() : '';
  const indicator: StatusIndicator = (INDICATORS as readonly string[]).includes(ind) ? ind as StatusIndicator : 'unknown';
  const description = typeof s.description === 'string' && s.description.trim() ? s.description.trim().slice(0, 200) : 'No description';
  return { indicator, description };
}

export async function fetchStatus(url: string, timeoutMs: number, signal?: AbortSignal): Promise<StatusResult> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), timeoutMs);
  const onAbort = () => ctl.abort(new Error('cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await fetch(url, { signal: ctl.signal, headers: { accept: 'application/json' }, redirect: 'follow' });
    const text = await readCapped(res, 256 * 1024);
    if (!res.ok) return { kind: 'error', message: `The status page answered HTTP ${res.status}.`, url };
    const parsed = parseStatusJson(text);
    if (!parsed) return { kind: 'error', message: 'The status page answered with something that is not Statuspage JSON.', url };
    return { kind: 'ok', ...parsed, fetchedAt: Date.now(), url };
  } catch (err) {
    if (ctl.signal.aborted) {
      const why = signal?.aborted ? 'the check was cancelled' : `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
      return { kind: 'offline', message: `Could not read the status page at ${host(url)}: ${why}. You may be offline or behind a proxy.`, url };
    }
    const code = (err as { cause?: { code?: string } })?.cause?.code;
    return { kind: 'offline', message: `Could not reach the status page at ${host(url)}${code ? ` (${code})` : ''}. You may be offline or behind a proxy.`, url };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readCapped(res: Response, cap: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.byteLength;
    if (n > cap) { await reader.cancel().catch(() => undefined); break; }
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function describeIndicator(ind: StatusIndicator): string {
  switch (ind) {
    case 'none': return 'operational';
    case 'minor': return 'minor incident';
    case 'major': return 'major incident';
    case 'critical': return 'critical incident';
    case 'maintenance': return 'maintenance';
    default: return 'unknown';
  }
}
