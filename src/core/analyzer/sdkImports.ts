/** SDK imports: which modules and names stand for which provider's client, and where a new import goes. */
import type { Node } from './parser';
import { descend, field, named, scan, stringLiteral, unwrap, type Src } from './syntax';
import type { ProjectBindings } from './imported';
import type { CallAlias } from './sdkAliases';

export type Provider = 'anthropic' | 'bedrock' | 'vertex' | 'foundry' | 'other' | 'unknown';

export const CLIENT_CLASSES: Record<string, Provider> = {
  Anthropic: 'anthropic', AsyncAnthropic: 'anthropic',
  AnthropicBedrock: 'bedrock', AsyncAnthropicBedrock: 'bedrock',
  AnthropicVertex: 'vertex', AsyncAnthropicVertex: 'vertex',
  AnthropicFoundry: 'foundry', AsyncAnthropicFoundry: 'foundry',
};
export const PY_CLIENT_ALIASES: Record<string, Provider> = { Client: 'anthropic', AsyncClient: 'anthropic' };

const TS_MODULES: Record<string, Provider> = {
  '@anthropic-ai/sdk': 'anthropic',
  '@anthropic-ai/bedrock-sdk': 'bedrock',
  '@anthropic-ai/vertex-sdk': 'vertex',
  '@anthropic-ai/foundry-sdk': 'foundry',
};

export interface SdkImports {
  /** Local identifier → client class it names. */
  classes: Map<string, Provider>;
  /** Local names of the module: TS default/namespace import or require, Python `import anthropic [as x]`. */
  namespaces: Map<string, Provider>;
  /** Local identifier → the SDK error class it names (APIError, RateLimitError, …). */
  errors: Map<string, string>;
  /** Python `from anthropic import …` statements. */
  pyFrom: Node[];
  /** TS: the local name of the default export (`import Anthropic from …`), usable as `X.APIError`. */
  tsDefault?: string;
  /** Another LLM SDK is imported (OpenAI has `completions.create` and `beta.threads.messages.create`). */
  otherSdk: boolean;
  tenacity: Map<string, string>;
  tenacityNs?: string;
  backoffNs?: string;
  hasImportOs: boolean;
  hasImportRandom: boolean;
  /** Where a new import line goes (Python). */
  importInsertAt: number;
  /** Clients, constants and opaque names imported from other project modules (see imported.ts). */
  project?: ProjectBindings;
  /** The file has no SDK import of its own: a call on a receiver the index does not know stays humble. */
  onlyViaProject?: boolean;
  /** Names bound to a client's method: `const create = client.messages.create.bind(client.messages)`. */
  callAliases?: Map<string, CallAlias>;
  tsImportInsertAt: number;
}

function importStatementAt(src: Src, index: number, length: number): Node | undefined {
  let n: Node | null = descend(src, index, index + length);
  // (up to 8: `const { default: A } = await import('…')` puts the declaration 7 nodes above the name)
  for (let i = 0; n && i < 8; i++, n = n.parent) {
    if (n.type === 'import_statement' || n.type === 'import_from_statement' || n.type === 'lexical_declaration' || n.type === 'variable_declaration') return n;
  }
  return undefined;
}

/** Imports, searched in the given top-level ranges first (module-level imports), else the whole text. */
export function collectImports(src: Src, ranges?: readonly { start: number; end: number }[]): SdkImports {
  if (ranges) {
    const first = collectImportsIn(src, ranges);
    // (error classes alone at the top: the client class may still come from an import or a
    // require inside a function, so the rest of the text is searched too)
    if (first.classes.size + first.namespaces.size > 0 || first.otherSdk) return first;
  }
  return collectImportsIn(src, [{ start: 0, end: src.text.length }]);
}

function collectImportsIn(src: Src, ranges: readonly { start: number; end: number }[]): SdkImports {
  const out: SdkImports = {
    classes: new Map(), namespaces: new Map(), errors: new Map(), pyFrom: [], otherSdk: false,
    tenacity: new Map(), hasImportOs: false, hasImportRandom: false, importInsertAt: 0, tsImportInsertAt: 0,
  };
  const text = src.text;
  const seen = new Set<number>();
  const re = src.py ? /\b(anthropic|openai|tenacity|backoff|os|random)\b/g : /@anthropic-ai\/[\w-]+|\bopenai\b/g;
  for (const r of ranges) {
    for (const m of scan(re, text, r.start, r.end)) {
      const st = importStatementAt(src, m.index, m[0].length);
      if (!st || seen.has(st.id)) continue;
      seen.add(st.id);
      if (src.py) pyImport(src, st, out);
      else tsImport(src, st, out);
    }
  }
  if (src.py) out.importInsertAt = pyImportInsertAt(src);
  else out.tsImportInsertAt = tsImportInsertAt(src);
  return out;
}

function moduleProvider(spec: string): Provider | undefined {
  if (TS_MODULES[spec]) return TS_MODULES[spec];
  if (spec.startsWith('@anthropic-ai/sdk/')) return 'anthropic';
  return undefined;
}

function addNamed(out: SdkImports, imported: string, local: string, provider: Provider): void {
  if (CLIENT_CLASSES[imported]) out.classes.set(local, CLIENT_CLASSES[imported]!);
  else if (imported === 'default') {
    out.classes.set(local, provider);
    out.namespaces.set(local, provider);
  } else if (/Error$/.test(imported)) out.errors.set(local, imported);
}

function tsImport(src: Src, st: Node, out: SdkImports): void {
  if (st.type === 'import_statement') {
    const source = field(st, 'source');
    const spec = source ? stringLiteral(src, source)?.value ?? '' : '';
    if (/^openai(\/|$)/.test(spec)) { out.otherSdk = true; return; }
    const provider = moduleProvider(spec);
    if (!provider) return;
    const clause = named(st).find((c) => c.type === 'import_clause');
    if (!clause) return;
    for (const c of named(clause)) {
      if (c.type === 'identifier') {
        // default import: the client class, also a namespace for `X.APIError`
        out.classes.set(c.text, provider);
        out.namespaces.set(c.text, provider);
        if (provider === 'anthropic') out.tsDefault ??= c.text;
      } else if (c.type === 'namespace_import') {
        const id = named(c).find((x) => x.type === 'identifier');
        if (id) out.namespaces.set(id.text, provider);
      } else if (c.type === 'named_imports') {
        for (const spec2 of named(c)) {
          if (spec2.type !== 'import_specifier') continue;
          const name = field(spec2, 'name')?.text ?? '';
          const alias = field(spec2, 'alias')?.text ?? name;
          addNamed(out, name, alias, provider);
        }
      }
    }
    return;
  }
  // const X = require('@anthropic-ai/sdk') / const { Anthropic } = require(...) / require(...).default,
  // also inside a function body, and `await import(…)` (a lazily loaded SDK)
  for (const d of named(st)) {
    if (d.type !== 'variable_declarator') continue;
    const value = field(d, 'value');
    const nameNode = field(d, 'name');
    if (!value || !nameNode) continue;
    let v = unwrap(value);
    if (v.type === 'member_expression' && field(v, 'property')?.text === 'default') v = unwrap(field(v, 'object')!);
    if (v.type === 'await_expression') v = unwrap(v.namedChild(0) ?? v);
    if (v.type === 'member_expression' && field(v, 'property')?.text === 'default') v = unwrap(field(v, 'object')!);
    const callee = v.type === 'call_expression' ? field(v, 'function')?.text : undefined;
    if (callee !== 'require' && callee !== 'import') continue;
    const arg = named(field(v, 'arguments')!)[0];
    const spec = arg ? stringLiteral(src, arg)?.value ?? '' : '';
    if (/^openai(\/|$)/.test(spec)) { out.otherSdk = true; continue; }
    const provider = moduleProvider(spec);
    if (!provider) continue;
    if (nameNode.type === 'identifier') {
      out.namespaces.set(nameNode.text, provider);
      out.classes.set(nameNode.text, provider);
      if (provider === 'anthropic') out.tsDefault ??= nameNode.text;
    } else if (nameNode.type === 'object_pattern') {
      for (const p of named(nameNode)) {
        if (p.type === 'shorthand_property_identifier_pattern') addNamed(out, p.text, p.text, provider);
        else if (p.type === 'pair_pattern') {
          const k = field(p, 'key')?.text ?? '';
          const val = field(p, 'value');
          if (val?.type === 'identifier') addNamed(out, k, val.text, provider);
        }
      }
    }
  }
}

function pyImport(src: Src, st: Node, out: SdkImports): void {
  if (st.type === 'import_statement') {
    for (const n of named(st)) {
      const dotted = n.type === 'aliased_import' ? field(n, 'name')?.text : n.text;
      const local = n.type === 'aliased_import' ? field(n, 'alias')?.text : n.text;
      if (!dotted || !local) continue;
      if (dotted === 'anthropic') out.namespaces.set(local, 'anthropic');
      else if (dotted === 'openai' || dotted.startsWith('openai.')) out.otherSdk = true;
      else if (dotted === 'tenacity') out.tenacityNs = local;
      else if (dotted === 'backoff') out.backoffNs = local;
      else if (dotted === 'os' && local === 'os') out.hasImportOs = true;
      else if (dotted === 'random' && local === 'random') out.hasImportRandom = true;
    }
    return;
  }
  if (st.type !== 'import_from_statement') return;
  const mod = field(st, 'module_name')?.text ?? '';
  const names: [string, string][] = [];
  for (let i = 0; i < st.childCount; i++) {
    if (st.fieldNameForChild(i) !== 'name') continue;
    const n = st.child(i)!;
    if (n.type === 'aliased_import') names.push([field(n, 'name')?.text ?? '', field(n, 'alias')?.text ?? '']);
    else names.push([n.text, n.text]);
  }
  if (mod === 'anthropic' || mod.startsWith('anthropic.')) {
    if (mod === 'anthropic') out.pyFrom.push(st);
    for (const [name, local] of names) {
      if (CLIENT_CLASSES[name] || PY_CLIENT_ALIASES[name]) out.classes.set(local, CLIENT_CLASSES[name] ?? PY_CLIENT_ALIASES[name]!);
      else if (/Error$/.test(name)) out.errors.set(local, name);
    }
  } else if (mod === 'openai' || mod.startsWith('openai.')) out.otherSdk = true;
  else if (mod === 'tenacity') for (const [name, local] of names) out.tenacity.set(local, name);
  else if (mod === 'os' && names.some(([n]) => n === 'environ')) out.hasImportOs = out.hasImportOs || false;
}

/** After the leading imports (and module docstring / __future__), at a line start. */
function pyImportInsertAt(src: Src): number {
  let at = 0;
  const root = src.root;
  for (let i = 0; i < root.namedChildCount; i++) {
    const c = root.namedChild(i)!;
    if (c.type === 'comment') continue;
    if (c.type === 'import_statement' || c.type === 'import_from_statement' || c.type === 'future_import_statement') {
      at = c.endIndex;
      continue;
    }
    if (i === 0 && c.type === 'expression_statement' && c.namedChild(0)?.type === 'string') {
      at = c.endIndex;
      continue;
    }
    break;
  }
  if (at === 0) return 0;
  const nl = src.text.indexOf('\n', at);
  return nl === -1 ? src.text.length : nl + 1;
}

function tsImportInsertAt(src: Src): number {
  let at = 0;
  const root = src.root;
  for (let i = 0; i < root.namedChildCount; i++) {
    const c = root.namedChild(i)!;
    if (c.type === 'comment' || c.type === 'hash_bang_line') continue;
    if (c.type === 'import_statement') { at = c.endIndex; continue; }
    break;
  }
  if (at === 0) return 0;
  const nl = src.text.indexOf('\n', at);
  return nl === -1 ? src.text.length : nl + 1;
}

// -------------------------------------------------------------------------------------------------
// Parameter bags: object literals, dicts, keyword arguments — with spreads resolved when local
// -------------------------------------------------------------------------------------------------
