/**
 * Hover explanations (pure): SDK error class names (`RateLimitError`, `OverloadedError`, …) and
 * HTTP status literals compared against a status (`e.status === 529`, `status_code == 429`),
 * explained from the taxonomy data in `core/data/api-facts`.
 */
import type { AnalyzerLanguage } from '../analyzer/types';
import { ERROR_ROWS, SDK, SPEND_CAP_ERROR_CODE, type ErrorCategory, type ErrorRow, type Fault } from '../data/api-facts';

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  start: number;
  end: number;
}

interface ClassInfo {
  category: ErrorCategory;
  /** Status or status range the class stands for. */
  status: string;
  /** Which SDKs define it. */
  sdks: 'both' | 'ts' | 'python';
  /** Extra lines, per language. */
  note?: (language: AnalyzerLanguage) => string | undefined;
}

const isPy = (l: AnalyzerLanguage): boolean => l === 'python';

/** SDK error classes (TS `@anthropic-ai/sdk` and Python `anthropic`) → taxonomy row. */
export const ERROR_CLASSES: Readonly<Record<string, ClassInfo>> = {
  BadRequestError: { category: 'invalid_request', status: '400', sdks: 'both', note: () => 'A spend limit your organization set also arrives as a 400 ("You have reached your specified API usage limits"): raise it in the Console.' },
  AuthenticationError: { category: 'authentication', status: '401', sdks: 'both' },
  PaymentRequiredError: { category: 'billing', status: '402', sdks: 'ts' },
  PermissionDeniedError: { category: 'permission', status: '403', sdks: 'both' },
  NotFoundError: { category: 'not_found', status: '404', sdks: 'both' },
  RequestTimeoutError: { category: 'request_timeout', status: '408', sdks: 'ts' },
  ConflictError: { category: 'conflict', status: '409', sdks: 'both' },
  ContentTooLargeError: { category: 'request_too_large', status: '413', sdks: 'ts' },
  UnprocessableEntityError: { category: 'unprocessable', status: '422', sdks: 'both' },
  RateLimitError: {
    category: 'rate_limit', status: '429', sdks: 'both',
    note: () => `Not every 429 is worth a retry: when \`error.details.error_code\` is \`${SPEND_CAP_ERROR_CODE}\` (no \`retry-after\`), it is the monthly spend cap. ${ERROR_ROWS.spend_cap.nextStep} The official SDKs retry it anyway.`,
  },
  InternalServerError: {
    category: 'api_error', status: '≥ 500', sdks: 'both',
    note: (l) => isPy(l)
      ? `**\`except InternalServerError\` does NOT catch 529 \`OverloadedError\`**: in the Python SDK \`OverloadedError\` subclasses \`APIStatusError\`, not \`InternalServerError\`. Catch \`(InternalServerError, OverloadedError)\`, or \`APIStatusError\` and check \`status_code >= 500\`. With \`AnthropicBedrock\` / \`AnthropicVertex\` it also misses their own ${[...new Set(Object.values(SDK.python.platformErrorClasses).flatMap((m) => Object.values(m)).filter((c) => c !== 'InternalServerError'))].map((c) => `\`${c}\``).join(' / ')} (503/504).`
      : `Also catches its subclasses \`ServiceUnavailableError\` (503), \`GatewayTimeoutError\` (504) and \`OverloadedError\` (529, SDK ≥ ${SDK.ts.overloadedErrorSince}; before that a 529 is a plain \`InternalServerError\`).`,
  },
  ServiceUnavailableError: { category: 'unavailable', status: '503', sdks: 'both' },
  GatewayTimeoutError: { category: 'gateway_timeout', status: '504', sdks: 'ts' },
  OverloadedError: {
    category: 'overloaded', status: '529', sdks: 'both',
    note: (l) => isPy(l)
      ? `In the Python SDK it subclasses \`APIStatusError\`, not \`InternalServerError\`: \`except InternalServerError\` misses it. Only an HTTP 529 raises it: an overload in the middle of a stream is a plain \`APIStatusError\` with \`status_code == ${SDK.python.midStreamErrorStatusCode}\`.`
      : `A subclass of \`InternalServerError\`; exists from \`@anthropic-ai/sdk\` ${SDK.ts.overloadedErrorSince} (before, a 529 is an \`InternalServerError\`).`,
  },
  APIConnectionError: { category: 'connection', status: 'no HTTP status', sdks: 'both' },
  APIConnectionTimeoutError: { category: 'timeout', status: 'no HTTP status', sdks: 'ts' },
  APITimeoutError: { category: 'timeout', status: 'no HTTP status', sdks: 'python' },
  APIUserAbortError: { category: 'aborted', status: 'no HTTP status', sdks: 'ts' },
};

/** Base classes: explained as "catches everything below". */
const BASE_CLASSES: Readonly<Record<string, (language: AnalyzerLanguage) => string>> = {
  APIError: (l) => [
    '**`APIError`**: the base class of every API error of the Claude SDK: 4xx and 5xx answers, connection errors and timeouts' + (isPy(l) ? '.' : ', and errors inside a stream (`status` undefined, `type` set).'),
    '',
    '**Retryable:** depends on the status. Catching `APIError` and retrying also retries 400/401/403/404/413, which fail the same way every time.',
    '',
    '**What to do:** retry only 408, 409, 429 (except the spend cap), ≥ 500 (529 included) and connection errors; honour `retry-after` and `x-should-retry`.',
  ].join('\n'),
  APIStatusError: (l) => [
    '**`APIStatusError`**' + (isPy(l) ? '' : ' (Python SDK only; in TypeScript, use `APIError`)') + ': the base class of every error that came with an HTTP status (`status_code`), including `InternalServerError` and `OverloadedError` (529).' + (isPy(l) ? ` An error event inside a 200 stream is raised as a plain \`APIStatusError\` with \`status_code == ${SDK.python.midStreamErrorStatusCode}\`: check \`body["error"]["type"]\` there.` : ''),
    '',
    '**Retryable:** only for 408, 409, 429 (except the spend cap) and ≥ 500. Check `status_code` before retrying.',
  ].join('\n'),
  AnthropicError: () => '**`AnthropicError`**: the root of every error the Claude SDK raises, including client-side ones (bad arguments, local guards). Too broad for a retry decision: check the status first.',
};

const FAULT_TEXT: Record<Fault, string> = {
  you: 'your request or your code',
  anthropic: "Anthropic's side",
  network: 'the network between you and the API',
  limit: 'a limit on your account',
  server: 'the server that accepted the request (the API or a gateway in front of it)',
  none: 'nobody (the run was stopped)',
};

function rowMarkdown(row: ErrorRow, heading: string): string {
  const retry = row.retryable ? 'yes' : '**no**';
  return [
    heading,
    '',
    row.explanation,
    '',
    `**Retryable:** ${retry} · **Whose side:** ${FAULT_TEXT[row.fault]}`,
    '',
    `**What to do:** ${row.nextStep}`,
    '',
    `[Claude API errors](${row.docsUrl})`,
  ].join('\n');
}

const IDENT = /[A-Za-z_$][\w$]*/y;

function wordAt(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  let start = offset;
  while (start > 0 && /[\w$]/.test(text[start - 1]!)) start--;
  IDENT.lastIndex = start;
  const m = IDENT.exec(text);
  if (!m || start + m[0].length < offset || (start + m[0].length === offset && offset === start)) return undefined;
  return { word: m[0], start, end: start + m[0].length };
}

/** Status → taxonomy row (the generic row per status; 400 and 429 variants are noted). */
function rowForStatus(status: number): ErrorRow | undefined {
  const exact = (Object.values(ERROR_ROWS) as ErrorRow[]).find((r) => r.status === status && r.category !== 'usage_limit' && r.category !== 'spend_cap' && r.category !== 'cors');
  if (exact) return exact;
  if (status >= 500 && status <= 599) return ERROR_ROWS.server_error;
  return undefined;
}

/** Is the number at [start, end) compared against a status on its line? */
function isStatusComparison(text: string, start: number, end: number): boolean {
  let ls = start;
  while (ls > 0 && text[ls - 1] !== '\n' && text[ls - 1] !== '\r') ls--;
  let le = end;
  while (le < text.length && text[le] !== '\n' && text[le] !== '\r') le++;
  const before = text.slice(ls, start);
  const after = text.slice(end, le);
  if (/[\w.]/.test(text[start - 1] ?? ' ') || /[\w.]/.test(text[end] ?? ' ')) return false;
  const statusWord = /\b(?:status|status_code|statusCode|code)\b/i;
  // `x.status === 529`, `status_code == 429`, `status >= 500`
  if (/(?:status|status_code|statusCode)\s*\)?\s*(?:===|!==|==|!=|>=|<=|>|<)\s*$/i.test(before)) return true;
  // `529 === e.status`
  if (/^\s*(?:===|!==|==|!=|>=|<=|>|<)\s*[\w.?()[\]'"]*(?:status|status_code|statusCode)\b/i.test(after)) return true;
  // `case 529:` inside a switch on a status (same-line check is enough for `case`)
  if (/^\s*case\s*$/.test(before) && /^\s*:/.test(after)) return true;
  // `status in (429, 529)`, `[429, 529].includes(e.status)`, `status_code in {500, 529}`
  if (statusWord.test(before) && /\bin\s*[([{][^)\]}]*$/.test(before)) return true;
  if (/[[(][\d\s,]*$/.test(before) && /^[\d\s,]*[\])]\s*\.includes\(\s*[\w.?]*(?:status|status_code|statusCode)\b/i.test(after)) return true;
  return false;
}

/** The hover for `offset` in `text`, if it sits on an SDK error class or a compared status code. */
export function hoverAt(text: string, offset: number, language: AnalyzerLanguage): HoverResult | undefined {
  const w = wordAt(text, offset);
  if (w) {
    const base = BASE_CLASSES[w.word];
    if (base) return { markdown: base(language), start: w.start, end: w.end };
    const info = ERROR_CLASSES[w.word];
    if (info) {
      if (info.sdks === 'python' && !isPy(language)) return undefined;
      if (info.sdks === 'ts' && isPy(language)) return undefined;
      const row = ERROR_ROWS[info.category];
      const errorType = row.errorType ? ` · \`${row.errorType}\`` : '';
      let md = rowMarkdown(row, `**\`${w.word}\`** (${info.status}${errorType}): ${row.title}`);
      const note = info.note?.(language);
      if (note) md += `\n\n${note}`;
      return { markdown: md, start: w.start, end: w.end };
    }
  }
  // A status literal: digits under the cursor.
  let s = offset;
  while (s > 0 && /\d/.test(text[s - 1]!)) s--;
  let e = offset;
  while (e < text.length && /\d/.test(text[e]!)) e++;
  if (e - s !== 3) return undefined;
  const status = Number(text.slice(s, e));
  if (status < 400 || status > 599) return undefined;
  if (!isStatusComparison(text, s, e)) return undefined;
  const row = rowForStatus(status);
  if (!row) return undefined;
  const errorType = row.errorType ? ` · \`${row.errorType}\`` : '';
  let md = rowMarkdown(row, `**HTTP ${status}**${errorType}: ${row.title}`);
  if (status === 429) md += `\n\nA 429 whose \`error.details.error_code\` is \`${SPEND_CAP_ERROR_CODE}\` is the monthly spend cap: **not** retryable. ${ERROR_ROWS.spend_cap.nextStep}`;
  if (status === 400) md += `\n\n${ERROR_ROWS.usage_limit.title}: a 400 "You have reached your specified API usage limits" is a spend limit your organization set. ${ERROR_ROWS.usage_limit.nextStep}`;
  if (status === 529 && isPy(language)) md += '\n\nIn Python this is `OverloadedError`, which `except InternalServerError` does not catch.';
  return { markdown: md, start: s, end: e };
}
