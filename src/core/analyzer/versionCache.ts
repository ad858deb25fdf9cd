/**
 * The SDK majors for each file from its nearest manifest (`detectSdkVersions`), memoised per
 * folder: one cache for the CLI and the editor. The faces give only the file reads: the CLI's
 * `get` reads lazily and synchronously from disk, each path once, as the search up the tree asks;
 * the editor's `forFile` reads through its asynchronous file system, every manifest of the
 * folders up to the workspace folder at once, then decides. `clear()` when a manifest changes.
 */
import type { SdkVersions } from './types';
import { detectSdkVersions, dirname, join } from './versions';

export const MANIFEST_NAMES = ['package.json', 'package-lock.json', 'requirements.txt', 'pyproject.toml', 'uv.lock', 'poetry.lock'] as const;
export const MANIFEST_GLOB = `**/{${MANIFEST_NAMES.join(',')}}`;

/** Folders walked above a file that is in no workspace folder (`forFile` without `stopDir`). */
export const MAX_OUTSIDE_DEPTH = 8;

/** A manifest's text, or undefined when it is absent or unreadable. */
export type ReadManifest = (path: string) => string | undefined;
export type ReadManifestAsync = (path: string) => Promise<string | undefined>;

/** The folders `forFile` reads: the file's, then up to `stopDir` (inclusive), else `MAX_OUTSIDE_DEPTH` more. */
export function manifestDirs(filePath: string, stopDir?: string): string[] {
  const dirs: string[] = [];
  let cur = dirname(filePath);
  for (let depth = 0; depth < 40; depth++) {
    dirs.push(cur);
    if (stopDir !== undefined ? cur === stopDir || !cur.startsWith(stopDir) : depth >= MAX_OUTSIDE_DEPTH) break;
    const up = dirname(cur);
    if (up === '' || up === cur) break;
    cur = up;
  }
  return dirs;
}

export class SdkVersionCache {
  private readonly byDir = new Map<string, SdkVersions>();
  private readonly files = new Map<string, string | undefined>();
  private readonly pending = new Map<string, Promise<SdkVersions>>();

  /** `override`: versions that win over the detected ones (the CLI's `--sdk`). */
  constructor(private readonly override?: SdkVersions) {}

  /** Synchronous (the CLI): `read` is asked only for what the search needs, each path once per cache. */
  get(filePath: string, read: ReadManifest): SdkVersions {
    const dir = dirname(filePath);
    let v = this.byDir.get(dir);
    if (!v) {
      v = detectSdkVersions(filePath, (p) => {
        if (this.files.has(p)) return this.files.get(p);
        const text = read(p);
        this.files.set(p, text);
        return text;
      });
      this.byDir.set(dir, v);
    }
    return this.withOverride(v);
  }

  /**
   * Asynchronous (the editor): every manifest in `manifestDirs(filePath, stopDir)` read in
   * parallel, then the same search over what was found (nothing above them counts). Concurrent
   * calls for one folder share one read; a failure is "no manifest" (`{}`). `scope` separates
   * file systems whose paths look alike (URI scheme and authority).
   */
  forFile(filePath: string, read: ReadManifestAsync, opts: { stopDir?: string; scope?: string } = {}): Promise<SdkVersions> {
    const key = `${opts.scope ?? ''}\u0000${dirname(filePath)}`;
    let p = this.pending.get(key);
    if (!p) {
      p = (async () => {
        const found = new Map<string, string>();
        await Promise.all(manifestDirs(filePath, opts.stopDir).flatMap((d) => MANIFEST_NAMES.map(async (name) => {
          const path = join(d, name);
          const text = await read(path).catch(() => undefined);
          if (text !== undefined) found.set(path, text);
        })));
        return detectSdkVersions(filePath, (path) => found.get(path));
      })().catch(() => ({}));
      this.pending.set(key, p);
    }
    return p.then((v) => this.withOverride(v));
  }

  clear(): void {
    this.byDir.clear();
    this.files.clear();
    this.pending.clear();
  }

  private withOverride(v: SdkVersions): SdkVersions {
    return this.override ? { ...v, ...stripUndefined(this.override) } : v;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
