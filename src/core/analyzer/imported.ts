/**
 * A file's imports of project modules, bound from its syntax tree with the facts the project
 * index gave (AnalyzeOptions.project): which local expressions are clients (`anthropic`,
 * `llm.client`, `getClient()`, and names or fields they are stored in), which local names are
 * string constants of another module, and which names come from modules the index could not see
 * into (call sites on them stay humble).
 */
import type { Node } from './parser';
import type { ExportFact, ModuleExports, ProjectImports } from './project';
import { ctorBinding, type Provider } from './sdk';
import { descend, field, named, scan, stringLiteral, type Src } from './syntax';

export interface ForeignConst { value: string | number; from: string }

export interface ProjectBindings {
  /** Receiver text (blanks removed, as call sites spell it) → the provider of the client it is. */
  clients: Map<string, { provider: Provider; from: string }>;
  /** Local name or member path (`cfg.MODEL`, `config.models.default`) → a constant of another module. */
  constants: Map<string, ForeignConst>;
  /** Local names imported from modules with nothing known (or nothing client-like) about the name. */
  opaque: Set<string>;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The import statements naming each spec, found by one text search and confirmed by the tree.
 * TS/JS: over `ranges` (the top-level declarations, where imports and requires stand), then the
 * rest of the text for `require(…)` / `import(…)` of a spec only (a client module loaded inside a
 * function); Python: the whole text (imports inside functions are common there).
 */
function statementsFor(src: Src, specs: readonly string[], ranges: readonly { start: number; end: number }[]): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const seen = new Set<number>();
  const alt = [...specs].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  const re = src.py
    ? new RegExp(`(?:\\bfrom[ \\t]+(${alt})[ \\t]+import\\b|\\bimport[ \\t]+(?:[\\w.]+[ \\t]*(?:as[ \\t]+\\w+)?[ \\t]*,[ \\t]*)*(${alt})(?![\\w.]))`, 'g')
    : new RegExp(`(['"])(${alt})\\1`, 'g');
  const search = (from: number, to: number): void => {
    for (const m of scan(re, src.text, from, to)) {
      const spec = src.py ? m[1] ?? m[2]! : m[2]!;
      let n: Node | null = descend(src, m.index, m.index + m[0].length);
      for (let i = 0; n && i < 8; i++, n = n.parent) {
        const t = n.type;
        if (t === 'import_statement' || t === 'import_from_statement' || t === 'export_statement' || t === 'lexical_declaration' || t === 'variable_declaration') break;
      }
      if (n && !seen.has(n.id)) {
        seen.add(n.id);
        (out.get(spec) ?? out.set(spec, []).get(spec)!).push(n);
      }
    }
  };
  if (src.py) search(0, src.text.length);
  else {
    for (const r of ranges) search(r.start, r.end);
    // Between and after those ranges: only a `require('spec')` / `import('spec')` call.
    const lazy = new RegExp(`\\b(?:require|import)\\s*\\(\\s*(['"])(${alt})\\1`, 'g');
    let at = 0;
    const rest = (from: number, to: number): void => {
      if (to <= from) return;
      for (const m of scan(lazy, src.text, from, to)) {
        const q = m.index + m[0].length - m[2]!.length - 2;
        let n: Node | null = descend(src, q, q + m[2]!.length + 2);
        for (let i = 0; n && i < 10; i++, n = n.parent) if (n.type === 'lexical_declaration' || n.type === 'variable_declaration') break;
        if (n && (n.type === 'lexical_declaration' || n.type === 'variable_declaration') && !seen.has(n.id)) {
          seen.add(n.id);
          (out.get(m[2]!) ?? out.set(m[2]!, []).get(m[2]!)!).push(n);
        }
      }
    };
    for (const r of ranges) {
      rest(at, r.start);
      at = Math.max(at, r.end);
    }
    rest(at, src.text.length);
  }
  return out;
}

/** Binds one imported name: a client, a factory (its call is a client), a module (its members), a constant. */
function bindName(out: ProjectBindings, local: string, f: ExportFact | undefined, depth = 0): void {
  if (!f) { out.opaque.add(local); return; }
  if (f.kind === 'client') out.clients.set(local, { provider: f.provider ?? 'unknown', from: f.from });
  else if (f.kind === 'factory') out.clients.set(`${local}()`, { provider: f.provider ?? 'unknown', from: f.from });
  else if (f.kind === 'constant' && f.value !== undefined) out.constants.set(local, { value: f.value, from: f.from });
  else if (f.kind === 'module' && f.exports && depth < 3) {
    let any = false;
    for (const [name, g] of f.exports) {
      // `cfg.MODEL`, `llm.client`, `config.models.default`: member paths, as valueOf and call sites spell them
      bindName(out, `${local}.${name}`, g, depth + 1);
      if (g.kind !== 'constant') any = true; // (constants alone: nothing client-like about the name)
    }
    if (!any) out.opaque.add(local);
  }
}

/** A value that loads a module: `require('…')`, `require('…').name`, `await import('…')`, `(await import('…')).name`. */
const LOADS = /^\s*(?:\(\s*)?(?:await\s+)?(?:require|import)\s*\(\s*(['"])[^'"\n]*\1\s*\)\s*\)?\s*(?:\.\s*[\w$]+\s*)?$/;

function bindTs(src: Src, st: Node, exports: ModuleExports | null, out: ProjectBindings): void {
  const get = (name: string): ExportFact | undefined => exports?.get(name);
  if (st.type === 'import_statement') {
    const clause = named(st).find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const c of named(clause)) {
      if (c.type === 'identifier') bindName(out, c.text, get('default'));
      else if (c.type === 'namespace_import') {
        const id = named(c).find((x) => x.type === 'identifier');
        if (id) bindName(out, id.text, exports ? { kind: 'module', exports, from: '' } : undefined);
      } else if (c.type === 'named_imports') {
        for (const s of named(c)) {
          if (s.type !== 'import_specifier') continue;
          const name = field(s, 'name')?.text;
          if (name) bindName(out, field(s, 'alias')?.text ?? name, get(name));
        }
      }
    }
    return;
  }
  if (st.type !== 'lexical_declaration' && st.type !== 'variable_declaration') return;
  for (const d of named(st)) {
    if (d.type !== 'variable_declarator') continue;
    const nm = field(d, 'name');
    const value = field(d, 'value');
    if (!nm || !value || !LOADS.test(value.text)) continue;
    const member = /\)\s*\.\s*([\w$]+)\s*$/.exec(value.text)?.[1];
    if (nm.type === 'identifier') {
      if (member) bindName(out, nm.text, get(member));
      else bindName(out, nm.text, exports ? { kind: 'module', exports, from: '' } : undefined);
    } else if (nm.type === 'object_pattern') {
      for (const p of named(nm)) {
        if (p.type === 'shorthand_property_identifier_pattern') bindName(out, p.text, get(p.text));
        else if (p.type === 'pair_pattern') {
          const k = field(p, 'key');
          const val = field(p, 'value');
          const key = k ? stringLiteral(src, k)?.value ?? k.text : undefined;
          if (key && val?.type === 'identifier') bindName(out, val.text, get(key));
        }
      }
    }
  }
}

function bindPy(src: Src, st: Node, spec: string, exports: ModuleExports | null, out: ProjectBindings): void {
  if (st.type === 'import_from_statement') {
    if (field(st, 'module_name')?.text !== spec) return;
    for (let i = 0; i < st.childCount; i++) {
      if (st.fieldNameForChild(i) !== 'name') continue;
      const n = st.child(i)!;
      const name = n.type === 'aliased_import' ? field(n, 'name')?.text : n.text;
      const local = n.type === 'aliased_import' ? field(n, 'alias')?.text : n.text;
      if (name && local) bindName(out, local, exports?.get(name));
    }
    return;
  }
  if (st.type !== 'import_statement') return;
  for (const n of named(st)) {
    const dotted = n.type === 'aliased_import' ? field(n, 'name')?.text : n.text;
    if (dotted !== spec) continue;
    const local = n.type === 'aliased_import' ? field(n, 'alias')?.text ?? dotted : dotted;
    bindName(out, local, exports ? { kind: 'module', exports, from: '' } : undefined);
  }
}

/** The receiver texts that name a client, extended by the names and fields they are stored in. */
function bindDerived(src: Src, out: ProjectBindings): void {
  for (let pass = 0; pass < 2; pass++) {
    const names = [...out.clients.keys()];
    if (names.length === 0) return;
    const roots = [...new Set(names.map((n) => n.replace(/[.(].*$/, '')))];
    const re = new RegExp(`(?<![\\w$.])(?:${roots.map(escapeRe).join('|')})(?![\\w$])`, 'g');
    let added = false;
    for (const m of scan(re, src.text, 0, src.text.length)) {
      let n: Node | null = descend(src, m.index, m.index + m[0].length);
      if (!n || n.text !== m[0]) continue;
      // The longest client expression this name starts: `llm.client`, `getClient()`, `llm.get_client()`.
      let best: { node: Node; key: string; provider: Provider; from: string } | undefined;
      for (let i = 0; n && i < 4; i++) {
        const key = n.text.replace(/\s+/g, '');
        const hit = out.clients.get(key);
        if (hit) best = { node: n, key, ...hit };
        const p: Node | null = n.parent;
        if (!p || !(p.type === 'member_expression' || p.type === 'attribute' || p.type === 'call_expression' || p.type === 'call')) break;
        if ((p.type === 'call_expression' || p.type === 'call') && field(p, 'function')?.id !== n.id) break;
        if ((p.type === 'member_expression' || p.type === 'attribute') && field(p, 'object')?.id !== n.id) break;
        n = p;
      }
      if (!best) continue;
      const binding = ctorBinding(src, best.node);
      if (binding && binding !== best.key && !out.clients.has(binding)) {
        out.clients.set(binding, { provider: best.provider, from: best.from });
        added = true;
      }
    }
    if (!added) return;
  }
}

export function bindProject(src: Src, project: ProjectImports, ranges: readonly { start: number; end: number }[]): ProjectBindings {
  const out: ProjectBindings = { clients: new Map(), constants: new Map(), opaque: new Set() };
  const statements = statementsFor(src, [...project.modules.keys()], ranges);
  for (const [spec, exports] of project.modules) {
    for (const st of statements.get(spec) ?? []) {
      if (src.py) bindPy(src, st, spec, exports, out);
      else bindTs(src, st, exports, out);
    }
  }
  for (const k of out.clients.keys()) out.opaque.delete(k);
  for (const k of out.constants.keys()) out.opaque.delete(k);
  bindDerived(src, out);
  return out;
}
