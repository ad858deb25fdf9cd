/**
 * SDK majors for a document from the nearest manifest (package.json, package-lock.json,
 * requirements.txt, pyproject.toml, uv.lock, poetry.lock), read through `workspace.fs` so remote
 * and virtual workspaces work. Cached per folder; a file watcher clears the cache.
 */
import * as vscode from 'vscode';
import { detectSdkVersions } from '../../core/analyzer';
import type { SdkVersions } from '../../core/analyzer/types';

export const MANIFEST_NAMES = ['package.json', 'package-lock.json', 'requirements.txt', 'pyproject.toml', 'uv.lock', 'poetry.lock'] as const;
export const MANIFEST_GLOB = `**/{${MANIFEST_NAMES.join(',')}}`;

/** Folders walked above a file that is in no workspace folder. */
const MAX_OUTSIDE_DEPTH = 8;
const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

export class SdkVersionCache {
  private readonly byDir = new Map<string, Promise<SdkVersions>>();
  private readonly decoder = new TextDecoder();

  async forDocument(uri: vscode.Uri): Promise<SdkVersions> {
    if (uri.scheme === 'untitled') return {};
    const dir = vscode.Uri.joinPath(uri, '..');
    const key = dir.toString();
    let p = this.byDir.get(key);
    if (!p) {
      p = this.detect(uri, dir).catch(() => ({}));
      this.byDir.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.byDir.clear();
  }

  private async detect(file: vscode.Uri, dir: vscode.Uri): Promise<SdkVersions> {
    const folder = vscode.workspace.getWorkspaceFolder(file);
    const stop = folder?.uri.path;
    const dirs: vscode.Uri[] = [];
    let cur = dir;
    for (let depth = 0; depth < 40; depth++) {
      dirs.push(cur);
      if (stop !== undefined ? cur.path === stop || !cur.path.startsWith(stop) : depth >= MAX_OUTSIDE_DEPTH) break;
      const up = vscode.Uri.joinPath(cur, '..');
      if (up.path === cur.path) break;
      cur = up;
    }
    const files = new Map<string, string>();
    await Promise.all(
      dirs.flatMap((d) =>
        MANIFEST_NAMES.map(async (name) => {
          const u = vscode.Uri.joinPath(d, name);
          try {
            const stat = await vscode.workspace.fs.stat(u);
            if (stat.size > MAX_MANIFEST_BYTES || (stat.type & vscode.FileType.File) === 0) return;
            files.set(u.path, this.decoder.decode(await vscode.workspace.fs.readFile(u)));
          } catch {
            // absent
          }
        }),
      ),
    );
    return detectSdkVersions(file.path, (p) => files.get(p));
  }
}
