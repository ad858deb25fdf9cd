/**
 * The error log's lock file, held while rotating or clearing: created with O_EXCL, carrying the
 * holder's pid, host and a token; a lock left by a dead process on this host, or older than
 * `staleLockMs`, is broken (moved aside, then checked to be the one judged).
 */
import { promises as fsp, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { errCode } from './files';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errCode(e) === 'EPERM';
  }
}

/** Takes the lock file or returns null when a live holder has it. Breaks stale locks. */
export async function tryLockFile(lockPath: string, staleLockMs: number): Promise<(() => Promise<void>) | null> {
  const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
  for (let tries = 0; tries < 3; tries++) {
    let fh: FileHandle;
    try {
      fh = await fsp.open(lockPath, 'wx');
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      if (await breakStaleLock(lockPath, staleLockMs)) continue;
      return null;
    }
    try {
      await fh.writeFile(JSON.stringify({ pid: process.pid, host: os.hostname(), token, at: Date.now() }));
    } finally {
      await fh.close();
    }
    return async () => {
      try {
        const cur = JSON.parse(await fsp.readFile(lockPath, 'utf8')) as { token?: string };
        if (cur.token === token) await fsp.unlink(lockPath);
      } catch {
        /* already gone, or broken as stale by someone else */
      }
    };
  }
  return null;
}

/** True when the lock was stale and has been removed (the caller retries). */
async function breakStaleLock(lockPath: string, staleLockMs: number): Promise<boolean> {
  let st: Stats;
  let raw: string;
  try {
    st = await fsp.stat(lockPath);
    raw = await fsp.readFile(lockPath, 'utf8');
  } catch (e) {
    if (errCode(e) === 'ENOENT') return true; // released meanwhile
    throw e;
  }
  let info: { pid?: unknown; host?: unknown } = {};
  try {
    info = JSON.parse(raw) as typeof info;
  } catch {
    /* empty or half-written: judged by age alone */
  }
  let stale = Date.now() - st.mtimeMs > staleLockMs;
  if (!stale && info.host === os.hostname() && typeof info.pid === 'number' && info.pid !== process.pid && !pidAlive(info.pid)) {
    stale = true;
  }
  if (!stale) return false;
  // Move it aside under a unique name, then check we moved the lock we judged (not a fresh one).
  const grave = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fsp.rename(lockPath, grave);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return true;
    throw e;
  }
  let moved = '';
  try {
    moved = await fsp.readFile(grave, 'utf8');
  } catch {
    /* ignore */
  }
  if (moved !== raw) {
    // We took a lock someone acquired an instant ago: give it back if the slot is still free.
    await fsp.link(grave, lockPath).catch(() => undefined);
  }
  await fsp.unlink(grave).catch(() => undefined);
  return true;
}
