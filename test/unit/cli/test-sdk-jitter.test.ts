// `claude-doctor test --jitter sdk` says which SDKs and versions the sdk mode reproduces (data module).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sdkBackoffDescription } from '../../../src/core/data/api-facts';
import { bundleCli, runCli, type CliBundle } from './helpers';

vi.setConfig({ testTimeout: 60_000 });

let cli: CliBundle;
beforeAll(async () => {
  cli = await bundleCli();
}, 60_000);
afterAll(() => cli?.dispose());

describe('claude-doctor test --jitter sdk', () => {
  it('names the SDKs, the formula and where they differ on retry-after; other modes do not', async () => {
    const sdk = await runCli(cli, ['test', '--simulate', 'ok', '--jitter', 'sdk']);
    expect(sdk.code, sdk.stderr).toBe(0);
    expect(sdk.stdout).toContain(`sdk jitter: ${sdkBackoffDescription()}`);
    expect(sdk.stdout).toMatch(/@anthropic-ai\/sdk 1\.12\.0 and Python anthropic/);
    const full = await runCli(cli, ['test', '--simulate', 'ok', '--jitter', 'full']);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).not.toContain('sdk jitter:');
  });
});
