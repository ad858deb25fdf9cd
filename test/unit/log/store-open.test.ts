/** Opening log files for reading (shared by entries(), tail() and LogReader): a file gone since listing is passed over; other failures are clear LogStoreErrors. */
import { promises as fsp, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogStore, LogStoreError } from '../../../src/core/log/store';
import { makeEntry, tempDir } from './helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  while (cleanups.length) cleanups.pop()!();
});

/** A store with two files: errors.1.jsonl holds 'old', errors.jsonl holds 'new'. */
async function twoFiles(): Promise<{ store: LogStore; rotated: string }> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  writeFileSync(join(t.dir, 'errors.1.jsonl'), `${JSON.stringify(makeEntry({ message: 'old' }))}\n`);
  writeFileSync(join(t.dir, 'errors.jsonl'), `${JSON.stringify(makeEntry({ message: 'new' }))}\n`);
  const store = new LogStore(t.dir);
  const files = await store.listFiles();
  expect(files.map((f) => f.index)).toEqual([1, 0]);
  return { store, rotated: files[0]!.path };
}

/** Makes fsp.open(path, 'r') fail with `code` for that one path. */
function failOpen(path: string, code: string): void {
  const real = fsp.open.bind(fsp);
  vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    if (args[0] === path && args[1] === 'r') throw Object.assign(new Error(`${code}: mocked`), { code });
    return real(...args);
  });
}

async function all(store: LogStore): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for await (const e of store.entries()) out.push(e.message);
  return out;
}

describe('LogStore: opening files to read', () => {
  it('a file rotated away after listing (ENOENT) is passed over by entries(), tail() and readNew()', async () => {
    const { store, rotated } = await twoFiles();
    expect(await all(store)).toEqual(['old', 'new']);
    failOpen(rotated, 'ENOENT');
    expect(await all(store)).toEqual(['new']);
    expect((await store.tail()).map((e) => e.message)).toEqual(['new']);
    expect((await store.createReader().readNew()).entries.map((e) => e.message)).toEqual(['new']);
  });

  it('any other failure is a LogStoreError naming the file, from each of the three readers', async () => {
    const { store, rotated } = await twoFiles();
    failOpen(rotated, 'EACCES');
    const errs = [
      await all(store).then(() => null, (x: unknown) => x),
      await store.tail().then(() => null, (x: unknown) => x),
      await store.createReader().readNew().then(() => null, (x: unknown) => x),
    ];
    for (const err of errs) {
      expect(err).toBeInstanceOf(LogStoreError);
      const le = err as LogStoreError;
      expect(le.code).toBe('EACCES');
      expect(le.path).toBe(rotated);
      expect(le.pending).toBe(0);
      expect(le.message).toContain(rotated);
    }
  });
});
