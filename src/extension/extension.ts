/**
 * Thin activation: each feature registers itself from its own module and returns disposables.
 * Nothing heavy runs here: the SDK, the simulator and the parsers load on first use.
 */
import * as vscode from 'vscode';
import type { ClaudeDoctorApi } from './api';
import { registerConnection, type ConnectionFeature } from './connection/index';
import { registerErrorLog } from './log/index';
import { registerAnalyzer } from './analyzer/index';
import { registerProxy, type ProxyFeature } from './proxy/index';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

let connection: ConnectionFeature | undefined;
let proxy: ProxyFeature | undefined;

export function activate(context: vscode.ExtensionContext): ClaudeDoctorApi {
  const started = performance.now();
  let mark = started;
  const lap = (name: string) => { const now = performance.now(); activationBreakdownMs[name] = now - mark; mark = now; };
  // The error log replays through the connection feature; the connection feature appends to the log.
  const errorLog = registerErrorLog(context, { replay: async (entry) => { await connection?.replay(entry); } });
  lap('errorLog');
  connection = registerConnection(context, { log: errorLog });
  lap('connection');
  context.subscriptions.push(errorLog, connection);
  context.subscriptions.push(registerAnalyzer(context));
  proxy = registerProxy(context, { log: errorLog });
  context.subscriptions.push(proxy);
  lap('others');
  activationMs = performance.now() - started;
  return {
    get activationMs() { return activationMs; },
    get activationBreakdownMs() { return { ...activationBreakdownMs }; },
    ...(__TEST_HOOKS__ ? { testing: connection.testing, proxyTesting: proxy.testing } : {}),
  };
}

/** Measured duration of the last `activate()`, exposed for the integration tests. */
export let activationMs = 0;
/** The same, per feature registration (errorLog, connection, others). */
const activationBreakdownMs: Record<string, number> = {};

/** Awaited by VS Code: stops a running test and the proxy, and closes the simulators' sockets. */
export async function deactivate(): Promise<void> {
  const c = connection;
  connection = undefined;
  const p = proxy;
  proxy = undefined;
  await Promise.all([c?.shutdown(), p?.shutdown()]);
}
