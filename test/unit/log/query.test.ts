import { describe, expect, it } from 'vitest';
import {
  compileFilter, computeStats, csvField, filterEntries, isEmptyFilter, neutralizeFormula, percentile,
  searchTerms, statusKey, toCsv, toJson, CSV_COLUMNS,
} from '../../../src/core/log/query';
import type { LogEntry } from '../../../src/core/log/types';
import { makeEntry } from './helpers';

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const sample: LogEntry[] = [
  makeEntry({ id: 'a', runId: 'r1', attempt: 1, ok: false, status: 529, errorType: 'overloaded_error', category: 'overloaded', message: 'Overloaded', ts: T0, latencyMs: 50 }),
  makeEntry({ id: 'b', runId: 'r1', attempt: 2, ok: true, status: 200, category: 'ok', ts: T0 + 1000, latencyMs: 300 }),
  makeEntry({ id: 'c', runId: 'r2', attempt: 1, ok: false, status: 429, errorType: 'rate_limit_error', category: 'rate_limit', message: 'Number of request tokens has exceeded your per-minute rate limit', ts: T0 + 60_000, latencyMs: 20 }),
  makeEntry({ id: 'd', runId: 'r2', attempt: 2, ok: false, status: 429, errorType: 'rate_limit_error', category: 'spend_cap', errorCode: 'enforced_spend_limit_reached', ts: T0 + 61_000, latencyMs: 25 }),
  makeEntry({ id: 'e', runId: 'r3', attempt: 1, ok: false, status: null, errorType: null, category: 'connection', message: 'ECONNRESET', ts: T0 + 3_600_000, latencyMs: 5 }),
  makeEntry({ id: 'f', runId: 'r4', attempt: 1, ok: false, status: null, errorType: 'overloaded_error', category: 'stream_error', message: 'Overloaded (mid-stream)', ts: T0 + 7_200_000, latencyMs: 900, stream: true }),
  makeEntry({ id: 'g', runId: 'r5', attempt: 1, ok: false, status: 400, errorType: 'invalid_request_error', category: 'invalid_request', message: 'max_tokens: 200000 > 64000', ts: T0 + 86_400_000, latencyMs: 40 }),
  makeEntry({ id: 'h', runId: 'r6', attempt: 1, ok: true, status: 200, category: 'ok', ts: T0 + 90_000_000, latencyMs: 100 }),
];
const ids = (es: LogEntry[]) => es.map((e) => e.id);

describe('filter', () => {
  it('status codes and classes', () => {
    expect(ids(filterEntries(sample, { statuses: ['429'] }))).toEqual(['c', 'd']);
    expect(ids(filterEntries(sample, { statuses: ['4xx'] }))).toEqual(['c', 'd', 'g']);
    expect(ids(filterEntries(sample, { statuses: ['5xx'] }))).toEqual(['a']);
    expect(ids(filterEntries(sample, { statuses: ['2xx'] }))).toEqual(['b', 'h']);
    expect(ids(filterEntries(sample, { statuses: ['transport'] }))).toEqual(['e']);
    expect(ids(filterEntries(sample, { statuses: ['stream'] }))).toEqual(['f']);
    expect(ids(filterEntries(sample, { statuses: ['ok'] }))).toEqual(['b', 'h']);
    expect(ids(filterEntries(sample, { statuses: ['error'] }))).toEqual(['a', 'c', 'd', 'e', 'f', 'g']);
    expect(ids(filterEntries(sample, { statuses: ['529', 'transport'] }))).toEqual(['a', 'e']);
    expect(ids(filterEntries(sample, { statuses: ['bogus'] }))).toEqual([]);
    expect(filterEntries(sample, { statuses: [] })).toHaveLength(sample.length);
  });

  it('error types, including "(none)"', () => {
    expect(ids(filterEntries(sample, { errorTypes: ['overloaded_error'] }))).toEqual(['a', 'f']);
    expect(ids(filterEntries(sample, { errorTypes: ['(none)'], statuses: ['error'] }))).toEqual(['e']);
  });

  it('date range is inclusive', () => {
    expect(ids(filterEntries(sample, { from: T0 + 1000, to: T0 + 61_000 }))).toEqual(['b', 'c', 'd']);
    expect(ids(filterEntries(sample, { from: T0 + 86_400_000 }))).toEqual(['g', 'h']);
    expect(ids(filterEntries(sample, { to: T0 }))).toEqual(['a']);
  });

  it('text search: case-insensitive, every word, quoted phrases, over many fields', () => {
    expect(ids(filterEntries(sample, { text: 'overloaded' }))).toEqual(['a', 'f']);
    expect(ids(filterEntries(sample, { text: 'RATE minute' }))).toEqual(['c']);
    expect(ids(filterEntries(sample, { text: '"per-minute rate"' }))).toEqual(['c']);
    expect(ids(filterEntries(sample, { text: '"rate per-minute"' }))).toEqual([]);
    expect(ids(filterEntries(sample, { text: 'enforced_spend' }))).toEqual(['d']); // error code
    expect(ids(filterEntries(sample, { text: 'econnreset' }))).toEqual(['e']);
    expect(ids(filterEntries(sample, { text: 'r5' }))).toEqual(['g']); // run id
    expect(searchTerms('  a "b c"  d "')).toEqual(['a', 'b c', 'd']);
  });

  it('combines criteria with AND', () => {
    const pred = compileFilter({ statuses: ['4xx'], text: 'max_tokens', from: T0 });
    expect(sample.filter(pred).map((e) => e.id)).toEqual(['g']);
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ text: '  ' })).toBe(true);
    expect(isEmptyFilter({ from: 0 })).toBe(false);
  });

  it('statusKey names entries without a status', () => {
    expect(sample.map(statusKey)).toEqual(['529', '200', '429', '429', 'transport', 'stream', '400', '200']);
  });
});

describe('stats', () => {
  it('counts per status, retry success rate, percentiles', () => {
    const s = computeStats(sample);
    expect(s.total).toBe(8);
    expect(s.ok).toBe(2);
    expect(s.failed).toBe(6);
    expect(s.byStatus).toEqual({ '529': 1, '200': 2, '429': 2, transport: 1, stream: 1, '400': 1 });
    expect(s.byErrorType).toEqual({ overloaded_error: 2, rate_limit_error: 2, '(none)': 1, invalid_request_error: 1 });
    expect(s.runs).toBe(6);
    // r1 retried and recovered, r2 retried and did not.
    expect(s.runsRetried).toBe(2);
    expect(s.runsRecovered).toBe(1);
    expect(s.retrySuccessRate).toBe(0.5);
    // latencies sorted: 5 20 25 40 50 100 300 900 → p50 = 4th = 40, p95 = 8th = 900
    expect(s.p50LatencyMs).toBe(40);
    expect(s.p95LatencyMs).toBe(900);
    expect(s.firstTs).toBe(T0);
    expect(s.lastTs).toBe(T0 + 90_000_000);
  });

  it('run figures cover whole runs: a 529 filter still sees that the run recovered (issue #13)', () => {
    const only529 = filterEntries(sample, { statuses: ['529'] });
    expect(ids(only529)).toEqual(['a']);
    // Over the filtered attempts alone, r1's final 200 is gone: 0/0, shown as "0 %" before.
    expect(computeStats(only529).runsRecovered).toBe(0);
    const s = computeStats(only529, sample);
    expect(s.total).toBe(1); // attempt figures stay on the filtered set
    expect(s.byStatus).toEqual({ '529': 1 });
    expect(s.p50LatencyMs).toBe(50);
    expect(s.runs).toBe(1); // only runs with an entry in the set
    expect(s.runsRetried).toBe(1);
    expect(s.runsRecovered).toBe(1);
    expect(s.retrySuccessRate).toBe(1);
    // A 429 filter: r2 was retried and never succeeded.
    const r429 = computeStats(filterEntries(sample, { statuses: ['429'] }), sample);
    expect([r429.runs, r429.runsRetried, r429.runsRecovered, r429.retrySuccessRate]).toEqual([1, 1, 0, 0]);
    // A filter that keeps just the final attempt of r1 sees its retry too.
    const last = computeStats(filterEntries(sample, { text: 'r1', statuses: ['ok'] }), sample);
    expect([last.runsRetried, last.runsRecovered]).toEqual([1, 1]);
    // Entries of other runs in allEntries do not count; the default is the set itself.
    expect(computeStats(sample, sample)).toEqual(computeStats(sample));
  });

  it('empty input and no retried runs', () => {
    const s = computeStats([]);
    expect(s.retrySuccessRate).toBeNull();
    expect(s.p50LatencyMs).toBeNull();
    expect(computeStats([sample[7]!]).retrySuccessRate).toBeNull();
  });

  it('nearest-rank percentile', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile(xs, 0)).toBe(1);
  });
});

/** A small RFC 4180 parser, to check that what we write reads back exactly. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    field += c; i++;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('export', () => {
  it('CSV: RFC 4180 quoting round-trips commas, quotes and line breaks', () => {
    const nasty = 'He said "no", then\r\nleft,\nagain';
    const csv = toCsv([makeEntry({ message: nasty, errorType: 'a,b' })]);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(CSV_COLUMNS.map((c) => c.name));
    const col = (name: string) => rows[1]![CSV_COLUMNS.findIndex((c) => c.name === name)];
    expect(col('message')).toBe(nasty);
    expect(col('error_type')).toBe('a,b');
    expect(csv).toContain('"He said ""no"", then');
  });

  it('CSV: neutralizes formula injection in text cells', () => {
    const cases = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '  =1', '＝1', 'plain', 'a=b'];
    const csv = toCsv(cases.map((m) => makeEntry({ message: m })));
    const rows = parseCsv(csv).slice(1);
    const msgIdx = CSV_COLUMNS.findIndex((c) => c.name === 'message');
    const got = rows.map((r) => r[msgIdx]);
    expect(got).toEqual(["'=HYPERLINK(\"http://evil\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'  =1", "'＝1", 'plain', 'a=b']);
    // Every text cell, not only the message.
    const row = parseCsv(toCsv([makeEntry({ model: '=cmd|/c calc', requestId: '@x' })]))[1]!;
    expect(row[CSV_COLUMNS.findIndex((c) => c.name === 'model')]).toBe("'=cmd|/c calc");
    expect(row[CSV_COLUMNS.findIndex((c) => c.name === 'request_id')]).toBe("'@x");
    expect(neutralizeFormula('-')).toBe("'-");
    expect(csvField(-5)).toBe('-5'); // numbers stay numbers
    expect(csvField(null)).toBe('');
  });

  it('CSV: optional BOM, ISO times, status words', () => {
    const csv = toCsv([sample[4]!], { bom: true });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const row = parseCsv(csv.slice(1))[1]!;
    expect(row[0]).toBe(new Date(sample[4]!.ts).toISOString());
    expect(row[CSV_COLUMNS.findIndex((c) => c.name === 'status')]).toBe('transport');
  });

  it('JSON: parseable, with entries, count and filter', () => {
    const json = toJson(sample.slice(0, 2), { exportedAt: T0, filter: { statuses: ['5xx'] } });
    const doc = JSON.parse(json);
    expect(doc.count).toBe(2);
    expect(doc.exportedAt).toBe(new Date(T0).toISOString());
    expect(doc.filter).toEqual({ statuses: ['5xx'] });
    expect(doc.entries).toEqual(sample.slice(0, 2));
  });
});
