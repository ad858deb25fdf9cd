import { describe, expect, it } from 'vitest';
import { LogViewModel } from '../../../src/core/log/panelModel';
import { isWebviewMessage, sanitizeFilter, toRow } from '../../../src/webview/log/protocol';
import { navigate, scrollToReveal, visibleWindow } from '../../../src/webview/log/virtual';
import { makeEntry } from './helpers';

describe('LogViewModel', () => {
  it('ingests, dedupes by id, shows newest first, filters, and computes stats on the filtered set', () => {
    const m = new LogViewModel();
    const a = makeEntry({ id: 'a', ts: 1, ok: false, status: 529, errorType: 'overloaded_error', category: 'overloaded', runId: 'r1' });
    const b = makeEntry({ id: 'b', ts: 2, attempt: 2, runId: 'r1' });
    const c = makeEntry({ id: 'c', ts: 3, ok: false, status: 400, errorType: 'invalid_request_error', category: 'invalid_request', runId: 'r2' });
    expect(m.ingest([a, b]).added).toHaveLength(2);
    expect(m.ingest([b, c]).added.map((e) => e.id)).toEqual(['c']);
    expect(m.size).toBe(3);
    expect(m.view().rows.map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(m.errorTypes()).toEqual(['invalid_request_error', 'overloaded_error']);
    m.setFilter({ statuses: ['5xx', '2xx'] });
    const v = m.view();
    expect(v.rows.map((r) => r.id)).toEqual(['b', 'a']);
    expect(v.stats.total).toBe(2);
    expect(v.stats.retrySuccessRate).toBe(1);
    expect(m.filtered().map((e) => e.id)).toEqual(['a', 'b']); // exports are chronological
    expect(m.rowsFor([c])).toEqual([]); // does not match the filter
  });

  it('stats under a 529 filter: retry success over whole runs (unsaved entries too)', () => {
    const m = new LogViewModel();
    m.ingest([
      makeEntry({ id: 'a1', ts: 1, ok: false, status: 529, errorType: 'overloaded_error', category: 'overloaded', runId: 'r1' }),
      makeEntry({ id: 'a2', ts: 2, ok: false, status: 529, errorType: 'overloaded_error', category: 'overloaded', runId: 'r1', attempt: 2 }),
    ]);
    // r1's final 200 is only in memory (the disk refused it).
    m.setUnsaved([makeEntry({ id: 'a3', ts: 3, attempt: 3, runId: 'r1' })]);
    m.ingest([makeEntry({ id: 'b1', ts: 4, ok: false, status: 529, errorType: 'overloaded_error', category: 'overloaded', runId: 'r2' }),
      makeEntry({ id: 'b2', ts: 5, ok: false, status: 529, errorType: 'overloaded_error', category: 'overloaded', runId: 'r2', attempt: 2 })]);
    m.setFilter({ statuses: ['529'] });
    const v = m.view();
    expect(v.rows.map((r) => r.id)).toEqual(['b2', 'b1', 'a2', 'a1']);
    expect(v.stats.total).toBe(4);
    expect([v.stats.runsRetried, v.stats.runsRecovered, v.stats.retrySuccessRate]).toEqual([2, 1, 0.5]);
    expect(m.stats()).toEqual(v.stats);
  });

  it('flags out-of-order arrivals so the host re-sends the whole view', () => {
    const m = new LogViewModel();
    expect(m.ingest([makeEntry({ id: 'x', ts: 10 })]).inOrder).toBe(true);
    expect(m.ingest([makeEntry({ id: 'y', ts: 20 })]).inOrder).toBe(true);
    expect(m.ingest([makeEntry({ id: 'z', ts: 15 })]).inOrder).toBe(false);
    expect(m.view().rows.map((r) => r.id)).toEqual(['y', 'z', 'x']);
  });

  it('shows entries the disk refused as unsaved until they land on disk', () => {
    const m = new LogViewModel();
    const u = makeEntry({ id: 'u', ts: 5 });
    expect(m.setUnsaved([u])).toBe(true);
    expect(m.view().rows).toMatchObject([{ id: 'u', unsaved: true }]);
    expect(m.find('u')).toBe(u);
    m.ingest([u]);
    expect(m.view().rows).toHaveLength(1);
    expect(m.view().rows[0]!.unsaved).toBeUndefined();
    expect(m.setUnsaved([])).toBe(false);
  });

  it('reset empties everything', () => {
    const m = new LogViewModel();
    m.ingest([makeEntry({ errorType: 'x' })]);
    m.reset();
    expect(m.size).toBe(0);
    expect(m.errorTypes()).toEqual([]);
  });
});

describe('protocol', () => {
  it('validates webview messages', () => {
    expect(isWebviewMessage({ type: 'ready' })).toBe(true);
    expect(isWebviewMessage({ type: 'export', format: 'csv' })).toBe(true);
    expect(isWebviewMessage({ type: 'export', format: 'xlsx' })).toBe(false);
    expect(isWebviewMessage({ type: 'replay' })).toBe(false);
    expect(isWebviewMessage({ type: 'select', id: null })).toBe(true);
    expect(isWebviewMessage({ type: 'viewState', scrollTop: Number.NaN })).toBe(false);
    expect(isWebviewMessage({ type: 'metrics', phase: 'first', firstPaintMs: 1, renderMs: 1, rows: 1, renderedRows: 1 })).toBe(true);
    expect(isWebviewMessage({ type: 'metrics', phase: 'later', firstPaintMs: 1, renderMs: 1, rows: 1, renderedRows: 1 })).toBe(false);
    expect(isWebviewMessage({ type: 'eval', code: '1' })).toBe(false);
    expect(isWebviewMessage(null)).toBe(false);
  });

  it('sanitizes filters from the webview', () => {
    expect(sanitizeFilter({ statuses: ['4xx', 3, 'x'.repeat(40)], text: 'abc', from: '1', to: 5, sinceMs: -1, target: 'evil', extra: 1 }))
      .toEqual({ statuses: ['4xx', 'x'.repeat(16)], text: 'abc', to: 5 });
    expect(sanitizeFilter('nope')).toEqual({});
    expect(sanitizeFilter({ sinceMs: 3600_000, runId: 'r', target: 'api' })).toEqual({ sinceMs: 3600_000, runId: 'r', target: 'api' });
  });

  it('rows are compact: long messages are cut', () => {
    const r = toRow(makeEntry({ message: 'm'.repeat(1000) }), '200');
    expect(r.message.length).toBe(240);
    expect(r.message.endsWith('…')).toBe(true);
    expect('request' in r).toBe(false);
  });
});

describe('virtualized table math', () => {
  it('renders only the visible rows plus overscan', () => {
    expect(visibleWindow(0, 480, 24, 10_000, 8)).toEqual({ start: 0, end: 29, offset: 0 });
    const w = visibleWindow(24 * 5000, 480, 24, 10_000, 8);
    expect(w.start).toBe(4992);
    expect(w.end).toBe(5029);
    expect(w.offset).toBe(4992 * 24);
    expect(visibleWindow(1e9, 480, 24, 100, 8).end).toBe(100);
    expect(visibleWindow(0, 480, 24, 0)).toEqual({ start: 0, end: 0, offset: 0 });
  });

  it('scrolls just enough to reveal a row under a sticky header', () => {
    expect(scrollToReveal(0, 240, 480, 24, 24)).toBe(0);
    expect(scrollToReveal(15, 0, 480, 24, 24)).toBe(0); // rows 0..18 visible under the header
    expect(scrollToReveal(19, 0, 480, 24, 24)).toBe(24);
    expect(scrollToReveal(100, 0, 480, 24, 24)).toBe(101 * 24 - 456);
  });

  it('keyboard navigation', () => {
    expect(navigate('ArrowDown', -1, 10, 5)).toBe(0);
    expect(navigate('ArrowDown', 9, 10, 5)).toBe(9);
    expect(navigate('ArrowUp', 0, 10, 5)).toBe(0);
    expect(navigate('PageDown', 2, 10, 5)).toBe(7);
    expect(navigate('PageUp', 2, 10, 5)).toBe(0);
    expect(navigate('End', 2, 10, 5)).toBe(9);
    expect(navigate('Home', 2, 10, 5)).toBe(0);
    expect(navigate('a', 2, 10, 5)).toBeNull();
    expect(navigate('ArrowDown', 0, 0, 5)).toBeNull();
  });
});
