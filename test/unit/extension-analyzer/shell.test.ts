/**
 * The analyzer's activation shell decides when dist/analyzer-runtime.js loads (issue #16 item 3):
 * a document needs it when it mentions the SDK, or when the project index would parse one of its
 * imports. Real files on disk, read through a `vscode.workspace.fs` over node:fs.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', () => {
  class CodeActionKind {
    constructor(readonly value: string) {}
    append(part: string) { return new CodeActionKind(`${this.value}.${part}`); }
    static readonly QuickFix = new CodeActionKind('quickfix');
    static readonly RefactorRewrite = new CodeActionKind('refactor.rewrite');
    static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  }
  const file = (fsPath: string) => ({ scheme: 'file', fsPath, path: fsPath, toString: () => `file://${fsPath}` });
  return {
    CodeActionKind,
    FileType: { File: 1, Directory: 2 },
    Uri: { file },
    workspace: {
      textDocuments: [],
      fs: {
        stat: async (u: { fsPath: string }) => ({ type: statSync(u.fsPath).isFile() ? 1 : 2, size: statSync(u.fsPath).size }),
        readFile: async (u: { fsPath: string }) => new Uint8Array(readFileSync(u.fsPath)),
      },
    },
  };
});

const { needsAnalyzer } = await import('../../../src/extension/analyzer/index');

const dir = mkdtempSync(join(tmpdir(), 'cd-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doc(name: string, text: string, opts: { languageId?: string; scheme?: string } = {}) {
  const fsPath = join(dir, name);
  writeFileSync(fsPath, text);
  const scheme = opts.scheme ?? 'file';
  return {
    uri: { scheme, fsPath, path: fsPath, toString: () => `${scheme}://${fsPath}` },
    languageId: opts.languageId ?? 'typescript',
    version: 1,
    isClosed: false,
    getText: () => text,
  } as never;
}

writeFileSync(join(dir, 'client.ts'), "import Anthropic from '@anthropic-ai/sdk';\nexport const client = new Anthropic();\n");
writeFileSync(join(dir, 'util.ts'), 'export const add = (a: number, b: number) => a + b;\n');

describe('needsAnalyzer: when the analyzer runtime loads', () => {
  it('a file that imports the SDK (TS) or anthropic (Python) needs it', async () => {
    expect(await needsAnalyzer(doc('sdk.ts', "import Anthropic from '@anthropic-ai/sdk';\n"))).toBe(true);
    expect(await needsAnalyzer(doc('sdk.py', 'import anthropic\nc = anthropic.Anthropic()\n', { languageId: 'python' }))).toBe(true);
  });

  it('a file that imports a client from another module needs it, though it never names the SDK', async () => {
    expect(await needsAnalyzer(doc('uses-client.ts', "import { client } from './client';\nexport const go = () => client.messages.create({} as never);\n"))).toBe(true);
  });

  it('a file without the SDK, importing nothing that could bring it, does not', async () => {
    expect(await needsAnalyzer(doc('plain.ts', "export const model = 'x';\n"))).toBe(false);
    expect(await needsAnalyzer(doc('uses-util.ts', "import { add } from './util';\nimport * as fs from 'node:fs';\nexport const three = add(1, 2);\n"))).toBe(false);
    expect(await needsAnalyzer(doc('missing.ts', "import { nope } from './does-not-exist';\n"))).toBe(false);
  });

  it('other languages and schemes the analyzer does not read: never', async () => {
    expect(await needsAnalyzer(doc('readme.md', "import Anthropic from '@anthropic-ai/sdk';\n", { languageId: 'markdown' }))).toBe(false);
    expect(await needsAnalyzer(doc('git.ts', "import Anthropic from '@anthropic-ai/sdk';\n", { scheme: 'git' }))).toBe(false);
    // An untitled buffer cannot resolve relative imports: only a mention counts.
    expect(await needsAnalyzer(doc('untitled.ts', "import { client } from './client';\n", { scheme: 'untitled' }))).toBe(false);
  });
});
