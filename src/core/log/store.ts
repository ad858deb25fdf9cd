/**
 * The persisted error log: append-only JSON Lines in one folder, bounded by rotation.
 *
 * - One entry = one line = one `appendFile` on a handle opened with O_APPEND, so writers in
 *   several processes (VS Code windows) interleave whole lines and never corrupt each other.
 * - A torn last line (a crash mid-write) is skipped on read, and the next append starts on a
 *   fresh line so the torn bytes are never glued to a good entry.
 * - Rotation (`errors.jsonl` → `errors.1.jsonl` → … → `errors.N.jsonl`) runs under a lock file
 *   created with O_EXCL; a lock left by a dead process (or older than `staleLockMs`) is broken.
 *   Appends never wait for the lock: a writer that loses the race appends to whichever file
 *   is active, and a handle opened before a rename still writes into the (renamed) file, so
 *   nothing is lost.
 * - Reading streams the files in chunks; `LogReader` reads incrementally (only bytes it has
 *   not consumed yet, per file identity), which is how the panel follows other windows.
 * - Every string of every entry goes through `redactSecrets` before it touches the disk.
 *
 * Parts: files.ts (errors, shape check, chunked line reading), lock.ts (the lock file),
 * reader.ts (`LogReader`). No `vscode` import: the CLI and the unit tests use this directly.
 */
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { LogEntry } from './types';
import { redactDeep } from '../redact';
import { sanitizeUrl } from './redact';
import { LogStoreError, describeFsError, errCode, openForRead, parseLine, scanLines } from './files';
import { tryLockFile } from './lock';
import { LogReader } from './reader';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;
export const DEFAULT_STALE_LOCK_MS = 10_000;
export const DEFAULT_MAX_PENDING = 5_000;

export interface LogStoreOptions {
  /** Size cap of the active file; when an append would cross it, the file rotates. */
  maxFileBytes?: number;
  /** Rotated files kept besides the active one (≥ 1). */
  maxFiles?: number;
  /** A lock older than this is considered abandoned. */
  staleLockMs?: number;
  /** Secrets to redact (read at each append, so a key set later is covered). */
  secrets?: () => readonly string[];
  /** Entries kept in memory while the disk refuses writes. */
  maxPending?: number;
  /** File stem: `<baseName>.jsonl`, `<baseName>.1.jsonl`… Default `errors`. */
  baseName?: string;
}

export interface ReadResult {
  entries: LogEntry[];
  /** Lines that were not valid entries (torn, garbage, foreign schema). */
  skipped: number;
}

export interface StoreFileInfo {
  path: string;
  /** 0 for the active file, n for `<base>.n.jsonl`. */
  index: number;
  size: number;
}

export { LogStoreError, describeFsError, isLogEntry } from './files';
export { LogReader } from './reader';

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LogStore {
  readonly dir: string;
  readonly activePath: string;
  readonly lockPath: string;
  private readonly base: string;
  private maxFileBytes: number;
  private maxFiles: number;
  private staleLockMs: number;
  private maxPending: number;
  private readonly secrets: () => readonly string[];
  private chain: Promise<unknown> = Promise.resolve();
  private pendingLines: string[] = [];
  private pendingList: LogEntry[] = [];
  /** Entries dropped because the in-memory queue overflowed while the disk refused writes. */
  dropped = 0;
  /** Bumped by `clear()`, so readers in this process restart. */
  generation = 0;
  private readonly appendListeners = new Set<(e: LogEntry) => void>();

  constructor(dir: string, opts: LogStoreOptions = {}) {
    this.dir = dir;
    this.base = opts.baseName ?? 'errors';
    this.activePath = path.join(dir, `${this.base}.jsonl`);
    this.lockPath = path.join(dir, `${this.base}.lock`);
    this.maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    this.maxFiles = DEFAULT_MAX_FILES;
    this.staleLockMs = DEFAULT_STALE_LOCK_MS;
    this.maxPending = DEFAULT_MAX_PENDING;
    this.secrets = opts.secrets ?? (() => []);
    this.configure(opts);
  }

  /** Changes the bounds (e.g. when settings change); takes effect at the next append. */
  configure(opts: Pick<LogStoreOptions, 'maxFileBytes' | 'maxFiles' | 'staleLockMs' | 'maxPending'>): void {
    const int = (v: unknown, min: number, max: number, dflt: number) =>
      typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : dflt;
    this.maxFileBytes = int(opts.maxFileBytes, 1024, 1 << 30, this.maxFileBytes);
    this.maxFiles = int(opts.maxFiles, 1, 100, this.maxFiles);
    this.staleLockMs = int(opts.staleLockMs, 10, 3_600_000, this.staleLockMs);
    this.maxPending = int(opts.maxPending, 1, 1_000_000, this.maxPending);
  }

  get limits(): { maxFileBytes: number; maxFiles: number; staleLockMs: number } {
    return { maxFileBytes: this.maxFileBytes, maxFiles: this.maxFiles, staleLockMs: this.staleLockMs };
  }

  rotatedPath(i: number): string {
    return path.join(this.dir, `${this.base}.${i}.jsonl`);
  }

  /** Entries accepted but not yet on disk (the disk refused them). */
  pending(): LogEntry[] {
    return [...this.pendingList];
  }

  /** Called after each entry is durably appended by this process. */
  onDidAppend(fn: (e: LogEntry) => void): { dispose(): void } {
    this.appendListeners.add(fn);
    return { dispose: () => this.appendListeners.delete(fn) };
  }

  /** The entry exactly as it will be stored: every string redacted, URL credentials dropped. */
  sanitize(entry: LogEntry): LogEntry {
    const secrets = this.secrets();
    const e = redactDeep(entry, secrets);
    if (typeof entry.baseUrl === 'string') e.baseUrl = sanitizeUrl(entry.baseUrl, secrets);
    return e;
  }

  /**
   * Appends one entry. Resolves once it is on disk. On failure rejects with a `LogStoreError`
   * and keeps the entry in memory; it is written with the next successful append.
   */
  append(entry: LogEntry): Promise<void> {
    let clean: LogEntry;
    let line: string;
    try {
      clean = this.sanitize(entry);
      line = JSON.stringify(clean) + '\n';
    } catch (err) {
      return Promise.reject(new LogStoreError(`Cannot log this entry: it is not plain JSON data (${err instanceof Error ? err.message : String(err)}).`,
        'EINVALID', this.activePath, this.pendingLines.length, { cause: err }));
    }
    return this.serialize(async () => {
      this.pendingLines.push(line);
      this.pendingList.push(clean);
      while (this.pendingLines.length > this.maxPending) {
        this.pendingLines.shift();
        this.pendingList.shift();
        this.dropped++;
      }
      await this.flushPending();
    });
  }

  /** Retries writing entries held in memory. */
  flush(): Promise<void> {
    return this.serialize(() => this.flushPending());
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async flushPending(): Promise<void> {
    if (this.pendingLines.length === 0) return;
    try {
      await this.writeData(this.pendingLines.join(''));
    } catch (err) {
      const n = this.pendingLines.length;
      throw new LogStoreError(
        `${describeFsError(err, 'write the error log', this.activePath)} ${n} ${n === 1 ? 'entry is' : 'entries are'} kept in memory and will be written once this is fixed.`,
        errCode(err), this.activePath, n, { cause: err });
    }
    const written = this.pendingList;
    this.pendingLines = [];
    this.pendingList = [];
    for (const e of written) for (const fn of this.appendListeners) {
      try { fn(e); } catch { /* a listener's bug must not fail the append */ }
    }
  }

  private async writeData(data: string): Promise<void> {
    const bytes = Buffer.byteLength(data);
    await fsp.mkdir(this.dir, { recursive: true });
    for (let round = 0; round < 2; round++) {
      const fh = await fsp.open(this.activePath, 'a+');
      let rotate = false;
      try {
        const st = await fh.stat();
        if (round === 0 && st.size > 0 && st.size + bytes > this.maxFileBytes) {
          rotate = true;
        } else {
          let prefix = '';
          if (st.size > 0) {
            const last = Buffer.alloc(1);
            await fh.read(last, 0, 1, st.size - 1);
            if (last[0] !== 0x0a) prefix = '\n'; // a torn line: never glue to it
          }
          await fh.appendFile(prefix + data, 'utf8');
          return;
        }
      } finally {
        await fh.close();
      }
      if (rotate) await this.rotate(bytes);
    }
  }

  /**
   * Rotates if the active file would cross the cap with `incoming` more bytes. Returns false
   * when another process holds the lock (it is rotating) or rotation is no longer needed.
   */
  async rotate(incoming = 0): Promise<boolean> {
    const release = await this.tryLock();
    if (!release) return false;
    try {
      let st: Stats;
      try {
        st = await fsp.stat(this.activePath);
      } catch (e) {
        if (errCode(e) === 'ENOENT') return false;
        throw e;
      }
      if (st.size === 0 || st.size + incoming <= this.maxFileBytes) return false; // someone rotated already
      for (const f of await this.listFiles()) {
        if (f.index >= this.maxFiles) await fsp.rm(f.path, { force: true });
      }
      for (let i = this.maxFiles - 1; i >= 1; i--) {
        try {
          await fsp.rename(this.rotatedPath(i), this.rotatedPath(i + 1));
        } catch (e) {
          if (errCode(e) !== 'ENOENT') throw e;
        }
      }
      await fsp.rename(this.activePath, this.rotatedPath(1));
      return true;
    } finally {
      await release();
    }
  }

  /** Takes the lock file or returns null when a live holder has it. Breaks stale locks. */
  tryLock(): Promise<(() => Promise<void>) | null> {
    return tryLockFile(this.lockPath, this.staleLockMs);
  }

  /** Waits (polling) up to `timeoutMs` for the lock. */
  async lock(timeoutMs = 3000): Promise<() => Promise<void>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const release = await this.tryLock();
      if (release) return release;
      if (Date.now() > deadline) {
        throw new LogStoreError(`The error log at ${this.dir} is locked by another window; try again in a moment.`,
          'ELOCKED', this.lockPath, this.pendingLines.length);
      }
      await delay(20 + Math.random() * 30);
    }
  }

  /** Existing log files, oldest first (highest rotation index first, the active file last). */
  async listFiles(): Promise<StoreFileInfo[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return [];
      throw new LogStoreError(describeFsError(e, 'read the error log folder', this.dir), errCode(e), this.dir, this.pendingLines.length, { cause: e });
    }
    const re = new RegExp(`^${this.base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.(\\d+))?\\.jsonl$`);
    const out: StoreFileInfo[] = [];
    for (const name of names) {
      const m = re.exec(name);
      if (!m) continue;
      const p = path.join(this.dir, name);
      try {
        const st = await fsp.stat(p);
        if (st.isFile()) out.push({ path: p, index: m[1] ? Number(m[1]) : 0, size: st.size });
      } catch {
        /* rotated away meanwhile */
      }
    }
    out.sort((a, b) => (a.index === 0 ? 1 : b.index === 0 ? -1 : b.index - a.index));
    return out;
  }

  /** Streams every valid entry, oldest file first. */
  async *entries(counters?: { skipped: number }): AsyncGenerator<LogEntry> {
    for (const f of await this.listFiles()) {
      const fh = await openForRead(f.path, this.pendingLines.length);
      if (!fh) continue;
      try {
        const st = await fh.stat();
        const done = { consumed: 0 };
        for await (const lines of scanLines(fh, 0, st.size, done)) {
          for (const line of lines) {
            if (!line.trim()) continue;
            const e = parseLine(line);
            if (e) yield e;
            else if (counters) counters.skipped++;
          }
        }
        if (counters && done.consumed < st.size) counters.skipped++; // unterminated tail
      } finally {
        await fh.close();
      }
    }
  }

  /**
   * The newest entries, cheaply: parses only the last `maxBytes` of the log (newest file first,
   * then older ones while budget remains). For a fast first paint before the full read.
   * Returned oldest first.
   */
  async tail(maxBytes = 256 * 1024): Promise<LogEntry[]> {
    const files = (await this.listFiles()).reverse();
    const batches: LogEntry[][] = [];
    let budget = maxBytes;
    for (const f of files) {
      if (budget <= 0) break;
      const fh = await openForRead(f.path, 0);
      if (!fh) continue;
      try {
        const st = await fh.stat();
        const start = Math.max(0, st.size - budget);
        budget -= st.size - start;
        const out: LogEntry[] = [];
        let first = start > 0; // the first line of a mid-file window is partial
        const done = { consumed: 0 };
        for await (const lines of scanLines(fh, start, st.size, done)) {
          for (const line of lines) {
            if (first) {
              first = false;
              continue;
            }
            if (!line.trim()) continue;
            const e = parseLine(line);
            if (e) out.push(e);
          }
        }
        batches.unshift(out);
      } finally {
        await fh.close();
      }
    }
    return batches.flat();
  }

  /** Reads everything (deduplicated by id, in file order). */
  async readAll(): Promise<ReadResult> {
    return new LogReader(this).readNew();
  }

  /** Deletes every log file (under the lock) and drops entries held in memory. */
  clear(): Promise<void> {
    return this.serialize(async () => {
      const release = await this.lock();
      try {
        for (const f of await this.listFiles()) await fsp.rm(f.path, { force: true });
        this.pendingLines = [];
        this.pendingList = [];
        this.generation++;
      } finally {
        await release();
      }
    });
  }

  createReader(): LogReader {
    return new LogReader(this);
  }
}
