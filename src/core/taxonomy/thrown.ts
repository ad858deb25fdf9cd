/**
 * Thrown values (SDK errors, fetch/undici and socket errors, aborts, JSON errors) to a
 * `Classification`, by way of `classify`.
 */
import type { HeadersLike } from '../retry/headers';
import { classify, type Classification, type TransportKind } from './classify';

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
