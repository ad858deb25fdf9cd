import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders, parseUnified } from '../../../src/core/retry/headers';

describe('anthropic-ratelimit-unified-* (subscription/OAuth traffic, resets in epoch seconds)', () => {
  it('parses status, reset and per-window utilization/reset/status', () => {
    const h = new Headers({
      'anthropic-ratelimit-unified-status': 'allowed_warning',
      'anthropic-ratelimit-unified-reset': '1790134200',
      'anthropic-ratelimit-unified-5h-utilization': '0.42',
      'anthropic-ratelimit-unified-5h-reset': '1790134200',
      'anthropic-ratelimit-unified-7d-utilization': '0.17',
      'anthropic-ratelimit-unified-7d-status': 'allowed',
    });
    const info = parseRateLimitHeaders(h)!;
    expect(info.unified).toEqual({
      status: 'allowed_warning',
      reset: new Date(1790134200 * 1000).toISOString(),
      windows: [
        { window: '5h', utilization: 0.42, reset: new Date(1790134200 * 1000).toISOString() },
        { window: '7d', utilization: 0.17, status: 'allowed' },
      ],
    });
    expect(info.requests).toBeUndefined();
  });

  it('sits beside the classic headers and drops hostile values', () => {
    const info = parseRateLimitHeaders({
      'anthropic-ratelimit-requests-remaining': '5',
      'anthropic-ratelimit-unified-status': '\u001b]0;pwned\u0007',
      'anthropic-ratelimit-unified-reset': 'tomorrow',
      'anthropic-ratelimit-unified-5h-utilization': 'lots',
    })!;
    expect(info.requests).toEqual({ remaining: 5 });
    expect(info.unified).toBeUndefined();
  });

  it('keeps at most 8 windows', () => {
    const rec: Record<string, string> = {};
    for (let i = 0; i < 50; i++) rec[`anthropic-ratelimit-unified-w${i}-utilization`] = '0.5';
    expect(parseUnified(rec)!.windows).toHaveLength(8);
    expect(parseUnified({})).toBeUndefined();
  });
});
