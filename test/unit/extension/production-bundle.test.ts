/**
 * Test seams stay out of production (issue #14 item 6): the bundles `npm run package` ships carry
 * no test hooks, no global test handle and no test-only webview message; development builds do.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');

/** Builds every bundle with esbuild.mjs's own options, in memory; returns output name → text. */
async function bundles(production: boolean): Promise<Map<string, string>> {
  const { buildOptions } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-options.mjs')).href)) as {
    buildOptions(o: { production: boolean }): esbuild.BuildOptions[];
  };
  const out = new Map<string, string>();
  const prev = process.cwd();
  process.chdir(ROOT); // the options name entry points relative to the repository
  try {
    for (const o of buildOptions({ production })) {
      if (String(o.outdir).startsWith('out')) continue; // the in-host test suites are not shipped
      const r = await esbuild.build({ ...o, write: false, sourcemap: false, logLevel: 'silent' });
      for (const f of r.outputFiles) out.set(f.path.slice(ROOT.length + 1).replace(/\\/g, '/'), f.text);
    }
  } finally {
    process.chdir(prev);
  }
  return out;
}

/** Strings only the test seams use. */
const EXTENSION_SEAMS = ['postedMessages', 'clearPostedMessages', 'panelHtml', 'waitForRender', 'controllerLoaded', '__claudeDoctorErrorLog', 'clearPosted', 'proxyExchanges', 'proxyFlushLog', 'proxyReportMarkdown', 'proxyReceive', 'proxyRendered'];

describe('production bundles carry no test seams', () => {
  it('extension host: no testing hooks, no global test handle', async () => {
    const prod = await bundles(true);
    const dev = await bundles(false);
    // The host code: the extension and its lazily loaded connection runtime.
    const host = (m: Map<string, string>) => ['dist/extension.js', 'dist/connection-runtime.js'].map((f) => {
      expect(m.get(f), f).toBeTruthy();
      return m.get(f)!;
    }).join('\n');
    const prodHost = host(prod);
    for (const s of EXTENSION_SEAMS) expect(prodHost.includes(s), `a production host bundle contains ${s}`).toBe(false);
    // The same names are in a development build: the check above can fail.
    const devHost = host(dev);
    for (const s of EXTENSION_SEAMS) expect(devHost.includes(s), `development build has ${s}`).toBe(true);
  }, 60_000);

  it('proxy report card webview: the test-only rendered report is not sent', async () => {
    const prod = (await bundles(true)).get('dist/webview/proxy.js')!;
    const dev = (await bundles(false)).get('dist/webview/proxy.js')!;
    const sendsRendered = (js: string) => /type:\s*["']rendered["']/.test(js);
    expect(sendsRendered(prod)).toBe(false);
    expect(sendsRendered(dev)).toBe(true);
  }, 60_000);

  it('connection webview: the test-only rendered report is not sent', async () => {
    const prod = (await bundles(true)).get('dist/webview/connection.js')!;
    const dev = (await bundles(false)).get('dist/webview/connection.js')!;
    const sendsRendered = (js: string) => /type:\s*["']rendered["']/.test(js);
    expect(sendsRendered(prod)).toBe(false);
    expect(sendsRendered(dev)).toBe(true);
  }, 60_000);
});

/** Strings of the tree-sitter glue (the emscripten loader of @vscode/tree-sitter-wasm) and the parser. */
const TREE_SITTER_GLUE = ['ts_parser_new_wasm', 'ts_tree_edit_wasm', 'tree-sitter.wasm', 'tree-sitter-typescript.wasm'];

describe('activation bundle (issue #16 item 3)', () => {
  it('dist/extension.js carries no analyzer: the tree-sitter glue is in dist/analyzer-runtime.js, minified', async () => {
    const prod = await bundles(true);
    const ext = prod.get('dist/extension.js')!;
    const runtime = prod.get('dist/analyzer-runtime.js');
    expect(ext).toBeTruthy();
    expect(runtime, 'the analyzer chunk is built').toBeTruthy();
    for (const s of TREE_SITTER_GLUE) {
      expect(ext.includes(s), `dist/extension.js contains ${s}`).toBe(false);
      expect(runtime!.includes(s), `dist/analyzer-runtime.js lacks ${s}`).toBe(true);
    }
    // The shell requires the chunk by name at run time.
    expect(ext.includes('analyzer-runtime.js')).toBe(true);
    // Minified: (almost) no line breaks, and well under the 394 KB the single bundle was.
    expect(ext.split('\n').length).toBeLessThan(50);
    expect(ext.length).toBeLessThan(160_000);
  }, 60_000);
});

describe('analyzer worker bundle (issue #10 item 5)', () => {
  it('dist/analyzer-worker.js is built, carries the engine and tree-sitter, and no test seam in production', async () => {
    const prod = await bundles(true);
    const dev = await bundles(false);
    const worker = prod.get('dist/analyzer-worker.js');
    expect(worker, 'the worker bundle is built').toBeTruthy();
    for (const s of TREE_SITTER_GLUE) expect(worker!.includes(s), `dist/analyzer-worker.js lacks ${s}`).toBe(true);
    // The activation bundle does not carry it; the runtime starts it by name.
    expect(prod.get('dist/extension.js')!.includes('ts_parser_new_wasm')).toBe(false);
    expect(prod.get('dist/analyzer-runtime.js')!.includes('analyzer-worker.js')).toBe(true);
    // The crash/hang seam (and its command) only in development builds.
    for (const f of ['dist/analyzer-worker.js', 'dist/analyzer-runtime.js']) {
      expect(prod.get(f)!.includes('analyzerWorkerTest'), `production ${f} has the worker seam`).toBe(false);
      expect(dev.get(f)!.includes('analyzerWorkerTest'), `development ${f} lacks the worker seam`).toBe(true);
    }
  }, 60_000);
});
