/**
 * Smoke suite, in the real extension host: the extension is present, activates, and registers
 * every command its package.json contributes. Any feature suite can follow this shape:
 * `test/integration/<feature>.test.ts` with mocha's `describe`/`it` and `node:assert`.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';

const repoRoot = resolve(__dirname, '..', '..', '..');
const repoPkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string; publisher: string; version: string; main: string;
};
const EXTENSION_ID = `${repoPkg.publisher}.${repoPkg.name}`;

interface ContributedCommand { command: string; title: string; category?: string }

describe('smoke', () => {
  let ext: vscode.Extension<unknown>;

  it('runs inside a real VS Code extension host', () => {
    assert.match(vscode.version, /^\d+\.\d+\.\d+/);
    assert.equal(typeof vscode.commands.executeCommand, 'function');
  });

  it('finds the extension under development, loaded from this repo', () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed in the host`);
    ext = found;
    assert.equal(ext.extensionUri.fsPath, repoRoot);
    assert.equal(ext.packageJSON.version, repoPkg.version);
  });

  it('ships the bundle its package.json names', () => {
    const main = join(ext.extensionUri.fsPath, ext.packageJSON.main as string);
    assert.ok(existsSync(main.endsWith('.js') ? main : `${main}.js`), `missing ${main}: run npm run build`);
  });

  it('activates without throwing', async function () {
    const wasActive = ext.isActive;
    const started = performance.now();
    await ext.activate();
    const ms = performance.now() - started;
    assert.equal(ext.isActive, true);
    // activate() reports its own duration on the API it returns (other suites may activate first).
    const inside = (ext.exports as { activationMs?: number } | undefined)?.activationMs;
    console.log(`    ${wasActive ? 'already active' : `ext.activate() took ${ms.toFixed(0)} ms`}; activate() itself: ${inside === undefined ? 'n/a' : `${inside.toFixed(1)} ms`}`);
  });

  it('registers every contributed command', async () => {
    const contributed = (ext.packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    console.log(`    ${contributed.length} contributed command(s) registered`);
  });

  it('contributes commands only under the claudeDoctor. namespace, each with a title', () => {
    const contributed = (ext.packageJSON.contributes?.commands ?? []) as ContributedCommand[];
    for (const c of contributed) {
      assert.match(c.command, /^claudeDoctor\.[A-Za-z0-9.]+$/, `command id ${c.command}`);
      assert.ok(c.title && c.title.trim().length > 0, `${c.command} has no title`);
    }
  });

  it('opens the workspace the runner asked for', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
    // The runner opens a fresh copy of test/fixtures/demo-workspace.
    assert.ok(existsSync(join(folders[0].uri.fsPath, 'package.json')));
  });
});
