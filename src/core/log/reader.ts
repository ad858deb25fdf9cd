import type { LogEntry } from './types';
import { HEAD_BYTES, fileKey, openForRead, parseLine, readHead, scanLines } from './files';
import type { LogStore, ReadResult } from './store';

/**
 * Incremental reader: each `readNew()` returns only entries it has not returned before.
 * Tracks a byte offset per file identity (dev:ino, plus the file's first bytes to notice a
 * recycled inode), so rotations by any process are followed without re-reading old bytes.
 */
export class LogReader {
  private cursors = new Map<string, { offset: number; head: string }>();
  private seen = new Set<string>();
  private generation: number;

  constructor(private readonly store: LogStore) {
    this.generation = store.generation;
  }

  /** Forget everything: the next `readNew()` reads all files from the start. */
  reset(): void {
    this.cursors.clear();
    this.seen.clear();
    this.generation = this.store.generation;
  }

  async readNew(): Promise<ReadResult> {
    if (this.generation !== this.store.generation) this.reset();
    const entries: LogEntry[] = [];
    let skipped = 0;
    const live = new Set<string>();
    for (const f of await this.store.listFiles()) {
      const fh = await openForRead(f.path, 0);
      if (!fh) continue;
      try {
        const st = await fh.stat();
        const key = fileKey(st);
        live.add(key);
        const cur = this.cursors.get(key);
        let start = 0;
        if (cur && cur.offset <= st.size) {
          const head = await readHead(fh, Math.min(st.size, cur.head.length));
          if (head === cur.head) start = cur.offset;
        }
        if (start === st.size && cur) continue;
        const done = { consumed: start };
        for await (const lines of scanLines(fh, start, st.size, done)) {
          for (const line of lines) {
            if (!line.trim()) continue;
            const e = parseLine(line);
            if (!e) {
              skipped++;
              continue;
            }
            if (this.seen.has(e.id)) continue;
            this.seen.add(e.id);
            entries.push(e);
          }
        }
        if (f.index > 0 && done.consumed < st.size) {
          // A rotated file no longer grows: an unterminated tail is a torn line.
          skipped++;
          done.consumed = st.size;
        }
        this.cursors.set(key, { offset: done.consumed, head: await readHead(fh, Math.min(HEAD_BYTES, done.consumed)) });
      } finally {
        await fh.close();
      }
    }
    for (const k of this.cursors.keys()) if (!live.has(k)) this.cursors.delete(k);
    return { entries, skipped };
  }
}
