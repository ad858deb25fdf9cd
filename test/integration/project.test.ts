/**
 * The project index in a real VS Code: a route that imports its client through a tsconfig
 * `@/` alias gets diagnostics, and they follow edits of the client module (typed, unsaved), and
 * changes on disk of a module that is not open (the file watcher).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { codeOf, ours, sleep, waitFor as waitUntil, setText, writeUnder } from './helpers';

const waitFor = <T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000) => waitUntil(what, fn, ms);

const DIR = 'cd-project';
let root: vscode.Uri;

const codes = (uri: vscode.Uri) => ours(uri).map((d) => `${codeOf(d)}:${d.range.start.line + 1}:${d.severity}`).sort();
const stats = () => vscode.commands.executeCommand<{ dependentRuns: number }>('_claudeDoctor.analyzerStats');
const cfg = () => vscode.workspace.getConfiguration('claudeDoctor');

const write = (rel: string, text: string) => writeUnder(root, rel, text);
/** Waits until the diagnostics of `uri` are exactly `want` ("rule:line:severity", 0 = error). */
async function expectCodes(uri: vscode.Uri, want: string[], what: string): Promise<void> {
  await waitFor(`${what}: ${JSON.stringify(want)} (have ${JSON.stringify(codes(uri))})`, () => JSON.stringify(codes(uri)) === JSON.stringify([...want].sort()));
}

const CLIENT = `import Anthropic from '@anthropic-ai/sdk';

export const anthropic = new Anthropic();
`;
const ROUTE = `import { anthropic } from '@/lib/anthropic';
import { MODEL } from '@/lib/config';

export async function POST(req: Request) {
  const { prompt } = await req.json();
  return anthropic.messages.create({
    model: MODEL,
    messages: [{ role: 'user', content: prompt }],
  });
}
`;
const MISSING = 'missing-max-tokens:6:0';
const RETIRED = 'retired-model:7:0';

describe('project index in the editor', function () {
  this.timeout(180_000);

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration host opens a workspace folder');
    root = vscode.Uri.joinPath(folder.uri, DIR);
    await write('package.json', '{ "name": "next-app", "dependencies": { "@anthropic-ai/sdk": "^1.2.0", "next": "^15.0.0" } }\n');
    await write('tsconfig.json', '{\n  // next.js\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } },\n}\n');
    await write('src/lib/anthropic.ts', CLIENT);
    await write('src/lib/config.ts', "export const MODEL = 'claude-sonnet-5-5';\n");
    await write('src/app/api/chat/route.ts', ROUTE);
    await write('src/app/api/closed/route.ts', ROUTE.replace("import { MODEL } from '@/lib/config';\n", "const MODEL = 'claude-sonnet-5-5';\n"));
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'claude-doctor');
    assert.ok(ext);
    await ext.activate();
    await cfg().update('analyzer.debounceMs', 60, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await cfg().update('analyzer.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('an importer of a client from another module gets diagnostics; they follow edits of the client module', async () => {
    const route = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, 'src/app/api/chat/route.ts'));
    await vscode.window.showTextDocument(route);
    await expectCodes(route.uri, [MISSING], 'the route, with its client from @/lib/anthropic');

    const lib = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, 'src/lib/anthropic.ts'));
    await vscode.window.showTextDocument(lib, { preview: false, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    const before = (await stats()).dependentRuns;
    // The export is renamed (unsaved): `anthropic` is no longer a client of that module.
    await setText(lib, CLIENT.replace('export const anthropic', 'export const claude'));
    await expectCodes(route.uri, [], 'the route after the export was renamed');
    assert.ok((await stats()).dependentRuns > before, 'the importer was re-analysed because the module changed');
    // Renamed back: the client is found again.
    await setText(lib, CLIENT);
    await expectCodes(route.uri, [MISSING], 'the route after the rename was undone');
    // It stops being an Anthropic client altogether.
    await setText(lib, "import OpenAI from 'openai';\n\nexport const anthropic = new OpenAI();\n");
    await expectCodes(route.uri, [], 'the route when the module exports an OpenAI client');
    await setText(lib, CLIENT);
    await expectCodes(route.uri, [MISSING], 'the route when the client is back');
    await lib.save();
  });

  it('Scan Workspace covers closed importers, and they follow edits of the client module', async () => {
    const closed = vscode.Uri.joinPath(root, 'src/app/api/closed/route.ts');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === closed.toString()), 'the closed route is not open');
    assert.deepEqual(codes(closed), []);
    const summary = await vscode.commands.executeCommand<{ analyzed: number; cancelled: boolean }>('claudeDoctor.scanWorkspace');
    assert.ok(summary && !summary.cancelled, JSON.stringify(summary));
    await expectCodes(closed, [MISSING], 'the closed route after the scan');
    const lib = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, 'src/lib/anthropic.ts'));
    await setText(lib, CLIENT.replace('export const anthropic', 'export const claude'));
    await expectCodes(closed, [], 'the closed route after the export was renamed');
    await setText(lib, CLIENT);
    await expectCodes(closed, [MISSING], 'the closed route after the rename was undone');
    await lib.save();
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === closed.toString()), 'nothing opened the closed route');
  });

  it('a module that is not open changes on disk: its importers are re-analysed (file watcher)', async () => {
    const route = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/src/app/api/chat/route.ts'));
    assert.ok(route);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.path.endsWith('/src/lib/config.ts')), 'config.ts is not open');
    await write('src/lib/config.ts', "export const MODEL = 'claude-3-opus-20240229';\n");
    await expectCodes(route.uri, [MISSING, RETIRED], 'the route after config.ts got a retired model');
    const retired = ours(route.uri).find((d) => codeOf(d) === 'retired-model')!;
    assert.equal(route.getText(retired.range), 'MODEL');
    assert.match(retired.message, /MODEL comes from config\.ts/);
    await write('src/lib/config.ts', "export const MODEL = 'claude-sonnet-5-5';\n");
    await expectCodes(route.uri, [MISSING], 'the route after config.ts was fixed');
  });
});
