/**
 * Issue #11.2: bodies are read only up to a limit after decompression (error 1 MB, success 8 MB),
 * and the verdict says so. A gzip bomb (256 MB of zeros in ~250 KB) or a flood stops at the limit
 * instead of being read into memory or until the timeout.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runConnectionTest } from '../../../src/core/retry/client';
import { httpServer, type TestServer } from './servers';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('BOUNDED', 90);
const CHUNK = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20));
const open: TestServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function bomb(status: number) {
  const s = await httpServer((_q, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'request-id': 'req_bomb' });
    for (let i = 0; i < 16; i++) res.write(CHUNK);
    res.end();
  });
  open.push(s);
  return s;
}

async function flood(status: number) {
  const s = await httpServer((_q, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    const piece = 'x'.repeat(64 * 1024);
    const pump = () => { while (!res.destroyed && res.write(piece)); if (!res.destroyed) res.once('drain', pump); };
    pump();
  });
  open.push(s);
  return s;
}

const run = (url: string) =>
  runConnectionTest({ baseURL: url, apiKey: KEY, model: 'claude-haiku-4-5', timeoutMs: 8000, policy: { maxRetries: 0 } });

describe('bounded body reads', () => {
  it.each([
    ['gzip bomb on a 200', () => bomb(200), /larger than 8 MB/],
    ['gzip bomb on a 529', () => bomb(529), /larger than 1 MB/],
    ['flood of an error body (500)', () => flood(500), /larger than 1 MB/],
    ['flood of a success body (200)', () => flood(200), /larger than 8 MB/],
  ])('%s: cut at the limit, said in the verdict, well before the timeout', async (_n, server, re) => {
    const s = await server();
    const t = performance.now();
    const r = await run(s.url);
    expect(performance.now() - t).toBeLessThan(4000);
    expect(r.ok).toBe(false);
    expect(r.verdict.summary).toMatch(re);
  });
});
