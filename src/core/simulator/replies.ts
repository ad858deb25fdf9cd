/**
 * The simulator's successful replies to POST /v1/messages: one JSON message, or a server-sent
 * event stream (with the stream faults 'stream-overloaded' and 'stream-cut'). The server lends
 * what a reply needs of it through `ReplyIO`.
 */
import type { Ctx } from './request';
import {
  contentBlockDelta,
  contentBlockStart,
  messageDelta,
  messageJson,
  newMessageId,
  planReply,
  replyTextFor,
  sse,
} from './shapes';
import { estimateTokens, type ValidMessagesRequest } from './validate';

/** The server's side of a reply. */
export interface ReplyIO {
  /** True once the server is closing: stop writing. */
  closed(): boolean;
  /** Resolves true after `ms`, or false at once when the server closes. */
  wait(ms: number): Promise<boolean>;
  /** Counts the outcome and tells the `onRequest` listener. */
  record(outcome: string, ctx: Ctx): void;
  /** The response headers of an API answer (request-id, rate limits, CORS) plus `extra`. */
  headers(ctx: Ctx, extra: Record<string, string>): Record<string, string>;
  /** Sends a whole answer (records it). */
  send(ctx: Ctx, status: number, body: string): void;
  /** Takes the tokens of a reply from the rate-limit buckets. */
  consumeTokens(input: number, output: number): void;
}

/** A JSON message; `truncate` ('stream-cut' on a non-streaming request) sends half of it, then drops the socket. */
export async function jsonReply(io: ReplyIO, ctx: Ctx, v: ValidMessagesRequest, serviceTimeMs: number, truncate: boolean): Promise<void> {
  if (!(await io.wait(serviceTimeMs))) return;
  const inputTokens = estimateTokens(v.inputText);
  const plan = planReply(v.maxTokens, v.thinking === 'enabled', replyTextFor(v.inputText));
  io.consumeTokens(inputTokens, plan.outputTokens);
  const body = JSON.stringify(messageJson(newMessageId(), v.modelId, plan, inputTokens));
  if (!truncate) {
    io.send(ctx, 200, body);
    return;
  }
  // stream-cut on a non-streaming request: headers promise the whole body, half arrives.
  const { res } = ctx;
  if (res.headersSent || res.destroyed) return;
  io.record('200', ctx);
  res.writeHead(200, io.headers(ctx, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }));
  res.write(body.slice(0, Math.floor(body.length / 2)), () => ctx.req.socket.destroy());
}

/** An event stream of the reply, its deltas spread over `serviceTimeMs`; `fault` ends it early. */
export async function streamReply(
  io: ReplyIO,
  ctx: Ctx,
  v: ValidMessagesRequest,
  serviceTimeMs: number,
  fault: { kind: string; afterDeltas: number } | undefined,
): Promise<void> {
  const { res } = ctx;
  if (res.headersSent || res.destroyed) return;
  const inputTokens = estimateTokens(v.inputText);
  const plan = planReply(v.maxTokens, v.thinking === 'enabled', replyTextFor(v.inputText));
  io.record('200', ctx);
  res.writeHead(
    200,
    io.headers(ctx, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' }),
  );
  const write = (chunk: string): boolean => {
    if (res.destroyed || io.closed()) return false;
    res.write(chunk);
    return true;
  };
  const id = newMessageId();
  if (!write(sse('message_start', { type: 'message_start', message: messageJson(id, v.modelId, null, inputTokens) }))) return;

  // Chunk every block into deltas of two pseudo-tokens.
  const deltasPerBlock = plan.blocks.map((b) => {
    const out: string[] = [];
    for (let i = 0; i < b.tokens.length; i += 2) out.push(b.tokens.slice(i, i + 2).join(''));
    return out;
  });
  const totalDeltas = deltasPerBlock.reduce((n, d) => n + d.length, 0);
  const gap = totalDeltas > 0 ? serviceTimeMs / totalDeltas : serviceTimeMs;
  let delivered = 0;
  let pinged = false;
  const faultNow = (): boolean => {
    if (!fault || delivered < fault.afterDeltas) return false;
    if (fault.kind === 'stream-overloaded') {
      write(sse('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: ctx.requestId }));
    }
    res.end();
    return true;
  };
  if (faultNow()) return;
  for (let bi = 0; bi < plan.blocks.length; bi++) {
    const block = plan.blocks[bi]!;
    if (!write(sse('content_block_start', contentBlockStart(bi, block)))) return;
    if (!pinged) {
      pinged = true;
      if (!write(sse('ping', { type: 'ping' }))) return;
    }
    for (const text of deltasPerBlock[bi]!) {
      if (gap >= 1 && !(await io.wait(gap))) return;
      if (!write(sse('content_block_delta', contentBlockDelta(bi, block.kind, text)))) return;
      delivered++;
      if (faultNow()) return;
    }
    if (block.kind === 'thinking') {
      if (!write(sse('content_block_delta', { type: 'content_block_delta', index: bi, delta: { type: 'signature_delta', signature: block.signature ?? '' } }))) return;
    }
    if (!write(sse('content_block_stop', { type: 'content_block_stop', index: bi }))) return;
  }
  if (!pinged && !write(sse('ping', { type: 'ping' }))) return;
  if (totalDeltas === 0 && serviceTimeMs > 0 && !(await io.wait(serviceTimeMs))) return;
  if (fault) {
    // Fewer deltas than asked for (a short reply): the fault still happens before the end.
    delivered = Math.max(delivered, fault.afterDeltas);
    if (faultNow()) return;
  }
  io.consumeTokens(inputTokens, plan.outputTokens);
  if (!write(sse('message_delta', messageDelta(plan, inputTokens)))) return;
  if (!write(sse('message_stop', { type: 'message_stop' }))) return;
  res.end();
}
