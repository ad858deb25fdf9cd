// The layer boundaries fail where they should: `tsc -b` on a `vscode` import in core, webview and
// cli (their tsconfig.json maps `vscode` to src/no-vscode-here.d.ts), and `npm run lint:deps` on an
// import from core up into a face. Each probe has a control that passes, so the test can fail.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');

/** The diagnostics of one in-memory file `src/<layer>/__probe__.ts`, compiled with that layer's tsconfig. */
function probe(layer: string, text: string): ts.Diagnostic[] {
  const configPath = join(ROOT, 'src', layer, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  const file = join(ROOT, 'src', layer, '__probe__.ts');
  const host = ts.createCompilerHost({ ...parsed.options, noEmit: true });
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === file || fileExists.call(host, f);
  host.readFile = (f) => (f === file ? text : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) =>
    f === file ? ts.createSourceFile(f, text, lang) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram({ rootNames: [file], options: { ...parsed.options, noEmit: true }, host });
  return [...ts.getPreEmitDiagnostics(program, program.getSourceFile(file))];
}
const codes = (ds: ts.Diagnostic[]) => ds.map((d) => d.code);
const VSCODE_TYPES = "import type * as vscode from 'vscode';\nexport type P = vscode.Uri;\n";

describe('tsc: vscode only in the extension', () => {
  for (const layer of ['core', 'webview', 'cli']) {
    it(`a type-only vscode import in src/${layer} does not compile`, () => {
      const ds = probe(layer, VSCODE_TYPES);
      expect(codes(ds)).toContain(2306); // File '.../src/no-vscode-here.d.ts' is not a module.
      expect(ts.flattenDiagnosticMessageText(ds.find((d) => d.code === 2306)!.messageText, '\n')).toContain('no-vscode-here.d.ts');
    });
  }
  it('control: the same import compiles in src/extension', () => {
    expect(codes(probe('extension', VSCODE_TYPES))).toEqual([]);
  });
  it('a plain type error in core does not compile; its control does', () => {
    expect(codes(probe('core', "export const n: number = 'text';\n"))).toEqual([2322]);
    expect(codes(probe('core', 'export const n: number = 1;\n'))).toEqual([]);
  });
});

describe('lint:deps: core imports no face', () => {
  const dirs: string[] = [];
  afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  /** `depcruise src` with the project's config over a tree of the given files. */
  function cruise(files: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'layers-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const bin = join(ROOT, 'node_modules', '.bin', 'depcruise');
    const r = spawnSync(bin, ['src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--no-progress'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  }
  const face = { 'src/extension/panel.ts': 'export const panel = 1;\n', 'src/cli/main.ts': 'export const main = 1;\n' };
  it('core → extension is an error', () => {
    const r = cruise({ ...face, 'src/core/a.ts': "import { panel } from '../extension/panel';\nexport const a = panel;\n" });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('error core-no-faces: src/core/a.ts → src/extension/panel.ts');
  });
  it('core → cli and a vscode type import in core are errors', () => {
    const r = cruise({ ...face, 'src/core/a.ts': "import type { main } from '../cli/main';\nimport type * as vscode from 'vscode';\nexport type A = typeof main | vscode.Uri;\n" });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('error core-no-faces: src/core/a.ts → src/cli/main.ts');
    expect(r.out).toContain('error core-no-vscode: src/core/a.ts → vscode');
  });
  it('control: extension → core is allowed', () => {
    const r = cruise({ ...face, 'src/core/a.ts': 'export const a = 1;\n', 'src/extension/b.ts': "import { a } from '../core/a';\nexport const b = a;\n" });
    expect(r.out).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });
});

describe('no scaffold leftovers', () => {
  // Built from parts so this file does not match itself.
  const patterns = [
    new RegExp(['subscriptions', String.raw`\.push\(\s*\)`].join('')),
    new RegExp(['Hello', ' World from'].join('')),
    new RegExp(['This method is called', ' when'].join('')),
    new RegExp(['Congratulations,', ' your extension'].join('')),
  ];
  function* files(dir: string): Generator<string> {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) {
        if (d.name !== 'node_modules' && p !== join(ROOT, 'test', 'fixtures')) yield* files(p);
      } else if (/\.(ts|mts|mjs|cjs|js)$/.test(d.name)) {
        yield p;
      }
    }
  }
  it('src, scripts and test carry no generator text and no empty push onto the subscriptions', () => {
    const hits: string[] = [];
    for (const top of ['src', 'scripts', 'test']) {
      for (const f of files(join(ROOT, top))) {
        const text = readFileSync(f, 'utf8');
        for (const re of patterns) if (re.test(text)) hits.push(`${f.slice(ROOT.length + 1)}: ${re.source}`);
      }
    }
    expect(hits).toEqual([]);
  });
  it('control: the patterns catch the scaffold text', () => {
    const scaffold = ['context.subscriptions', '.push( );', "showInformationMessage('Hello", " World from x!')"].join('');
    expect(patterns.filter((re) => re.test(scaffold))).toHaveLength(2);
  });
});
