/**
 * The proxy's exchanges as Error Log entries and its report card as Markdown (the editor face of
 * issue #15): outcomes, attempt numbering, run ids per logical request, redaction, the links.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { describeFaults, exchangeOutcome, isProxyEntry, ProxyLogMapper, reportCardMarkdown } from '../../../src/core/proxy/log';
import { gradeExchanges, type ReportCard } from '../../../src/core/proxy/grade';
import { startProxy, type Exchange } from '../../../src/core/proxy/server';
import { startSimulator } from '../../../src/core/simulator/index';
import { isLogEntry } from '../../../src/core/log/store';
import { statusKey } from '../../../src/core/log/query';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('PROXYLOG-canary', 60);

let n = 0;
function ex(over: Partial<Exchange> = {}): Exchange {
  n++;
  return {
    id: `e${n}`, ts: 1_000 + n, method: 'POST', path: '/v1/messages', model: 'claude-haiku-4-5', maxTokens: 64, stream: false, retryCount: null,
    status: 200, errorType: null, errorCode: null, message: null, requestId: `req_${n}`, retryAfter: null,
    firstByteMs: 5, latencyMs: 10, injected: null, failure: null, clientAborted: false, connection: '1', bodyHash: 'h1', ...over,
  };
}
const mapper = () => new ProxyLogMapper({ session: 's1', target: 'simulator', baseUrl: 'http://127.0.0.1:9', secrets: () => [KEY] });

describe('exchange → Error Log entry', () => {
  it('a 200 is an ok entry with the proxy note, a valid LogEntry', () => {
    const e = mapper().map(ex());
    expect(isLogEntry(e)).toBe(true);
    expect(e).toMatchObject({ ok: true, status: 200, category: 'ok', retryable: false, target: 'simulator', model: 'claude-haiku-4-5', attempt: 1 });
    expect(e.proxy).toMatchObject({ session: 's1', path: '/v1/messages', injected: null, method: 'POST' });
    expect(e.request).toEqual({ maxTokens: 64, prompt: '', stream: false });
    expect(isProxyEntry(e)).toBe(true);
  });

  it('an injected 529 carries its scenario and is retryable; the SDK retry count numbers the attempt', () => {
    const e = mapper().map(ex({ status: 529, errorType: 'overloaded_error', message: 'Overloaded', injected: 'overloaded', retryCount: 1 }));
    expect(e).toMatchObject({ ok: false, status: 529, category: 'overloaded', retryable: true, scenario: 'overloaded', attempt: 2 });
    expect(e.request.scenario).toBe('overloaded');
  });

  it('attempts of one request share a run id and count up without a retry-count header', () => {
    const m = mapper();
    const a = m.map(ex({ bodyHash: 'x', status: 529, errorType: 'overloaded_error' }));
    const b = m.map(ex({ bodyHash: 'x' }));
    const c = m.map(ex({ bodyHash: 'y' }));
    expect([a.attempt, b.attempt, c.attempt]).toEqual([1, 2, 1]);
    expect(a.runId).toBe(b.runId);
    expect(c.runId).not.toBe(a.runId);
  });

  it('an error inside a 200 stream is a stream entry (no status), a 400 is not retryable, no answer is a transport entry', () => {
    const s = exchangeOutcome(ex({ stream: true, errorType: 'overloaded_error', message: 'Overloaded' }));
    expect(s).toMatchObject({ ok: false, status: null, category: 'stream_error', retryable: true });
    expect(statusKey(s)).toBe('stream');
    expect(exchangeOutcome(ex({ status: 400, errorType: 'invalid_request_error' }))).toMatchObject({ ok: false, category: 'invalid_request', retryable: false });
    const gone = exchangeOutcome(ex({ status: null, clientAborted: true, requestId: null }));
    expect(gone).toMatchObject({ ok: false, status: null, category: 'aborted' });
    const broken = exchangeOutcome(ex({ failure: 'the upstream closed the response before it ended' }));
    expect(broken).toMatchObject({ ok: false, status: 200, retryable: true });
  });

  it('no key survives into an entry: a message, a failure or the base URL that holds one is redacted', () => {
    const m = new ProxyLogMapper({ session: 's', target: 'api', baseUrl: `https://gw.example/${KEY}`, secrets: () => [KEY] });
    const e = m.map(ex({ status: 401, errorType: 'authentication_error', message: `bad key ${KEY}`, failure: `x ${KEY}` }));
    expect(JSON.stringify(e)).not.toContain(KEY);
    expect(JSON.stringify(e)).not.toContain(KEY.slice(10, 40));
  });

  it('real traffic: the SDK through the proxy to the simulator gives entries the Error Log accepts', async () => {
    const sim = await startSimulator();
    const m = new ProxyLogMapper({ session: 'real', target: 'simulator', baseUrl: sim.url, secrets: () => [KEY] });
    const entries: ReturnType<ProxyLogMapper['map']>[] = [];
    const p = await startProxy({ upstream: sim.url, faultServer: sim.url, faults: { scenario: 'overloaded', next: 1 }, onExchange: (x) => entries.push(m.map(x)) });
    try {
      await new Anthropic({ apiKey: KEY, baseURL: p.baseUrl }).messages.create({ model: 'claude-haiku-4-5', max_tokens: 12, messages: [{ role: 'user', content: 'hi' }] });
    } finally {
      await p.close();
      await sim.close();
    }
    expect(entries.map((e) => [e.status, e.attempt, e.scenario ?? null, e.request.maxTokens])).toEqual([[529, 1, 'overloaded', 12], [200, 2, null, 12]]);
    expect(entries.every(isLogEntry)).toBe(true);
    expect(new Set(entries.map((e) => e.runId)).size).toBe(1);
    expect(JSON.stringify(entries)).not.toContain(KEY);
  }, 30_000);
});

describe('the report card as Markdown', () => {
  const card: ReportCard = gradeExchanges([
    // Three requests, each retried once after exactly 1 s: lockstep.
    ...['a', 'b', 'c'].flatMap((h, i) => [
      ex({ bodyHash: h, ts: i, status: 529, errorType: 'overloaded_error', retryCount: 0 }),
      ex({ bodyHash: h, ts: i + 1010, retryCount: 1 }),
    ]),
  ]);

  it('links each failing grade to its rule doc, and only those', () => {
    const md = reportCardMarkdown(card, { upstream: 'the built-in simulator', faults: 'overloaded into 30 % of requests', running: false, ruleLink: (r) => `file:///ext/docs/rules/${r}.md` });
    const jitter = card.grades.find((g) => g.id === 'jitter')!;
    expect(jitter.verdict).toBe('fail');
    expect(md).toContain('[retry\\-without\\-jitter](file:///ext/docs/rules/retry-without-jitter.md)');
    const links = [...md.matchAll(/\]\((file:[^)]+)\)/g)].map((x) => x[1]);
    expect(links).toEqual(card.grades.filter((g) => g.rule).map((g) => `file:///ext/docs/rules/${g.rule}.md`));
    expect(md).toMatch(/^# Claude Doctor: retry report card/);
    expect(md).toContain('6 exchanges, 3 requests');
    expect(md.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ✅') || l.startsWith('| ➖'))).toHaveLength(card.grades.length);
  });

  it('server text cannot become markup or a link', () => {
    const evil: ReportCard = { exchanges: 1, chains: 1, grades: [{ id: 'jitter', title: 'T', verdict: 'fail', detail: '[click](https://evil.example) <img src=x> | \u0007' }] };
    const md = reportCardMarkdown(evil, { upstream: 'x', running: true, ruleLink: () => '' });
    expect(md).not.toContain('[click](');
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).not.toContain('\u0007');
    expect(md).toContain('The proxy is running');
  });

  it('describes a fault plan', () => {
    expect(describeFaults(null)).toBeUndefined();
    expect(describeFaults({ scenario: 'overloaded', rate: 0.3 })).toBe('overloaded into 30 % of requests');
    expect(describeFaults({ scenario: 'rate-limited', next: 3 })).toBe('rate-limited into the next 3 requests');
  });
});
