/**
 * The analyzer's worker thread in a real VS Code: a 2 MB file is analysed live without stalling
 * the extension host (a timer on the host thread keeps firing; the same file analysed on the host
 * thread, the old path, stalls it), a crashed or hung worker is restarted and the file says so,
 * small files answer as fast as before, and the project index follows a client module analysed
 * in the worker. The worker seam (`_claudeDoctor.analyzerWorkerTest`) exists in test builds only.
 */
import * as assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { SOURCE, sleep, codeOf, ours, waitFor as waitUntil, setText, writeUnder } from './helpers';
import { createAnalyzer, type AnalyzeOptions, type Analyzer } from '../../src/core/analyzer';

/** Polls every 10 ms for up to 60 s: the worker's cold runs are long and its timing is measured. */
const waitFor = <T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000) => waitUntil(what, fn, ms, 10);

const repoRoot = resolve(__dirname, '..', '..', '..');
const DIR = 'cd-worker';
const TS: AnalyzeOptions = { language: 'typescript', sdk: { ts: 1 }, defaultMaxTokens: 1024 };
/** The host thread may stall at most this long while a 2 MB file is analysed (the old path: 100s of ms). */
const MAX_LAG_MS = 50;

let root: vscode.Uri;
let engine: Analyzer;

type WorkerStats = { running: boolean; starts: number; crashes: number; hangs: number; requests: number; resent: number; minChars: number };
const stats = () => vscode.commands.executeCommand<{ worker: WorkerStats; scheduler: { runs: number; applied: number; stale: number } }>('_claudeDoctor.analyzerStats');
const seam = (cmd: { minChars?: number; deadlineMs?: number; arm?: 'crash' | 'hang'; coldRun?: string }) => vscode.commands.executeCommand('_claudeDoctor.analyzerWorkerTest', cmd);
const codes = (uri: vscode.Uri) => ours(uri).map((d) => `${codeOf(d)}:${d.range.start.line}`).sort();
const cfg = () => vscode.workspace.getConfiguration('claudeDoctor');

const write = (rel: string, text: string) => writeUnder(root, rel, text);
/** The engine's findings for `text`, as `rule:line` (line 0-based). */
async function expected(doc: vscode.TextDocument, text = doc.getText()): Promise<string[]> {
  return (await engine.analyze(text, TS)).map((f) => `${f.rule}:${doc.positionAt(f.start).line}`).sort();
}

const HEAD = `import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic();

export async function ask(prompt: string) {
  return client.messages.create({
    model: 'claude-3-5-sonnet-20241022',
    messages: [{ role: 'user', content: prompt }],
  });
}
`;
const PY_HEAD = `import anthropic

client = anthropic.Anthropic()

def ask(prompt):
    return client.messages.create(
        model="claude-3-5-sonnet-20241022",
        messages=[{"role": "user", "content": prompt}],
    )
`;
/**
 * ~2 MB of generated Python after the call. (Python: no other extension of the test host parses
 * it — a 2 MB TypeScript file also keeps the built-in TypeScript extension busy on this thread.)
 */
const BIG = PY_HEAD + Array.from({ length: 27_100 }, (_, i) => `VALUE_${String(i).padStart(6, '0')} = {"id": ${i}, "label": "generated row ${String(i).padStart(6, '0')}", "on": True}`).join('\n') + '\n';

/**
 * Opens `rel` (a 2 MB file, written before), lets its first analysis and the other extensions'
 * work on a new document settle, then analyses it again from scratch (`coldRun`: no tree, on an
 * engine that never saw the text) and measures the host thread meanwhile: the worst lateness of a
 * 5 ms interval timer from the request to the fresh result. `minChars` decides the thread.
 */
async function lagWhileAnalysing(rel: string, minChars: number): Promise<{ maxLag: number; ticks: number; ms: number; onWorker: boolean }> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, rel));
  await waitFor(`the findings of ${rel}`, () => ours(doc.uri).some((d) => codeOf(d) === 'retired-model'));
  await sleep(1_000);
  await seam({ deadlineMs: 0 }); // a fresh worker: nothing it remembers of this text
  await seam({ minChars });
  const applied = (await stats()).scheduler.applied;
  let last = performance.now();
  const started = last;
  let maxLag = 0;
  let ticks = 0;
  const spikes: string[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const lag = now - last - 5;
    if (lag > 10) spikes.push(`${(now - started).toFixed(0)}:${lag.toFixed(0)}`);
    maxLag = Math.max(maxLag, lag);
    last = now;
    ticks++;
  }, 5);
  try {
    await seam({ coldRun: doc.uri.toString() });
    await waitFor(`the fresh analysis of ${rel}`, async () => (await stats()).scheduler.applied > applied);
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  if (spikes.length) console.log(`    (lags over 10 ms, at ms:lag: ${spikes.slice(0, 12).join(' ')})`);
  // The worker was fresh: whether it did this analysis.
  const w = (await stats()).worker;
  return { maxLag, ticks, ms, onWorker: w.running && w.requests > 0 };
}

describe('analyzer worker thread in the editor', function () {
  this.timeout(300_000);

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration host opens a workspace folder');
    root = vscode.Uri.joinPath(folder.uri, DIR);
    await write('package.json', '{ "name": "worker-app", "dependencies": { "@anthropic-ai/sdk": "^1.12.0" } }\n');
    engine = createAnalyzer({ wasmDir: join(repoRoot, 'dist', 'wasm') });
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'claude-doctor');
    assert.ok(ext);
    await ext.activate();
    await cfg().update('analyzer.debounceMs', 60, vscode.ConfigurationTarget.Workspace);
    // The runtime loads on the first SDK document.
    const warm = await vscode.workspace.openTextDocument(await write('warm.ts', HEAD));
    await waitFor('the analyzer runtime', async () => ours(warm.uri).length > 0);
  });

  after(async () => {
    if (defaultMinChars > 0) await seam({ minChars: defaultMinChars });
    await cfg().update('analyzer.debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  let defaultMinChars = 0;
  it('a 2 MB file is analysed live on the worker; the host thread keeps running (the host-thread path stalls it)', async () => {
    assert.ok(BIG.length > 1_990_000 && BIG.length <= 2_000_000, `${BIG.length} characters`);
    defaultMinChars = (await stats()).worker.minChars;
    assert.ok(defaultMinChars > 0 && defaultMinChars < BIG.length);
    // Three files for the worker (the best of three: the machine is shared), one for the host thread.
    for (const n of [1, 2, 3]) await write(`big-${n}.py`, BIG.replace('generated row', `generated row ${n}`));
    await write('big-host.py', BIG.replace('generated row', 'generated row h'));

    const runs = [];
    for (const n of [1, 2, 3]) {
      const r = await lagWhileAnalysing(`big-${n}.py`, defaultMinChars);
      assert.ok(r.onWorker, 'the worker analysed the file');
      runs.push(r);
      console.log(`    2 MB file, cold analysis on the worker: ${r.ms.toFixed(0)} ms, host thread ${r.ticks} ticks, max lag ${r.maxLag.toFixed(1)} ms`);
      if (r.maxLag < MAX_LAG_MS) break;
    }
    const best = Math.min(...runs.map((r) => r.maxLag));

    // The same file on the host thread (the path before the worker): the timer stalls.
    let host;
    try {
      host = await lagWhileAnalysing('big-host.py', Number.MAX_SAFE_INTEGER);
    } finally {
      await seam({ minChars: defaultMinChars });
    }
    console.log(`    2 MB file, cold analysis on the host thread: ${host.ms.toFixed(0)} ms, max lag ${host.maxLag.toFixed(1)} ms`);
    assert.equal(host.onWorker, false, 'the host-thread run did not use the worker');

    // Both found the same thing.
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/big-1.py'))!;
    const hostDoc = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/big-host.py'))!;
    assert.ok(codes(doc.uri).some((c) => c.startsWith('missing-max-tokens:')), JSON.stringify(codes(doc.uri)));
    assert.deepEqual(codes(doc.uri), codes(hostDoc.uri));
    assert.ok(best < MAX_LAG_MS, `host thread stalled ${best.toFixed(1)} ms while the worker analysed 2 MB`);
    assert.ok(host.maxLag > MAX_LAG_MS, `the bound cannot fail: the host-thread path stalled only ${host.maxLag.toFixed(1)} ms`);
  });

  it('a 2 MB file follows edits on the worker without flicker (stale results dropped); over 2 M characters, one note', async () => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.path.endsWith('/big-1.py'))!;
    const editor = await vscode.window.showTextDocument(doc);
    const before = codes(doc.uri);
    // Typing a comment, key by key, faster than the worker answers: results overtaken by an edit
    // are dropped, the diagnostics never go empty in between, and the last result is fresh.
    let samples = 0;
    let empty = 0;
    const sample = () => {
      samples++;
      if (ours(doc.uri).length === 0) empty++;
    };
    const timer = setInterval(sample, 3);
    const s0 = (await stats()).scheduler;
    let applied = 0;
    try {
      for (const ch of '  # typed into 2 MB') {
        const end = doc.getText().indexOf('anthropic.Anthropic()') + 'anthropic.Anthropic()'.length;
        const pos = doc.positionAt(doc.getText().indexOf('\n', end));
        assert.ok(await editor.edit((b) => b.insert(pos, ch), { undoStopBefore: false, undoStopAfter: false }));
        sample();
        await sleep(40);
      }
      applied = (await stats()).scheduler.applied;
      await waitFor('a fresh result after the last key', async () => (await stats()).scheduler.applied > applied);
      sample();
    } finally {
      clearInterval(timer);
    }
    const s1 = (await stats()).scheduler;
    console.log(`    typing into the 2 MB file: ${s1.runs - s0.runs} runs, ${s1.applied - s0.applied} applied, ${s1.stale - s0.stale} stale (dropped); ${samples} samples, ${empty} empty`);
    assert.ok(doc.getText().includes('anthropic.Anthropic()  # typed into 2 MB\n'));
    assert.equal(empty, 0, `diagnostics were empty in ${empty} of ${samples} samples`);
    assert.deepEqual(codes(doc.uri), before);
    const at = doc.getText().indexOf('"claude-3-5-sonnet-20241022"');
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + '"claude-3-5-sonnet-20241022"'.length)), '"claude-sonnet-5-5"')));
    await waitFor('retired-model to go', () => !ours(doc.uri).some((d) => codeOf(d) === 'retired-model'));
    assert.deepEqual(codes(doc.uri), before.filter((c) => !c.startsWith('retired-model')));
    // One character more than the limit: the note, nothing else.
    const over = doc.getText() + '/'.repeat(2_000_001 - doc.getText().length);
    await setText(doc, over);
    const note = await waitFor('the not-analysed note', () => ours(doc.uri).find((d) => codeOf(d) === 'not-analysed'));
    assert.equal(ours(doc.uri).length, 1);
    assert.match(note.message, /does not analyse this file as you type: it has 2\.0 M characters, over the 2\.0 M limit/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a crashed worker is restarted: the file it was analysing says so, the other file is answered, the next edit analyses again', async () => {
    await seam({ minChars: 0 }); // small files on the worker too: quick
    const a = await vscode.workspace.openTextDocument(await write('crash-a.ts', HEAD));
    const b = await vscode.workspace.openTextDocument(await write('crash-b.ts', HEAD.replace('claude-3-5-sonnet-20241022', 'claude-2.1')));
    await waitFor('both files analysed', () => ours(a.uri).length > 0 && ours(b.uri).length > 0);
    const before = (await stats()).worker;
    await seam({ arm: 'crash' });
    await setText(a, HEAD.replace('prompt }', 'prompt + "!" }'));
    await setText(b, HEAD.replace('claude-3-5-sonnet-20241022', 'claude-2.0'));
    const note = await waitFor('the crash note on crash-a.ts', () => ours(a.uri).find((d) => codeOf(d) === 'not-analysed'));
    assert.match(note.message, /crashed while analysing this file; it was restarted/);
    assert.equal(note.severity, vscode.DiagnosticSeverity.Information);
    await waitFor('crash-b.ts to match the engine', async () => JSON.stringify(codes(b.uri)) === JSON.stringify(await expected(b)));
    const after = (await stats()).worker;
    assert.equal(after.crashes, before.crashes + 1);
    assert.equal(after.starts, before.starts + 1, 'one new worker');
    await setText(a, HEAD);
    await waitFor('crash-a.ts analysed again after the restart', async () => JSON.stringify(codes(a.uri)) === JSON.stringify(await expected(a)));
  });

  it('a hung worker is stopped at its deadline and restarted; the file says so', async () => {
    await seam({ minChars: 0, deadlineMs: 2_000 });
    try {
      const a = await vscode.workspace.openTextDocument(await write('hang-a.ts', HEAD));
      await waitFor('hang-a.ts analysed', () => ours(a.uri).length > 0);
      const before = (await stats()).worker;
      await seam({ arm: 'hang' });
      await setText(a, HEAD.replace('prompt }', 'prompt + "?" }'));
      const note = await waitFor('the hang note', () => ours(a.uri).find((d) => codeOf(d) === 'not-analysed'));
      assert.match(note.message, /took too long analysing this file and was stopped; it was restarted/);
      assert.equal((await stats()).worker.hangs, before.hangs + 1);
      await setText(a, HEAD);
      await waitFor('hang-a.ts analysed again', async () => JSON.stringify(codes(a.uri)) === JSON.stringify(await expected(a)));
    } finally {
      await seam({ minChars: defaultMinChars, deadlineMs: 0 });
    }
  });

  it('the project index through the worker: importers follow edits of the client module', async () => {
    await seam({ minChars: 0 });
    try {
      const lib = await vscode.workspace.openTextDocument(await write('lib/anthropic.ts', "import Anthropic from '@anthropic-ai/sdk';\n\nexport const anthropic = new Anthropic();\n"));
      const route = await vscode.workspace.openTextDocument(await write('route.ts', "import { anthropic } from './lib/anthropic';\n\nexport const go = () => anthropic.messages.create({ model: 'claude-sonnet-5-5', messages: [] });\n"));
      await waitFor('the importer\'s findings', () => ours(route.uri).some((d) => codeOf(d) === 'missing-max-tokens'));
      await setText(lib, "import Anthropic from '@anthropic-ai/sdk';\n\nexport const claude = new Anthropic();\n");
      await waitFor('the importer to follow the rename', () => ours(route.uri).length === 0);
      await setText(lib, "import Anthropic from '@anthropic-ai/sdk';\n\nexport const anthropic = new Anthropic();\n");
      await waitFor('the importer\'s findings again', () => ours(route.uri).some((d) => codeOf(d) === 'missing-max-tokens'));
      await lib.save();
    } finally {
      await seam({ minChars: defaultMinChars });
    }
  });

  it('small files: edit-to-diagnostics p50 on the host thread (default) and on the worker', async () => {
    const doc = await vscode.workspace.openTextDocument(await write('latency.ts', HEAD));
    const editor = await vscode.window.showTextDocument(doc);
    await waitFor('latency.ts analysed', () => ours(doc.uri).length > 0);
    const OLD = "'claude-3-5-sonnet-20241022'";
    const NEW = "'claude-sonnet-5-5'";
    /** One edit that adds or removes retired-model; ms until the diagnostics show it. */
    const once = async (): Promise<number> => {
      const text = doc.getText();
      const [from, to] = text.includes(OLD) ? [OLD, NEW] : [NEW, OLD];
      const at = text.indexOf(from);
      const want = to === OLD;
      const t0 = performance.now();
      assert.ok(await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to)));
      await new Promise<void>((done) => {
        const check = () => ours(doc.uri).some((d) => codeOf(d) === 'retired-model') === want;
        if (check()) return done();
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (e.uris.some((u) => u.toString() === doc.uri.toString()) && check()) {
            sub.dispose();
            done();
          }
        });
      });
      return performance.now() - t0;
    };
    // Interleaved, so that the load of the shared machine weighs on both alike.
    const times: Record<'host' | 'worker', number[]> = { host: [], worker: [] };
    try {
      for (let i = 0; i < 24; i++) {
        for (const mode of ['host', 'worker'] as const) {
          await seam({ minChars: mode === 'host' ? defaultMinChars : 0 });
          const ms = await once();
          if (i >= 2) times[mode].push(ms); // the first rounds warm both paths up
        }
      }
    } finally {
      await seam({ minChars: defaultMinChars });
    }
    const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * p)]!;
    for (const mode of ['host', 'worker'] as const) {
      console.log(`    small file on the ${mode} thread: edit → diagnostics p50 ${pct(times[mode], 0.5).toFixed(1)} ms, p90 ${pct(times[mode], 0.9).toFixed(1)} ms (${times[mode].length} edits, debounce 60 ms)`);
    }
    assert.equal(times.host.length, 22);
    assert.deepEqual(codes(doc.uri), await expected(doc));
  });
});
