/**
 * Walking and reading for lint and fix: folders walked (symlinks not followed), names that are not
 * UTF-8 opened by their bytes, FIFOs/devices/huge/binary/non-UTF-8 files refused with a reason.
 */
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { languageFromPath } from '../core/analyzer/index';
import type { AnalyzerLanguage } from '../core/analyzer/types';
import { UsageError } from './args';

/** Folders never walked into. */
export const SKIP_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', 'dist', 'build', '.venv', 'venv']);
/** Files above this size are reported and skipped. */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface Skipped {
  file: string;
  reason: string;
  /**
   * A source file that uses or may use a Claude SDK was not analysed: the run is incomplete
   * (exit ${EXIT_INCOMPLETE}). Files that are not sources (wrong extension, binary) are skipped quietly.
   */
  unanalysed: boolean;
}

export interface Candidate {
  path: string; // absolute, for display (a name that is not UTF-8 shows U+FFFD)
  language: AnalyzerLanguage;
  /** The path's raw bytes when its name is not valid UTF-8 (what the file system is asked for). */
  raw?: Buffer;
}

/** The path to hand the file system: the raw bytes when the name is not UTF-8. */
export const fsPathOf = (c: { path: string; raw?: Buffer }): string | Buffer => c.raw ?? c.path;

/** Expands paths into analyzable files. Missing paths throw a UsageError. */
export async function collectFiles(paths: readonly string[], skipped: Skipped[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (p: string, raw?: Buffer) => {
    const language = languageFromPath(p);
    const key = raw ? `raw:${raw.toString('hex')}` : p;
    if (!language || seen.has(key)) return false;
    seen.add(key);
    out.push(raw ? { path: p, language, raw } : { path: p, language });
    return true;
  };
  /** `dir` as shown, and its raw bytes once some name on the way was not UTF-8. */
  const walk = async (dir: string, rawDir?: Buffer): Promise<void> => {
    let entries: import('node:fs').Dirent<Buffer>[];
    try {
      entries = await fsp.readdir(rawDir ?? dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      skipped.push({ file: dir, reason: `cannot read folder (${(e as NodeJS.ErrnoException).code ?? 'error'})`, unanalysed: true });
      return;
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const ent of entries) {
      const name = ent.name.toString('utf8');
      // A name that is not valid UTF-8 is opened by its bytes (and shown with U+FFFD).
      const rawName = rawDir || !Buffer.from(name, 'utf8').equals(ent.name)
        ? Buffer.concat([rawDir ?? Buffer.from(dir, 'utf8'), Buffer.from(sep), ent.name])
        : undefined;
      const full = join(dir, name);
      if (ent.isDirectory()) {
        if (!SKIP_DIRS.has(name)) await walk(full, rawName);
      } else if (ent.isFile()) {
        add(full, rawName);
      }
      // Symlinks are not followed: no loops, no escaping the tree. FIFOs, sockets and devices
      // inside a folder are not source files.
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    let st: import('node:fs').Stats;
    try {
      st = await fsp.stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`no such file or folder: ${p}`);
      skipped.push({ file: abs, reason: `cannot read (${code ?? 'error'})`, unanalysed: true });
      continue;
    }
    if (st.isDirectory()) await walk(abs);
    else if (!add(abs) && !seen.has(abs)) skipped.push({ file: abs, reason: 'not a TypeScript, JavaScript or Python file', unanalysed: false });
  }
  return out;
}

/**
 * `unanalysed`: the file is (or may be) a source that uses a Claude SDK — missing it makes the run
 * incomplete. A binary file, or a huge one that never names Anthropic, is not.
 */
export type ReadResult = { ok: true; text: string; bom: boolean } | { ok: false; reason: string; unanalysed: boolean };

/** Whether a file (too large to analyse) names Anthropic anywhere: read in chunks, memory bounded. */
async function mentionsAnthropic(path: string | Buffer): Promise<boolean> {
  const fh = await fsp.open(path, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    const needle = 'anthropic';
    let carry = '';
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return false;
      const part = carry + chunk.subarray(0, bytesRead).toString('latin1').toLowerCase();
      if (part.includes(needle)) return true;
      carry = part.slice(-(needle.length - 1));
    }
  } finally {
    await fh.close();
  }
}

/** Reads a source file; refuses huge, binary and special files (FIFOs, devices, sockets) with a reason. */
export async function readSource(path: string | Buffer): Promise<ReadResult> {
  let buf: Buffer;
  try {
    const st = await fsp.stat(path);
    // A FIFO or a device named like a source file would block the read or never end.
    if (!st.isFile()) return { ok: false, reason: 'not a regular file (a FIFO, device or socket): not read', unanalysed: true };
    if (st.size > MAX_FILE_BYTES) {
      return {
        ok: false,
        reason: `too large (${(st.size / 1024 / 1024).toFixed(1)} MB > ${MAX_FILE_BYTES / 1024 / 1024} MB)`,
        unanalysed: await mentionsAnthropic(path).catch(() => true),
      };
    }
    buf = await fsp.readFile(path);
  } catch (e) {
    return { ok: false, reason: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, unanalysed: true };
  }
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary file', unanalysed: false };
  let text = buf.toString('utf8');
  if (text.includes('\uFFFD') && !isValidUtf8(buf)) return { ok: false, reason: 'not UTF-8 text', unanalysed: true };
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  return { ok: true, text, bom };
}

function isValidUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

export function readManifest(p: string): string | undefined {
  try {
    return statSync(p).size <= MAX_FILE_BYTES ? readFileSync(p, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Skipped files that may use a Claude SDK: any makes the run incomplete. */
export const unanalysedCount = (skipped: readonly Skipped[]): number => skipped.filter((s) => s.unanalysed).length;
