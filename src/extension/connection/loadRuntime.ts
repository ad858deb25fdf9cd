/** dist/connection-runtime.js (the SDK-based client, the simulator, the proxy), on first use. */
import type * as Runtime from './runtime';
import { loadBundle } from '../loadBundle';

export type ConnectionRuntime = typeof Runtime;

export const RUNTIME_FILE = 'connection-runtime.js';

export function loadRuntime(): ConnectionRuntime {
  return loadBundle<ConnectionRuntime>(RUNTIME_FILE);
}
