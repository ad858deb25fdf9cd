/**
 * Error taxonomy: turns any failure (an HTTP answer, an SDK error, a socket error, an error event
 * inside a stream) into one `Classification` — category, retryable, whose fault, what to do.
 *
 * All API facts come from `ERROR_ROWS` and friends in `data/api-facts.ts`. Order: status first,
 * then `error.type`, then `error.details.error_code`. Message text is never used, except for the
 * two documented cases isolated in `MESSAGE_EXCEPTIONS` below. An explicit `x-should-retry`
 * header overrides the table's retry decision (as the SDK does), except for the categories where
 * a retry can never help (spend cap, usage limit).
 */
import {
  BATCHES,
  ERROR_ROWS,
  ERROR_TYPE_BY_STATUS,
  MESSAGE_MARKERS,
  SPEND_CAP_ERROR_CODE,
  HEADERS,
  type BatchResultType,
  type ErrorCategory,
  type ErrorRow,
  type Fault,
} from './data/api-facts';
import { redactSecrets } from './redact';
import { headerValue, type HeadersLike } from './retry/headers';

export type { ErrorCategory, Fault } from './data/api-facts';

export type TransportKind = 'refused' | 'reset' | 'dns' | 'tls' | 'timeout' | 'aborted' | 'other';

export interface ClassifyInput {
  status?: number | null;
  errorType?: string | null;
  errorCode?: string | null;
  message?: string | null;
  headers?: Headers | Record<string, string | string[] | undefined>;
  transport?: TransportKind;
  /** Raw response body; parsed for error.type / error_code / message / request_id when those are not given. */
  body?: string;
  /** The error arrived inside an SSE stream after HTTP 200 (status is then null). */
  midStream?: boolean;
}

export type BodyKind = 'json' | 'truncated-json' | 'html' | 'text' | 'empty';

export interface Classification {
  category: ErrorCategory;
  retryable: boolean;
  fault: Fault;
  title: string;
  explanation: string;
  nextStep: string;
  docsUrl: string;
  status: number | null;
  errorType: string | null;
  errorCode: string | null;
  message: string | null;
  requestId: string | null;
  /** Where the retry decision came from: the table, or an explicit `x-should-retry` header. */
  retrySource: 'table' | 'x-should-retry';
  /** What the body looked like, when there was one. */
  bodyKind?: BodyKind;
  /** Transport failure kind, when there was no HTTP answer. */
  transport?: TransportKind;
  /** SDK-specific notes from the row (which exception class, which SDK). */
  sdkNotes?: readonly string[];
}

/** Longest message kept in a classification (bodies can be megabytes of HTML). */
export const MAX_MESSAGE_LENGTH = 1000;
/** Bodies longer than this are only scanned in their first part. */
const MAX_SCAN = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Body parsing
// ---------------------------------------------------------------------------------------------

export interface ParsedErrorBody {
  errorType?: string;
  errorCode?: string;
  message?: string;
  requestId?: string;
  bodyKind?: BodyKind;
}

export function clip(s: string, n = MAX_MESSAGE_LENGTH): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function stringField(obj: unknown, key: string): string | undefined {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    const v = (obj as Record<string, unknown>)[key];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** The JSON string literal value after `"key":` (handles escapes), from possibly truncated JSON. */
function salvageString(text: string, key: string, from = 0): string | undefined {
  const re = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)("?)`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  if (!m) return undefined;
  const raw = m[1] ?? '';
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/**
 * Pull `error.type`, `error.details.error_code`, `error.message` and `request_id` out of a body.
 * Never throws: valid JSON, truncated JSON (fields salvaged), HTML (the page title becomes the
 * message), plain text, empty.
 */
export function parseErrorBody(body: string): ParsedErrorBody {
  try {
    if (typeof body !== 'string') return { bodyKind: 'empty' };
    const scan = body.length > MAX_SCAN ? body.slice(0, MAX_SCAN) : body;
    const trimmed = scan.trim();
    if (trimmed.length === 0) return { bodyKind: 'empty' };

    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let parsed: unknown;
      let ok = false;
      if (body.length <= MAX_SCAN * 40) {
        try {
          parsed = JSON.parse(body);
          ok = true;
        } catch {
          ok = false;
        }
      }
      if (ok) {
        const out: ParsedErrorBody = { bodyKind: 'json' };
        const err = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).error : undefined;
        const errorType = stringField(err, 'type');
        const message = stringField(err, 'message') ?? (typeof err === 'string' ? err : undefined);
        const details = err && typeof err === 'object' ? (err as Record<string, unknown>).details : undefined;
        const errorCode = stringField(details, 'error_code');
        const requestId = stringField(parsed, 'request_id');
        if (errorType) out.errorType = errorType;
        if (message !== undefined) out.message = clip(message);
        if (errorCode) out.errorCode = errorCode;
        if (requestId) out.requestId = requestId;
        return out;
      }
      // Truncated or otherwise broken JSON: salvage what is there.
      const out: ParsedErrorBody = { bodyKind: 'truncated-json' };
      const errIdx = scan.search(/"error"\s*:\s*\{/);
      if (errIdx >= 0) {
        const t = salvageString(scan, 'type', errIdx);
        if (t) out.errorType = t;
        const msg = salvageString(scan, 'message', errIdx);
        if (msg !== undefined) out.message = clip(msg);
        const code = salvageString(scan, 'error_code', errIdx);
        if (code) out.errorCode = code;
      }
      const rid = salvageString(scan, 'request_id');
      if (rid) out.requestId = rid;
      return out;
    }

    if (/^<(!doctype|html|head|body|\?xml|h1|center|title)/i.test(trimmed) || /<\/(html|body|title|h1)>/i.test(scan)) {
      const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(scan)?.[1] ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(scan)?.[1];
      const text = (title ?? scan.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]*>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim();
      const out: ParsedErrorBody = { bodyKind: 'html' };
      if (text) out.message = clip(decodeEntities(text), 200);
      return out;
    }

    return { bodyKind: 'text', message: clip(trimmed.replace(/\s+/g, ' '), 300) };
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// The table, indexed
// ---------------------------------------------------------------------------------------------

/**
 * The documented exceptions to "never classify by message": each is a special row that shares
 * its status and type with a primary row. Keep this list short and isolated.
 */
const MESSAGE_EXCEPTIONS: Partial<Record<ErrorCategory, (i: { message: string | null; errorCode: string | null }) => boolean>> = {
  // 400 invalid_request_error "You have reached your specified API usage limits" (facts §1).
  usage_limit: (i) => !!i.message && i.message.includes(MESSAGE_MARKERS.usageLimit),
  // 401 "CORS requests are not allowed…" (facts §1): an organization setting.
  cors: (i) => !!i.message && i.message.trimStart().startsWith(MESSAGE_MARKERS.corsPrefix),
  // 429 "You have reached your specified workspace API usage limits" (December 2026 update).
  workspace_spend_limit: (i) => !!i.message && (i.message.includes(MESSAGE_MARKERS.workspaceUsageLimit) || i.message.includes(MESSAGE_MARKERS.usageLimit)),
  // 409 "a value that must be unique is already in use" (December 2026 update): retrying cannot help.
  conflict_unique: (i) => !!i.message && i.message.toLowerCase().includes(MESSAGE_MARKERS.uniqueConflict),
};

/** Rows told apart by `error.details.error_code`. */
const ERROR_CODE_ROWS: Partial<Record<ErrorCategory, (i: { errorCode: string | null }) => boolean>> = {
  spend_cap: (i) => i.errorCode === SPEND_CAP_ERROR_CODE,
};

/** Categories a retry can never help, whatever `x-should-retry` says. */
const NEVER_RETRY: ReadonlySet<ErrorCategory> = new Set([
  ...Object.values(ERROR_ROWS).filter((r) => r.neverRetry !== undefined).map((r) => r.category),
  'ok',
  'aborted',
]);

const ROWS = Object.values(ERROR_ROWS);
const SPECIAL = new Set<ErrorCategory>([
  ...(Object.keys(MESSAGE_EXCEPTIONS) as ErrorCategory[]),
  ...(Object.keys(ERROR_CODE_ROWS) as ErrorCategory[]),
]);

const rowsByStatus = new Map<number, ErrorRow[]>();
const primaryByType = new Map<string, ErrorRow>();
for (const row of ROWS) {
  if (row.category === 'ok') continue;
  if (row.status !== undefined) {
    const list = rowsByStatus.get(row.status) ?? [];
    list.push(row);
    rowsByStatus.set(row.status, list);
  }
  if (row.errorType && !SPECIAL.has(row.category) && !primaryByType.has(row.errorType)) {
    primaryByType.set(row.errorType, row);
  }
}

function pickAmong(rows: ErrorRow[], ctx: { message: string | null; errorCode: string | null }): ErrorRow {
  // error_code first (it is structured), then the documented message exceptions.
  for (const row of rows) {
    const byCode = ERROR_CODE_ROWS[row.category];
    if (byCode && byCode(ctx)) return row;
  }
  for (const row of rows) {
    const byMsg = MESSAGE_EXCEPTIONS[row.category];
    if (byMsg && byMsg(ctx)) return row;
  }
  return rows.find((r) => !SPECIAL.has(r.category)) ?? rows[0]!;
}

const TRANSPORT_TITLE: Record<TransportKind, string> = {
  refused: 'Connection refused',
  reset: 'Connection reset',
  dns: 'DNS lookup failed',
  tls: 'TLS handshake failed',
  timeout: 'Timed out',
  aborted: 'Cancelled',
  other: 'Connection failed',
};

const TRANSPORT_DETAIL: Record<TransportKind, string> = {
  refused: 'Connection refused: nothing accepted the connection at that host and port (wrong base URL or port, server or proxy down).',
  reset: 'The connection was reset or closed before a complete answer arrived (a proxy, firewall or the server dropped it).',
  dns: 'The host name could not be resolved (DNS): check the base URL spelling and your network/DNS.',
  tls: 'The TLS handshake failed (certificate not trusted, expired or for another host): often a corporate proxy that re-signs traffic.',
  timeout: 'No complete answer arrived within the per-attempt timeout.',
  aborted: 'The request was cancelled.',
  other: 'The request failed before any HTTP answer arrived.',
};

function rowFor(input: ClassifyInput, errorType: string | null, errorCode: string | null, message: string | null): ErrorRow {
  const status = typeof input.status === 'number' && Number.isFinite(input.status) ? input.status : null;
  if (status === null) {
    if (input.transport === 'aborted') return ERROR_ROWS.aborted;
    if (input.transport === 'timeout') return ERROR_ROWS.timeout;
    if (input.transport) return ERROR_ROWS.connection;
    if (input.midStream) return ERROR_ROWS.stream_error;
    if (errorType) {
      const byType = primaryByType.get(errorType);
      if (byType) return byType.status !== undefined ? pickAmong(rowsByStatus.get(byType.status) ?? [byType], { message, errorCode }) : byType;
    }
    return ERROR_ROWS.unknown;
  }
  // An error with status 200 is an error event inside a stream (Python raises it as
  // `APIStatusError` with `status_code == 200`).
  if (status === 200 && errorType) return ERROR_ROWS.stream_error;
  if (status >= 200 && status < 300) return ERROR_ROWS.ok;
  const rows = rowsByStatus.get(status);
  if (rows && rows.length > 0) return pickAmong(rows, { message, errorCode });
  if (errorType) {
    const byType = primaryByType.get(errorType);
    if (byType) return byType;
  }
  if (status >= 500) return ERROR_ROWS.server_error;
  return ERROR_ROWS.unknown;
}

function shouldRetryHeader(headers: HeadersLike): boolean | undefined {
  const v = headerValue(headers, HEADERS.shouldRetry)?.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** Classify one failure (or success) from its parts. Never throws. */
export function classify(input: ClassifyInput): Classification {
  const parsed = input.body !== undefined ? parseErrorBody(input.body) : {};
  const status = typeof input.status === 'number' && Number.isFinite(input.status) ? input.status : null;
  const errorType = input.errorType ?? parsed.errorType ?? null;
  const errorCode = input.errorCode ?? parsed.errorCode ?? null;
  const rawMessage = input.message ?? parsed.message ?? null;
  // Redact a generous slice first (cheap on megabyte bodies), then clip to the display length.
  const message = rawMessage === null ? null : clip(redactSecrets(String(rawMessage).slice(0, MAX_MESSAGE_LENGTH * 4), []));
  const requestId = headerValue(input.headers, HEADERS.requestId)?.trim() || parsed.requestId || null;

  const row = rowFor(input, errorType, errorCode, rawMessage);
  let retryable = row.retryable;
  let retrySource: Classification['retrySource'] = 'table';
  let title = row.title;
  let explanation = row.explanation;

  if (row.category === 'stream_error' && errorType) {
    // The error event's own type decides whether a retry can help (an overloaded_error mid-stream
    // is retryable, an invalid_request_error is not).
    const inner = primaryByType.get(errorType);
    if (inner) {
      retryable = inner.retryable;
      title = `${inner.title} (inside the stream)`;
      explanation = `${row.explanation} ${inner.explanation}`;
    } else {
      title = `${row.title}: ${errorType}`;
    }
  }
  if (input.transport && row.category !== 'aborted') {
    title = TRANSPORT_TITLE[input.transport];
    explanation = `${TRANSPORT_DETAIL[input.transport]} ${row.category === 'timeout' ? row.explanation : ''}`.trim();
  }

  const override = status !== null ? shouldRetryHeader(input.headers) : undefined;
  if (override !== undefined && !NEVER_RETRY.has(row.category) && override !== retryable) {
    retryable = override;
    retrySource = 'x-should-retry';
  } else if (override !== undefined && !NEVER_RETRY.has(row.category)) {
    retrySource = 'x-should-retry';
  }
  if (NEVER_RETRY.has(row.category)) retryable = false;

  const out: Classification = {
    category: row.category,
    retryable,
    fault: row.fault,
    title,
    explanation,
    nextStep: row.nextStep,
    docsUrl: row.docsUrl,
    status,
    errorType,
    errorCode,
    message,
    requestId,
    retrySource,
  };
  if (parsed.bodyKind) out.bodyKind = parsed.bodyKind;
  if (input.transport) out.transport = input.transport;
  if (row.sdkNotes) out.sdkNotes = row.sdkNotes;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Thrown values
// ---------------------------------------------------------------------------------------------

type AnyErr = Record<string, unknown> & { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE', 'HPE_INVALID_CONSTANT', 'HPE_INVALID_CHUNK_SIZE', 'ERR_HTTP2_STREAM_ERROR']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'EAI_NONAME']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ABORT_ERR_TIMEOUT']);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function chain(err: unknown): AnyErr[] {
  const out: AnyErr[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 12) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    out.push(e as AnyErr);
    const a = e as AnyErr;
    if (a.cause) queue.push(a.cause);
    const errors = (a as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors.slice(0, 4));
  }
  return out;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Find a transport kind in an error and its `cause` chain. */
export function transportOf(err: unknown): { kind: TransportKind; code: string | null; message: string } | undefined {
  const links = chain(err);
  let found: { kind: TransportKind; code: string | null; message: string } | undefined;
  for (const e of links) {
    const code = str(e.code);
    const name = str(e.name);
    const msg = str(e.message);
    let kind: TransportKind | undefined;
    if (code === 'ECONNREFUSED') kind = 'refused';
    else if (DNS_CODES.has(code)) kind = 'dns';
    else if (TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) kind = 'tls';
    else if (TIMEOUT_CODES.has(code) || name === 'TimeoutError' || name === 'ConnectTimeoutError' || name === 'HeadersTimeoutError' || name === 'BodyTimeoutError') kind = 'timeout';
    else if (RESET_CODES.has(code) || /other side closed|socket hang up|ECONNRESET/i.test(msg)) kind = 'reset';
    else if (code === 'ABORT_ERR' || name === 'AbortError') kind = 'aborted';
    if (kind) {
      // Prefer the deepest, most specific link (causes are more specific than wrappers).
      found = { kind, code: code || null, message: msg };
    }
  }
  if (found) return found;
  const wrapper = links.find((e) => str(e.name) === 'TypeError' && /fetch failed|terminated/i.test(str(e.message)));
  if (wrapper) {
    const kind: TransportKind = /terminated/i.test(str(wrapper.message)) ? 'reset' : 'other';
    const deepest = links[links.length - 1]!;
    return { kind, code: str(deepest.code) || null, message: str(deepest.message) || str(wrapper.message) };
  }
  return undefined;
}

/** fetch refusing a request locally (no network involved): a blocked port, credentials in the URL. */
function localFetchRefusal(err: unknown): string | undefined {
  for (const e of chain(err)) {
    const msg = str(e.message);
    if (/^bad port$/i.test(msg)) {
      return 'fetch refuses this port (it is on the browser/undici "bad ports" list, e.g. 1, 9, 25, 6000): use another port.';
    }
    if (/URL that includes credentials/i.test(msg)) {
      return 'The base URL contains a user name or password, which fetch refuses: remove them from the URL (send credentials in headers).';
    }
  }
  return undefined;
}

function sdkName(err: AnyErr): string {
  const ctor = (err as { constructor?: { _errorName?: unknown } }).constructor;
  const n = ctor && typeof ctor._errorName === 'string' ? ctor._errorName : '';
  return n || str(err.name);
}

/**
 * Classify any thrown value: the SDK's `APIError` family (status errors, stream errors without a
 * status, `APIConnectionError`, `APIConnectionTimeoutError`, `APIUserAbortError`), fetch/undici
 * errors (ECONNREFUSED, ECONNRESET, ENOTFOUND, certificate errors, "terminated"), DOM
 * AbortError/TimeoutError, JSON SyntaxErrors and plain Errors. Never throws.
 */
export function classifyError(err: unknown): Classification {
  try {
    if (!err || typeof err !== 'object') {
      return classify({ message: err === undefined || err === null ? null : String(err) });
    }
    const e = err as AnyErr;
    const name = sdkName(e);
    const message = str(e.message) || null;

    if (name === 'APIUserAbortError' || name === 'AbortError' || str(e.code) === 'ABORT_ERR') {
      return classify({ transport: 'aborted', message });
    }
    if (name === 'APIConnectionTimeoutError' || name === 'TimeoutError') {
      return classify({ transport: 'timeout', message });
    }

    const status = typeof e.status === 'number' ? e.status : null;
    const headers = (e.headers && typeof e.headers === 'object' ? e.headers : undefined) as HeadersLike;
    const body = e.error && typeof e.error === 'object' ? (e.error as Record<string, unknown>) : undefined;
    const bodyErr = body?.error as Record<string, unknown> | undefined;
    const apiType = str(e.type) || str(bodyErr?.type) || null;
    const apiCode = str(e.errorCode) || str((bodyErr?.details as Record<string, unknown> | undefined)?.error_code) || null;
    const apiMessage = typeof e.apiMessage === 'string' ? e.apiMessage : str(bodyErr?.message) || null;
    const isApiError = 'status' in e && 'headers' in e && 'error' in e;

    if (isApiError && status !== null) {
      // Non-JSON bodies: the SDK puts the raw text in the message as "<status> <text>".
      let rawBody: string | undefined;
      if (!body && message) {
        rawBody = message.startsWith(`${status} `) ? message.slice(String(status).length + 1) : message;
        if (rawBody === 'status code (no body)') rawBody = '';
      }
      const c = classify({
        status,
        errorType: apiType,
        errorCode: apiCode,
        // A JSON body without error.message: no message (the SDK's fallback is the stringified body).
        message: apiMessage ?? (rawBody === undefined && !body ? message : null),
        headers: headers ?? undefined,
        ...(rawBody !== undefined ? { body: rawBody } : {}),
      });
      if (!c.requestId) c.requestId = str(e.requestID) || str(body?.request_id) || null;
      return c;
    }

    if (isApiError && status === null && name !== 'APIConnectionError' && name !== 'APIConnectionTimeoutError') {
      // An `event: error` inside a stream: APIError with status undefined and the event's type.
      const c = classify({ midStream: true, errorType: apiType, errorCode: apiCode, message: apiMessage ?? message, headers: headers ?? undefined });
      if (!c.requestId) c.requestId = str(e.requestID) || str(body?.request_id) || null;
      return c;
    }

    const zlib = chain(err).find((x) => str(x.code).startsWith('Z_') || /incorrect header check|unexpected end of file/i.test(str(x.message)));
    if (zlib) {
      return classify({ message: `The response body could not be decompressed (${str(zlib.code) || 'zlib'}: ${str(zlib.message)}): a proxy or server sent a corrupt encoded body.` });
    }
    const t = transportOf(err);
    const local = localFetchRefusal(err);
    if (local) {
      // Deterministic: fetch itself refused the request, so a retry fails the same way.
      const c = classify({ transport: 'other', message: local });
      c.retryable = false;
      return c;
    }
    if (t) {
      const msg = t.code && !t.message.includes(t.code) ? `${t.code}: ${t.message}` : t.message || message;
      return classify({ transport: t.kind, message: msg || null });
    }
    if (name === 'APIConnectionError') {
      const links = chain(err);
      const deepest = links.length > 1 ? str(links[links.length - 1]!.message) : '';
      return classify({ transport: 'other', message: deepest || message });
    }
    if (name === 'SyntaxError') {
      return classify({ message: `The response body was not valid JSON (${message ?? 'parse error'}).` });
    }
    return classify({ errorType: apiType, errorCode: apiCode, message });
  } catch {
    return classify({ message: 'Unclassifiable error value.' });
  }
}

// ---------------------------------------------------------------------------------------------
// Message Batches results
// ---------------------------------------------------------------------------------------------

export interface BatchResultClass {
  customId: string | null;
  /** `succeeded` / `errored` / `canceled` / `expired`, or `malformed` for a line that is none. */
  resultType: BatchResultType | 'malformed';
  /** For `errored`: the classification of the error inside. */
  error?: Classification;
  /** Sending this request again in a new batch can succeed. */
  resubmit: boolean;
  reason: string;
}

const STATUS_BY_TYPE = new Map<string, number>(Object.entries(ERROR_TYPE_BY_STATUS).map(([s, t]) => [t, Number(s)]));

/**
 * Classify one line of a batch results JSONL (`{"custom_id", "result": {"type", …}}`). An
 * `errored` result is classified by its `error.type` (and code) like an HTTP answer of the
 * matching status; `expired` (not run within 24 h) is worth resubmitting; `canceled` is not
 * (someone cancelled it). Never throws.
 */
export function classifyBatchResult(line: string): BatchResultClass {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { customId: null, resultType: 'malformed', resubmit: false, reason: 'not a JSON line' };
  }
  const obj = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const customId = typeof obj['custom_id'] === 'string' ? (obj['custom_id'] as string).slice(0, 200) : null;
  const result = obj['result'] && typeof obj['result'] === 'object' ? (obj['result'] as Record<string, unknown>) : undefined;
  const type = result ? result['type'] : undefined;
  if (!(BATCHES.resultTypes as readonly unknown[]).includes(type)) {
    return { customId, resultType: 'malformed', resubmit: false, reason: 'no known result.type' };
  }
  const resultType = type as BatchResultType;
  if (resultType === 'succeeded') return { customId, resultType, resubmit: false, reason: 'succeeded' };
  if (resultType === 'expired') return { customId, resultType, resubmit: true, reason: `expired: not processed within ${BATCHES.expiresAfterHours} h` };
  if (resultType === 'canceled') return { customId, resultType, resubmit: false, reason: 'canceled before it ran' };
  // errored: result.error is the API's error body ({"type":"error","error":{…}}) or the inner error.
  const outer = result!['error'] && typeof result!['error'] === 'object' ? (result!['error'] as Record<string, unknown>) : {};
  const inner = outer['error'] && typeof outer['error'] === 'object' ? (outer['error'] as Record<string, unknown>) : outer;
  const errorType = typeof inner['type'] === 'string' ? (inner['type'] as string) : null;
  const message = typeof inner['message'] === 'string' ? (inner['message'] as string) : null;
  const details = inner['details'] && typeof inner['details'] === 'object' ? (inner['details'] as Record<string, unknown>) : {};
  const errorCode = typeof details['error_code'] === 'string' ? (details['error_code'] as string) : null;
  const status = errorType ? STATUS_BY_TYPE.get(errorType) ?? null : null;
  const error = classify({ status, errorType, errorCode, message });
  return { customId, resultType, error, resubmit: error.retryable, reason: `${errorType ?? 'unknown error'}: ${error.title}` };
}
