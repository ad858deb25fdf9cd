/** Rules about how failures are handled: hand-written retries, jitter, 529s, SDK retries off, keys. */
import { KEY_PREFIXES, SDK_RETRYABLE_STATUSES } from '../data/api-facts';
import type { Ctx } from './context';
import type { Node } from './parser';
import { bagOf, type Bag, type CallSite, type ClientCtor } from './sdk';
import { configureRetriesRefactor, pyAnthropicNames, pyImportEdit, wrapHelperRefactor } from './shared-fixes';
import { descend, field, scan, indentAt, indentUnit, isFunctionNode, named, stringLiteral, unwrap, valueOf, type Src } from './syntax';
import { PYTHON_ASYNC_RETRY_HELPER_NAME, RETRY_HELPER_NAMES } from './templates';
import type { Fix, TextEdit } from './types';
import { versionLess } from './versions';

const HELPER_FUNCS = new Set([RETRY_HELPER_NAMES.typescript, RETRY_HELPER_NAMES.python, PYTHON_ASYNC_RETRY_HELPER_NAME, '_claude_retry_delay']);
const RETRYABLE_PY = ['RateLimitError', 'InternalServerError', 'OverloadedError', 'APIConnectionError'];
const BROAD = new Set(['Exception', 'BaseException', 'APIError', 'APIStatusError', 'AnthropicError']);
const SPECIFIC_4XX = /\b(?:BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ContentTooLargeError|RequestTooLargeError|UnprocessableEntityError|PaymentRequiredError)\b/;
const DISCRIMINATES = /\.status\b|\.statusCode\b|status_code|\.code\b|\.type\b|instanceof\s+[\w$.]*(?:RateLimitError|InternalServerError|OverloadedError|APIConnectionError|APIConnectionTimeoutError|ServiceUnavailableError|ConflictError|RequestTimeoutError|GatewayTimeoutError|BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ContentTooLargeError|UnprocessableEntityError|PaymentRequiredError|APITimeoutError)\b|isinstance\s*\(|[Rr]etryable|shouldRetry|should_retry|isTransient|is_transient|x-should-retry/;

/** The handler looks at the status / class / retryability of the error (comments ignored). */
function discriminates(ctx: Ctx, body: Node): boolean {
  const code = ctx.src.py ? body.text.replace(/#[^\n]*/g, '') : body.text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  return DISCRIMINATES.test(code);
}

function enclosingFunction(ctx: { src: Src }, n: Node): Node | undefined {
  for (let a = n.parent; a; a = a.parent) if (isFunctionNode(ctx.src, a)) return a;
  return undefined;
}

function functionName(ctx: { src: Src }, fn: Node | undefined): string | undefined {
  if (!fn) return undefined;
  const t = fn.type;
  if (t === 'arrow_function' || t === 'lambda' || t === 'function_expression' || t === 'function') {
    // anonymous: named only through `const f = …`
    const p = fn.parent;
    return p?.type === 'variable_declarator' ? field(p, 'name')?.text : undefined;
  }
  const nm = field(fn, 'name');
  if (nm) return nm.text;
  const p = fn.parent;
  if (p?.type === 'variable_declarator') return field(p, 'name')?.text;
  void ctx;
  return undefined;
}

function inHelper(ctx: Ctx, n: Node): boolean {
  for (let f = enclosingFunction(ctx, n); f; f = enclosingFunction(ctx, f)) {
    const name = functionName(ctx, f);
    if (name && HELPER_FUNCS.has(name)) return true;
  }
  return false;
}

/** The loop a retry would go round: the nearest loop around `n` inside the same function. */
function retryLoop(ctx: Ctx, n: Node): Node | undefined {
  for (let a = n.parent; a; a = a.parent) {
    if (isFunctionNode(ctx.src, a)) return undefined;
    if (ctx.src.py) {
      if (a.type === 'while_statement') return a;
      if (a.type === 'for_statement') {
        const right = unwrap(field(a, 'right') ?? a);
        const fn = right.type === 'call' ? field(right, 'function')?.text ?? '' : '';
        return /(?:^|\.)(?:range|count|repeat)$/.test(fn) ? a : undefined;
      }
    } else {
      if (a.type === 'while_statement' || a.type === 'do_statement' || a.type === 'for_statement') return a;
      if (a.type === 'for_in_statement') return undefined;
    }
  }
  return undefined;
}

const EXIT_TS = new Set(['throw_statement', 'return_statement', 'break_statement']);
const EXIT_PY = new Set(['raise_statement', 'return_statement', 'break_statement']);

/** The handler can fall through (or continue) to the next iteration. */
function handlerRetries(ctx: Ctx, body: Node): boolean {
  const stmts = named(body);
  const last = stmts[stmts.length - 1];
  if (!last) return true;
  return !(ctx.src.py ? EXIT_PY : EXIT_TS).has(last.type);
}

/** The calls of a unit: all a caller-name lookup needs (so nothing else of the unit stays alive). */
export interface UnitCallNodes { src: Src; calls: readonly { call: Node }[] }

/** Names of the functions in this file whose body contains a Claude call (one level of indirection). */
function callingFunctions(ctx: UnitCallNodes): Set<string> {
  const out = new Set<string>();
  for (const c of ctx.calls) {
    const name = functionName(ctx, enclosingFunction(ctx, c.call));
    if (name) out.add(name);
  }
  return out;
}

/**
 * The protected block calls Claude, a function-typed parameter (generic helper), or a function that
 * calls Claude (asked last: the callers are only worked out when a file needs them).
 */
function callsClaude(ctx: Ctx, block: Node, callers: () => Set<string>): boolean {
  if (ctx.calls.some((c) => c.call.startIndex >= block.startIndex && c.call.endIndex <= block.endIndex)) return true;
  const text = block.text;
  const fn = enclosingFunction(ctx, block);
  const params = fn ? field(fn, 'parameters') ?? field(fn, 'parameter') : null;
  if (params) {
    for (const p of named(params)) {
      const id = p.type === 'identifier' ? p : (field(p, 'pattern') ?? field(p, 'name') ?? p.namedChild(0));
      if (id?.type === 'identifier' && new RegExp(`(?<![\\w$.])${id.text}\\s*\\(`).test(text)) return true;
    }
  }
  for (const name of callers()) if (new RegExp(`(?<![\\w$.])${name}\\s*\\(`).test(text)) return true;
  return false;
}

/** Rules of one unit: handlers, decorators, OverloadedError, key literals. */
export function unitRetryRules(ctx: Ctx): void {
  if (!ctx.usesSdk) {
    keyRule(ctx);
    return;
  }
  const callers = ctx.callers;
  if (ctx.src.py) pyHandlers(ctx, callers);
  else tsHandlers(ctx, callers);
  if (ctx.src.py) pyDecorators(ctx, callers);
  if (!ctx.src.py) tsOverloaded(ctx);
  keyRule(ctx);
}

/** Names of the functions in this unit whose body contains a Claude call. */
export function callerNames(ctx: UnitCallNodes): string[] {
  return [...callingFunctions(ctx)];
}

// -------------------------------------------------------------------------------------------------
// TS/JS: catch clauses inside retry loops
// -------------------------------------------------------------------------------------------------

function unusedName(text: string, base: string): string {
  let name = base;
  for (let i = 2; new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(text); i++) name = `${base}${i}`;
  return name;
}

function tsHandlers(ctx: Ctx, callers: () => Set<string>): void {
  const { src } = ctx;
  const re = /\bcatch\b/g;
  for (const m of scan(re, src.text, ctx.from, ctx.to)) {
    const kw = descend(src, m.index, m.index + 5);
    const clause = kw?.parent;
    if (!clause || clause.type !== 'catch_clause') continue;
    const tryStmt = clause.parent;
    const body = field(clause, 'body');
    const tryBody = tryStmt ? field(tryStmt, 'body') : null;
    if (!tryStmt || !body || !tryBody) continue;
    const loop = retryLoop(ctx, tryStmt);
    if (!loop || inHelper(ctx, clause) || !handlerRetries(ctx, body) || !callsClaude(ctx, tryBody, callers)) continue;
    const head = { start: clause.startIndex, end: body.startIndex + 1 };
    if (!discriminates(ctx, body)) {
      const param = field(clause, 'parameter');
      const edits: TextEdit[] = [];
      let errName = param?.type === 'identifier' ? param.text : undefined;
      if (!param) {
        errName = unusedName(body.text, 'err');
        edits.push({ start: body.startIndex, end: body.startIndex, newText: `(${errName}) ` });
      }
      if (errName) {
        const status = unusedName(body.text, 'status');
        const first = named(body)[0];
        const ind = first ? indentAt(src, first.startIndex) : indentAt(src, clause.startIndex) + indentUnit(src);
        const cast = src.typed ? `(${errName} as { status?: unknown } | null)?.status` : `${errName}?.status`;
        const guard = `const ${status} = ${cast};\n${ind}if (typeof ${status} === 'number' && ${status} < 500 && ![${SDK_RETRYABLE_STATUSES.join(', ')}].includes(${status})) throw ${errName};`;
        const q = /'/.test(guard) ? guard : guard;
        const styled = src.text.includes('"') && !src.text.includes("'") ? q.replace(/'/g, '"') : q;
        if (first && first.startPosition.row !== body.startPosition.row) {
          edits.push({ start: first.startIndex, end: first.startIndex, newText: `${styled}\n${ind}` });
        } else {
          const base = indentAt(src, clause.startIndex);
          edits.push({ start: body.startIndex + 1, end: body.startIndex + 1, newText: `\n${base}${indentUnit(src)}${styled.replace(`\n${ind}`, `\n${base}${indentUnit(src)}`)}${first ? `\n${base}${indentUnit(src)}` : `\n${base}`}` });
        }
        ctx.report('retry-non-retryable', head,
          `This retry loop retries every error, including 400/401/403/404/413, which fail the same way on every attempt (and 401/403 just burn time). Retry only 408, 409, 429, 5xx/529 and connection errors.`,
          [{ title: 'Retry only retryable errors (rethrow 4xx other than 408/409/429)', kind: 'quickfix', safe: false, edits }]);
      }
    }
    jitterInLoop(ctx, body, loop);
  }
}

// -------------------------------------------------------------------------------------------------
// Sleeps without jitter
// -------------------------------------------------------------------------------------------------

const TS_SLEEP = /\b(setTimeout|sleep|delay|wait|setTimeoutPromise|timeout)\s*\(/g;
const PY_SLEEP = /\b(sleep)\s*\(/g;

function definitionsText(ctx: Ctx, scope: Node, expr: Node, depth = 0): string {
  let text = expr.text;
  if (depth > 2) return text;
  const ids = new Set<string>();
  const walk = (n: Node): void => {
    if (n.type === 'identifier') ids.add(n.text);
    for (const c of named(n)) walk(c);
  };
  walk(expr);
  const scopeText = scope.text;
  const unitText = ctx.src.text.slice(ctx.from, ctx.to);
  for (const id of ids) {
    const esc = id.replace(/[$]/g, '\\$');
    const re = ctx.src.py
      ? new RegExp(`(?:^|\\n)[ \\t]*${esc}\\s*[-+*/]?=(?!=)([^\\n]*)|def\\s+${esc}\\s*\\(([\\s\\S]*?)(?:\\n\\S|$)`, 'g')
      : new RegExp(`(?<![\\w$.])${esc}\\s*[-+*/]?=(?![=>])([^;\\n]*)|function\\s+${esc}\\s*\\(([\\s\\S]*?)\\n\\}`, 'g');
    for (const source of [scopeText, unitText]) {
      for (let m = re.exec(source); m; m = re.exec(source)) text += ` ${m[1] ?? ''} ${m[2] ?? ''}`;
      if (source === scopeText && new RegExp(`(?<![\\w$.])${esc}\\s*[-+*/]?=`).test(scopeText)) break;
    }
  }
  return text;
}

function jitterInLoop(ctx: Ctx, handler: Node, loop: Node): void {
  const { src } = ctx;
  const re = new RegExp((src.py ? PY_SLEEP : TS_SLEEP).source, 'g');
  const body = field(loop, 'body') ?? loop;
  const region = src.text.slice(handler.startIndex, handler.endIndex);
  for (let m = re.exec(region); m; m = re.exec(region)) {
    const at = handler.startIndex + m.index;
    const id = descend(src, at, at + m[1]!.length);
    let callee: Node | null = id;
    if (callee?.parent && (callee.parent.type === 'member_expression' || callee.parent.type === 'attribute') && field(callee.parent, src.py ? 'attribute' : 'property')?.id === callee.id) callee = callee.parent;
    const call = callee?.parent;
    if (!call || (call.type !== 'call_expression' && call.type !== 'call') || field(call, 'function')?.id !== callee!.id) continue;
    if (src.py && !/^(?:time\.|asyncio\.|trio\.|anyio\.)?sleep$/.test(callee!.text)) continue;
    const args = named(field(call, 'arguments')!);
    const name = m[1]!;
    const delay = !src.py && name === 'setTimeout' ? (args.length >= 2 ? args[1] : undefined) : args[0];
    if (!delay || delay.type === 'keyword_argument') continue;
    const all = definitionsText(ctx, body, delay);
    if (/random|jitter|uniform|retry.?after|retryAfter|headers/i.test(all)) continue;
    // A call to something we cannot see (e.g. computeDelay(attempt) from another module): unknown.
    const unknownCalls = [...all.matchAll(/([\w$.]+)\s*\(/g)].map((x) => x[1]!).filter((f) => !/^(?:Math\.(?:min|max|pow|floor|ceil|round)|min|max|pow|int|float|round)$/.test(f));
    if (unknownCalls.length > 0) continue;
    const exponential = /\*\*|Math\.pow|\bpow\(|<<|\*=|\b2\s*\*/.test(all);
    const edits: TextEdit[] = [];
    const d = unwrap(delay);
    const simple = /^(identifier|number|integer|float|member_expression|attribute|call_expression|call|parenthesized_expression|subscript_expression|subscript)$/.test(d.type);
    const inner = simple ? delay.text : `(${delay.text})`;
    if (src.py) {
      edits.push({ start: delay.startIndex, end: delay.endIndex, newText: `random.uniform(0, ${delay.text})` });
      if (!ctx.imports.hasImportRandom) edits.push(pyImportEdit(ctx, 'random'));
    } else {
      edits.push({ start: delay.startIndex, end: delay.endIndex, newText: `Math.random() * ${inner}` });
    }
    ctx.report('retry-without-jitter', call,
      `This retry waits a ${exponential ? 'purely exponential' : 'fixed'} delay with no jitter: clients that failed together retry together and hit the API in waves. Use full jitter, random(0, min(cap, base·2^attempt)) — against un-jittered backoff it cut total calls by more than half with 100 contending clients.`,
      [{ title: 'Add full jitter to the delay', kind: 'quickfix', safe: true, edits }]);
  }
  void bagOf;
}

// -------------------------------------------------------------------------------------------------
// Python: except clauses
// -------------------------------------------------------------------------------------------------

function exceptTypes(clause: Node): { value?: Node; types: Node[]; alias?: Node } {
  const value = field(clause, 'value');
  if (!value) {
    // older grammar shapes: first named child that is not the block
    const first = named(clause).find((c) => c.type !== 'block');
    if (!first) return { types: [] };
    return exceptTypesOf(first);
  }
  return exceptTypesOf(value);
}

function exceptTypesOf(value: Node): { value?: Node; types: Node[]; alias?: Node } {
  let v = value;
  let alias: Node | undefined;
  if (v.type === 'as_pattern') {
    alias = field(v, 'alias')?.namedChild(0) ?? field(v, 'alias') ?? undefined;
    v = v.namedChild(0)!;
  }
  const inner = unwrap(v);
  const types = inner.type === 'tuple' ? named(inner) : [inner];
  return { value: v, types, alias };
}

const lastSegment = (n: Node): string => n.text.replace(/^.*\./, '');

function pyHandlers(ctx: Ctx, callers: () => Set<string>): void {
  const { src } = ctx;
  const re = /\bexcept\b/g;
  for (const m of scan(re, src.text, ctx.from, ctx.to)) {
    const kw = descend(src, m.index, m.index + 6);
    const clause = kw?.parent;
    if (!clause || clause.type !== 'except_clause') continue;
    const tryStmt = clause.parent;
    const tryBody = tryStmt ? field(tryStmt, 'body') : null;
    const body = named(clause).find((c) => c.type === 'block');
    if (!tryStmt || !tryBody || !body) continue;
    const { value, types, alias } = exceptTypes(clause);
    const names = types.map(lastSegment);
    const clauses = named(tryStmt).filter((c) => c.type === 'except_clause');
    const allNames = clauses.flatMap((c) => exceptTypes(c).types.map(lastSegment));

    // overloaded-not-caught: InternalServerError without OverloadedError (or a broader class) anywhere in this try.
    const ise = types.find((t) => lastSegment(t) === 'InternalServerError' && isAnthropicName(ctx, t));
    if (ise && !allNames.some((n) => n === 'OverloadedError' || BROAD.has(n)) && value) {
      const { exprs, edits } = pyAnthropicNames(ctx, ['OverloadedError']);
      const inner = unwrap(value);
      const qual = ise.type === 'attribute' ? ise.text.replace(/InternalServerError$/, 'OverloadedError') : exprs[0]!;
      const e2: TextEdit[] = ise.type === 'attribute' ? [] : [...edits];
      if (inner.type === 'tuple') e2.push({ start: ise.endIndex, end: ise.endIndex, newText: `, ${qual}` });
      else e2.push({ start: ise.startIndex, end: ise.endIndex, newText: `(${ise.text}, ${qual})` });
      ctx.report('overloaded-not-caught', ise,
        '529 overloaded errors raise OverloadedError, which is not a subclass of InternalServerError in the Python SDK: this handler misses them. Catch OverloadedError too.',
        [{ title: 'Also catch OverloadedError', kind: 'quickfix', safe: false, edits: e2 }]);
    }

    const loop = retryLoop(ctx, tryStmt);
    if (!loop || inHelper(ctx, clause) || !handlerRetries(ctx, body) || !callsClaude(ctx, tryBody, callers)) continue;
    const broad = types.length === 0 || names.some((n) => BROAD.has(n));
    const earlier = clauses.slice(0, clauses.findIndex((c) => c.id === clause.id));
    const earlierHandles4xx = earlier.some((c) => SPECIFIC_4XX.test(c.text));
    if (broad && !earlierHandles4xx && !discriminates(ctx, body)) {
      const edits: TextEdit[] = [];
      let errName = alias?.text;
      if (!errName) {
        errName = unusedName(body.text, 'err');
        if (value) edits.push({ start: value.endIndex, end: value.endIndex, newText: ` as ${errName}` });
        else edits.push({ start: kw!.endIndex, end: kw!.endIndex, newText: ` Exception as ${errName}` });
      }
      const first = named(body)[0];
      if (!first) continue;
      const ind = indentAt(src, first.startIndex);
      const status = unusedName(body.text, 'status');
      const q = src.text.includes("'") && !src.text.includes('"') ? "'" : '"';
      const guard = `${status} = getattr(${errName}, ${q}status_code${q}, None)\n${ind}if isinstance(${status}, int) and ${status} < 500 and ${status} not in (${SDK_RETRYABLE_STATUSES.join(', ')}):\n${ind}${indentUnit(src)}raise\n${ind}`;
      if (first.startPosition.row !== clause.startPosition.row) edits.push({ start: first.startIndex, end: first.startIndex, newText: guard });
      else edits.length = 0;
      const head = { start: clause.startIndex, end: (value ?? kw!).endIndex };
      if (edits.length > 0) {
        ctx.report('retry-non-retryable', head,
          `This retry loop catches ${types.length === 0 ? 'every exception' : names.join(', ')} and retries 400/401/403/404/413 too: they fail the same way on every attempt. Retry only 408, 409, 429, 5xx/529 and connection errors.`,
          [{ title: 'Retry only retryable errors (re-raise other 4xx)', kind: 'quickfix', safe: false, edits }]);
      }
    }
    jitterInLoop(ctx, body, loop);
  }
}

function isAnthropicName(ctx: Ctx, n: Node): boolean {
  if (n.type === 'attribute') {
    const obj = field(n, 'object');
    return !!obj && ctx.imports.namespaces.has(obj.text);
  }
  return ctx.imports.errors.get(n.text) === 'InternalServerError';
}

// -------------------------------------------------------------------------------------------------
// Python decorators: tenacity and backoff
// -------------------------------------------------------------------------------------------------

function tenacityRef(ctx: Ctx, fn: Node, name: string): boolean {
  if (fn.type === 'identifier') return ctx.imports.tenacity.get(fn.text) === name;
  if (fn.type === 'attribute') return !!ctx.imports.tenacityNs && fn.text === `${ctx.imports.tenacityNs}.${name}`;
  return false;
}

/** Expression and import edit for a tenacity helper. */
function tenacityName(ctx: Ctx, name: string): { expr: string; edits: TextEdit[] } {
  for (const [local, n] of ctx.imports.tenacity) if (n === name) return { expr: local, edits: [] };
  if (ctx.imports.tenacityNs) return { expr: `${ctx.imports.tenacityNs}.${name}`, edits: [] };
  // add to `from tenacity import …`
  const re = /(^|\n)[ \t]*from[ \t]+tenacity[ \t]+import[ \t]/g;
  const m = re.exec(ctx.src.text);
  if (m) {
    const st = descend(ctx.src, m.index + m[0].length - 2);
    let node: Node | null = st;
    while (node && node.type !== 'import_from_statement') node = node.parent;
    if (node) {
      let last: Node | undefined;
      for (let i = 0; i < node.childCount; i++) if (node.fieldNameForChild(i) === 'name') last = node.child(i)!;
      if (last) return { expr: name, edits: [{ start: last.endIndex, end: last.endIndex, newText: `, ${name}` }] };
    }
  }
  return { expr: name, edits: [{ start: ctx.imports.importInsertAt, end: ctx.imports.importInsertAt, newText: `from tenacity import ${name}\n` }] };
}

function pyDecorators(ctx: Ctx, callers: () => Set<string>): void {
  const { src } = ctx;
  const re = /@[ \t]*([\w.]+)/g;
  for (const m of scan(re, src.text, ctx.from, ctx.to)) {
    const node = descend(src, m.index, m.index + 1);
    const deco = node?.parent;
    if (!deco || deco.type !== 'decorator') continue;
    const decorated = deco.parent;
    const def = decorated ? field(decorated, 'definition') : null;
    const defBody = def ? field(def, 'body') : null;
    if (!defBody || !callsClaude(ctx, defBody, callers)) continue;
    const expr = deco.namedChild(0);
    if (!expr) continue;
    const call = expr.type === 'call' ? expr : undefined;
    const fn = call ? field(call, 'function')! : expr;
    const args = call ? field(call, 'arguments') : null;
    const kwargs = args && args.type === 'argument_list' ? bagOfKwargs(ctx, args) : undefined;
    if (tenacityRef(ctx, fn, 'retry')) {
      tenacityDecorator(ctx, deco, call, args, kwargs);
    } else if (ctx.imports.backoffNs && fn.text === `${ctx.imports.backoffNs}.on_exception` && args) {
      const pos = named(args).filter((a) => a.type !== 'keyword_argument');
      const exc = pos[1];
      const excNames = exc ? (unwrap(exc).type === 'tuple' ? named(unwrap(exc)) : [unwrap(exc)]).map(lastSegment) : [];
      if (exc && excNames.some((n) => BROAD.has(n)) && !kwargs?.entries.has('giveup')) {
        const { exprs, edits } = pyAnthropicNames(ctx, RETRYABLE_PY);
        ctx.report('retry-non-retryable', exc,
          `backoff retries every ${excNames.join('/')} here, including 400/401/403/404/413, which fail the same way on every attempt. Retry only rate limits, 5xx/529 and connection errors.`,
          [{ title: 'Retry only retryable errors', kind: 'quickfix', safe: false, edits: [...edits, { start: exc.startIndex, end: exc.endIndex, newText: `(${exprs.join(', ')})` }] }]);
      }
      const jitter = kwargs?.entries.get('jitter');
      if (jitter && valueOf(src, jitter.valueNode).kind === 'null') {
        ctx.report('retry-without-jitter', jitter.item,
          'jitter=None turns off backoff\'s full jitter: clients that failed together retry together. Remove it (backoff defaults to full jitter).',
          [{ title: 'Use backoff\'s default full jitter', kind: 'quickfix', safe: true, edits: [removeKw(ctx, args, jitter.item)] }]);
      }
    }
  }
}

function removeKw(ctx: Ctx, args: Node, item: Node): TextEdit {
  const list = named(args);
  const i = list.findIndex((x) => x.id === item.id);
  if (i > 0) return { start: list[i - 1]!.endIndex, end: item.endIndex, newText: '' };
  const next = list[i + 1];
  return next ? { start: item.startIndex, end: next.startIndex, newText: '' } : { start: item.startIndex, end: item.endIndex, newText: '' };
  void ctx;
}

function bagOfKwargs(ctx: Ctx, args: Node): Bag {
  const bag: Bag = { container: args, entries: new Map(), unknownSpread: false, style: 'kwargs' };
  for (const a of named(args)) {
    if (a.type === 'keyword_argument') {
      const k = field(a, 'name')?.text;
      const v = field(a, 'value');
      if (k && v) bag.entries.set(k, { key: k, valueNode: v, item: a, container: args });
    } else if (a.type === 'dictionary_splat') bag.unknownSpread = true;
  }
  void ctx;
  return bag;
}

function tenacityDecorator(ctx: Ctx, deco: Node, call: Node | undefined, args: Node | null, kwargs: Bag | undefined): void {
  const { src } = ctx;
  if (kwargs?.unknownSpread) return;
  const retryArg = kwargs?.entries.get('retry');
  const anchor = call ?? deco;
  if (!retryArg) {
    const r = tenacityName(ctx, 'retry_if_exception_type');
    const { exprs, edits } = pyAnthropicNames(ctx, RETRYABLE_PY);
    const code = `retry=${r.expr}((${exprs.join(', ')}))`;
    const fixEdits: TextEdit[] = [...r.edits, ...edits];
    if (args) {
      const list = named(args);
      const last = list[list.length - 1];
      fixEdits.push(last ? { start: last.endIndex, end: last.endIndex, newText: `, ${code}` } : { start: args.startIndex + 1, end: args.startIndex + 1, newText: code });
    } else {
      const fnNode = deco.namedChild(0)!;
      fixEdits.push({ start: fnNode.endIndex, end: fnNode.endIndex, newText: `(${code})` });
    }
    ctx.report('retry-non-retryable', anchor,
      'tenacity retries on every exception unless told otherwise, including 400/401/403/404/413, which fail the same way on every attempt. Retry only rate limits, 5xx/529 and connection errors.',
      [{ title: 'Retry only retryable errors', kind: 'quickfix', safe: false, edits: fixEdits }]);
  } else {
    const v = unwrap(retryArg.valueNode);
    if (v.type === 'call' && tenacityRef(ctx, field(v, 'function')!, 'retry_if_exception_type')) {
      const a = named(field(v, 'arguments')!)[0];
      const excNames = a ? (unwrap(a).type === 'tuple' ? named(unwrap(a)) : [unwrap(a)]).map(lastSegment) : ['Exception'];
      if (excNames.some((n) => BROAD.has(n))) {
        const { exprs, edits } = pyAnthropicNames(ctx, RETRYABLE_PY);
        const fix: TextEdit[] = [...edits];
        if (a) fix.push({ start: a.startIndex, end: a.endIndex, newText: `(${exprs.join(', ')})` });
        else fix.push({ start: field(v, 'arguments')!.startIndex + 1, end: field(v, 'arguments')!.startIndex + 1, newText: `(${exprs.join(', ')})` });
        ctx.report('retry-non-retryable', a ?? v,
          `retry_if_exception_type(${excNames.join(', ')}) retries 400/401/403/404/413 too: they fail the same way on every attempt. Retry only rate limits, 5xx/529 and connection errors.`,
          [{ title: 'Retry only retryable errors', kind: 'quickfix', safe: false, edits: fix }]);
      } else if (excNames.includes('InternalServerError') && !excNames.includes('OverloadedError') && a) {
        const { exprs, edits } = pyAnthropicNames(ctx, ['OverloadedError']);
        const inner = unwrap(a);
        const e2: TextEdit[] = [...edits];
        if (inner.type === 'tuple') {
          const last = named(inner)[named(inner).length - 1]!;
          e2.push({ start: last.endIndex, end: last.endIndex, newText: `, ${exprs[0]}` });
        } else e2.push({ start: a.startIndex, end: a.endIndex, newText: `(${a.text}, ${exprs[0]})` });
        ctx.report('overloaded-not-caught', a,
          '529 overloaded errors raise OverloadedError, which is not a subclass of InternalServerError in the Python SDK: this retry never retries them.',
          [{ title: 'Also retry OverloadedError', kind: 'quickfix', safe: false, edits: e2 }]);
      }
    }
  }
  const wait = kwargs?.entries.get('wait');
  if (!wait) return;
  const w = unwrap(wait.valueNode);
  if (/random|jitter/i.test(w.text)) return;
  const fn = w.type === 'call' ? field(w, 'function')! : undefined;
  if (fn && tenacityRef(ctx, fn, 'wait_exponential')) {
    const r = tenacityName(ctx, 'wait_random_exponential');
    ctx.report('retry-without-jitter', w,
      'wait_exponential has no jitter: clients that failed together retry together. wait_random_exponential is full jitter with the same arguments.',
      [{ title: 'Use wait_random_exponential (full jitter)', kind: 'quickfix', safe: true, edits: [...r.edits, { start: fn.startIndex, end: fn.endIndex, newText: r.expr }] }]);
  } else if (fn && tenacityRef(ctx, fn, 'wait_fixed')) {
    const arg = named(field(w, 'arguments')!)[0];
    const r = tenacityName(ctx, 'wait_random');
    const fix: Fix[] = arg && arg.type !== 'keyword_argument'
      ? [{ title: 'Use wait_random(0, …) (full jitter)', kind: 'quickfix', safe: true, edits: [...r.edits, { start: w.startIndex, end: w.endIndex, newText: `${r.expr}(0, ${arg.text})` }] }]
      : [];
    ctx.report('retry-without-jitter', w, 'wait_fixed retries every client at the same moment. Use a random wait (full jitter).', fix);
  }
  void src;
}

// -------------------------------------------------------------------------------------------------
// TS: OverloadedError before 1.5.0
// -------------------------------------------------------------------------------------------------

function tsOverloaded(ctx: Ctx): void {
  const sdk = ctx.options.sdk;
  if (sdk?.ts === undefined) return;
  const tooOld = sdk.ts === 0 || (sdk.tsVersion !== undefined && versionLess(sdk.tsVersion, '1.5.0'));
  const maybeOld = !tooOld && sdk.ts === 1 && sdk.tsVersion === undefined;
  if (!tooOld && !maybeOld) return;
  const { src } = ctx;
  const re = /\bOverloadedError\b/g;
  for (const m of scan(re, src.text, ctx.from, ctx.to)) {
    const id = descend(src, m.index, m.index + m[0].length);
    if (!id || id.text !== 'OverloadedError') continue;
    let ref: Node = id;
    if (ref.parent?.type === 'member_expression' && field(ref.parent, 'property')?.id === ref.id) {
      const obj = field(ref.parent, 'object');
      if (!obj || !ctx.imports.namespaces.has(obj.text)) continue;
      ref = ref.parent;
    } else if (ref.parent?.type === 'import_specifier') {
      // the import itself: report once on it
    } else if (ctx.imports.errors.get(id.text) !== 'OverloadedError') continue;
    const bin = ref.parent;
    const fixes: Fix[] = [];
    if (bin?.type === 'binary_expression' && field(bin, 'operator')?.text === 'instanceof' && field(bin, 'right')?.id === ref.id) {
      const left = field(bin, 'left')!;
      const apiError = ref.type === 'member_expression' ? `${field(ref, 'object')!.text}.APIError`
        : [...ctx.imports.errors].find(([, n]) => n === 'APIError')?.[0] ?? (ctx.imports.tsDefault ? `${ctx.imports.tsDefault}.APIError` : undefined);
      if (apiError && /^[\w$.]+$/.test(left.text)) {
        fixes.push({ title: 'Check status 529 instead', kind: 'quickfix', safe: false, edits: [{ start: bin.startIndex, end: bin.endIndex, newText: `(${left.text} instanceof ${apiError} && ${left.text}.status === 529)` }] });
      }
    }
    ctx.report('overloaded-not-caught', ref,
      `OverloadedError does not exist before @anthropic-ai/sdk 1.5.0 (${tooOld ? 'this project uses an older version' : 'check your version'}): it is undefined, so \`instanceof\` throws a TypeError inside the handler. A 529 is an InternalServerError with status 529 there.`,
      fixes, tooOld ? undefined : 'info');
  }
}

// -------------------------------------------------------------------------------------------------
// hardcoded-api-key
// -------------------------------------------------------------------------------------------------

const KEY_SHAPE = new RegExp(`^(?:${[KEY_PREFIXES.api, KEY_PREFIXES.admin, KEY_PREFIXES.oauth].join('|')})\\d*-[A-Za-z0-9_-]{16,}$`);

export function keyRule(ctx: Ctx): void {
  const { src } = ctx;
  const seen = new Set<number>();
  const flag = (str: Node, value: string, viaOption: boolean): void => {
    if (seen.has(str.id)) return;
    seen.add(str.id);
    const oauth = value.startsWith(KEY_PREFIXES.oauth);
    const env = oauth ? 'ANTHROPIC_AUTH_TOKEN' : 'ANTHROPIC_API_KEY';
    const edits: TextEdit[] = [];
    if (src.py) {
      const q = src.text[str.endIndex - 1] === "'" ? "'" : '"';
      edits.push({ start: str.startIndex, end: str.endIndex, newText: `os.environ[${q}${env}${q}]` });
      if (!ctx.imports.hasImportOs) edits.push(pyImportEdit(ctx, 'os'));
    } else {
      edits.push({ start: str.startIndex, end: str.endIndex, newText: `process.env.${env}` });
    }
    const kind = oauth ? 'An OAuth token' : value.startsWith(KEY_PREFIXES.admin) ? 'An Admin API key' : viaOption && !value.startsWith('sk-ant-') ? 'A literal API key' : 'A Claude API key';
    ctx.report('hardcoded-api-key', str,
      `${kind} is written in the source: anyone who sees this file (or its history) can use it. Rotate it in the Console and read it from ${env}.`,
      [{ title: `Read it from ${env}`, kind: 'quickfix', safe: false, edits }]);
  };
  if (ctx.keyFromCtors) {
    for (const c of ctx.ctors) {
      for (const k of ['apiKey', 'api_key', 'authToken', 'auth_token']) {
        const e = c.options?.entries.get(k);
        if (!e) continue;
        const v = valueOf(src, e.valueNode);
        if (v.kind === 'string' && v.value.trim().length >= 8 && !/^\$\{|^<.*>$/.test(v.value)) flag(v.node, v.value, true);
      }
    }
    return;
  }
  const re = /sk-ant-/g;
  for (const m of scan(re, src.text, ctx.from, ctx.to)) {
    let n: Node | null = descend(src, m.index, m.index + 7);
    for (let i = 0; n && i < 3 && n.type !== 'string' && n.type !== 'template_string'; i++) n = n.parent;
    if (!n) continue;
    const s = stringLiteral(src, n);
    if (s && KEY_SHAPE.test(s.value)) flag(n, s.value, false);
  }
}

// -------------------------------------------------------------------------------------------------
// no-retry
// -------------------------------------------------------------------------------------------------

/** Some retry exists around the calls of this unit: a loop with a try around a Claude call. */
export function unitHasRetryLoop(ctx: Ctx): boolean {
  for (const c of ctx.calls) {
    for (let a = c.call.parent; a; a = a.parent) {
      if (isFunctionNode(ctx.src, a)) break;
      if (a.type === 'try_statement' && retryLoop(ctx, a)) return true;
    }
  }
  return false;
}

/** File-level signs of a retry: retry libraries, helpers named like retries. */
export function fileHasRetryConstruct(ctx: Ctx): boolean {
  const { src } = ctx;
  if (src.py) {
    if (ctx.imports.tenacity.size > 0 || ctx.imports.tenacityNs || ctx.imports.backoffNs) return true;
  } else if (/['"](?:p-retry|async-retry|retry|exponential-backoff|cockatiel|axios-retry)['"]/.test(src.text)) return true;
  if (!/etry|backoff/i.test(src.text)) return false;
  return /(?<![\w$])(?:with_?[Rr]etry|retry\w*|\w*[Rr]etry|with_claude_retry\w*|backoff\w*)\s*\(/.test(src.text);
}

function retriesOff(ctx: Ctx, bag: Bag | undefined): Node | undefined {
  if (!bag) return undefined;
  const e = bag.entries.get(ctx.src.py ? 'max_retries' : 'maxRetries');
  if (!e) return undefined;
  const v = valueOf(ctx.src, e.valueNode);
  return v.kind === 'number' && v.value === 0 ? e.item : undefined;
}

function noRetryFinding(ctx: Ctx, item: Node, site: CallSite | undefined, ctor: ClientCtor | undefined): void {
  const name = ctx.src.py ? 'max_retries=0' : 'maxRetries: 0';
  const fixes: Fix[] = [];
  const valueNode = field(item, 'value');
  if (valueNode) fixes.push({ title: 'Let the SDK retry (2 retries, its default)', kind: 'quickfix', safe: false, edits: [{ start: valueNode.startIndex, end: valueNode.endIndex, newText: '2' }] });
  if (site) {
    const w = wrapHelperRefactor(ctx, site);
    if (w) fixes.push(w);
  }
  if (ctor) {
    const c = configureRetriesRefactor(ctx, ctor);
    if (c) fixes.push(c);
  }
  const where = site ? { start: site.resource.startIndex, end: site.method.endIndex } : item;
  ctx.report('no-retry', where,
    `${site ? 'This call is never retried' : 'This client never retries'} (${name}) and nothing retries around it: every 429 rate limit, 529 overload and dropped connection reaches the user. Let the SDK retry, or wrap the call in a retry helper.`,
    fixes);
}

/** Candidates of one unit: calls whose client or request options turn retries off. Returns the ctor indices the unit's calls use. */
export function unitNoRetryCandidates(ctx: Ctx, mayDisableRetries = true): number[] {
  const used: number[] = [];
  for (const s of ctx.calls) {
    if (s.ctor) used.push(ctx.ctors.indexOf(s.ctor));
    if (!mayDisableRetries) continue;
    if (s.kind === 'stream' || s.kind === 'completions') continue;
    const reqItem = retriesOff(ctx, s.requestOptions !== s.params ? s.requestOptions : undefined) ?? retriesOff(ctx, s.withOptions);
    const ctorItem = s.ctor ? retriesOff(ctx, s.ctor.options) : undefined;
    const item = reqItem ?? ctorItem;
    if (item) noRetryFinding(ctx, item, s, reqItem ? undefined : s.ctor);
  }
  return used;
}

/** Clients with retries off that no call in this file uses (exported clients). */
export function unusedNoRetryCtors(ctx: Ctx, usedCtors: Set<number>): void {
  ctx.ctors.forEach((c, i) => {
    if (usedCtors.has(i)) return;
    const item = retriesOff(ctx, c.options);
    if (item) noRetryFinding(ctx, item, undefined, c);
  });
}
