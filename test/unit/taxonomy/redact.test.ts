import { describe, expect, it } from 'vitest';
import { createRedactor, describeKey, REDACTED, redactSecrets, rememberSecret } from '../../../src/core/redact';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('REDACTTEST');

describe('redactSecrets', () => {
  it('replaces exact secrets and key-shaped text', () => {
    const out = redactSecrets(`Authorization: Bearer ${KEY} and other sk-ant-oat01-qwertyuiop`, [KEY]);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain('qwertyuiop');
    expect(out).toBe(`Authorization: Bearer ${REDACTED} and other ${REDACTED}`);
  });
  it('replaces secrets that are not key-shaped, and their encoded forms', () => {
    const secret = 'my custom/token+value "q"';
    const text = `a=${secret} b=${encodeURIComponent(secret)} c=${JSON.stringify(secret)}`;
    const out = redactSecrets(text, [secret]);
    expect(out).not.toContain('custom');
  });
  it('trimmed secrets (key with a trailing newline) are still caught', () => {
    const out = redactSecrets('x-api-key: my-secret-value-123', ['my-secret-value-123\n']);
    expect(out).not.toContain('my-secret-value-123');
  });
  it('is idempotent and leaves ordinary text alone', () => {
    const once = redactSecrets(`key ${KEY}`, [KEY]);
    expect(redactSecrets(once, [KEY])).toBe(once);
    expect(redactSecrets('a plain sentence about sk-ant-api prefixes', [])).toBe('a plain sentence about sk-ant-api prefixes');
    expect(redactSecrets('', [KEY])).toBe('');
  });
  it('ignores tiny and non-string secrets instead of shredding text', () => {
    expect(redactSecrets('abc abc', ['a', '', undefined as unknown as string])).toBe('abc abc');
  });
  it('regex metacharacters in secrets are literal', () => {
    expect(redactSecrets('x (a+b)*c[0] y', ['(a+b)*c[0]'])).toBe(`x ${REDACTED} y`);
  });
});

describe('describeKey', () => {
  it('describes a normal API key without revealing it', () => {
    const d = describeKey(KEY);
    expect(d).toEqual({ present: true, length: KEY.length, prefix: 'sk-ant-api', hasWhitespace: false, hasNewline: false, kind: 'api' });
  });
  it('flags whitespace and newlines', () => {
    expect(describeKey(`${KEY}\n`)).toMatchObject({ hasNewline: true, hasWhitespace: true, length: KEY.length + 1, prefix: 'sk-ant-api' });
    expect(describeKey(` ${KEY}`)).toMatchObject({ hasNewline: false, hasWhitespace: true, prefix: 'sk-ant-api' });
  });
  it('kinds', () => {
    expect(describeKey('sk-ant-admin01-xxxxxxxxxxxx').kind).toBe('admin');
    expect(describeKey('sk-ant-oat01-xxxxxxxxxxxxxx').kind).toBe('oauth');
    expect(describeKey('sk-proj-abcdefghijklmnop').kind).toBe('unknown');
  });
  it('empty and missing', () => {
    expect(describeKey(undefined)).toMatchObject({ present: false, length: 0, prefix: '' });
    expect(describeKey('')).toMatchObject({ present: false, length: 0 });
    expect(describeKey('   ')).toMatchObject({ present: false, length: 3, hasWhitespace: true });
  });
  it('prefix never exceeds 10 chars nor a quarter of an odd key', () => {
    for (const k of ['abcdefgh', 'x'.repeat(200), 'short', 'sk-ant-api03-xyz']) {
      const d = describeKey(k);
      expect(d.prefix.length).toBeLessThanOrEqual(10);
      if (d.kind === 'unknown') expect(d.prefix.length).toBeLessThanOrEqual(Math.floor(k.length / 4) || 7);
    }
    expect(describeKey('abcdefgh').prefix).toBe('ab');
  });
});

describe('createRedactor: its memo of short strings', () => {
  it('answers a repeated string the same, and forgets on a new remembered secret', () => {
    const secret = `Zq${'memo'}Secret${Date.now().toString(36)}X9`;
    const text = `token=${secret}`;
    const r = createRedactor([]);
    expect(r(text)).toBe(text); // not a secret yet: passes, and is memoized
    expect(r(text)).toBe(text);
    rememberSecret(secret);
    expect(r(text)).toBe(`token=${REDACTED}`);
    expect(r(text)).toBe(`token=${REDACTED}`);
  });
  it('long strings and many distinct ones still redact', () => {
    const r = createRedactor([KEY]);
    for (let i = 0; i < 1200; i++) expect(r(`${i} ${KEY}`)).toBe(`${i} ${REDACTED}`);
    const long = `${'x'.repeat(300)} ${KEY}`;
    expect(r(long)).toBe(`${'x'.repeat(300)} ${REDACTED}`);
    expect(r(long)).toBe(`${'x'.repeat(300)} ${REDACTED}`);
  });
});
