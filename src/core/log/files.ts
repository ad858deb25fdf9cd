/**
 * The error log's file plumbing: the user-facing error of a failed file operation, the entry
 * shape check, and chunked line reading (complete lines only; a torn tail stays unconsumed).
 */
import { promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { LogEntry } from './types';

/** Read granularity: small enough that parsing yields to the event loop often. */
const READ_CHUNK = 256 * 1024;
export const HEAD_BYTES = 64;

/** A failure with a message a user can act on. `pending` entries are still held in memory. */
export class LogStoreError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly path: string,
    readonly pending: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LogStoreError';
  }
}

export function errCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function describeFsError(err: unknown, action: string, where: string): string {
  const code = errCode(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Cannot ${action} ${where}: permission denied. Check the folder's owner and permissions.`;
    case 'ENOTDIR':
      return `Cannot ${action} ${where}: a file is in the way where a folder is expected on that path.`;
    case 'EISDIR':
      return `Cannot ${action} ${where}: that path is a folder, not a file.`;
    case 'ENOSPC':
      return `Cannot ${action} ${where}: the disk is full.`;
    case 'EROFS':
      return `Cannot ${action} ${where}: the file system is read-only.`;
    case 'ENAMETOOLONG':
      return `Cannot ${action} ${where}: the path is too long for this file system.`;
    case 'EMFILE':
    case 'ENFILE':
      return `Cannot ${action} ${where}: too many open files; try again.`;
    default: {
      const msg = err instanceof Error ? err.message : String(err);
      return `Cannot ${action} ${where}: ${code ? `${code}: ` : ''}${msg}`;
    }
  }
}

/** Minimal shape check: enough for the panel and the query code to rely on. */
export function isLogEntry(x: unknown): x is LogEntry {
  if (!x || typeof x !== 'object') return false;
  const e = x as Record<string, unknown>;
  return e.v === 1 && typeof e.id === 'string' && typeof e.runId === 'string' && typeof e.ts === 'number'
    && Number.isFinite(e.ts) && typeof e.attempt === 'number' && typeof e.ok === 'boolean'
    && (e.status === null || typeof e.status === 'number') && typeof e.latencyMs === 'number';
}

export function parseLine(line: string): LogEntry | null {
  try {
    const v = JSON.parse(line) as unknown;
    return isLogEntry(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * Streams complete lines of `fh` from `start` to `end`, in batches. Returns via `done.consumed`
 * the offset just past the last newline seen: an unterminated tail is left unconsumed (it may
 * be a write in flight; if it is a torn line, the next append's leading newline terminates it
 * and it is then skipped as garbage).
 */
export async function* scanLines(fh: FileHandle, start: number, end: number, done: { consumed: number }): AsyncGenerator<string[]> {
  const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, end - start)));
  let pos = start;
  let carry: Buffer | null = null;
  done.consumed = start;
  while (pos < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const chunk = buf.subarray(0, bytesRead);
    const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const last = data.lastIndexOf(0x0a);
    if (last < 0) {
      carry = Buffer.from(data);
      continue;
    }
    const lines = data.toString('utf8', 0, last).split('\n');
    carry = last + 1 < data.length ? Buffer.from(data.subarray(last + 1)) : null;
    done.consumed = pos - (carry ? carry.length : 0);
    yield lines;
  }
}

/**
 * Opens a log file for reading. Undefined when it is gone (rotated away since it was listed);
 * any other failure is a LogStoreError (`pending`: entries still held in memory).
 */
export async function openForRead(file: string, pending: number): Promise<FileHandle | undefined> {
  try {
    return await fsp.open(file, 'r');
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw new LogStoreError(describeFsError(e, 'read the error log', file), errCode(e), file, pending, { cause: e });
  }
}

/** Identity of a file that survives renames. */
export function fileKey(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

export async function readHead(fh: FileHandle, size: number): Promise<string> {
  const n = Math.min(HEAD_BYTES, size);
  if (n <= 0) return '';
  const b = Buffer.alloc(n);
  await fh.read(b, 0, n, 0);
  return b.toString('latin1');
}
