/**
 * Thin activation: each feature registers itself from its own module and returns disposables.
 * Nothing heavy runs here: the SDK, the simulator and the parsers load on first use.
 */
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  // FEATURES: one line per feature module, e.g. `context.subscriptions.push(registerX(context));`
  context.subscriptions.push();
  activationMs = performance.now() - started;
}

/** Measured duration of the last `activate()`, exposed for the integration tests. */
export let activationMs = 0;

export function deactivate(): void {}
