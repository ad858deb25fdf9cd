/**
 * Proxy overhead, side by side in one run (issue #15): the same requests straight to the simulator
 * and through `claude-doctor proxy`, interleaved, over real HTTP on 127.0.0.1 with keep-alive.
 *
 * 1. A non-streaming Messages request: latency direct vs proxied (p50), and the overhead per request.
 * 2. A streaming request: time to the first byte of the body (the first SSE event) direct vs proxied.
 * Goals: ≤ 2 ms added per request at p50; a stream's first byte ≤ 2 ms later (it is piped, never buffered).
 *
 * `npx tsx bench/proxy.ts [--quick]`
 */
import http from 'node:http';
import { startProxy } from '../src/core/proxy/server';
import { startSimulator } from '../src/core/simulator/index';
import { fmt, goal, median, now, percentile, printGoals, table, writeResults, type Goal } from './common';

const QUICK = process.argv.includes('--quick');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BODY = (stream: boolean) => JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 16, stream, messages: [{ role: 'user', content: 'Reply with the single word: ok' }] });

/** One request; resolves with the time to the first body byte and to the end. */
function request(base: string, stream: boolean): Promise<{ firstByteMs: number; totalMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    let first = 0;
    const body = BODY(stream);
    const req = http.request(`${base}/v1/messages`, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': 'bench-key-not-real-0123456789', 'anthropic-version': '2023-06-01' },
    }, (res) => {
      res.on('data', () => { if (!first) first = now() - t0; });
      res.on('end', () => resolve({ firstByteMs: first, totalMs: now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const sim = await startSimulator({ serviceTimeMs: 5 });
  const proxy = await startProxy({ upstream: sim.url });
  const reps = QUICK ? 100 : 400;
  const rows: (string | number)[][] = [];
  const goals: Goal[] = [];
  const results: Record<string, unknown> = {};
  for (const stream of [false, true]) {
    const direct: number[] = [];
    const proxied: number[] = [];
    const directFirst: number[] = [];
    const proxiedFirst: number[] = [];
    for (let i = 0; i < 20; i++) { await request(sim.url, stream); await request(proxy.baseUrl, stream); } // warm-up
    for (let i = 0; i < reps; i++) {
      const order = i % 2 ? [true, false] : [false, true];
      for (const viaProxy of order) {
        const r = await request(viaProxy ? proxy.baseUrl : sim.url, stream);
        (viaProxy ? proxied : direct).push(r.totalMs);
        (viaProxy ? proxiedFirst : directFirst).push(r.firstByteMs);
      }
    }
    const label = stream ? 'streaming' : 'non-streaming';
    rows.push([`${label}: total`, median(direct), median(proxied), median(proxied) - median(direct), `${fmt(median(proxied) / median(direct), 2)}×`, percentile(proxied, 90)]);
    rows.push([`${label}: first byte`, median(directFirst), median(proxiedFirst), median(proxiedFirst) - median(directFirst), `${fmt(median(proxiedFirst) / median(directFirst), 2)}×`, percentile(proxiedFirst, 90)]);
    results[label] = { direct: median(direct), proxied: median(proxied), directFirst: median(directFirst), proxiedFirst: median(proxiedFirst) };
    if (!stream) goals.push(goal('added latency per non-streaming request (p50)', median(proxied) - median(direct), 'ms', '<=', 2));
    else goals.push(goal('a stream\'s first byte, added by the proxy (p50)', median(proxiedFirst) - median(directFirst), 'ms', '<=', 2));
  }
  table(`Direct vs through the proxy (${reps} interleaved pairs each, keep-alive, simulator service time 5 ms)`,
    ['request', 'direct p50 ms', 'proxied p50 ms', 'added ms', 'ratio', 'proxied p90 ms'], rows);
  printGoals(goals);
  writeResults('proxy', { ...results, goals });
  await proxy.close();
  await sim.close();
  agent.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
