/**
 * Tree-sitter (WebAssembly) loading and parsing. The runtime and each grammar load lazily, once per
 * process, the first time a file of that language is parsed. Works unbundled (vitest, tsx) and
 * bundled by esbuild into a CJS file next to `dist/wasm/`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Language, Node, Parser, Tree, Edit } from '@vscode/tree-sitter-wasm';
import type { AnalyzerLanguage } from './types';

export type { Node, Tree };
type TreeSitterModule = typeof import('@vscode/tree-sitter-wasm');

type Grammar = 'typescript' | 'tsx' | 'javascript' | 'python';

export function grammarFor(language: AnalyzerLanguage): Grammar {
  switch (language) {
    case 'typescript': return 'typescript';
    case 'typescriptreact': return 'tsx';
    case 'javascript':
    case 'javascriptreact': return 'javascript';
    case 'python': return 'python';
  }
}

const WASM_FILES = ['tree-sitter.wasm', 'tree-sitter-typescript.wasm'];

function isWasmDir(dir: string): boolean {
  return WASM_FILES.every((f) => fs.existsSync(path.join(dir, f)));
}

/** dist/wasm next to the bundle, else node_modules/@vscode/tree-sitter-wasm/wasm. */
export function defaultWasmDir(): string {
  const candidates: string[] = [];
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (here) candidates.push(path.join(here, 'wasm'), path.join(here, '..', 'wasm'), path.join(here, '..', 'dist', 'wasm'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const req = typeof require === 'function' ? require : undefined;
    const pkg = req?.resolve?.('@vscode/tree-sitter-wasm/package.json');
    if (pkg) candidates.push(path.join(path.dirname(pkg), 'wasm'));
  } catch {
    // not resolvable from here: walk up below
  }
  for (const start of [here, process.cwd()]) {
    let dir = start;
    while (dir) {
      candidates.push(path.join(dir, 'node_modules', '@vscode', 'tree-sitter-wasm', 'wasm'));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  for (const c of candidates) if (isWasmDir(c)) return c;
  throw new Error('claude-doctor: tree-sitter wasm files not found (looked for dist/wasm and node_modules/@vscode/tree-sitter-wasm/wasm)');
}

let runtime: Promise<TreeSitterModule> | undefined;
let runtimeDir: string | undefined;

async function loadRuntime(wasmDir: string): Promise<TreeSitterModule> {
  if (runtime) return runtime;
  runtimeDir = wasmDir;
  runtime = (async () => {
    const imported = (await import('@vscode/tree-sitter-wasm')) as TreeSitterModule & { default?: TreeSitterModule };
    const mod: TreeSitterModule = imported.Parser ? imported : (imported.default as TreeSitterModule);
    const wasmPath = path.join(wasmDir, 'tree-sitter.wasm');
    // Emscripten uses the options object as its Module: the heap helpers end up on it.
    const moduleObject: Record<string, unknown> = { locateFile: () => wasmPath };
    await mod.Parser.init(moduleObject as { locateFile: () => string });
    fastHeapAccess(moduleObject);
    memoizeNodeGetters(mod);
    return mod;
  })();
  runtime.catch(() => { runtime = undefined; });
  return runtime;
}

/**
 * Every node handed between JS and wasm is copied through the runtime's generic `getValue` /
 * `setValue(ptr, value, type)` helpers: a string switch and a DataView call per 32-bit word, five
 * words per node each way. On a little-endian host an Int32Array view of the same heap reads and
 * writes the same bytes: use it for aligned `i32` (all node and cursor marshalling uses), and leave
 * every other type to the original helpers. The view is re-read on every call (memory growth
 * replaces it). The parser's own input callback does not go through these helpers.
 */
function fastHeapAccess(m: Record<string, unknown>): void {
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const get = m.getValue as ((ptr: number, type?: string) => number) | undefined;
  const set = m.setValue as ((ptr: number, value: number, type?: string) => void) | undefined;
  if (!littleEndian || typeof get !== 'function' || typeof set !== 'function' || !(m.HEAP32 instanceof Int32Array)) return;
  m.getValue = (ptr: number, type?: string): number => {
    if (type === 'i32' && (ptr & 3) === 0) return (m.HEAP32 as Int32Array)[ptr >> 2]!;
    return get(ptr, type);
  };
  m.setValue = (ptr: number, value: number, type?: string): void => {
    if (type === 'i32' && (ptr & 3) === 0) (m.HEAP32 as Int32Array)[ptr >> 2] = value;
    else set(ptr, value, type);
  };
}

/**
 * What we remember about one Node. One object per node, created with every slot, so every Node
 * gains exactly one own property (`__m`) and rule code reading through the getters stays
 * monomorphic (adding slots one by one, in whatever order rules happen to read them, gave Nodes
 * dozens of hidden classes).
 */
class Memo {
  t: string | undefined = undefined;
  p: Node | null | undefined = undefined;
  e: number | undefined = undefined;
  x: string | undefined = undefined;
  /** children / namedChildren already told their parent */
  pc = false;
  pn = false;
  /** Field children asked for so far: names and nodes side by side (a node has few fields). */
  fk: string[] | undefined = undefined;
  fv: (Node | null)[] | undefined = undefined;
}

type MemoNode = Node & { __m?: Memo };

function memoOf(n: MemoNode): Memo {
  let m = n.__m;
  if (m === undefined) {
    m = new Memo();
    n.__m = m;
  }
  return m;
}

/**
 * Tell a node its type when the caller knows it from the source (a `key:` item of an object is a
 * pair), so asking for it later costs no wasm call. Only where the grammar leaves no other choice.
 */
export function knownType(n: Node, type: string): void {
  memoOf(n as MemoNode).t ??= type;
}

/** Tell `child` its parent, unless it knows it already. */
function seedParent(child: MemoNode, parent: Node): void {
  const m = memoOf(child);
  if (m.p === undefined) m.p = parent;
}

/**
 * A Node is an immutable view of one tree, but every `type`/`parent` read crosses into wasm (and
 * tree-sitter answers `parent` by descending from the root, scanning its children one by one).
 * Rules read them many times per node: remember them on the instance. A node's children and field
 * children learn their parent (`this`) when they are fetched, so climbing back up from them is free.
 */
function memoizeNodeGetters(mod: TreeSitterModule): void {
  const proto = (mod.Node as unknown as { prototype: Record<string, unknown> }).prototype;
  if ((proto as { __claudeDoctorMemo?: boolean }).__claudeDoctorMemo) return;
  const getter = (name: string): ((this: Node) => unknown) | undefined => Object.getOwnPropertyDescriptor(proto, name)?.get as ((this: Node) => unknown) | undefined;
  /** A getter answered once per node, then from its memo slot. */
  const remember = <K extends 't' | 'p' | 'e' | 'x'>(name: string, slot: K): void => {
    const get = getter(name);
    if (!get) return;
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: MemoNode) {
        const m = memoOf(this);
        let v = m[slot];
        if (v === undefined) {
          v = get.call(this) as Memo[K];
          m[slot] = v;
        }
        return v;
      },
    });
  };
  remember('type', 't');
  remember('parent', 'p');
  remember('endIndex', 'e');
  remember('text', 'x');
  /** A child list (fetched once by the library itself) whose nodes learn their parent the first time. */
  const seeding = (name: string, flag: 'pc' | 'pn'): void => {
    const get = getter(name);
    if (!get) return;
    Object.defineProperty(proto, name, {
      configurable: true,
      get(this: MemoNode) {
        const list = get.call(this) as MemoNode[];
        const m = memoOf(this);
        if (!m[flag]) {
          m[flag] = true;
          for (const c of list) if (c) seedParent(c, this);
        }
        return list;
      },
    });
  };
  seeding('children', 'pc');
  seeding('namedChildren', 'pn');
  for (const name of ['child', 'namedChild'] as const) {
    const fn = proto[name] as ((this: Node, i: number) => Node | null) | undefined;
    if (typeof fn !== 'function') continue;
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value(this: MemoNode, i: number): Node | null {
        const v = fn.call(this, i) as MemoNode | null;
        if (v) seedParent(v, this);
        return v;
      },
    });
  }
  const byField = proto.childForFieldName as ((this: Node, name: string) => Node | null) | undefined;
  if (typeof byField === 'function') {
    Object.defineProperty(proto, 'childForFieldName', {
      configurable: true,
      writable: true,
      value(this: MemoNode, fieldName: string): Node | null {
        const m = memoOf(this);
        const keys = m.fk;
        if (keys) {
          const i = keys.indexOf(fieldName);
          if (i >= 0) return m.fv![i]!;
        }
        const v = byField.call(this, fieldName) as MemoNode | null;
        if (v) seedParent(v, this);
        if (keys) {
          keys.push(fieldName);
          m.fv!.push(v);
        } else {
          m.fk = [fieldName];
          m.fv = [v];
        }
        return v;
      },
    });
  }
  Object.defineProperty(proto, '__claudeDoctorMemo', { value: true });
}

/** Characters per input read of an incremental parse. */
const PARSE_CHUNK = 1024;

/** One parser per grammar; grammars are process-wide. */
export class ParserPool {
  private readonly languages = new Map<Grammar, Promise<Language>>();
  private readonly parsers = new Map<Grammar, Parser>();
  private wasmDir: string | undefined;

  constructor(wasmDir?: string) {
    this.wasmDir = wasmDir;
  }

  private dir(): string {
    if (!this.wasmDir) this.wasmDir = runtimeDir ?? defaultWasmDir();
    return this.wasmDir;
  }

  async parser(grammar: Grammar): Promise<Parser> {
    const existing = this.parsers.get(grammar);
    if (existing) return existing;
    const dir = this.dir();
    const mod = await loadRuntime(dir);
    let lang = sharedLanguages.get(grammar);
    if (!lang) {
      lang = (async () => mod.Language.load(new Uint8Array(await fs.promises.readFile(path.join(dir, `tree-sitter-${grammar}.wasm`)))))();
      sharedLanguages.set(grammar, lang);
      lang.catch(() => sharedLanguages.delete(grammar));
    }
    this.languages.set(grammar, lang);
    const language = await lang;
    const again = this.parsers.get(grammar);
    if (again) return again;
    const parser = new mod.Parser();
    parser.setLanguage(language);
    this.parsers.set(grammar, parser);
    return parser;
  }

  async parse(text: string, language: AnalyzerLanguage, oldTree?: Tree): Promise<Tree> {
    const parser = await this.parser(grammarFor(language));
    // Read in chunks: given the string itself, the runtime hands tree-sitter `text.slice(index)`
    // and copies 5,119 characters of it into wasm memory on every read, and an incremental parse
    // reads again after every subtree it reuses.
    const tree = oldTree
      ? parser.parse((index: number) => text.slice(index, index + PARSE_CHUNK), oldTree)
      : parser.parse(text, null);
    if (!tree) throw new Error('claude-doctor: tree-sitter returned no tree');
    return tree;
  }
}

const sharedLanguages = new Map<Grammar, Promise<Language>>();

/** Point (row, UTF-16 column) of an offset, for tree.edit. */
export function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  let i = text.indexOf('\n');
  while (i !== -1 && i < offset) {
    row++;
    lineStart = i + 1;
    i = text.indexOf('\n', lineStart);
  }
  return { row, column: offset - lineStart };
}

/** Point of `offset` (>= `from`), continuing from the point of `from`: scans only the text between. */
function pointFrom(text: string, at: { row: number; column: number }, from: number, offset: number): { row: number; column: number } {
  let row = at.row;
  let lineStart = from - at.column;
  let i = text.indexOf('\n', from);
  while (i !== -1 && i < offset) {
    row++;
    lineStart = i + 1;
    i = text.indexOf('\n', lineStart);
  }
  return { row, column: offset - lineStart };
}

/** The tree-sitter edit for replacing [start, start+oldLength) of `before` by `newText`. */
export function treeEdit(before: string, start: number, oldLength: number, newText: string): Edit {
  const startPosition = pointAt(before, start);
  const oldEndPosition = pointFrom(before, startPosition, start, start + oldLength);
  const lines = newText.split('\n');
  const newEndPosition = lines.length === 1
    ? { row: startPosition.row, column: startPosition.column + newText.length }
    : { row: startPosition.row + lines.length - 1, column: lines[lines.length - 1]!.length };
  return {
    startIndex: start,
    oldEndIndex: start + oldLength,
    newEndIndex: start + newText.length,
    startPosition,
    oldEndPosition,
    newEndPosition,
  };
}
