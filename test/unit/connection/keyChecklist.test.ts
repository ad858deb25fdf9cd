import { describe, expect, it } from 'vitest';
import { keyChecklist, isAnthropicHost, type ChecklistInput } from '../../../src/core/connection/keyChecklist';
import { describeKey } from '../../../src/core/redact';

const API = 'https://api.anthropic.com';
const GOOD = 'sk-ant-api03-' + 'Q'.repeat(80) + '-SECRETTAIL';

function run(key: string | undefined, extra: Partial<ChecklistInput> = {}) {
  const items = keyChecklist({ key: describeKey(key), source: 'secret', baseUrl: API, authHeader: 'bearer', target: 'api', ...extra });
  return { items, by: (id: string) => items.find((i) => i.id === id) };
}

describe('401 key checklist', () => {
  it('a good API key against api.anthropic.com passes every check', () => {
    const { items } = run(GOOD);
    expect(items.filter((i) => i.outcome === 'fail' || i.outcome === 'warn')).toEqual([]);
    expect(items.map((i) => i.id)).toEqual(['source', 'present', 'newline', 'whitespace', 'prefix', 'base-url', 'header-form']);
  });

  it('reports only length and prefix, never the key', () => {
    const { items, by } = run(GOOD + '\n');
    const text = JSON.stringify(items);
    expect(text).not.toContain('SECRETTAIL');
    expect(text).not.toContain('QQQQ');
    expect(by('present')!.detail).toContain(`${GOOD.length + 1} characters`);
    expect(by('present')!.detail).toContain('"sk-ant-api"');
  });

  it('an empty key fails at once', () => {
    const { items, by } = run('', { source: 'none' });
    expect(by('present')!.outcome).toBe('fail');
    expect(items.length).toBe(2);
  });

  it('flags a trailing newline and whitespace', () => {
    expect(run(GOOD + '\n').by('newline')!.outcome).toBe('fail');
    expect(run(' ' + GOOD).by('whitespace')!.outcome).toBe('fail');
    expect(run(GOOD).by('newline')!.outcome).toBe('pass');
  });

  it('an admin key cannot call Messages', () => {
    expect(run('sk-ant-admin01-' + 'x'.repeat(40)).by('prefix')!.outcome).toBe('fail');
  });

  it('a foreign key against api.anthropic.com fails the prefix check, without showing more than a quarter of it', () => {
    const key = 'or-v1-0123456789abcdef0123456789';
    const { by, items } = run(key);
    expect(by('prefix')!.outcome).toBe('fail');
    expect(JSON.stringify(items)).not.toContain(key.slice(0, 11));
  });

  it('an Anthropic key sent to a gateway is a warning, and the base URL check warns', () => {
    const { by } = run(GOOD, { baseUrl: 'https://gateway.example.com' });
    expect(by('prefix')!.outcome).toBe('warn');
    expect(by('base-url')!.outcome).toBe('warn');
    expect(by('base-url')!.detail).toContain('gateway.example.com');
  });

  it('an OAuth token must use Bearer', () => {
    const tok = 'sk-ant-oat01-' + 'z'.repeat(60);
    expect(run(tok, { authHeader: 'x-api-key' }).by('header-form')!.outcome).toBe('fail');
    expect(run(tok, { authHeader: 'bearer' }).by('header-form')!.outcome).toBe('pass');
  });

  it('the simulator target skips the base URL check', () => {
    const { by } = run(GOOD, { target: 'simulator', baseUrl: 'http://127.0.0.1:1234' });
    expect(by('base-url')).toBeUndefined();
    expect(by('prefix')!.outcome).toBe('info');
  });

  it('recognizes Anthropic hosts exactly', () => {
    expect(isAnthropicHost('https://api.anthropic.com')).toBe(true);
    expect(isAnthropicHost('https://api.anthropic.com.evil.example')).toBe(false);
    expect(isAnthropicHost('not a url')).toBe(false);
  });
});
