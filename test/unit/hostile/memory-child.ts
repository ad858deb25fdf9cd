/**
 * Child process of memory.test.ts: runs the retrying client against the hostile servers whose
 * URLs it gets in argv, and reports its peak RSS (getrusage maxrss) before and after, as one JSON
 * line on stdout. A separate process so the parent's test machinery does not blur the figure.
 */
import { runConnectionTest } from '../../../src/core/retry/client';

async function main(): Promise<void> {
  const [okUrl, ...hostile] = process.argv.slice(2);
  const run = (baseURL: string, stream = false) =>
    runConnectionTest({ baseURL, apiKey: 'unused-memory-test-key', model: 'claude-haiku-4-5', stream, timeoutMs: 20_000, policy: { maxRetries: 0 } });
  // Warm-up: load the SDK, open a connection, allocate the usual heap.
  for (let i = 0; i < 3; i++) await run(okUrl!);
  const baselineKB = process.resourceUsage().maxRSS;
  const results: { url: string; stream: boolean; ms: number; summary: string }[] = [];
  for (const url of hostile) {
    for (const stream of [false, true]) {
      const t = performance.now();
      const r = await run(url, stream);
      results.push({ url, stream, ms: Math.round(performance.now() - t), summary: r.verdict.summary });
    }
  }
  const peakKB = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ baselineKB, peakKB, results })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(String(e instanceof Error ? e.stack : e));
    process.exit(1);
  },
);
