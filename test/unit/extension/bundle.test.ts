import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The same shape as esbuild.mjs's extension build: what gets parsed at activation. */
async function inputsOf(entry: string): Promise<string[]> {
  const r = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
    write: false, metafile: true, outfile: 'out/bundle-probe.js', logLevel: 'silent',
  });
  return Object.keys(r.metafile.inputs);
}

describe('activation path', () => {
  it('dist/extension.js does not contain the SDK, the client or the simulator (they live in connection-runtime.js)', async () => {
    const inputs = await inputsOf('src/extension/extension.ts');
    expect(inputs.some((i) => i.includes('src/extension/connection/index.ts'))).toBe(true);
    expect(inputs.filter((i) => i.includes('@anthropic-ai/sdk'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('src/core/simulator/') || i.endsWith('src/core/retry/client.ts'))).toEqual([]);
    // The proxy (issue #15) loads with the runtime too: only its command registration is here.
    expect(inputs.some((i) => i.endsWith('src/extension/proxy/index.ts'))).toBe(true);
    expect(inputs.filter((i) => i.includes('src/core/proxy/'))).toEqual([]);
  }, 30_000);

  it('the host carries the connection panel\'s state and reducer from core, none of the webview\'s view code', async () => {
    const host = await inputsOf('src/extension/extension.ts');
    expect(host.some((i) => i.endsWith('src/core/connection/runModel.ts'))).toBe(true);
    expect(host.filter((i) => i.includes('src/webview/') && !/src\/webview\/[^/]+\/(protocol|strings)\.ts$/.test(i))).toEqual([]);
    // The webview draws from the same state types and labels, and has its view code.
    const page = await inputsOf('src/webview/connection/main.ts');
    expect(page.some((i) => i.endsWith('src/webview/connection/model.ts'))).toBe(true);
    expect(page.some((i) => i.endsWith('src/core/connection/runModel.ts'))).toBe(true);
  }, 30_000);

  it('the connection runtime carries them', async () => {
    const inputs = await inputsOf('src/extension/connection/runtime.ts');
    expect(inputs.some((i) => i.includes('@anthropic-ai/sdk'))).toBe(true);
    expect(inputs.some((i) => i.includes('src/core/simulator/server.ts'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('src/core/retry/client.ts'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('src/core/proxy/server.ts'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('src/core/proxy/log.ts'))).toBe(true);
  }, 30_000);
});

describe('activation path: the analyzer', () => {
  it('dist/extension.js does not contain the engine, the rules or tree-sitter (they live in analyzer-runtime.js)', async () => {
    const inputs = await inputsOf('src/extension/extension.ts');
    expect(inputs.some((i) => i.endsWith('src/extension/analyzer/index.ts'))).toBe(true);
    expect(inputs.filter((i) => i.includes('tree-sitter'))).toEqual([]);
    expect(inputs.filter((i) => i.includes('src/core/analyzer/rules/') || /src\/core\/analyzer\/(engine|parser|syntax|sdk)\.ts$/.test(i))).toEqual([]);
    expect(inputs.filter((i) => /src\/extension\/analyzer\/(controller|codeActions|hover|scan)\.ts$/.test(i))).toEqual([]);
  }, 30_000);

  it('the analyzer runtime carries them', async () => {
    const inputs = await inputsOf('src/extension/analyzer/runtime.ts');
    expect(inputs.some((i) => i.includes('@vscode/tree-sitter-wasm'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('src/core/analyzer/engine.ts'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('src/extension/analyzer/controller.ts'))).toBe(true);
  }, 30_000);
});
