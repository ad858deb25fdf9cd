/** What the retry rules share: loops, handlers that go round again, functions that call Claude. */
import type { Ctx } from '../context';
import type { Node } from '../parser';
import { field, isFunctionNode, named, unwrap, type Src } from '../syntax';
import { PYTHON_ASYNC_RETRY_HELPER_NAME, RETRY_HELPER_NAMES } from '../templates';

const HELPER_FUNCS = new Set([RETRY_HELPER_NAMES.typescript, RETRY_HELPER_NAMES.python, PYTHON_ASYNC_RETRY_HELPER_NAME, '_claude_retry_delay']);
/** Python exception classes a correct retry retries. */
export const RETRYABLE_PY = ['RateLimitError', 'InternalServerError', 'OverloadedError', 'APIConnectionError'];
/** Python exception classes that include the 4xx errors. */
export const BROAD = new Set(['Exception', 'BaseException', 'APIError', 'APIStatusError', 'AnthropicError']);
export const SPECIFIC_4XX = /\b(?:BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ContentTooLargeError|RequestTooLargeError|UnprocessableEntityError|PaymentRequiredError)\b/;
const DISCRIMINATES = /\.status\b|\.statusCode\b|status_code|\.code\b|\.type\b|instanceof\s+[\w$.]*(?:RateLimitError|InternalServerError|OverloadedError|APIConnectionError|APIConnectionTimeoutError|ServiceUnavailableError|ConflictError|RequestTimeoutError|GatewayTimeoutError|BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ContentTooLargeError|UnprocessableEntityError|PaymentRequiredError|APITimeoutError)\b|isinstance\s*\(|[Rr]etryable|shouldRetry|should_retry|isTransient|is_transient|x-should-retry/;

/** The handler looks at the status / class / retryability of the error (comments ignored). */
export function discriminates(ctx: Ctx, body: Node): boolean {
  const code = ctx.src.py ? body.text.replace(/#[^\n]*/g, '') : body.text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  return DISCRIMINATES.test(code);
}

export function enclosingFunction(ctx: { src: Src }, n: Node): Node | undefined {
  for (let a = n.parent; a; a = a.parent) if (isFunctionNode(ctx.src, a)) return a;
  return undefined;
}

function functionName(fn: Node | undefined): string | undefined {
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
  return undefined;
}

/** `n` sits inside one of our own retry helpers (which retry correctly by construction). */
export function inHelper(ctx: Ctx, n: Node): boolean {
  for (let f = enclosingFunction(ctx, n); f; f = enclosingFunction(ctx, f)) {
    const name = functionName(f);
    if (name && HELPER_FUNCS.has(name)) return true;
  }
  return false;
}

/** The loop a retry would go round: the nearest loop around `n` inside the same function. */
export function retryLoop(ctx: Ctx, n: Node): Node | undefined {
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

const LOOPS_TS = new Set(['while_statement', 'do_statement', 'for_statement', 'for_in_statement']);
const LOOPS_PY = new Set(['while_statement', 'for_statement']);

/** A `continue` inside `n` that goes round the loop around `n` (not one of a nested loop or function). */
function continuesOuterLoop(ctx: Ctx, n: Node): boolean {
  const loops = ctx.src.py ? LOOPS_PY : LOOPS_TS;
  // (a stack, not recursion: handlers can nest deeply)
  const stack: Node[] = [n];
  while (stack.length > 0) {
    for (const c of named(stack.pop()!)) {
      if (c.type === 'continue_statement') return true;
      if (!loops.has(c.type) && !isFunctionNode(ctx.src, c)) stack.push(c);
    }
  }
  return false;
}

/**
 * The handler can fall through (or continue) to the next iteration: its last statement is not an
 * exit, or a `continue` inside it goes round again (`if (retryable) { await sleep(); continue; } throw e;`).
 */
export function handlerRetries(ctx: Ctx, body: Node): boolean {
  const stmts = named(body);
  const last = stmts[stmts.length - 1];
  if (!last) return true;
  if (!(ctx.src.py ? EXIT_PY : EXIT_TS).has(last.type)) return true;
  return body.text.includes('continue') && continuesOuterLoop(ctx, body);
}

/** The calls of a unit: all a caller-name lookup needs (so nothing else of the unit stays alive). */
export interface UnitCallNodes { src: Src; calls: readonly { call: Node }[] }

/** Names of the functions in this unit whose body contains a Claude call (one level of indirection). */
export function callerNames(ctx: UnitCallNodes): string[] {
  const out = new Set<string>();
  for (const c of ctx.calls) {
    const name = functionName(enclosingFunction(ctx, c.call));
    if (name) out.add(name);
  }
  return [...out];
}

/**
 * The protected block calls Claude, a function-typed parameter (generic helper), or a function that
 * calls Claude (asked last: the callers are only worked out when a file needs them).
 */
export function callsClaude(ctx: Ctx, block: Node): boolean {
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
  for (const name of ctx.callers()) if (new RegExp(`(?<![\\w$.])${name}\\s*\\(`).test(text)) return true;
  return false;
}

/** A name not yet used in `text`: `base`, `base2`, … */
export function unusedName(text: string, base: string): string {
  let name = base;
  for (let i = 2; new RegExp(`(?<![\\w$])${name}(?![\\w$])`).test(text); i++) name = `${base}${i}`;
  return name;
}

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
