import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchStatus, parseStatusJson, describeIndicator } from '../../../src/core/connection/statusPage';

let server: Server;
let base = '';
const hanging = new Set<import('node:http').ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    switch (req.url) {
      case '/ok': res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ page: {}, status: { indicator: 'none', description: 'All Systems Operational' } })); break;
      case '/major': res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ status: { indicator: 'major', description: 'Partial System Outage' } })); break;
      case '/odd': res.writeHead(200); res.end(JSON.stringify({ status: { indicator: 'purple', description: '' } })); break;
      case '/html': res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>captive portal</html>'); break;
      case '/500': res.writeHead(500); res.end('oops'); break;
      case '/hang': hanging.add(res); break; // never answers
      default: res.writeHead(404); res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('status page check', () => {
  it('reads a Statuspage status.json', async () => {
    const r = await fetchStatus(`${base}/ok`, 2000);
    expect(r).toMatchObject({ kind: 'ok', indicator: 'none', description: 'All Systems Operational' });
    const m = await fetchStatus(`${base}/major`, 2000);
    expect(m).toMatchObject({ kind: 'ok', indicator: 'major' });
    expect(describeIndicator('major')).toBe('major incident');
  });

  it('tolerates unknown indicators and empty descriptions', async () => {
    expect(await fetchStatus(`${base}/odd`, 2000)).toMatchObject({ kind: 'ok', indicator: 'unknown', description: 'No description' });
  });

  it('says clearly when the answer is not Statuspage JSON or an HTTP error', async () => {
    expect(await fetchStatus(`${base}/html`, 2000)).toMatchObject({ kind: 'error', message: expect.stringMatching(/not Statuspage JSON/) });
    expect(await fetchStatus(`${base}/500`, 2000)).toMatchObject({ kind: 'error', message: expect.stringMatching(/HTTP 500/) });
  });

  it('gives up after the timeout with an offline message, not an exception', async () => {
    const t = Date.now();
    const r = await fetchStatus(`${base}/hang`, 300);
    const took = Date.now() - t;
    expect(r.kind).toBe('offline');
    expect(r.kind === 'offline' && r.message).toMatch(/no answer within 0\.3 s/);
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5000);
  });

  it('treats a refused connection as offline', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await fetchStatus(`http://127.0.0.1:${port}/status.json`, 2000);
    expect(r.kind).toBe('offline');
    expect(r.kind === 'offline' && r.message).toMatch(/Could not reach the status page at 127\.0\.0\.1/);
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    const p = fetchStatus(`${base}/hang`, 10_000, ctl.signal);
    setTimeout(() => ctl.abort(), 50);
    const r = await p;
    expect(r.kind === 'offline' && r.message).toMatch(/cancelled/);
  });

  it('parses only the Statuspage shape', () => {
    expect(parseStatusJson('{"status":{"indicator":"minor","description":"Degraded"}}')).toEqual({ indicator: 'minor', description: 'Degraded' });
    expect(parseStatusJson('[]')).toBeUndefined();
    expect(parseStatusJson('{"status":null}')).toBeUndefined();
    expect(parseStatusJson('')).toBeUndefined();
  });
});
