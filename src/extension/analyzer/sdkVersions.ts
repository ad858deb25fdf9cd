/**
 * The editor's reads for the SDK-version cache (core/analyzer/versionCache.ts): manifests through
 * `workspace.fs`, so remote and virtual workspaces work, up to the document's workspace folder.
 * The cache itself (and MANIFEST_GLOB, which the controller's watcher clears it on) is core's.
 */
import * as vscode from 'vscode';
import type { SdkVersions } from '../../core/analyzer/types';
import type { SdkVersionCache } from '../../core/analyzer/versionCache';

const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;
const decoder = new TextDecoder();

/** SDK majors for a document from its nearest manifest; `{}` for an untitled one. */
export function sdkVersionsFor(cache: SdkVersionCache, uri: vscode.Uri): Promise<SdkVersions> {
  if (uri.scheme === 'untitled') return Promise.resolve({});
  const stopDir = vscode.workspace.getWorkspaceFolder(uri)?.uri.path;
  return cache.forFile(uri.path, async (path) => {
    const u = uri.with({ path });
    try {
      const stat = await vscode.workspace.fs.stat(u);
      if (stat.size > MAX_MANIFEST_BYTES || (stat.type & vscode.FileType.File) === 0) return undefined;
      return decoder.decode(await vscode.workspace.fs.readFile(u));
    } catch {
      return undefined; // absent
    }
  }, { ...(stopDir !== undefined ? { stopDir } : {}), scope: `${uri.scheme}://${uri.authority}` });
}
