/** Module facts of a Python module. */
import type { Node } from './parser';
import { field, named, type Src } from './syntax';
import type { LocalFacts } from './exports';
import { keep, nameValue, pyFromImports, scopeOf } from './exportsValues';

// -------------------------------------------------------------------------------------------------
// Python
// -------------------------------------------------------------------------------------------------

export function pyFacts(src: Src): LocalFacts {
  const sc = scopeOf(src);
  const names: string[] = [];
  const visit = (list: Node[], depth: number): void => {
    for (const st of list) {
      if (st.type === 'import_from_statement') {
        const imp = pyFromImports(st);
        if (!imp) continue;
        for (const [local, name] of imp.names) {
          sc.defs.set(local, { spec: imp.mod, name });
          names.push(local);
        }
      } else if (st.type === 'import_statement') {
        for (const n of named(st)) {
          if (n.type !== 'aliased_import') continue;
          const dotted = field(n, 'name')?.text;
          const local = field(n, 'alias')?.text;
          if (dotted && local && dotted !== 'anthropic') {
            sc.defs.set(local, { spec: dotted, name: '*' });
            names.push(local);
          }
        }
      } else if (st.type === 'expression_statement') {
        const a = st.namedChild(0);
        if (a?.type !== 'assignment') continue;
        const left = field(a, 'left');
        const right = field(a, 'right');
        if (left?.type === 'identifier' && right) {
          if (!sc.defs.has(left.text)) names.push(left.text);
          sc.defs.set(left.text, right);
        }
      } else if (st.type === 'class_definition') {
        const nm = field(st, 'name');
        if (nm) {
          names.push(nm.text);
          sc.defs.set(nm.text, st);
        }
      } else if (st.type === 'function_definition' || st.type === 'decorated_definition') {
        const def = st.type === 'decorated_definition' ? field(st, 'definition') : st;
        const nm = def ? field(def, 'name') : null;
        if (def?.type === 'function_definition' && nm) {
          names.push(nm.text);
          sc.defs.set(nm.text, def);
        }
      } else if ((st.type === 'if_statement' || st.type === 'try_statement') && depth < 2) {
        // `try: from .x import client` / `if TYPE_CHECKING:`: one level into guarded imports.
        const blocks: Node[] = [];
        for (const c of named(st)) {
          if (c.type === 'block') blocks.push(c);
          else for (const b of named(c)) if (b.type === 'block') blocks.push(b);
        }
        for (const b of blocks) visit(named(b), depth + 1);
      }
    }
  };
  visit(named(src.root), 0);
  const out: LocalFacts = { exports: new Map(), stars: [] };
  for (const name of names) {
    const v = nameValue(sc, name, 0);
    if (keep(v)) out.exports.set(name, v);
  }
  return out;
}
