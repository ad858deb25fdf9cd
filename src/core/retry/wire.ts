/**
 * Did an attempt's request reach the wire? Node's fetch (undici) publishes
 * `undici:client:sendHeaders` on `node:diagnostics_channel` once a connection is up and the
 * request headers are written to it. A timeout verdict uses this to say what is known: "connected
 * and sent, no answer within N s" (the server, or a gateway in front of it, hung) rather than
 * blaming the network. When the runtime's fetch publishes nothing (another fetch), the answer is
 * "unknown" and the verdict says so.
 *
 * Matching: the first pending attempt (in the order their fetches started) whose origin, path,
 * `x-stainless-retry-count` and, when present, `x-simulate-session` equal the request's. Nothing
 * is added to the request for this.
 */
import * as dc from 'node:diagnostics_channel';

export interface WireProbe {
  readonly origin: string;
  readonly path: string;
  readonly match: readonly (readonly [string, string])[];
  onSent: () => void;
}

const CHANNEL = 'undici:client:sendHeaders';
const pending: WireProbe[] = [];
let subscribed = false;
/** Set once any request was seen on the channel: from then on, "no event" means "not sent". */
let channelWorks = false;

function headerPairs(raw: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) out.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
  } else if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) out.push([line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim()]);
    }
  }
  return out;
}

function onSendHeaders(message: unknown): void {
  const req = (message as { request?: { origin?: unknown; path?: unknown; headers?: unknown } } | null)?.request;
  if (!req) return;
  channelWorks = true;
  const origin = String(req.origin ?? '');
  const path = String(req.path ?? '');
  const headers = headerPairs(req.headers);
  const i = pending.findIndex((p) => p.origin === origin && p.path === path && p.match.every(([k, v]) => headers.some(([hk, hv]) => hk === k && hv === v)));
  if (i < 0) return;
  const [probe] = pending.splice(i, 1);
  try {
    probe!.onSent();
  } catch {
    /* a listener must not break the request */
  }
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  try {
    dc.subscribe(CHANNEL, onSendHeaders);
  } catch {
    /* no diagnostics channel: every answer stays "unknown" */
  }
}

/** Watch for one request (call right before fetch); `onSent` runs when its headers hit a socket. */
export function watchSend(url: string, headers: Headers, match: readonly string[], onSent: () => void): WireProbe | undefined {
  subscribe();
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const pairs: [string, string][] = [];
  for (const name of match) {
    const v = headers.get(name);
    if (v !== null) pairs.push([name.toLowerCase(), v]);
  }
  const probe: WireProbe = { origin: u.origin, path: `${u.pathname}${u.search}`, match: pairs, onSent };
  pending.push(probe);
  return probe;
}

/** Stop watching (the fetch settled). */
export function unwatch(probe: WireProbe | undefined): void {
  if (!probe) return;
  const i = pending.indexOf(probe);
  if (i >= 0) pending.splice(i, 1);
}

/** Whether "not seen" can be read as "not sent": true once this runtime's fetch published anything. */
export function wireObservable(): boolean {
  return channelWorks;
}
