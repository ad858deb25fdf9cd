/**
 * One attempt: a Messages request (plain or streamed) through the shared SDK client, turned into
 * an `AttemptOutcome` — the text, or a classification of what went wrong (bad body shapes, broken
 * streams, redirects, cut bodies, timeouts that say what is known). An attempt ends by its timeout
 * whatever the HTTP stack does (`runAttempt`). No retry decision and no verdict text here.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { APIError } from '@anthropic-ai/sdk';
import { HEADERS } from '../data/api-facts';
import { classify, classifyError, clip, MAX_MESSAGE_LENGTH, type Classification } from '../taxonomy';
import { headerValue } from './headers';
import { onAbort } from './sleep';
import { CTX_HEADER, fmtBytes, type Captured } from './transport';
import { fmtS, plural } from './verdict';
import { wireObservable } from './wire';

export type AttemptOutcome =
  | { ok: true; text: string; status: number; headers: Headers | null; requestId: string | null }
  | {
      ok: false;
      cls: Classification;
      headers: Headers | null;
      partialTextLength?: number;
      /** Our own per-attempt timer fired (as opposed to the caller's signal). */
      timedOut: boolean;
      userAborted: boolean;
    };

export interface AttemptContext {
  client: Anthropic;
  capture: { current: Captured };
  /** Value of the private context header that routes the shared fetch wrapper to this run. */
  ctxToken: string;
  /** 0 for the first attempt; sent as `x-stainless-retry-count` like the SDK does. */
  retryCount: number;
  model: string;
  maxTokens: number;
  prompt: string;
  stream: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Characters of stream content so far (kept up to date for an abandoned attempt's outcome). */
  progress: { partial: number };
}

function responseClassification(status: number, headers: Headers | null, message: string): Classification {
  const c = classify({ message, ...(headers ? { headers } : {}) });
  c.status = status;
  return c;
}

/** After our abort, how long the HTTP stack gets to settle before the attempt is abandoned. */
export const ABORT_GRACE_MS = 100;

/** The outcome of an attempt we aborted: the user cancelled, or the per-attempt timer fired. */
function abortOutcome(why: 'user' | 'timeout', ctx: AttemptContext, headers: Headers | null, partial: number, note: string): AttemptOutcome {
  if (why === 'user') {
    return { ok: false, cls: classify({ transport: 'aborted', message: `Cancelled by the user.${note}` }), headers, partialTextLength: partial, timedOut: false, userAborted: true };
  }
  const captured = ctx.capture.current;
  const cls = classify({ transport: 'timeout', message: `${timeoutMessage(ctx.timeoutMs, captured)}${note}`, ...(headers ? { headers } : {}) });
  const known = timeoutKnown(captured);
  cls.fault = known === 'unknown' ? cls.fault : known === 'not-connected' ? 'network' : 'server';
  cls.explanation = TIMEOUT_WHY[known];
  return { ok: false, cls, headers, partialTextLength: partial, timedOut: true, userAborted: false };
}

async function attemptOnce(ctx: AttemptContext): Promise<AttemptOutcome> {
  const ctrl = new AbortController();
  let why: 'timeout' | 'user' | null = null;
  const onUser = () => {
    why ??= 'user';
    ctrl.abort();
  };
  if (ctx.signal?.aborted) onUser();
  const offUser = ctx.signal && !ctx.signal.aborted ? onAbort(ctx.signal, onUser) : undefined;
  const timer = setTimeout(() => {
    why ??= 'timeout';
    ctrl.abort();
  }, ctx.timeoutMs);
  ctx.capture.current = { status: null, headers: null, contentType: null };
  let partial = 0;
  let streamHeaders: Headers | null = null;

  const params = {
    model: ctx.model,
    max_tokens: ctx.maxTokens,
    messages: [{ role: 'user' as const, content: ctx.prompt }],
  };
  // The SDK's own timer covers only the wait for headers; ours (above) covers the whole attempt.
  // Give the SDK's a little slack so ours decides.
  const reqOpts = {
    signal: ctrl.signal,
    maxRetries: 0,
    timeout: Math.ceil(ctx.timeoutMs) + 1000,
    headers: {
      [CTX_HEADER]: ctx.ctxToken,
      [HEADERS.retryCount]: String(ctx.retryCount),
      [HEADERS.timeout]: String(Math.max(1, Math.trunc(ctx.timeoutMs / 1000))),
    },
  };

  try {
    if (ctx.stream) {
      const stream = ctx.client.messages.stream(params, reqOpts);
      let streamError: unknown;
      stream.on('error', (e) => {
        streamError ??= e;
      });
      stream.on('abort', (e) => {
        streamError ??= e;
      });
      stream.on('connect', () => {
        streamHeaders = stream.response?.headers ?? null;
      });
      let text = '';
      let sawStop = false;
      let sawStart = false;
      try {
        for await (const ev of stream) {
          if (ev.type === 'message_start') sawStart = true;
          else if (ev.type === 'content_block_delta') {
            const d = ev.delta as { type: string; text?: string; partial_json?: string; thinking?: string };
            const piece = d.text ?? d.partial_json ?? d.thinking ?? '';
            text += d.type === 'text_delta' ? piece : '';
            partial += Math.max(1, piece.length);
            ctx.progress.partial = partial;
          } else if (ev.type === 'message_stop') sawStop = true;
        }
      } catch (e) {
        streamError ??= e;
      }
      if (streamError !== undefined) {
        const e = streamError as { name?: unknown; status?: unknown };
        // The SDK's own complaint about an empty or broken stream (not an API error event).
        const ct = ctx.capture.current.contentType;
        if (!why && e && e.name === 'AnthropicError' && !sawStop && !sawStart && ct && !/event-stream/i.test(ct)) {
          const status = ctx.capture.current.status ?? 200;
          const hdrs = streamHeaders ?? ctx.capture.current.headers;
          return {
            ok: false,
            cls: responseClassification(status, hdrs, `HTTP ${status} but the body is not an event stream (content-type ${ct}): not a streaming Messages API reply.`),
            headers: hdrs,
            partialTextLength: 0,
            timedOut: false,
            userAborted: false,
          };
        }
        if (!why && e && e.name === 'AnthropicError' && !sawStop) {
          const headers = streamHeaders ?? ctx.capture.current.headers;
          const cls = classify({
            transport: 'reset',
            message: sawStart
              ? `The stream broke off after ${plural(text.length, 'character')} of text (${String((streamError as Error).message ?? '')}).`
              : 'The response ended without any stream events (not a valid SSE stream).',
            ...(headers ? { headers } : {}),
          });
          return { ok: false, cls, headers, partialTextLength: text.length, timedOut: false, userAborted: false };
        }
        throw streamError;
      }
      if (why) throw new Error('aborted');
      const headers = streamHeaders ?? ctx.capture.current.headers;
      const ct = ctx.capture.current.contentType;
      if (!sawStart && ct && !/event-stream/i.test(ct)) {
        const status = ctx.capture.current.status ?? 200;
        return {
          ok: false,
          cls: responseClassification(status, headers, `HTTP ${status} but the body is not an event stream (content-type ${ct}): not a streaming Messages API reply.`),
          headers,
          partialTextLength: 0,
          timedOut: false,
          userAborted: false,
        };
      }
      if (!sawStop) {
        const cls = classify({
          transport: 'reset',
          message: sawStart
            ? `The stream ended without message_stop after ${plural(text.length, 'character')} of text.`
            : 'The response ended without any stream events (not a valid SSE stream).',
          ...(headers ? { headers } : {}),
        });
        if (!sawStart && ctx.capture.current.status !== null) cls.status = ctx.capture.current.status;
        return { ok: false, cls, headers, partialTextLength: text.length, timedOut: false, userAborted: false };
      }
      return {
        ok: true,
        text,
        status: ctx.capture.current.status ?? 200,
        headers,
        requestId: (headers && headerValue(headers, HEADERS.requestId)) || stream.request_id || null,
      };
    }

    const { data, response } = await ctx.client.messages.create(params, reqOpts).withResponse();
    if (why) throw new Error('aborted');
    const body = data as unknown;
    const msg = body && typeof body === 'object' ? (body as { type?: unknown; content?: unknown }) : undefined;
    if (!msg || !Array.isArray(msg.content)) {
      const ct = response.headers.get('content-type') ?? 'none';
      const shape = typeof body === 'string' ? `a ${body.trim() ? 'non-JSON' : 'empty'} body (content-type ${ct})` : `JSON that is not a message (content-type ${ct})`;
      return {
        ok: false,
        cls: responseClassification(response.status, response.headers, `HTTP ${response.status} but ${shape}: not a Messages API reply. Is the base URL pointing at a proxy or a web page?`),
        headers: response.headers,
        timedOut: false,
        userAborted: false,
      };
    }
    const text = (msg.content as { type?: string; text?: string }[])
      .filter((b) => b && b.type === 'text' && typeof b.text === 'string')
      .map((b) => b.text)
      .join('');
    return { ok: true, text, status: response.status, headers: response.headers, requestId: response.headers.get(HEADERS.requestId) };
  } catch (err) {
    // Release any half-read body. An HTTP error the SDK raised (not streaming, not cut) comes
    // after it read the whole body: nothing to release, and an abort would only build a
    // DOMException and run every abort listener of the finished request.
    const bodyRead = !ctx.stream && ctx.capture.current.cutAt === undefined && err instanceof APIError && typeof err.status === 'number';
    if (!ctrl.signal.aborted && !bodyRead) ctrl.abort();
    const captured = ctx.capture.current;
    const headers = streamHeaders ?? captured.headers;
    if (why) return abortOutcome(why, ctx, headers, partial, '');
    if (captured.redirect !== undefined && captured.status !== null) {
      const cls = responseClassification(
        captured.status,
        captured.headers,
        `Your base URL or gateway redirects to ${captured.redirect}; not followed, key not sent.`,
      );
      cls.retryable = false;
      return { ok: false, cls, headers: captured.headers, partialTextLength: partial, timedOut: false, userAborted: false };
    }
    let cls = classifyError(err);
    if (cls.category === 'unknown' && captured.status !== null && cls.status === null) {
      // The answer arrived but could not be read (e.g. invalid JSON with a JSON content-type).
      cls = responseClassification(captured.status, captured.headers, cls.message ?? 'The response could not be read.');
    }
    if (captured.cutAt !== undefined) {
      // The note joins the message, which stays within the display length.
      const note = `(The body is larger than ${fmtBytes(captured.cutAt)} after decompression; only the first ${fmtBytes(captured.cutAt)} was read.)`;
      cls.message = cls.message ? `${clip(cls.message, MAX_MESSAGE_LENGTH - note.length - 2)} ${note}` : note;
    }
    if (cls.status !== null && captured.status === cls.status && !cls.requestId && captured.headers) {
      cls.requestId = captured.headers.get(HEADERS.requestId);
    }
    if (cls.status === null && !cls.requestId && headers) cls.requestId = headers.get(HEADERS.requestId);
    const errHeaders = (err && typeof err === 'object' && (err as { headers?: unknown }).headers instanceof Headers
      ? ((err as { headers: Headers }).headers)
      : null) ?? headers;
    return { ok: false, cls, headers: errHeaders, partialTextLength: partial, timedOut: false, userAborted: false };
  } finally {
    clearTimeout(timer);
    offUser?.();
  }
}

/**
 * One attempt that ends by its timeout whatever the HTTP stack does: if it has not settled
 * ABORT_GRACE_MS after its timer (or the user's cancel) aborted it — a fetch shim or proxy agent
 * that loses the signal, a body whose reader ignores cancel — it is abandoned with the outcome an
 * honoured abort gives.
 */
export function runAttempt(attempt: Omit<AttemptContext, 'progress'>): Promise<AttemptOutcome> {
  const ctx: AttemptContext = { ...attempt, progress: { partial: 0 } };
  let grace: ReturnType<typeof setTimeout> | undefined;
  const abandon = (why: 'user' | 'timeout', after: number, resolve: (o: AttemptOutcome) => void) => {
    clearTimeout(grace);
    grace = setTimeout(() => {
      const note = ` The HTTP stack did not stop within ${ABORT_GRACE_MS} ms of the abort; the attempt was abandoned.`;
      resolve(abortOutcome(why, ctx, ctx.capture.current.headers, ctx.progress.partial, note));
    }, after);
  };
  let offUser: (() => void) | undefined;
  const abandoned = new Promise<AttemptOutcome>((resolve) => {
    abandon('timeout', ctx.timeoutMs + ABORT_GRACE_MS, resolve);
    const onUser = () => abandon('user', ABORT_GRACE_MS, resolve);
    if (ctx.signal?.aborted) onUser();
    else if (ctx.signal) offUser = onAbort(ctx.signal, onUser);
  });
  return Promise.race([attemptOnce(ctx), abandoned]).finally(() => {
    clearTimeout(grace);
    offUser?.();
  });
}

// ---------------------------------------------------------------------------------------------
// What a timeout says
// ---------------------------------------------------------------------------------------------

/** What is known about a timed-out attempt. */
type TimeoutKnown = 'headers' | 'sent' | 'not-connected' | 'unknown';

function timeoutKnown(c: Captured): TimeoutKnown {
  if (c.status !== null) return 'headers';
  if (c.sent) return 'sent';
  return wireObservable() ? 'not-connected' : 'unknown';
}

const BILLED_TWICE = 'A retried POST after a timeout may be generated and billed twice (there is no idempotency key).';

/** The "Why" of a timeout, by what is known; the summary says the numbers. */
const TIMEOUT_WHY: Record<TimeoutKnown, string> = {
  headers: `The server answered with headers, then the body stopped arriving. ${BILLED_TWICE}`,
  sent: `The server, or a proxy or gateway in front of it, accepted the request and sent nothing back in time. ${BILLED_TWICE}`,
  'not-connected': 'The connection to the server was not set up in time (TCP or TLS), so the request was never sent: a network, proxy or firewall problem, or a host that does not answer.',
  unknown: `Whether the connection was made is not known (this runtime's fetch does not report it), so the network, a proxy and the server are all possible. ${BILLED_TWICE}`,
};

function timeoutMessage(timeoutMs: number, c: Captured): string {
  const limit = fmtS(timeoutMs);
  switch (timeoutKnown(c)) {
    case 'headers': return `HTTP ${c.status} headers arrived, but the body did not finish within ${limit}.`;
    case 'sent': return `Connected and sent the request; no answer within ${limit}.`;
    case 'not-connected': return `No connection set up within ${limit}; the request was not sent.`;
    default: return `No answer within ${limit} (no response headers).`;
  }
}
