/** Fix building blocks several rules share: API version state, imports, the retry refactors. */
import { SDK } from '../../data/api-facts';
import type { Ctx } from '../context';
import type { Node } from '../parser';
import type { CallSite, ClientCtor } from '../sdk';
import { field, indentUnit, insertItem, named, quoteStyle, valueOf } from '../syntax';
import { RETRY_HELPER_NAMES, PYTHON_ASYNC_RETRY_HELPER_NAME, retryHelperSource, sdkRetriesConfigSource } from '../templates';
import type { Fix, TextEdit } from '../types';

/** Which anthropic-version the SDK sends: 'current' (2026-10-21), 'legacy' (2023-06-01) or unknown. */
export function apiVersionState(ctx: Ctx): 'current' | 'legacy' | 'unknown' {
  const sdk = ctx.options.sdk;
  if (ctx.src.py) {
    if (sdk?.python === undefined) return 'unknown';
    return SDK.python.apiVersionByMajor[sdk.python] === '2026-10-21' || sdk.python >= 2 ? 'current' : 'legacy';
  }
  if (sdk?.ts === undefined) return 'unknown';
  return SDK.ts.apiVersionByMajor[sdk.ts] === '2026-10-21' || sdk.ts >= 1 ? 'current' : 'legacy';
}

/** `import x` line added after the leading imports (Python). */
export function pyImportEdit(ctx: Ctx, module: string): TextEdit {
  const at = ctx.imports.importInsertAt;
  return { start: at, end: at, newText: `import ${module}\n` };
}

/**
 * Expressions naming anthropic error classes in this Python file: `anthropic.X` when the module is
 * imported, else bare names added to an existing `from anthropic import …`, else a new `import anthropic`.
 */
export function pyAnthropicNames(ctx: Ctx, names: string[]): { exprs: string[]; edits: TextEdit[] } {
  const ns = [...ctx.imports.namespaces.keys()][0];
  if (ns) return { exprs: names.map((n) => `${ns}.${n}`), edits: [] };
  const from = ctx.imports.pyFrom[0];
  if (from) {
    const localByName = new Map<string, string>();
    for (const [local, name] of ctx.imports.errors) localByName.set(name, local);
    const missing = names.filter((n) => !localByName.has(n));
    const edits: TextEdit[] = [];
    if (missing.length > 0) {
      let last: Node | undefined;
      for (let i = 0; i < from.childCount; i++) if (from.fieldNameForChild(i) === 'name') last = from.child(i)!;
      if (!last) return { exprs: names, edits: [{ start: ctx.imports.importInsertAt, end: ctx.imports.importInsertAt, newText: `from anthropic import ${missing.join(', ')}\n` }] };
      edits.push({ start: last.endIndex, end: last.endIndex, newText: missing.map((m) => `, ${m}`).join('') });
    }
    return { exprs: names.map((n) => localByName.get(n) ?? n), edits };
  }
  return { exprs: names.map((n) => `anthropic.${n}`), edits: [pyImportEdit(ctx, 'anthropic')] };
}

function templateLanguage(ctx: Ctx): 'typescript' | 'javascript' | 'python' {
  if (ctx.src.py) return 'python';
  return ctx.options.language === 'typescript' || ctx.options.language === 'typescriptreact' ? 'typescript' : 'javascript';
}

/** "Wrap in retry helper": insert the helper (once) and wrap the call in it. */
export function wrapHelperRefactor(ctx: Ctx, site: CallSite): Fix | undefined {
  if (site.kind !== 'create' && site.kind !== 'countTokens') return undefined;
  const { src } = ctx;
  const lang = templateLanguage(ctx);
  const parent = site.call.parent;
  const awaited = !!parent && (parent.type === 'await_expression' || parent.type === 'await');
  const callText = src.text.slice(site.call.startIndex, site.call.endIndex);
  if (/\n/.test(callText) && src.py && !(parent && (parent.type === 'await' || parent.type === 'assignment' || parent.type === 'expression_statement' || parent.type === 'return_statement'))) {
    // keep it simple for odd Python contexts
  }
  let name: string = RETRY_HELPER_NAMES[lang];
  let wrapped: string;
  if (src.py) {
    if (awaited) name = PYTHON_ASYNC_RETRY_HELPER_NAME;
    wrapped = `${name}(lambda: ${callText})`;
  } else {
    wrapped = `${name}(() => ${callText})`;
  }
  const edits: TextEdit[] = [{ start: site.call.startIndex, end: site.call.endIndex, newText: wrapped }];
  const decl = helperDeclarationEdit(ctx);
  if (decl) edits.push(decl);
  return { title: `Wrap in retry helper (${name})`, kind: 'refactor', safe: false, edits };
}

/** The edit that declares the retry helper after the imports, unless the file has it already. */
function helperDeclarationEdit(ctx: Ctx): TextEdit | undefined {
  if (ctx.helperDeclared) return undefined;
  const { src } = ctx;
  const helper = retryHelperSource(templateLanguage(ctx), { indent: indentUnit(src), quote: quoteStyle(src) });
  const at = src.py ? ctx.imports.importInsertAt : ctx.imports.tsImportInsertAt;
  const before = at === 0 ? '' : '\n';
  const after = src.py ? '\n\n' : '\n';
  return { start: at, end: at, newText: `${before}${helper.code.replace(/\n*$/, '\n')}${after}` };
}

/**
 * What a hand-written retry loop retries, when the loop's try body is one `return [await] call(…)`
 * whose call does not read the loop's own variables: the call's node and whether it is awaited.
 */
export function loopReturnCall(ctx: Ctx, loop: Node, tryBody: Node): { call: Node; awaited: boolean } | undefined {
  const stmts = named(tryBody);
  if (stmts.length !== 1 || stmts[0]!.type !== 'return_statement') return undefined;
  let expr = stmts[0]!.namedChild(0);
  if (!expr) return undefined;
  let awaited = false;
  if (expr.type === 'await_expression' || expr.type === 'await') {
    awaited = true;
    expr = expr.namedChild(0);
  }
  if (!expr || (expr.type !== 'call_expression' && expr.type !== 'call')) return undefined;
  // The loop's own variables (`attempt`) mean something only inside the loop.
  const head = ctx.src.py
    ? (loop.type === 'for_statement' ? field(loop, 'left')?.text ?? '' : '')
    : (loop.type === 'for_statement' ? field(loop, 'initializer')?.text ?? '' : '');
  for (const m of head.matchAll(/(?:let|var|const)?\s*([A-Za-z_$][\w$]*)/g)) {
    const v = m[1]!;
    if (v === 'let' || v === 'var' || v === 'const') continue;
    if (new RegExp(`(?<![\\w$.])${v.replace(/\$/g, '\\$')}(?![\\w$])`).test(expr.text)) return undefined;
  }
  return { call: expr, awaited };
}

/**
 * "Wrap in retry helper" for a hand-written retry loop: the loop becomes one call of the helper
 * (full jitter, retryable errors only, `retry-after`, a deadline), declared once in the file.
 */
export function loopToHelperRefactor(ctx: Ctx, loop: Node, tryBody: Node): Fix | undefined {
  const found = loopReturnCall(ctx, loop, tryBody);
  if (!found) return undefined;
  const { src } = ctx;
  const callText = src.text.slice(found.call.startIndex, found.call.endIndex);
  let name: string = RETRY_HELPER_NAMES[templateLanguage(ctx)];
  let code: string;
  if (src.py) {
    if (found.awaited) name = PYTHON_ASYNC_RETRY_HELPER_NAME;
    code = `return ${found.awaited ? 'await ' : ''}${name}(lambda: ${callText})`;
  } else {
    code = `return ${found.awaited ? 'await ' : ''}${name}(() => ${callText});`;
  }
  const edits: TextEdit[] = [{ start: loop.startIndex, end: loop.endIndex, newText: code }];
  const decl = helperDeclarationEdit(ctx);
  if (decl) edits.push(decl);
  return { title: `Wrap in retry helper (${name}) instead of this loop`, kind: 'refactor', safe: false, edits };
}

/** "Drop the loop": the loop becomes its one call, left to the SDK's own retries. */
export function dropLoopRefactor(ctx: Ctx, loop: Node, tryBody: Node): Fix | undefined {
  const found = loopReturnCall(ctx, loop, tryBody);
  if (!found) return undefined;
  const callText = ctx.src.text.slice(found.call.startIndex, found.call.endIndex);
  const code = `return ${found.awaited ? 'await ' : ''}${callText}${ctx.src.py ? '' : ';'}`;
  return { title: 'Drop the loop (let the SDK retry)', kind: 'refactor', safe: false, edits: [{ start: loop.startIndex, end: loop.endIndex, newText: code }] };
}

/** The retry helper is declared in this file already. */
export function helperDeclared(text: string, py: boolean): boolean {
  // A plain substring search first: most files never mention the helper at all.
  if (!text.includes(py ? RETRY_HELPER_NAMES.python : RETRY_HELPER_NAMES.typescript)) return false;
  return py
    ? new RegExp(`(^|\\n)\\s*(async\\s+)?def\\s+${RETRY_HELPER_NAMES.python}\\b`).test(text)
    : new RegExp(`function\\s+${RETRY_HELPER_NAMES.typescript}\\b`).test(text);
}

/** "Configure SDK retries": set maxRetries/max_retries (and an explicit timeout) on the constructor. */
export function configureRetriesRefactor(ctx: Ctx, ctor: ClientCtor): Fix | undefined {
  const { src } = ctx;
  const lang = templateLanguage(ctx);
  const conf = sdkRetriesConfigSource(lang, { indent: indentUnit(src), quote: quoteStyle(src) });
  const timeoutEntry = src.py ? `timeout=${SDK.python.defaultTimeoutMs / 1000}` : `timeout: ${SDK.ts.defaultTimeoutMs}`;
  const edits: TextEdit[] = [];
  const opts = ctor.options;
  if (!src.py) {
    const args = named(ctor.args);
    if (args.length === 0) {
      const open = ctor.args.child(0)!;
      const close = ctor.args.child(ctor.args.childCount - 1)!;
      return { title: 'Configure SDK retries', kind: 'refactor', safe: false, edits: [{ start: open.endIndex, end: close.startIndex, newText: `{ ${conf.entry}, ${timeoutEntry} }` }] };
    }
    if (!opts || opts.container.type !== 'object') return undefined;
  }
  if (!opts) return undefined;
  const existing = opts.entries.get(conf.name);
  if (existing && existing.container.id === opts.container.id) {
    const v = valueOf(src, existing.valueNode);
    const valueNode = src.py ? field(existing.item, 'value') : field(existing.item, 'value') ?? existing.item;
    if (!valueNode) return undefined;
    edits.push({ start: valueNode.startIndex, end: valueNode.endIndex, newText: conf.entry.replace(/^.*?[:=]\s*/, '') });
    void v;
  } else if (!existing) {
    const list = named(opts.container);
    edits.push(insertItem(src, opts.container, conf.entry, list[list.length - 1] ?? null));
  } else return undefined;
  if (!opts.entries.has('timeout')) {
    const list = named(opts.container);
    const last = list[list.length - 1] ?? null;
    const e = insertItem(src, opts.container, timeoutEntry, last);
    // Both insertions at the same point: merge them into one edit.
    const same = edits.find((x) => x.start === e.start && x.end === e.end && x.start === x.end);
    if (same && !existing) {
      edits.length = 0;
      edits.push(insertItem(src, opts.container, `${conf.entry}${src.py ? ', ' : ', '}${timeoutEntry}`, last));
    } else edits.push(e);
  }
  return { title: 'Configure SDK retries', kind: 'refactor', safe: false, edits };
}
