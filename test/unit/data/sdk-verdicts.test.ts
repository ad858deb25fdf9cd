import { describe, expect, it } from 'vitest';
import { bearerProxyNote, officialSdkOnRetryAfter } from '../../../src/core/data/api-facts';

describe('verdict sentences that name the SDK and version', () => {
  it('retry-after 30 s: every SDK waits it', () => {
    const t = officialSdkOnRetryAfter(30_000);
    expect(t).toContain('@anthropic-ai/sdk ≥ 0.79.0 would wait it');
    expect(t).toContain('older versions would wait it too');
    expect(t).toContain('the Python SDK (anthropic) would wait it');
  });
  it('retry-after 61 s: Python and TS < 0.79 fall back to their own backoff, TS ≥ 0.79 waits', () => {
    const t = officialSdkOnRetryAfter(61_000);
    expect(t).toContain('@anthropic-ai/sdk ≥ 0.79.0 would wait it');
    expect(t).toMatch(/older versions \(< 0\.79\.0\) would ignore it/);
    expect(t).toMatch(/Python SDK \(anthropic\) would ignore it \(it honours only 0–60 s\)/);
  });
  it('exactly 60 s is still honoured by Python', () => {
    expect(officialSdkOnRetryAfter(60_000)).toContain('the Python SDK (anthropic) would wait it');
  });
  it('Bearer to a proxy: a verdict; to api.anthropic.com or with x-api-key: none', () => {
    expect(bearerProxyNote('https://gateway.example.test/anthropic', 'bearer')).toMatch(/reads only x-api-key.*still accepts x-api-key under 2026-10-21/);
    expect(bearerProxyNote('https://api.anthropic.com', 'bearer')).toBeUndefined();
    expect(bearerProxyNote('http://127.0.0.1:8080', 'x-api-key')).toBeUndefined();
    expect(bearerProxyNote('not a url', 'bearer')).toBeUndefined();
  });
});
