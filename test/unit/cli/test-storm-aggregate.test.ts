/**
 * `claude-doctor test --simulate storm [--callers N]` (issue #13 item 2): after the single run, the
 * storm aggregate — N callers with our client and N real SDK clients, each side against its own
 * storm — in human lines and as one NDJSON `aggregate` line. The real CLI, spawned.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleCli, ndjson, runCli, startCli, type CliBundle } from './helpers';

vi.setConfig({ testTimeout: 60_000 });

let cli: CliBundle;
beforeAll(async () => {
  cli = await bundleCli();
}, 60_000);
afterAll(() => cli?.dispose());

const AGGREGATE_KEYS = ['event', 'state', 'callers', 'capacity', 'serviceTimeMs', 'floorMs', 'ours', 'sdk'];
const SIDE_KEYS = ['attempts', 'overloaded', 'succeeded', 'failed', 'unfinished', 'elapsedMs', 'maxRetries'];

describe('claude-doctor test --simulate storm: the aggregate', () => {
  it('human output: the single run, then the floor and both sides, figures that add up', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'storm', '--callers', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/then the storm aggregate: 20 callers with this client and 20 with the official SDK\n/);
    // The single run's attempts come first, then its verdict, then the aggregate.
    const verdictAt = r.stdout.indexOf('✔ Success after');
    const startAt = r.stdout.indexOf('Storm aggregate: running 20 callers with this client and 20 with the official SDK, each side against its own storm…');
    const aggAt = r.stdout.indexOf('Storm aggregate  20 callers at once, capacity 10, 500 ms per reply: physical floor 1.00 s (⌈20 / 10⌉ × 500 ms)');
    expect(verdictAt).toBeGreaterThan(0);
    expect(startAt).toBeGreaterThan(verdictAt);
    expect(aggAt).toBeGreaterThan(startAt);
    const line = (re: RegExp) => {
      const m = r.stdout.match(re);
      expect(m, r.stdout).toBeTruthy();
      return m!.slice(1).map(Number);
    };
    const num = '(\\d+)';
    const figures = `: ${num} attempts \\(${num} × 529\\), ${num}/20 succeeded \\(${num} %\\)`;
    const [oa, o529, ook] = line(new RegExp(`\\n  ours \\(4 retries, full jitter, adaptive limiter\\)${figures}`));
    const [sa, s529, sok] = line(new RegExp(`\\n  @anthropic-ai/sdk \\d+\\.\\d+\\.\\d+ \\(maxRetries 2, its own backoff\\)${figures}`));
    // Every attempt in a storm is a 200 or a 529.
    expect(oa).toBe(ook! + o529!);
    expect(sa).toBe(sok! + s529!);
    expect(ook).toBe(20);
    // 20 at once against 10 slots: the SDK side meets 529s (up to 10 in its first wave); the limiter spares most.
    expect(s529).toBeGreaterThanOrEqual(1);
    expect(o529).toBeLessThanOrEqual(s529!);
    expect(r.stdout).toMatch(/all ended in \d+(\.\d+)? m?s = \d+\.\d× the floor/);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('--json: one aggregate line after the result, with both sides', async () => {
    const r = await runCli(cli, ['test', '--simulate', 'storm;serviceTimeMs=200', '--callers', '15', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ev = ndjson(r.stdout);
    expect(ev.map((e) => e.event).slice(-2)).toEqual(['result', 'aggregate']);
    const a = ev.at(-1) as Record<string, any>;
    expect(Object.keys(a)).toEqual(AGGREGATE_KEYS);
    expect(a).toMatchObject({ state: 'done', callers: 15, capacity: 10, serviceTimeMs: 200, floorMs: 400 });
    expect(Object.keys(a.ours)).toEqual([...SIDE_KEYS, 'jitter', 'limiter']);
    expect(Object.keys(a.sdk)).toEqual([...SIDE_KEYS, 'version']);
    for (const s of [a.ours, a.sdk]) {
      expect(s.succeeded + s.failed + s.unfinished).toBe(15);
      expect(s.attempts).toBe(s.succeeded + s.overloaded);
      expect(Number.isInteger(s.elapsedMs)).toBe(true);
    }
    expect(a.sdk.maxRetries).toBe(2);
    expect(a.sdk.overloaded).toBeGreaterThanOrEqual(1);
  });

  it('storm runs the aggregate by default (20 callers); --callers 0 turns it off', async () => {
    const on = await runCli(cli, ['test', '--simulate', 'storm;serviceTimeMs=50', '--json']);
    expect(on.code, on.stderr).toBe(0);
    expect(ndjson(on.stdout).at(-1)).toMatchObject({ event: 'aggregate', callers: 20 });
    const off = await runCli(cli, ['test', '--simulate', 'storm', '--callers', '0', '--json']);
    expect(off.code, off.stderr).toBe(0);
    expect(ndjson(off.stdout).map((e) => e.event)).not.toContain('aggregate');
    expect(ndjson(off.stdout).at(-1)!.event).toBe('result');
  });

  it('--callers without a storm scenario, or out of range, is a usage error', async () => {
    const a = await runCli(cli, ['test', '--simulate', 'overloaded', '--callers', '5']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--callers needs --simulate storm/);
    const b = await runCli(cli, ['test', '--simulate', 'storm', '--callers', '201']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--callers/);
  });

  it('Ctrl-C during the aggregate stops it: exit 130 promptly, the figures so far', async () => {
    // Replies of 2 s: the single run ends first, the aggregate cannot be done when Ctrl-C comes.
    const run = startCli(cli, ['test', '--simulate', 'storm;serviceTimeMs=2000', '--callers', '20']);
    await run.waitFor(/Storm aggregate: running 20 callers/);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(run.stdout).toMatch(/cancelled: the figures are what had happened by then/);
    expect(run.stdout).toMatch(/unfinished/);
  });

  it('Ctrl-C during the single run: no aggregate starts', async () => {
    const run = startCli(cli, ['test', '--simulate', 'storm;serviceTimeMs=8000', '--callers', '20']);
    await run.waitFor(/then the storm aggregate/);
    await new Promise((r) => setTimeout(r, 500));
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(130);
    expect(run.stdout).not.toMatch(/Storm aggregate/);
  });
});
