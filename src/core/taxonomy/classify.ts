/**
 * Error taxonomy: turns any failure (an HTTP answer, an SDK error, a socket error, an error event
 * inside a stream) into one `Classification` — category, retryable, whose fault, what to do.
 *
 * All API facts come from `ERROR_ROWS` and friends in `data/api-facts.ts`. Order: status first,
 * then `error.type`, then `error.details.error_code`. Message text is never used, except for the
 * two documented cases isolated in `MESSAGE_EXCEPTIONS` below. An explicit `x-should-retry`
 * header overrides the table's retry decision (as the SDK does), except for the categories where
 * a retry can never help (spend cap, usage limit).
 *
 * Here: the types, the table indexed, and `classify` (from the parts of an answer). The other
 * entry points are in body.ts (error bodies), thrown.ts (thrown values), batch.ts (batch results).
 */
import {
  ERROR_ROWS,
  MESSAGE_MARKERS,
  SPEND_CAP_ERROR_CODE,
  HEADERS,
  type ErrorCategory,
  type ErrorRow,
  type Fault,
} from '../data/api-facts';
import { redactSecrets } from '../redact';
import { headerValue, type HeadersLike } from '../retry/headers';
import { MAX_MESSAGE_LENGTH, clip, parseErrorBody, type BodyKind } from './body';

export { MAX_MESSAGE_LENGTH, type BodyKind } from './body';

export type { ErrorCategory, Fault } from '../data/api-facts';

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
