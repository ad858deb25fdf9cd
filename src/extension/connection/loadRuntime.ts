/**
 * Loads dist/connection-runtime.js (the SDK-based client and the simulator) on first use.
 * A runtime `require` through `createRequire`, which esbuild does not follow: the runtime is a
 * separate bundle next to dist/extension.js, never parsed at activation.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Runtime from './runtime';

export type ConnectionRuntime = typeof Runtime;

export const RUNTIME_FILE = 'connection-runtime.js';
let cached: ConnectionRuntime | undefined;

export function loadRuntime(): ConnectionRuntime {
  if (cached) return cached;
  const file = join(__dirname, RUNTIME_FILE);
  if (!existsSync(file)) {
    throw new Error(`Claude Doctor is incomplete: ${RUNTIME_FILE} is missing next to the extension bundle (run the build).`);
  }
  cached = createRequire(__filename)(file) as ConnectionRuntime;
  return cached;
}
