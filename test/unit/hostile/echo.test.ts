/**
 * Issues #11.5 and #11.6: partial key echoes never leave, and there is one deep redaction.
 * A hostile server echoes the key without its `sk-ant-` prefix, or split in two halves across
 * the error type and the message; none of it reaches the client's events, the CLI (human and
 * --json), the log file or an export. Any run of PARTIAL_ECHO_MIN (8) characters of a known key
 * counts as an echo; the seen-secrets registry makes every key this process was given count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CIRCULAR, PARTIAL_ECHO_MIN, REDACT_MAX_DEPTH, REDACTED, TOO_DEEP, createRedactor, describeKey, redactDeep, redactSecrets, rememberSecret, seenSecrets,
} from '../../../src/core/redact';
import { runConnectionTest } from '../../../src/core/retry/client';
import type { ClientEvent } from '../../../src/core/retry/events';
import { LogStore } from '../../../src/core/log/store';
import { toCsv, toJson } from '../../../src/core/log/query';
import { httpServer, sendJson, type TestServer } from './servers';
import { bundleCli, cleanEnv, runCli, ROOT, type CliBundle } from '../cli/helpers';
import { makeEntry, tempDir } from '../log/helpers';
import { fakeKey } from '../fake-key';

const KEY = fakeKey('ECHO', 108);
/** The part of the key after its public `sk-ant-api03-` prefix. */
const BODY = KEY.replace(/^sk-ant-api03-/, '');

/** Every PARTIAL_ECHO_MIN-long piece of `key`'s body that occurs in `text`. */
function leaks(text: string, key = KEY): string[] {
  const body = key.replace(/^sk-ant-[a-z]+\d*-/, '');
  const found = new Set<string>();
  for (let i = 0; i + PARTIAL_ECHO_MIN <= body.length; i++) {
    const g = body.slice(i, i + PARTIAL_ECHO_MIN);
    if (text.includes(g)) found.add(g);
  }
  return [...found];
}

describe('partial echoes (core redactor)', () => {
  const r = createRedactor([KEY]);
  it('an echo without the sk-ant- prefix', () => {
    const out = r(`invalid x-api-key: ${BODY}`);
    expect(leaks(out)).toEqual([]);
    expect(out).toBe(`invalid x-api-key: ${REDACTED}`);
  });
  it('the key split in two halves inside one message, and each half alone', () => {
    const half = Math.floor(BODY.length / 2);
    const out = r(`first ${BODY.slice(0, half)} and then ${BODY.slice(half)}.`);
    expect(leaks(out)).toEqual([]);
    expect(out).toBe(`first ${REDACTED} and then ${REDACTED}.`);
    expect(leaks(r(BODY.slice(half)))).toEqual([]);
  });
  it(`the threshold: ${PARTIAL_ECHO_MIN} characters are redacted, ${PARTIAL_ECHO_MIN - 1} are not`, () => {
    expect(r(`[${BODY.slice(28, 28 + PARTIAL_ECHO_MIN)}]`)).toBe(`[${REDACTED}]`);
    const seven = BODY.slice(28, 28 + PARTIAL_ECHO_MIN - 1);
    expect(r(`[${seven}]`)).toBe(`[${seven}]`);
  });
  it('word-like pieces (only a-z, - and _) are left alone; such a secret is still replaced whole', () => {
    const placeholder = 'simulator-placeholder-key';
    const gateway = 'my-company-gateway-token';
    const w = createRedactor([placeholder, gateway]);
    const text = 'Test against the private simulator; your gateway redirects; company policy.';
    expect(w(text)).toBe(text);
    expect(w(`sent ${placeholder} and ${gateway}`)).toBe(`sent ${REDACTED} and ${REDACTED}`);
    // A lowercase stretch inside a real key's echo goes with the rest of the echo.
    expect(leaks(r(`echo ${BODY.slice(4, 40)}`))).toEqual([]);
  });
  it('ordinary text and the reported key shape stay readable; redaction is idempotent', () => {
    const text = 'Key sent as x-api-key: length 108, prefix "sk-ant-api". 401 Authentication failed: invalid x-api-key.';
    expect(r(text)).toBe(text);
    const unknownKey = 'corp-gateway-token-0123456789abcdefghijklmnopqrstuvwxyz';
    const d = describeKey(unknownKey);
    expect(createRedactor([unknownKey])(`prefix "${d.prefix}"`)).toBe(`prefix "${d.prefix}"`);
    const once = r(`x ${BODY} y ${KEY}`);
    expect(r(once)).toBe(once);
  });
  it('the seen-secrets registry: a key this process was given is redacted everywhere, also with no list', () => {
    const other = fakeKey('REGISTRY', 100);
    expect(redactSecrets(other.slice(30), [])).toBe(other.slice(30)); // not known yet, and unprefixed
    rememberSecret(other);
    expect(seenSecrets()).toContain(other);
    expect(leaks(redactSecrets(`echo ${other.slice(30)}`, []), other)).toEqual([]);
    // An already compiled redactor picks the new key up too.
    expect(leaks(r(other.slice(13, 60)), other)).toEqual([]);
  });
  it('a long text stays fast (1 MB with echoes in it)', () => {
    const text = ('lorem ipsum dolor sit amet, '.repeat(1000) + BODY.slice(5, 40) + '\n').repeat(36);
    const t = performance.now();
    const out = r(text);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(leaks(out)).toEqual([]);
  });
});

describe('one deep redaction', () => {
  it('is implemented once, in core; client, log, panels and CLI import it', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory()) walk(join(d, f.name));
        else if (f.name.endsWith('.ts')) files.push(join(d, f.name));
      }
    };
    walk(join(ROOT, 'src'));
    const impl = files.filter((f) => /function\s+redactDeep\b|redactDeep\s*=\s*(\(|function)/.test(readFileSync(f, 'utf8')));
    expect(impl.map((f) => f.slice(ROOT.length + 1))).toEqual(['src/core/redact.ts']);
    for (const user of ['src/core/retry/client.ts', 'src/core/log/store.ts', 'src/extension/connection/panel.ts', 'src/extension/log/controller.ts', 'src/cli/test-printer.ts']) {
      expect(readFileSync(join(ROOT, user), 'utf8')).toMatch(/import \{[^}]*\bredactDeep\b[^}]*\} from '(\.\.\/)+(core\/)?redact'/);
    }
  });
  it('redacts values and object keys, partial echoes included; other values pass', () => {
    const out = redactDeep({ [BODY]: [`x ${KEY} y`, { deep: BODY.slice(3, 30) }], n: 1, b: true, z: null }, [KEY]);
    expect(leaks(JSON.stringify(out))).toEqual([]);
    expect(out).toMatchObject({ n: 1, b: true, z: null });
  });
  it(`stops at depth ${REDACT_MAX_DEPTH} and survives cycles`, () => {
    let deep: Record<string, unknown> = { leaf: KEY };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const a: Record<string, unknown> = { name: BODY };
    a.self = a;
    a.list = [a, { back: a }];
    const out = redactDeep({ deep, a }, [KEY]) as { deep: unknown; a: { self: unknown; list: unknown[] } };
    const text = JSON.stringify(out); // a cycle left in would throw here
    expect(text).toContain(TOO_DEEP);
    expect(out.a.self).toBe(CIRCULAR);
    expect(out.a.list[0]).toBe(CIRCULAR);
    expect(leaks(text)).toEqual([]);
    let depth = 0;
    for (let v: unknown = out.deep; v && typeof v === 'object'; v = (v as { d: unknown }).d) depth++;
    expect(depth).toBe(REDACT_MAX_DEPTH - 1);
  });
  it('a shared (not cyclic) object is copied, not called circular', () => {
    const shared = { m: 'ok' };
    expect(redactDeep({ x: shared, y: [shared] }, [])).toEqual({ x: { m: 'ok' }, y: [{ m: 'ok' }] });
  });
});

// A gateway that echoes what it was sent: the key without its prefix in the message, and the
// key split in two halves across error.type and error.message (and the request-id header).
const open: TestServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
async function echoServer(): Promise<TestServer> {
  const s = await httpServer((req, res) => {
    const auth = String(req.headers['x-api-key'] ?? req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const body = auth.replace(/^sk-ant-api03-/, '');
    const half = Math.floor(body.length / 2);
    sendJson(res, 401, {
      type: 'error',
      error: { type: `authentication_error ${body.slice(0, half)}`, message: `invalid key ${body}; halves ${body.slice(0, half)} / ${body.slice(half)}` },
    }, { 'request-id': `req_${body.slice(half, half + 20)}` });
  });
  open.push(s);
  return s;
}

describe('echoing server', () => {
  it.each(['bearer', 'x-api-key'] as const)('auth %s: no part of the key in any event', async (authHeader) => {
    const s = await echoServer();
    const events: ClientEvent[] = [];
    const r = await runConnectionTest({ baseURL: s.url, apiKey: KEY, authHeader, model: 'claude-haiku-4-5', policy: { maxRetries: 0 }, onEvent: (e) => events.push(e) });
    expect(s.requests).toHaveLength(1);
    expect(r.verdict.category).toBe('authentication');
    const text = JSON.stringify(events);
    expect(text).toContain(REDACTED);
    expect(leaks(text)).toEqual([]);
  });

  it('log file and exports: no part of a remembered key', async () => {
    const other = fakeKey('LOGECHO', 108);
    rememberSecret(other);
    const body = other.slice(13);
    const t = tempDir();
    try {
      const store = new LogStore(t.dir); // no secrets passed: the registry is enough
      const entry = makeEntry({ ok: false, status: 401, errorType: body.slice(0, 40), message: `echo ${body.slice(40)}`, requestId: body.slice(30, 50) });
      await store.append(entry);
      const file = readdirSync(t.dir).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(t.dir, f), 'utf8')).join('');
      expect(file).toContain(REDACTED);
      expect(leaks(file, other)).toEqual([]);
      // Exports: the panel redacts the export text with its secrets (the registry included).
      for (const raw of [toJson([entry]), toCsv([entry])]) expect(leaks(redactSecrets(raw, []), other)).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});

describe('CLI against an echoing server', () => {
  let cli: CliBundle;
  beforeAll(async () => {
    cli = await bundleCli();
  });
  afterAll(() => cli?.dispose());

  it.each([[[] as string[]], [['--json']], [['--auth-header', 'x-api-key']], [['--json', '--auth-header', 'x-api-key']]])('test %j: no part of the key on stdout or stderr', async (extra) => {
    const s = await echoServer();
    const r = await runCli(cli, ['test', '--base-url', s.url, '--max-retries', '0', ...extra], { env: cleanEnv({ ANTHROPIC_API_KEY: KEY }) });
    expect(r.code).toBe(1);
    expect(s.requests).toHaveLength(1);
    expect(r.stdout + r.stderr).toContain(REDACTED);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
  });
});
