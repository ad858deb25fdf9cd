/**
 * One separate process of the storm benchmark (bench/client.ts, section 3): it runs `callers`
 * connection tests at once with the default policy against the simulator the parent names, as a
 * real app or worker would — its own process-wide state (limiter, SDK clients), nothing shared
 * with the other processes. Protocol over IPC: the parent sends `{ storm }`, this process
 * answers `{ ready }`, then on `'go'` runs the callers and answers `{ done: { attempts, ok } }`.
 * `'exit'` ends it.
 */
import { runConnectionTest } from '../src/core/retry/client';
import type { RetryPolicy } from '../src/core/retry/policy';
import { mulberry32 } from '../src/core/util/random';

interface StormOrder {
  url: string;
  apiKey: string;
  model: string;
  callers: number;
  seed: number;
  policy: Partial<RetryPolicy>;
}

let order: StormOrder | undefined;

process.on('message', (m: unknown) => {
  if (m === 'exit') {
    process.disconnect();
    return;
  }
  if (m === 'go' && order) {
    const o = order;
    order = undefined;
    const rng = mulberry32(o.seed);
    void Promise.all(
      Array.from({ length: o.callers }, (_, i) =>
        runConnectionTest({ baseURL: o.url, apiKey: o.apiKey, model: o.model, policy: o.policy, timeoutMs: 60_000, random: mulberry32(Math.floor(rng() * 2 ** 31) + i) }),
      ),
    ).then((results) => {
      process.send!({ done: { attempts: results.reduce((n, r) => n + r.attempts, 0), ok: results.filter((r) => r.ok).length } });
    });
    return;
  }
  if (m && typeof m === 'object' && 'storm' in m) {
    order = (m as { storm: StormOrder }).storm;
    process.send!({ ready: true });
  }
});
process.send!({ up: true });
