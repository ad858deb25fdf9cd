import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SETTING_KEYS, validateSettings, normalizeBaseUrl, displayUrl, readSettings, profileChoices } from '../../../src/core/connection/settings';
import { clientOptions, REQUEST_PROFILE } from '../../../src/core/connection/profile';
import { DEFAULT_POLICY, resolvePolicy } from '../../../src/core/retry/policy';

describe('settings validation', () => {
  it('returns the defaults for an empty configuration, without warnings', () => {
    const { settings, warnings } = validateSettings({});
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(warnings).toEqual([]);
  });

  it('keeps good values', () => {
    const raw = {
      target: 'simulator', baseUrl: 'https://gateway.example.com/anthropic', model: 'claude-opus-4-8', maxRetries: 2,
      baseDelayMs: 100, maxDelayMs: 2000, jitter: 'decorrelated', maxRetryAfterMs: 5000, timeoutMs: 1500, stream: true,
      fallbackModel: 'claude-haiku-4-5', retryBudget: true, authHeader: 'x-api-key', statusPage: false,
    };
    const { settings, warnings } = validateSettings(raw);
    expect(warnings).toEqual([]);
    expect(settings).toEqual(raw);
  });

  it.each([
    ['maxRetries', -1, DEFAULT_SETTINGS.maxRetries, /below the minimum/],
    ['maxRetries', 'lots', DEFAULT_SETTINGS.maxRetries, /not a number/],
    ['maxRetries', 2.7, 2, /whole number/],
    ['maxRetries', 1000, 20, /above the maximum/],
    ['baseDelayMs', -5, DEFAULT_SETTINGS.baseDelayMs, /below the minimum/],
    ['baseDelayMs', Number.NaN, DEFAULT_SETTINGS.baseDelayMs, /not a finite number/],
    ['timeoutMs', 0, DEFAULT_SETTINGS.timeoutMs, /below the minimum/],
    ['timeoutMs', Infinity, DEFAULT_SETTINGS.timeoutMs, /not a finite number/],
    ['timeoutMs', {}, DEFAULT_SETTINGS.timeoutMs, /not a number/],
    ['maxRetryAfterMs', '2500', 2500, null],
    ['jitter', 'exponential', DEFAULT_SETTINGS.jitter, /not one of/],
    ['jitter', 'FULL', 'full', null],
    ['target', 42, DEFAULT_SETTINGS.target, /not one of/],
    ['authHeader', 'Authorization', DEFAULT_SETTINGS.authHeader, /not one of/],
    ['stream', 'yes', DEFAULT_SETTINGS.stream, /not true or false/],
    ['statusPage', 'false', false, null],
    ['model', '', DEFAULT_SETTINGS.model, /empty/],
    ['model', 'claude haiku', DEFAULT_SETTINGS.model, /whitespace/],
    ['model', 7, DEFAULT_SETTINGS.model, /not a string/],
  ] as const)('%s = %j → %j', (key, value, expected, warning) => {
    const { settings, warnings } = validateSettings({ [key]: value });
    expect(settings[key]).toEqual(expected);
    if (warning) {
      expect(warnings.length).toBe(1);
      expect(warnings[0]).toMatch(warning);
      expect(warnings[0]).toContain(`claudeDoctor.${key}`);
    } else {
      expect(warnings).toEqual([]);
    }
  });

  it('trims a model id and warns about retired and unknown ids but keeps them', () => {
    expect(validateSettings({ model: ' claude-opus-4-8 ' }).settings.model).toBe('claude-opus-4-8');
    const retired = validateSettings({ model: 'claude-3-5-sonnet-latest' });
    expect(retired.settings.model).toBe('claude-3-5-sonnet-latest');
    expect(retired.warnings.join()).toMatch(/retired.*claude-sonnet-5-5/);
    const unknown = validateSettings({ model: 'claude-sonnet-4.5' });
    expect(unknown.warnings.join()).toMatch(/not a known Claude model id/);
  });

  it('raises maxDelayMs to baseDelayMs when it is lower', () => {
    const { settings, warnings } = validateSettings({ baseDelayMs: 3000, maxDelayMs: 1000 });
    expect(settings.maxDelayMs).toBe(3000);
    expect(warnings.join()).toMatch(/below baseDelayMs/);
  });

  it('drops a fallback model equal to the model', () => {
    const { settings, warnings } = validateSettings({ model: 'claude-opus-4-8', fallbackModel: 'claude-opus-4-8' });
    expect(settings.fallbackModel).toBe('');
    expect(warnings.join()).toMatch(/same as/);
  });

  it('empty fallback model means none, silently', () => {
    expect(validateSettings({ fallbackModel: '' })).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
  });
});

describe('base URL normalization', () => {
  const norm = (v: unknown) => { const w: string[] = []; return { url: normalizeBaseUrl(v, w), w }; };
  it('strips a trailing slash and /v1', () => {
    expect(norm('https://api.anthropic.com/').url).toBe('https://api.anthropic.com');
    const v1 = norm('https://api.anthropic.com/v1/');
    expect(v1.url).toBe('https://api.anthropic.com');
    expect(v1.w.join()).toMatch(/\/v1/);
  });
  it('removes credentials and never echoes them', () => {
    const r = norm('https://user:hunter2secret@gw.example.com/x');
    expect(r.url).toBe('https://gw.example.com/x');
    expect(r.w.join()).not.toContain('hunter2secret');
  });
  it('rejects other protocols and garbage, without echoing credentials', () => {
    expect(norm('ftp://example.com').url).toBe(DEFAULT_SETTINGS.baseUrl);
    const g = norm('not a url with pw:topsecret@');
    expect(g.url).toBe(DEFAULT_SETTINGS.baseUrl);
    expect(g.w.length).toBe(1);
    const bad = norm('http//user:topsecret@host');
    expect(bad.w.join()).not.toContain('topsecret');
  });
  it('keeps an http loopback URL with a port', () => {
    expect(norm('http://127.0.0.1:8080').url).toBe('http://127.0.0.1:8080');
  });
  it('displayUrl strips credentials and query', () => {
    expect(displayUrl('https://a:b@h.example.com/p?key=sk-ant-api03-xyz#f')).toBe('https://h.example.com/p');
  });
});

describe('settings contribution in package.json', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const configs = ([] as { properties?: Record<string, { default?: unknown; description?: string; markdownDescription?: string; enum?: unknown[] }> }[])
    .concat(pkg.contributes?.configuration ?? []);
  const props: Record<string, { default?: unknown; description?: string; markdownDescription?: string; enum?: unknown[] }> = Object.assign({}, ...configs.map((c) => c.properties ?? {}));

  it.each(SETTING_KEYS)('claudeDoctor.%s is contributed with the same default and a description', (key) => {
    const p = props[`claudeDoctor.${key}`];
    expect(p, `claudeDoctor.${key} missing`).toBeDefined();
    expect(p!.default).toEqual(DEFAULT_SETTINGS[key]);
    expect((p!.description ?? p!.markdownDescription ?? '').length).toBeGreaterThan(10);
  });

  it('the retry defaults equal the client DEFAULT_POLICY', () => {
    expect(DEFAULT_SETTINGS.maxRetries).toBe(DEFAULT_POLICY.maxRetries);
    expect(DEFAULT_SETTINGS.baseDelayMs).toBe(DEFAULT_POLICY.baseDelayMs);
    expect(DEFAULT_SETTINGS.maxDelayMs).toBe(DEFAULT_POLICY.maxDelayMs);
    expect(DEFAULT_SETTINGS.jitter).toBe(DEFAULT_POLICY.jitter);
    expect(DEFAULT_SETTINGS.maxRetryAfterMs).toBe(DEFAULT_POLICY.maxRetryAfterMs);
  });

  it('every validation fallback survives a JSON round trip of odd values', () => {
    const odd = Object.fromEntries(SETTING_KEYS.map((k) => [k, { nested: [1, 2] }]));
    const { settings, warnings } = validateSettings(JSON.parse(JSON.stringify(odd)));
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(warnings.length).toBe(SETTING_KEYS.length);
  });
});

describe('settings → client options (read and validated once)', () => {
  it('readSettings asks the getter for every setting once, puts overrides on top, validates the whole', () => {
    const asked: string[] = [];
    const stored: Record<string, unknown> = { maxRetries: 2, jitter: 'NONE', timeoutMs: -5, baseUrl: 'https://gw.example/v1/' };
    const { settings, warnings } = readSettings((k) => { asked.push(k); return stored[k]; }, { maxRetries: '7' });
    expect(asked.sort()).toEqual([...SETTING_KEYS].sort());
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, maxRetries: 7, jitter: 'none', baseUrl: 'https://gw.example' });
    expect(warnings).toEqual([
      'claudeDoctor.baseUrl: removed a trailing /v1 (the client adds /v1/messages itself).',
      'claudeDoctor.timeoutMs: -5 is below the minimum 100; using the default 30000.',
    ]);
  });

  it('the defaults make exactly the request profile', () => {
    expect(clientOptions(profileChoices(DEFAULT_SETTINGS))).toEqual(clientOptions());
    expect(clientOptions(profileChoices(DEFAULT_SETTINGS)).timeoutMs).toBe(REQUEST_PROFILE.attemptTimeoutMs);
  });

  it('settings set the policy, model, stream and timeout; a run\'s own choices win', () => {
    const settings = { ...DEFAULT_SETTINGS, maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20, jitter: 'equal' as const, maxRetryAfterMs: 5, timeoutMs: 900, model: 'claude-opus-4-8', stream: true, fallbackModel: 'claude-haiku-4-5' };
    expect(profileChoices(settings)).toEqual({
      model: 'claude-opus-4-8', stream: true, timeoutMs: 900,
      policy: { maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20, jitter: 'equal', maxRetryAfterMs: 5, fallbackModel: 'claude-haiku-4-5' },
    });
    const o = clientOptions(profileChoices(settings, { model: 'm2', stream: false, prompt: 'hi', maxTokens: 4, scenario: 'stream-cut' }));
    expect(o).toMatchObject({ model: 'm2', stream: true, streamForcedBy: 'stream-cut', prompt: 'hi', maxTokens: 4, timeoutMs: 900 });
    expect(o.policy).toEqual(resolvePolicy({ ...DEFAULT_POLICY, maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20, jitter: 'equal', maxRetryAfterMs: 5, fallbackModel: 'claude-haiku-4-5' }));
    // No fallback model: the key is absent, not an empty string.
    expect('fallbackModel' in profileChoices(DEFAULT_SETTINGS).policy!).toBe(false);
  });
});
