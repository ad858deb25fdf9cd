/**
 * wire.ts: which attempt's request reached a socket, read from undici's diagnostics channel
 * (real fetches to 127.0.0.1, and published messages in the shapes other undici versions use).
 */
import * as dc from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { unwatch, watchSend, wireObservable } from '../../../src/core/retry/wire';
import { httpServer, sendJson } from '../hostile/servers';

const hdrs = (o: Record<string, string>) => new Headers(o);

describe('wire probe', () => {
  it('a real fetch marks its own probe sent, not one for another retry count or session', async () => {
    const srv = await httpServer((_q, res) => sendJson(res, 200, { ok: true }));
    try {
      const url = `${srv.url}/v1/messages`;
      const sent: string[] = [];
      const mine = watchSend(url, hdrs({ 'x-stainless-retry-count': '1', 'x-simulate-session': 'run_a' }), ['x-stainless-retry-count', 'x-simulate-session'], () => sent.push('mine'));
      const otherCount = watchSend(url, hdrs({ 'x-stainless-retry-count': '2', 'x-simulate-session': 'run_a' }), ['x-stainless-retry-count', 'x-simulate-session'], () => sent.push('count'));
      const otherRun = watchSend(url, hdrs({ 'x-stainless-retry-count': '1', 'x-simulate-session': 'run_b' }), ['x-stainless-retry-count', 'x-simulate-session'], () => sent.push('run'));
      const res = await fetch(url, { method: 'POST', headers: { 'x-stainless-retry-count': '1', 'x-simulate-session': 'run_a' }, body: '{}' });
      await res.arrayBuffer();
      expect(sent).toEqual(['mine']);
      expect(wireObservable()).toBe(true);
      unwatch(mine);
      unwatch(otherCount);
      unwatch(otherRun);
    } finally {
      await srv.close();
    }
  });

  it('FIFO among equal probes; an unwatched probe is never marked', () => {
    const ch = dc.channel('undici:client:sendHeaders');
    const sent: string[] = [];
    const url = 'http://127.0.0.1:9/v1/messages';
    const a = watchSend(url, hdrs({ 'x-stainless-retry-count': '0' }), ['x-stainless-retry-count'], () => sent.push('a'));
    const b = watchSend(url, hdrs({ 'x-stainless-retry-count': '0' }), ['x-stainless-retry-count'], () => sent.push('b'));
    const c = watchSend(url, hdrs({ 'x-stainless-retry-count': '0' }), ['x-stainless-retry-count'], () => sent.push('c'));
    unwatch(b);
    const msg = { request: { origin: 'http://127.0.0.1:9', path: '/v1/messages', headers: ['X-Stainless-Retry-Count', '0'] } };
    ch.publish(msg);
    ch.publish(msg);
    ch.publish(msg); // nothing left to match
    expect(sent).toEqual(['a', 'c']);
    unwatch(a);
    unwatch(c);
  });

  it('reads headers as a raw string too (older undici), and ignores other paths and origins', () => {
    const ch = dc.channel('undici:client:sendHeaders');
    const sent: string[] = [];
    const p = watchSend('http://127.0.0.1:9/v1/messages?beta=true', hdrs({ 'x-stainless-retry-count': '3' }), ['x-stainless-retry-count'], () => sent.push('p'));
    ch.publish({ request: { origin: 'http://127.0.0.1:10', path: '/v1/messages?beta=true', headers: 'x-stainless-retry-count: 3\r\n' } });
    ch.publish({ request: { origin: 'http://127.0.0.1:9', path: '/v1/messages', headers: 'x-stainless-retry-count: 3\r\n' } });
    ch.publish(null);
    ch.publish({ request: { origin: 'http://127.0.0.1:9', path: '/v1/messages?beta=true', headers: 'host: x\r\nx-stainless-retry-count: 3\r\n' } });
    expect(sent).toEqual(['p']);
    unwatch(p);
    expect(watchSend('not a url', hdrs({}), [], () => {})).toBeUndefined();
  });
});
