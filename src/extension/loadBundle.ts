/**
 * Loads a bundle that sits next to dist/extension.js (the connection runtime, the analyzer
 * runtime) on first need, through a runtime `require` that esbuild does not follow: such a
 * bundle is never parsed at activation. Loaded once per file.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const loaded = new Map<string, unknown>();

export function loadBundle<T>(file: string): T {
  const hit = loaded.get(file);
  if (hit) return hit as T;
  const path = join(__dirname, file);
  if (!existsSync(path)) {
    throw new Error(`Claude Doctor is incomplete: ${file} is missing next to the extension bundle (run the build).`);
  }
  const mod = createRequire(__filename)(path) as T;
  loaded.set(file, mod);
  return mod;
}
