/**
 * The retry report card (issue #15 item 3): from what the proxy saw of the app's traffic, how
 * well does the app's client handle failures? Pure: exchanges in, grades out.
 *
 * Attempts of one logical request share a body digest (`bodyHash`); they form a chain, ordered
 * by arrival. A retry's gap is from the end of the failed attempt to the start of the next one.
 */
import { classify } from '../taxonomy';
import type { Exchange } from './server';

export type GradeVerdict = 'pass' | 'fail' | 'n/a';

export interface Grade {
  id: 'retries-transient' | 'jitter' | 'retry-after' | 'stops-on-permanent' | 'gives-up' | 'no-stacked-retries' | 'mid-stream';
  title: string;
  verdict: GradeVerdict;
  /** What was seen, in plain words (counts, spreads, times). */
  detail: string;
  /** The analyzer rule whose quick fix repairs this in code, when one does. */
  rule?: string;
}

export interface ReportCard {
  grades: Grade[];
  exchanges: number;
  chains: number;
}

/** How long a failing request may keep trying before the user should hear about it. */
export const GIVE_UP_WITHIN_MS = 120_000;
/** More attempts than this for one request is retrying without bound. */
export const MAX_SANE_ATTEMPTS = 10;
/** A gap may fall this far short of the retry-after it follows (timer granularity). */
const RETRY_AFTER_SLACK_MS = 50;

interface Attempt {
  ex: Exchange;
  /** The failure is worth a retry (a 429 rate limit, 5xx, 529, a retryable mid-stream error, no answer). */
  transient: boolean;
  /** The failure will repeat (400, 401, 403, 404, 413, a spend cap …). */
  permanent: boolean;
  ok: boolean;
  end: number;
}

function attemptOf(ex: Exchange): Attempt {
  const midStream = ex.status === 200 && ex.stream && ex.errorType !== null;
  const ok = ex.status !== null && ex.status >= 200 && ex.status < 300 && !midStream && ex.failure === null;
  let transient = false;
  let permanent = false;
  if (!ok) {
    if (ex.status === null || ex.failure !== null && ex.status === 502 && ex.errorType === 'api_error') transient = true;
    else {
      const c = classify({ status: midStream ? null : ex.status, errorType: ex.errorType, errorCode: ex.errorCode, message: ex.message, midStream });
      transient = c.retryable;
      permanent = !c.retryable && (midStream || (ex.status ?? 0) >= 400);
    }
  }
  return { ex, transient, permanent, ok, end: ex.ts + ex.latencyMs };
}

function chainsOf(exchanges: readonly Exchange[]): Attempt[][] {
  const by = new Map<string, Attempt[]>();
  for (const ex of [...exchanges].filter((e) => !e.clientAborted || e.status !== null).sort((a, b) => a.ts - b.ts)) {
    if (ex.path !== '/v1/messages') continue;
    const key = ex.bodyHash || ex.id;
    let list = by.get(key);
    if (!list) by.set(key, (list = []));
    list.push(attemptOf(ex));
  }
  return [...by.values()];
}

/** `retry-after` in ms (seconds or an HTTP date), when it parses. */
function retryAfterMs(ex: Exchange): number | undefined {
  const v = ex.retryAfter?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - ex.ts - ex.latencyMs);
}

const pct = (n: number, d: number) => `${d === 0 ? 0 : Math.round((100 * n) / d)} %`;
const s = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export function gradeExchanges(exchanges: readonly Exchange[]): ReportCard {
  const chains = chainsOf(exchanges);
  const grades: Grade[] = [];

  // 1. Transient failures are retried: each request's first transient failure gets another attempt.
  // (A request that used up its retries ends in a failure nobody retries: that is giving up, graded below.)
  let transient = 0;
  let retried = 0;
  for (const c of chains) {
    const i = c.findIndex((a) => a.transient);
    if (i < 0) continue;
    transient++;
    if (i + 1 < c.length) retried++;
  }
  grades.push({
    id: 'retries-transient', title: 'Retries 429, 5xx and 529',
    verdict: transient === 0 ? 'n/a' : retried === transient ? 'pass' : 'fail',
    detail: transient === 0
      ? 'No transient failure was seen.'
      : `${retried} of ${transient} requests that failed transiently were retried (${pct(retried, transient)}).`,
    ...(transient > 0 && retried < transient ? { rule: 'no-retry' } : {}),
  });

  // 2. Jitter: the spread of first-retry gaps across requests (gaps told by a retry-after excluded).
  const gapsByIndex = new Map<number, number[]>();
  for (const c of chains) {
    for (let i = 0; i + 1 < c.length; i++) {
      const a = c[i]!;
      if (!a.transient || retryAfterMs(a.ex) !== undefined) continue;
      const gap = c[i + 1]!.ex.ts - a.end;
      let list = gapsByIndex.get(i);
      if (!list) gapsByIndex.set(i, (list = []));
      list.push(Math.max(0, gap));
    }
  }
  const first = gapsByIndex.get(0) ?? [];
  if (first.length < 3) {
    grades.push({ id: 'jitter', title: 'Spreads its retries (jitter)', verdict: 'n/a', detail: `Too few first retries without retry-after to judge (${first.length}; 3 needed).` });
  } else {
    const max = Math.max(...first);
    const min = Math.min(...first);
    const spread = max > 0 ? (max - min) / max : 0;
    const kind = spread < 0.05 ? 'none' : spread <= 0.4 ? 'narrow' : 'wide';
    grades.push({
      id: 'jitter', title: 'Spreads its retries (jitter)',
      verdict: kind === 'none' ? 'fail' : 'pass',
      detail: kind === 'none'
        ? `${first.length} first retries all waited ${s(min)}–${s(max)}: callers retry in lockstep and hit the recovering server together.`
        : kind === 'narrow'
          ? `First retries waited ${s(min)}–${s(max)} (spread ${pct(max - min, max)}): narrow jitter, like the official SDKs' (up to 25 % below the exponential step).`
          : `First retries waited ${s(min)}–${s(max)} (spread ${pct(max - min, max)}): wide jitter (full or decorrelated).`,
      ...(kind === 'none' ? { rule: 'retry-without-jitter' } : {}),
    });
  }

  // 3. retry-after is honoured.
  let told = 0;
  let early = 0;
  let shortest = Infinity;
  for (const c of chains) {
    for (let i = 0; i + 1 < c.length; i++) {
      const ra = retryAfterMs(c[i]!.ex);
      if (ra === undefined || c[i]!.ok) continue;
      told++;
      const gap = c[i + 1]!.ex.ts - c[i]!.end;
      if (gap + RETRY_AFTER_SLACK_MS < ra) {
        early++;
        shortest = Math.min(shortest, gap);
      }
    }
  }
  grades.push({
    id: 'retry-after', title: 'Waits as long as retry-after says',
    verdict: told === 0 ? 'n/a' : early === 0 ? 'pass' : 'fail',
    detail: told === 0 ? 'No retried response carried retry-after.' : early === 0 ? `All ${told} retries after a retry-after waited at least that long.` : `${early} of ${told} retries came before the retry-after (shortest wait ${s(shortest)}).`,
  });

  // 4. Permanent failures are not retried.
  let permanent = 0;
  let repeated = 0;
  for (const c of chains) {
    for (let i = 0; i < c.length; i++) {
      if (!c[i]!.permanent) continue;
      permanent++;
      if (i + 1 < c.length) repeated++;
    }
  }
  grades.push({
    id: 'stops-on-permanent', title: 'Stops on 400s, auth errors and the spend cap',
    verdict: permanent === 0 ? 'n/a' : repeated === 0 ? 'pass' : 'fail',
    detail: permanent === 0 ? 'No permanent failure was seen.' : repeated === 0 ? `None of ${permanent} permanent failures was re-sent.` : `${repeated} of ${permanent} permanent failures were re-sent: they fail the same way every time.`,
    ...(repeated > 0 ? { rule: 'retry-non-retryable' } : {}),
  });

  // 5. Gives up in a sane time, with a bounded number of attempts.
  const failing = chains.filter((c) => !c[c.length - 1]!.ok && c.some((a) => a.transient));
  const tooLong = failing.filter((c) => c[c.length - 1]!.end - c[0]!.ex.ts > GIVE_UP_WITHIN_MS || c.length > MAX_SANE_ATTEMPTS);
  grades.push({
    id: 'gives-up', title: 'Gives up in time',
    verdict: failing.length === 0 ? 'n/a' : tooLong.length === 0 ? 'pass' : 'fail',
    detail: failing.length === 0
      ? 'Every request that failed transiently recovered.'
      : tooLong.length === 0
        ? `${failing.length} request${failing.length === 1 ? '' : 's'} gave up within ${s(Math.max(...failing.map((c) => c[c.length - 1]!.end - c[0]!.ex.ts)))} and ${Math.max(...failing.map((c) => c.length))} attempts.`
        : `${tooLong.length} request${tooLong.length === 1 ? '' : 's'} kept trying past ${s(GIVE_UP_WITHIN_MS)} or ${MAX_SANE_ATTEMPTS} attempts.`,
  });

  // 6. No stacked retries: an SDK retry chain (retry count > 0) that starts over from 0 after failing.
  let stacked = 0;
  for (const c of chains) {
    let sdkRetried = false;
    for (let i = 1; i < c.length; i++) {
      const prev = c[i - 1]!.ex;
      const cur = c[i]!.ex;
      if ((prev.retryCount ?? 0) > 0) sdkRetried = true;
      if (sdkRetried && cur.retryCount === 0 && !c[i - 1]!.ok) {
        stacked++;
        break;
      }
    }
  }
  grades.push({
    id: 'no-stacked-retries', title: 'Retries in one place (not a loop around the SDK\'s retries)',
    verdict: chains.length === 0 || transient === 0 ? 'n/a' : stacked === 0 ? 'pass' : 'fail',
    detail: stacked === 0
      ? transient === 0 ? 'No retries were seen.' : 'No request was retried by two layers.'
      : `${stacked} request${stacked === 1 ? '' : 's'} went through the SDK's retries and then started over: a hand-written loop around a client that still retries multiplies the attempts.`,
    ...(stacked > 0 ? { rule: 'stacked-retries' } : {}),
  });

  // 7. A stream that breaks midway is retried.
  let broken = 0;
  let recovered = 0;
  for (const c of chains) {
    for (let i = 0; i < c.length; i++) {
      const a = c[i]!;
      if (!(a.ex.stream && a.ex.status === 200 && a.ex.errorType !== null && a.transient)) continue;
      broken++;
      if (i + 1 < c.length) recovered++;
    }
  }
  grades.push({
    id: 'mid-stream', title: 'Survives an error inside a stream',
    verdict: broken === 0 ? 'n/a' : recovered === broken ? 'pass' : 'fail',
    detail: broken === 0 ? 'No stream broke with a retryable error.' : `${recovered} of ${broken} streams that broke with a retryable error were retried.`,
    ...(broken > recovered ? { rule: 'stream-overloaded-not-caught' } : {}),
  });

  return { grades, exchanges: exchanges.length, chains: chains.length };
}
