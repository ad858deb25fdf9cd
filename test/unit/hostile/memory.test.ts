/**
 * Issue #11.2, memory: gzip bombs (1 GB of zeros in about 1 MB on the wire) on a 200 and a 529,
 * and floods of an error and a success body, against the client in a child process (streaming
 * and not). Peak RSS growth over a warmed-up baseline stays under PEAK_GROWTH_LIMIT_MB: the
 * bodies are cut at 1 MB (errors) / 8 MB (success) after decompression, and the download and
 * decompression stop there. Before the bounded reads, the same bombs needed more than 1 GB.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpServer, messageBody, sendJson, type TestServer } from './servers';
import { ROOT } from '../cli/helpers';

/** Stated limit: what 8 MB of success body, its string and a failed JSON.parse may cost, with room. */
const PEAK_GROWTH_LIMIT_MB = 96;
const CHUNK = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0));
const BOMB_CHUNKS = 64; // 64 × 16 MB = 1 GB decompressed

const servers: TestServer[] = [];
let childJs = '';
let dir = '';

async function bomb(status: number): Promise<TestServer> {
  return httpServer((_q, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    let i = 0;
    const pump = () => {
      while (!res.destroyed && i < BOMB_CHUNKS) {
        i++;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  });
}

async function flood(status: number): Promise<TestServer> {
  return httpServer((_q, res) => {
    res.writeHead(status, { 'content-type': status === 200 ? 'text/event-stream' : 'application/json' });
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (!res.destroyed && res.write(piece));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
}

beforeAll(async () => {
  dir = join(ROOT, '.cache', `memory-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(dir, { recursive: true });
  childJs = join(dir, 'child.js');
  await esbuild.build({ entryPoints: [join(__dirname, 'memory-child.ts')], outfile: childJs, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  servers.push(await httpServer((_q, res) => sendJson(res, 200, messageBody('ok'))));
  servers.push(await bomb(200), await bomb(529), await flood(500), await flood(200));
});
afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('memory stays bounded', () => {
  it(`gzip bombs and floods: peak RSS grows by less than ${PEAK_GROWTH_LIMIT_MB} MB`, async () => {
    const child = spawn(process.execPath, [childJs, ...servers.map((s) => s.url)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000); // never leave it running
    const code = await new Promise<number | null>((r) => child.on('close', r));
    clearTimeout(killer);
    expect(code, err).toBe(0);
    const m = JSON.parse(out) as { baselineKB: number; peakKB: number; results: { stream: boolean; ms: number; summary: string }[] };
    const growthMB = (m.peakKB - m.baselineKB) / 1024;
    console.log(`memory: baseline ${Math.round(m.baselineKB / 1024)} MB, peak ${Math.round(m.peakKB / 1024)} MB, growth ${growthMB.toFixed(1)} MB`);
    expect(m.results).toHaveLength(8);
    // Non-streaming, each verdict says the body was cut (streaming requests end on the bad stream).
    for (const r of m.results.filter((x) => !x.stream)) expect(r.summary).toMatch(/larger than (1|8) MB/);
    for (const r of m.results) expect(r.ms).toBeLessThan(15_000);
    expect(growthMB).toBeLessThan(PEAK_GROWTH_LIMIT_MB);
  }, 60_000);
});
