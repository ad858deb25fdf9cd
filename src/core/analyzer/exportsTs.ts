/** Module facts of a TypeScript / JavaScript module (ES exports and CommonJS). */
import type { Node } from './parser';
import { field, named, stringLiteral, unwrap, type Src } from './syntax';
import type { LocalFacts } from './exports';
import { FUNCTION_TYPES, cjsDestructure, cjsRequire, keep, nameValue, scopeOf, specOf, valueOfExpr } from './exportsValues';

// -------------------------------------------------------------------------------------------------
// TypeScript / JavaScript
// -------------------------------------------------------------------------------------------------
export function tsFacts(src: Src): LocalFacts {
  const sc = scopeOf(src);
  const out: LocalFacts = { exports: new Map(), stars: [] };
  /** Names exported under another name: exported → local. */
  const exported: [string, string][] = [];
  const direct: [string, Node][] = [];
  for (const st of named(src.root)) {
    if (st.type === 'import_statement') {
      const spec = specOf(src, field(st, 'source'));
      const clause = named(st).find((c) => c.type === 'import_clause');
      if (spec === undefined || !clause) continue;
      for (const c of named(clause)) {
        if (c.type === 'identifier') sc.defs.set(c.text, { spec, name: 'default' });
        else if (c.type === 'namespace_import') {
          const id = named(c).find((x) => x.type === 'identifier');
          if (id) sc.defs.set(id.text, { spec, name: '*' });
        } else if (c.type === 'named_imports') {
          for (const s of named(c)) {
            if (s.type !== 'import_specifier') continue;
            const name = field(s, 'name')?.text;
            if (name) sc.defs.set(field(s, 'alias')?.text ?? name, { spec, name });
          }
        }
      }
      continue;
    }
    let decl: Node | null = st;
    let isExport = false;
    if (st.type === 'export_statement') {
      isExport = true;
      const source = specOf(src, field(st, 'source'));
      const clause = named(st).find((c) => c.type === 'export_clause');
      if (source !== undefined) {
        if (clause) {
          for (const s of named(clause)) {
            if (s.type !== 'export_specifier') continue;
            const name = field(s, 'name')?.text;
            if (name) out.exports.set(field(s, 'alias')?.text ?? name, { kind: 'ref', spec: source, name });
          }
        } else {
          const ns = named(st).find((c) => c.type === 'namespace_export');
          const id = ns ? named(ns).find((x) => x.type === 'identifier' || x.type === 'string') : undefined;
          if (id) out.exports.set(id.text, { kind: 'ref', spec: source, name: '*' });
          else out.stars.push(source);
        }
        continue;
      }
      if (clause) {
        for (const s of named(clause)) {
          if (s.type !== 'export_specifier') continue;
          const name = field(s, 'name')?.text;
          if (name) exported.push([field(s, 'alias')?.text ?? name, name]);
        }
        continue;
      }
      decl = field(st, 'declaration');
      const value = field(st, 'value');
      if (!decl && value) {
        direct.push(['default', value]);
        continue;
      }
      if (decl && /^export\s+default\b/.test(src.text.slice(st.startIndex, st.startIndex + 20))) {
        const nm = field(decl, 'name');
        if (FUNCTION_TYPES.has(decl.type) || decl.type === 'function_declaration') direct.push(['default', decl]);
        if (nm) sc.defs.set(nm.text, decl);
        continue;
      }
    }
    if (!decl) continue;
    if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
      for (const d of named(decl)) {
        if (d.type !== 'variable_declarator') continue;
        const nm = field(d, 'name');
        const value = field(d, 'value');
        if (nm?.type === 'identifier' && value) {
          sc.defs.set(nm.text, value);
          if (isExport) exported.push([nm.text, nm.text]);
          cjsRequire(src, sc, nm.text, value);
        } else if (nm?.type === 'object_pattern' && value) cjsDestructure(src, sc, nm, value);
      }
    } else if (decl.type === 'function_declaration' || decl.type === 'generator_function_declaration') {
      const nm = field(decl, 'name');
      if (nm) {
        sc.defs.set(nm.text, decl);
        if (isExport) exported.push([nm.text, nm.text]);
      }
    } else if (decl.type === 'expression_statement') {
      cjsExports(src, decl, exported, direct);
    }
  }
  for (const [name, value] of direct) {
    const v = valueOfExpr(sc, value, 0);
    if (keep(v)) out.exports.set(name, v);
  }
  for (const [name, local] of exported) {
    const v = nameValue(sc, local, 0);
    if (keep(v)) out.exports.set(name, v);
  }
  return out;
}
function cjsExports(src: Src, st: Node, exported: [string, string][], direct: [string, Node][]): void {
  const a = st.namedChild(0);
  if (a?.type !== 'assignment_expression') return;
  const left = field(a, 'left');
  const right = field(a, 'right');
  if (!left || !right) return;
  const lt = left.text.replace(/\s+/g, '');
  if (lt === 'module.exports') {
    const r = unwrap(right);
    if (r.type === 'object') {
      for (const it of named(r)) {
        if (it.type === 'shorthand_property_identifier') exported.push([it.text, it.text]);
        else if (it.type === 'pair') {
          const k = field(it, 'key');
          const val = field(it, 'value');
          const key = k ? stringLiteral(src, k)?.value ?? k.text : undefined;
          if (key && val) direct.push([key, val]);
        }
      }
    } else direct.push(['default', right]);
    return;
  }
  const m = /^(?:module\.)?exports\.([\w$]+)$/.exec(lt);
  if (m) direct.push([m[1]!, right]);
}
