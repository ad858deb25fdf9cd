/**
 * The retry report card: unit cases for each grade, then real apps through the proxy — the
 * official SDK at its defaults, and a hand-written loop with a fixed sleep — against the
 * simulator with 30 % 529 injected.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../../src/core/simulator/index';
import { startProxy, type Exchange } from '../../../src/core/proxy/server';
import { gradeExchanges, type Grade } from '../../../src/core/proxy/grade';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('GRADE-canary', 60);

let n = 0;
function ex(over: Partial<Exchange>): Exchange {
  n++;
  return {
    id: `e${n}`, ts: 0, method: 'POST', path: '/v1/messages', model: 'claude-haiku-4-5', stream: false, retryCount: null,
    status: 200, errorType: null, errorCode: null, message: null, requestId: `req_${n}`, retryAfter: null,
    firstByteMs: 5, latencyMs: 10, injected: null, failure: null, clientAborted: false, connection: '1', bodyHash: 'h', ...over,
  };
}
const grade = (list: Exchange[], id: Grade['id']) => gradeExchanges(list).grades.find((g) => g.id === id)!;

/** A request `h` that fails with `status` at t, then is retried after `gap` ms, `times` times, then succeeds. */
function chain(h: string, t: number, gaps: number[], fail: Partial<Exchange> = { status: 529, errorType: 'overloaded_error' }, last: Partial<Exchange> = {}): Exchange[] {
  const out: Exchange[] = [];
  let at = t;
  gaps.forEach((g, i) => {
    out.push(ex({ bodyHash: h, ts: at, retryCount: i, ...fail }));
    at += 10 + g;
  });
  out.push(ex({ bodyHash: h, ts: at, retryCount: gaps.length, ...last }));
  return out;
}

describe('grades, one by one', () => {
  it('retries of transient failures: pass, fail (never retried), n/a', () => {
    expect(grade(chain('a', 0, [400]), 'retries-transient').verdict).toBe('pass');
    const never = [ex({ bodyHash: 'b', status: 529, errorType: 'overloaded_error' })];
    const g = grade(never, 'retries-transient');
    expect(g).toMatchObject({ verdict: 'fail', rule: 'no-retry' });
    expect(grade([ex({})], 'retries-transient').verdict).toBe('n/a');
  });

  it('jitter: lockstep fails (with the analyzer rule that fixes it), narrow and wide pass, too few is n/a', () => {
    const lockstep = [...chain('a', 0, [500]), ...chain('b', 3, [500]), ...chain('c', 7, [501])];
    expect(grade(lockstep, 'jitter')).toMatchObject({ verdict: 'fail', rule: 'retry-without-jitter' });
    const narrow = [...chain('a', 0, [380]), ...chain('b', 3, [450]), ...chain('c', 7, [500])];
    expect(grade(narrow, 'jitter')).toMatchObject({ verdict: 'pass' });
    expect(grade(narrow, 'jitter').detail).toMatch(/narrow jitter, like the official SDKs/);
    const wide = [...chain('a', 0, [30]), ...chain('b', 3, [250]), ...chain('c', 7, [490])];
    expect(grade(wide, 'jitter').detail).toMatch(/wide jitter/);
    expect(grade(chain('a', 0, [500]), 'jitter').verdict).toBe('n/a');
    // Waits told by retry-after are not jitter's business.
    const told = ['a', 'b', 'c'].flatMap((h, i) => chain(h, i, [1000], { status: 429, errorType: 'rate_limit_error', retryAfter: '1' }));
    expect(grade(told, 'jitter').verdict).toBe('n/a');
  });

  it('retry-after: waiting at least that long passes; retrying sooner fails', () => {
    const rl = { status: 429, errorType: 'rate_limit_error', retryAfter: '2' };
    expect(grade(chain('a', 0, [2000], rl), 'retry-after').verdict).toBe('pass');
    const g = grade(chain('a', 0, [500], rl), 'retry-after');
    expect(g.verdict).toBe('fail');
    expect(g.detail).toMatch(/1 of 1 retries came before the retry-after/);
  });

  it('permanent failures: a re-sent 400 or spend cap fails; stopping passes', () => {
    const bad = { status: 400, errorType: 'invalid_request_error' };
    expect(grade(chain('a', 0, [100], bad), 'stops-on-permanent')).toMatchObject({ verdict: 'fail', rule: 'retry-non-retryable' });
    expect(grade([ex({ bodyHash: 'a', ...bad })], 'stops-on-permanent').verdict).toBe('pass');
    const cap = { status: 429, errorType: 'rate_limit_error', errorCode: 'enforced_spend_limit_reached' };
    expect(grade([ex({ bodyHash: 'a', ...cap })], 'stops-on-permanent').verdict).toBe('pass');
  });

  it('gives up: a request that keeps failing past 2 minutes or 10 attempts fails', () => {
    const fail = { status: 529, errorType: 'overloaded_error' };
    expect(grade(chain('a', 0, [500, 1000], fail, fail), 'gives-up').verdict).toBe('pass');
    expect(grade(chain('a', 0, Array(11).fill(100), fail, fail), 'gives-up').verdict).toBe('fail');
    expect(grade(chain('a', 0, [60_000, 70_000], fail, fail), 'gives-up').verdict).toBe('fail');
  });

  it('stacked retries: the SDK\'s chain starting over after it failed', () => {
    const fail = { status: 529, errorType: 'overloaded_error' };
    const sdk = chain('a', 0, [400, 800], fail, fail); // retry counts 0, 1, 2: the SDK gave up
    const loop = chain('a', 5000, [400], fail); // … and a hand loop sends it again from 0
    expect(grade([...sdk, ...loop], 'no-stacked-retries')).toMatchObject({ verdict: 'fail', rule: 'stacked-retries' });
    expect(grade(chain('a', 0, [400, 800]), 'no-stacked-retries').verdict).toBe('pass');
  });

  it('mid-stream: a broken stream that is retried passes; one that is not fails', () => {
    const broke = { stream: true, status: 200, errorType: 'overloaded_error' };
    expect(grade(chain('a', 0, [400], broke, { stream: true }), 'mid-stream').verdict).toBe('pass');
    expect(grade([ex({ bodyHash: 'a', ...broke })], 'mid-stream')).toMatchObject({ verdict: 'fail' });
  });
});

describe('real apps through the proxy, 30 % 529 injected', () => {
  let upstream: RunningSimulator;
  let faults: RunningSimulator;
  beforeAll(async () => {
    upstream = await startSimulator();
    faults = await startSimulator();
  });
  afterAll(async () => {
    await upstream.close();
    await faults.close();
  });

  /** A fixed draw sequence, 3 in 10 under 0.3: the same injected count every run. */
  const draws = () => {
    const seq = [0.1, 0.5, 0.9, 0.2, 0.7, 0.6, 0.95, 0.05, 0.8, 0.4];
    let i = 0;
    return () => seq[i++ % seq.length]!;
  };

  async function run(app: (baseURL: string, i: number) => Promise<unknown>, callers = 20): Promise<ReturnType<typeof gradeExchanges>> {
    const seen: Exchange[] = [];
    const p = await startProxy({ upstream: upstream.url, faultServer: faults.url, faults: { scenario: 'overloaded', rate: 0.3 }, random: draws(), onExchange: (e) => seen.push(e) });
    try {
      await Promise.all(Array.from({ length: callers }, (_, i) => app(p.baseUrl, i).catch(() => undefined)));
    } finally {
      await p.close();
    }
    expect(seen.some((e) => e.status === 529)).toBe(true);
    return gradeExchanges(seen);
  }
  const verdicts = (card: ReturnType<typeof gradeExchanges>) => Object.fromEntries(card.grades.map((g) => [g.id, g.verdict]));
  const show = (card: ReturnType<typeof gradeExchanges>) => card.grades.map((g) => `${g.id}: ${g.verdict} — ${g.detail}`).join('\n');

  it('the official TS SDK at its defaults: retries 529s with its narrow jitter, nothing stacked', async () => {
    const card = await run((baseURL, i) => new Anthropic({ apiKey: KEY, baseURL }).messages.create({
      model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: `task ${i}` }],
    }));
    expect(verdicts(card), show(card)).toMatchObject({ 'retries-transient': 'pass', jitter: 'pass', 'stops-on-permanent': 'n/a', 'no-stacked-retries': 'pass' });
    expect(card.grades.find((g) => g.id === 'jitter')!.detail).toMatch(/narrow jitter/);
  }, 30_000);

  it('the SDK honours retry-after', async () => {
    const seen: Exchange[] = [];
    const p = await startProxy({ upstream: upstream.url, faultServer: faults.url, faults: { scenario: 'rate-limited;retryAfter=1', next: 2 }, onExchange: (e) => seen.push(e) });
    try {
      const c = new Anthropic({ apiKey: KEY, baseURL: p.baseUrl });
      await Promise.all([0, 1].map((i) => c.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: `ra ${i}` }] })));
    } finally {
      await p.close();
    }
    expect(gradeExchanges(seen).grades.find((g) => g.id === 'retry-after')!.verdict).toBe('pass');
  }, 30_000);

  it('a hand-written loop with a fixed sleep: retries, but in lockstep — the "no jitter" grade', async () => {
    const card = await run(async (baseURL, i) => {
      const client = new Anthropic({ apiKey: KEY, baseURL, maxRetries: 0 });
      for (let attempt = 0; ; attempt++) {
        try {
          return await client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: `loop ${i}` }] });
        } catch (e) {
          if (attempt >= 3) throw e;
          await new Promise((r) => setTimeout(r, 1000)); // long enough that timer noise stays under the 5 % "lockstep" line
        }
      }
    });
    expect(verdicts(card), show(card)).toMatchObject({ 'retries-transient': 'pass', jitter: 'fail' });
    expect(card.grades.find((g) => g.id === 'jitter')!.rule).toBe('retry-without-jitter');
  }, 30_000);
});
