/**
 * The project-wide client index: which exported names of which module are Anthropic clients,
 * factories returning one, modules re-exporting them, or string constants — shared by the CLI
 * (`lint DIR`) and the editor. It reads files only through its host and only when an importer
 * asks: an import specifier (found by a text search) is resolved to a file (relative paths, index
 * files, tsconfig/jsconfig `paths`/`baseUrl`, Python packages), and a module is parsed for its
 * facts (exports.ts) only when its text can offer any (it mentions the SDK or a `claude` string,
 * or imports such a module). Everything is cached until `update`/`invalidate` says a file changed.
 */
import * as path from 'node:path';
import type { LocalFacts, LocalValue } from './exports';
import { mentionsClaudeSdk } from './precheck';
import type { AnalyzerLanguage } from './types';
import { type ExportFact, type FactsParser, type ModuleExports, type ProjectHost, type ProjectImports, exportsKey, keyOf, reachesClient } from './projectFacts';
import { JS_TO_TS, MAX_CHAIN, MAX_TOKENS_NAME, TS_EXTS, type TsConfig, importSpecifiers, languageOf, parseJsonc } from './projectSpecs';
export type { ExportFact, FactsParser, ModuleExports, ProjectHost, ProjectImports } from './projectFacts';
export { importSpecifiers, parseJsonc } from './projectSpecs';

export class ProjectIndex {
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly overlay = new Map<string, string>();
  private readonly local = new Map<string, Promise<LocalFacts | null>>();
  private readonly flat = new Map<string, Promise<ModuleExports>>();
  private readonly offers = new Map<string, Promise<boolean>>();
  private readonly resolved = new Map<string, Promise<string | null>>();
  private readonly configs = new Map<string, Promise<TsConfig | null>>();
  /** File → the files its facts or its imports' facts were read from (an importer's, or a module's own). */
  private readonly edges = new Map<string, Set<string>>();
  /** The same edges reversed: file → the files that read it. */
  private readonly rev = new Map<string, Set<string>>();

  constructor(private readonly host: ProjectHost, private readonly parser: FactsParser) {}

  /** The joined exports each module had when an importer last read them (see exportsChanged). */
  private readonly seen = new Map<string, string>();

  /**
   * Whether what `file` exports (joined) differs from what importers last read: a text change
   * that leaves the exports alone (a comment, a function body) needs no importer re-analysed.
   */
  exportsChanged(file: string): Promise<boolean> {
    const run = this.queue.then(async () => {
      const before = this.seen.get(file);
      if (before === undefined) return true;
      const now = (await this.offersFacts(file, [])) ? exportsKey(await this.exportsOf(file, [])) : '';
      this.seen.set(file, now);
      return now !== before;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A file's current text (an open editor's): replaces what was read from disk. Returns whether
   * the index had another text for it (its importers may need another look).
   */
  update(file: string, text: string): boolean {
    if (this.overlay.get(file) === text) return false;
    this.overlay.set(file, text);
    this.changed(file, false);
    return true;
  }

  /** The file changed on disk, was created or deleted, or its editor closed: read it again when next needed. */
  invalidate(file: string): void {
    this.overlay.delete(file);
    this.changed(file, true);
  }

  private changed(file: string, onDisk: boolean): void {
    // Only a file some importer already read as a module changes what the index joined.
    const wasModule = this.local.has(file) || this.offers.has(file) || this.texts.has(file);
    this.texts.delete(file);
    this.local.delete(file);
    if (wasModule || onDisk) {
      // Joined facts are cheap to redo from the per-file facts, which stay cached.
      this.flat.clear();
      this.offers.clear();
    }
    // A created or deleted file changes what resolves.
    if (onDisk) this.resolved.clear();
    const base = path.basename(file);
    if (base === 'tsconfig.json' || base === 'jsconfig.json' || /^[jt]sconfig\..*\.json$/.test(base)) {
      this.configs.clear();
      this.resolved.clear();
    }
  }

  /** Files whose analysis read `file` (directly or through other modules): re-analyse them when it changes. */
  dependents(file: string): string[] {
    if (!this.rev.has(file)) return [];
    const seen = new Set<string>([file]);
    const queue = [file];
    while (queue.length > 0) for (const f of this.rev.get(queue.pop()!) ?? []) if (!seen.has(f)) { seen.add(f); queue.push(f); }
    seen.delete(file);
    return [...seen];
  }

  /** An importer went away (closed, deleted): its edges no longer matter. */
  forget(file: string): void {
    this.dropEdges(file);
  }

  private dropEdges(from: string): void {
    const set = this.edges.get(from);
    if (!set) return;
    for (const to of set) {
      const r = this.rev.get(to);
      r?.delete(from);
      if (r?.size === 0) this.rev.delete(to);
    }
    this.edges.delete(from);
  }

  private edge(from: string, to: string): void {
    let s = this.edges.get(from);
    if (!s) this.edges.set(from, (s = new Set()));
    s.add(to);
    let r = this.rev.get(to);
    if (!r) this.rev.set(to, (r = new Set()));
    r.add(from);
  }

  private read(file: string): Promise<string | undefined> {
    const o = this.overlay.get(file);
    if (o !== undefined) return Promise.resolve(o);
    let p = this.texts.get(file);
    if (!p) {
      p = this.host.read(file).catch(() => undefined);
      this.texts.set(file, p);
    }
    return p;
  }

  /** What `file`'s imports bring, for the engine (`AnalyzeOptions.project`). */
  importsFor(file: string, text: string, language: AnalyzerLanguage): Promise<ProjectImports> {
    // One at a time: module computations are shared promises, and two chains entered from
    // different ends of an import cycle would wait on each other.
    const run = this.queue.then(() => this.computeImports(file, text, language));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private async computeImports(file: string, text: string, language: AnalyzerLanguage): Promise<ProjectImports> {
    const py = language === 'python';
    const modules = new Map<string, ModuleExports | null>();
    this.dropEdges(file);
    let hasClient = false;
    for (const { spec, names } of importSpecifiers(text, py)) {
      const target = await this.resolve(file, spec, py);
      if (!target) { modules.set(spec, null); continue; }
      this.edge(file, target);
      let exports: Map<string, ExportFact> | undefined;
      if (await this.offersFacts(target, [])) exports = new Map(await this.exportsOf(target, []));
      if (py) {
        // `from pkg import llm`: a submodule when the package does not define the name.
        for (const n of names) {
          if (exports?.has(n)) continue;
          const sub = await this.pySubmodule(target, n, file);
          if (sub) (exports ??= new Map()).set(n, sub);
        }
      }
      this.seen.set(target, exports ? exportsKey(exports) : '');
      if (exports && exports.size > 0) {
        modules.set(spec, exports);
        // (Python names what it takes: `from m import MODEL` brings no client even if m has one)
        const taken = py && names.length > 0 ? new Map(names.filter((n) => exports!.has(n)).map((n) => [n, exports!.get(n)!])) : exports;
        if (reachesClient(taken, 0)) hasClient = true;
      } else modules.set(spec, null);
    }
    return { modules, hasClient, key: hasClient || modules.size > 0 ? keyOf(modules) : '' };
  }

  private async pySubmodule(pkgFile: string, name: string, owner: string): Promise<ExportFact | undefined> {
    if (path.basename(pkgFile) !== '__init__.py') return undefined;
    const dir = path.dirname(pkgFile);
    for (const c of [path.join(dir, `${name}.py`), path.join(dir, name, '__init__.py')]) {
      this.edge(owner, c);
      if ((await this.read(c)) === undefined) continue;
      if (!(await this.offersFacts(c, []))) return undefined;
      const exports = await this.exportsOf(c, []);
      return exports.size > 0 ? { kind: 'module', exports, from: c } : undefined;
    }
    return undefined;
  }

  /** Whether a module can export anything the engine uses (cheap: text searches, recursively over its imports). */
  private offersFacts(file: string, chain: readonly string[]): Promise<boolean> {
    if (chain.includes(file) || chain.length > MAX_CHAIN) return Promise.resolve(false);
    let p = this.offers.get(file);
    if (!p) {
      p = this.computeOffers(file, [...chain, file]);
      this.offers.set(file, p);
    }
    return p;
  }

  private async computeOffers(file: string, chain: readonly string[]): Promise<boolean> {
    const language = languageOf(file);
    const text = await this.read(file);
    if (!language || text === undefined) return false;
    if (mentionsClaudeSdk(text, language) || text.includes('claude') || MAX_TOKENS_NAME.test(text)) return true;
    const py = language === 'python';
    for (const { spec } of importSpecifiers(text, py)) {
      const t = await this.resolve(file, spec, py);
      if (t && t !== file) {
        this.edge(file, t);
        if (await this.offersFacts(t, chain)) return true;
      }
    }
    if (py && path.basename(file) === '__init__.py') return true; // submodules are looked up by name
    return false;
  }

  private localFacts(file: string): Promise<LocalFacts | null> {
    let p = this.local.get(file);
    if (!p) {
      p = (async () => {
        const language = languageOf(file);
        const text = await this.read(file);
        if (!language || text === undefined) return null;
        return this.parser.moduleFacts(text, language);
      })().catch(() => null);
      this.local.set(file, p);
    }
    return p;
  }

  /** A module's exports with every reference to another module followed. */
  private exportsOf(file: string, chain: readonly string[]): Promise<ModuleExports> {
    if (chain.includes(file) || chain.length > MAX_CHAIN) return Promise.resolve(new Map());
    let p = this.flat.get(file);
    if (!p) {
      p = this.computeExports(file, [...chain, file]);
      this.flat.set(file, p);
    }
    return p;
  }

  private async computeExports(file: string, chain: readonly string[]): Promise<ModuleExports> {
    const out = new Map<string, ExportFact>();
    const facts = await this.localFacts(file);
    if (!facts) return out;
    const py = languageOf(file) === 'python';
    for (const [name, v] of facts.exports) {
      const f = await this.follow(file, v, py, chain);
      if (f) out.set(name, f);
    }
    for (const spec of facts.stars) {
      const t = await this.resolve(file, spec, py);
      if (!t || t === file) continue;
      this.edge(file, t);
      for (const [name, f] of await this.exportsOf(t, chain)) if (name !== 'default' && !out.has(name)) out.set(name, f);
    }
    return out;
  }

  /**
   * What a module's value is, every reference followed. Only constants the rules can use are
   * kept: strings naming a Claude model, numbers (max_tokens, budgets); `inner`: a piece of a
   * larger value (a template's part), kept whatever it says.
   */
  private async follow(file: string, v: LocalValue, py: boolean, chain: readonly string[], inner = false, depth = 0): Promise<ExportFact | undefined> {
    if (v.kind === 'client' || v.kind === 'factory') return { kind: v.kind, provider: v.provider, from: file };
    if (v.kind === 'constant') return inner || typeof v.value === 'number' || v.value.includes('claude') ? { kind: 'constant', value: v.value, from: file } : undefined;
    if (depth > 4) return undefined;
    if (v.kind === 'concat') {
      let out = '';
      for (const p of v.parts) {
        const f = await this.follow(file, p, py, chain, true, depth + 1);
        if (f?.kind !== 'constant' || f.value === undefined) return undefined;
        out += String(f.value);
      }
      return inner || out.includes('claude') ? { kind: 'constant', value: out, from: file } : undefined;
    }
    if (v.kind === 'object') {
      const exports = new Map<string, ExportFact>();
      for (const [k, m] of v.members) {
        const f = await this.follow(file, m, py, chain, false, depth + 1);
        if (f) exports.set(k, f);
      }
      return exports.size > 0 ? { kind: 'module', exports, from: file } : undefined;
    }
    const t = await this.resolve(file, v.spec, py);
    if (!t || t === file) return undefined;
    this.edge(file, t);
    if (inner && v.name !== '*' && !v.call && !v.wrap) {
      // A template's part from another module (`claude-3-${FAMILY}`): that module's own value,
      // which its exports leave out (they keep only what names a model or is a number).
      const lv = (await this.localFacts(t))?.exports.get(v.name);
      return lv ? this.follow(t, lv, py, chain, true, depth + 1) : undefined;
    }
    const exports = await this.exportsOf(t, chain);
    let f: ExportFact | undefined = v.name === '*' ? (exports.size > 0 ? { kind: 'module', exports, from: t } : undefined) : exports.get(v.name);
    if (!f && py && v.name !== '*') f = await this.pySubmodule(t, v.name, file);
    if (!f) return undefined;
    if (v.call) return f.kind === 'factory' ? { kind: 'client', provider: f.provider, from: f.from } : undefined;
    if (v.wrap) return f.kind === 'client' ? { kind: 'factory', provider: f.provider, from: f.from } : undefined;
    return f;
  }

  // -----------------------------------------------------------------------------------------------
  // Resolution
  // -----------------------------------------------------------------------------------------------

  private resolve(from: string, spec: string, py: boolean): Promise<string | null> {
    const k = `${py ? 'p' : 't'}\u0000${path.dirname(from)}\u0000${spec}`;
    let p = this.resolved.get(k);
    if (!p) {
      p = (py ? this.resolvePy(from, spec) : this.resolveTs(from, spec)).catch(() => null);
      this.resolved.set(k, p);
    }
    return p;
  }

  private async firstFile(candidates: string[]): Promise<string | null> {
    for (const c of candidates) if ((await this.read(c)) !== undefined) return c;
    return null;
  }

  private tsCandidates(base: string): string[] {
    const out: string[] = [];
    const ext = path.extname(base);
    if (JS_TO_TS[ext]) for (const e of JS_TO_TS[ext]!) out.push(base.slice(0, -ext.length) + e);
    if (TS_EXTS.includes(ext)) out.push(base);
    for (const e of TS_EXTS) out.push(base + e);
    for (const e of TS_EXTS) out.push(path.join(base, `index${e}`));
    return out;
  }

  private async resolveTs(from: string, spec: string): Promise<string | null> {
    if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
      return this.firstFile(this.tsCandidates(path.resolve(path.dirname(from), spec)));
    }
    if (path.isAbsolute(spec)) return null;
    const cfg = await this.configFor(path.dirname(from));
    if (!cfg) return null;
    for (const [pattern, targets] of cfg.paths) {
      const star = pattern.indexOf('*');
      let rest: string | undefined;
      if (star < 0) rest = spec === pattern ? '' : undefined;
      else if (spec.startsWith(pattern.slice(0, star)) && spec.endsWith(pattern.slice(star + 1)) && spec.length >= pattern.length - 1) {
        rest = spec.slice(star, spec.length - (pattern.length - star - 1));
      }
      if (rest === undefined) continue;
      for (const t of targets) {
        const hit = await this.firstFile(this.tsCandidates(path.resolve(cfg.baseUrl ?? '/', t.replace('*', rest))));
        if (hit) return hit;
      }
    }
    if (cfg.baseUrl) return this.firstFile(this.tsCandidates(path.resolve(cfg.baseUrl, spec)));
    return null;
  }

  /** The nearest tsconfig.json / jsconfig.json above `dir` with its `paths` and `baseUrl` (absolute). */
  private configFor(dir: string): Promise<TsConfig | null> {
    let p = this.configs.get(dir);
    if (!p) {
      p = (async () => {
        for (const name of ['tsconfig.json', 'jsconfig.json']) {
          const cfg = await this.readConfig(path.join(dir, name), 0);
          if (cfg) return cfg;
        }
        const up = path.dirname(dir);
        return up === dir ? null : this.configFor(up);
      })();
      this.configs.set(dir, p);
    }
    return p;
  }

  private async readConfig(file: string, depth: number): Promise<TsConfig | null> {
    const text = await this.read(file);
    if (text === undefined || depth > 4) return null;
    let json: { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
    try {
      json = parseJsonc(text) as typeof json;
    } catch {
      return { paths: [] };
    }
    const dir = path.dirname(file);
    let base: TsConfig = { paths: [] };
    const ext = typeof json.extends === 'string' ? json.extends : Array.isArray(json.extends) ? json.extends.find((x) => typeof x === 'string') : undefined;
    if (typeof ext === 'string' && (ext.startsWith('.') || path.isAbsolute(ext))) {
      const f = path.resolve(dir, ext);
      base = (await this.readConfig(f.endsWith('.json') ? f : `${f}.json`, depth + 1)) ?? base;
    }
    const co = json.compilerOptions ?? {};
    const baseUrl = typeof co.baseUrl === 'string' ? path.resolve(dir, co.baseUrl) : undefined;
    const out: TsConfig = { baseUrl: baseUrl ?? base.baseUrl, paths: base.paths };
    if (co.paths && typeof co.paths === 'object') {
      // `paths` without `baseUrl` are relative to the config that declares them.
      const root = baseUrl ?? dir;
      out.paths = Object.entries(co.paths as Record<string, unknown>)
        .filter((e): e is [string, string[]] => Array.isArray(e[1]))
        .map(([k, v]) => [k, v.filter((x) => typeof x === 'string').map((x) => path.resolve(root, x))] as [string, string[]]);
      out.baseUrl ??= undefined;
    }
    return out;
  }

  private async resolvePy(from: string, spec: string): Promise<string | null> {
    const m = /^(\.*)(.*)$/.exec(spec)!;
    const dots = m[1]!.length;
    const parts = m[2] ? m[2].split('.') : [];
    const cands = (base: string): string[] => parts.length === 0
      ? [path.join(base, '__init__.py')]
      : [path.join(base, ...parts) + '.py', path.join(base, ...parts, '__init__.py')];
    if (dots > 0) {
      let base = path.dirname(from);
      for (let i = 1; i < dots; i++) base = path.dirname(base);
      return this.firstFile(cands(base));
    }
    if (parts.length === 0) return null;
    // Absolute: the package is found from one of the folders above the importer (the source root).
    let dir = path.dirname(from);
    for (let i = 0; i < 10; i++) {
      const hit = await this.firstFile(cands(dir));
      if (hit) return hit;
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return null;
  }
}
