// The generated Python helper: valid syntax in every style, and its decisions executed by python3
// against fake exceptions shaped like the `anthropic` package's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RETRY_HELPER_DEFAULTS, retryHelperSource, type TemplateStyle } from '../../../src/core/analyzer/templates';

const harness = readFileSync(join(__dirname, 'py_harness.py'), 'utf8');

function python(args: string[], input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('python3', args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Run { value: string | null; attempts: number; delays: number[]; sleeps: number[]; raised: string | null; elapsed: number }

const styles: TemplateStyle[] = [
  { indent: '    ', quote: "'" },
  { indent: '  ', quote: '"' },
  { indent: '\t', quote: '"' },
];

describe('generated Python helper', () => {
  it.each(styles)('parses with ast.parse (indent %j)', (style) => {
    const { code } = retryHelperSource('python', style);
    const r = python(['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], code);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  describe.each(styles)('executed (style %j)', (style) => {
    let out: Record<string, any>;
    beforeAll(() => {
      const { code } = retryHelperSource('python', style);
      const r = python(['-'], `${code}\n\n${harness}`);
      if (r.status !== 0) throw new Error(r.stderr);
      out = JSON.parse(r.stdout);
    });

    it('retries overloaded and 5xx, then succeeds', () => {
      const r: Run = out.overloaded_then_ok;
      expect(r).toMatchObject({ value: 'ok', attempts: 3, raised: null });
      for (const [status, x] of Object.entries(out.retryable_each as Record<string, Run>)) {
        expect(x.value, status).toBe('ok');
        expect(x.attempts, status).toBe(2);
      }
    });

    it('never retries 4xx (other than 408/409/429), the spend cap or a bug', () => {
      for (const [status, x] of Object.entries(out.not_retryable_each as Record<string, Run>)) {
        expect(x.attempts, status).toBe(1);
        expect(x.raised, status).toBe('APIStatusError:0');
      }
      expect(out.spend_cap).toMatchObject({ attempts: 1, raised: 'RateLimitError:0', sleeps: [] });
      expect(out.spend_cap_full_body).toMatchObject({ attempts: 1, raised: 'RateLimitError:0' });
      expect(out.value_error).toMatchObject({ attempts: 1, raised: 'ValueError:0' });
      expect(out.mid_stream_invalid).toMatchObject({ attempts: 1 });
    });

    it('obeys x-should-retry (any header case)', () => {
      expect(out.should_retry_false).toMatchObject({ attempts: 1, raised: 'InternalServerError:0' });
      expect(out.should_retry_true).toMatchObject({ attempts: 2, value: 'ok' });
    });

    it('retries connection errors, timeouts and mid-stream overloads', () => {
      expect(out.connection).toMatchObject({ attempts: 5, value: 'ok' });
      expect(out.mid_stream_overloaded).toMatchObject({ attempts: 2, value: 'ok' });
    });

    it('caps attempts', () => {
      expect(out.max_attempts).toMatchObject({ attempts: 3, raised: 'OverloadedError:0' });
      expect(out.default_attempts.attempts).toBe(RETRY_HELPER_DEFAULTS.maxAttempts);
    });

    it('honours retry-after / retry-after-ms, gives up when too long', () => {
      const s = out.retry_after_s.sleeps[0];
      expect(s).toBeGreaterThanOrEqual(7);
      expect(s).toBeLessThanOrEqual(7.5);
      const pd = out.retry_after_plain_dict.sleeps[0];
      expect(pd).toBeGreaterThanOrEqual(3);
      expect(pd).toBeLessThanOrEqual(3.3);
      const ms = out.retry_after_ms.sleeps[0];
      expect(ms).toBeGreaterThanOrEqual(1.5);
      expect(ms).toBeLessThanOrEqual(1.5 + 0.15);
      const d = out.retry_after_date.sleeps[0];
      expect(d).toBeGreaterThan(18);
      expect(d).toBeLessThan(21.5);
      expect(out.retry_after_zero.sleeps[0]).toBeLessThanOrEqual(0.5);
      expect(out.retry_after_garbage.sleeps[0]).toBeLessThanOrEqual(0.5);
      expect(out.retry_after_too_long).toMatchObject({ attempts: 1, sleeps: [], raised: 'RateLimitError:0' });
      expect(out.retry_after_past_deadline).toMatchObject({ attempts: 1, sleeps: [] });
      expect(out.real_wait.value).toBe('ok');
      expect(out.real_wait.elapsed).toBeGreaterThanOrEqual(0.12);
    });

    it('full jitter: delays uniform over [0, min(cap, base * 2^(n-1))]', () => {
      const bounds = [1, 2, 3, 3];
      (out.jitter as number[][]).forEach((samples, k) => {
        expect(samples).toHaveLength(300);
        for (const v of samples) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(bounds[k]);
        }
        expect(Math.min(...samples)).toBeLessThan(bounds[k] * 0.25);
        expect(Math.max(...samples)).toBeGreaterThan(bounds[k] * 0.75);
        const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
        expect(mean).toBeGreaterThan(bounds[k] * 0.4);
        expect(mean).toBeLessThan(bounds[k] * 0.6);
      });
    });

    it('the async variant retries and refuses the spend cap', () => {
      expect(out.async).toMatchObject({ value: 'ok', attempts: 3, spend_cap_attempts: 1, spend_cap_raised: 'RateLimitError' });
      expect(out.async.sleeps).toHaveLength(2);
    });
  });
});
