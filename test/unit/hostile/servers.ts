/**
 * Tiny raw servers on 127.0.0.1 for the retry-client and hostile-response tests.
 * Each server counts the requests it saw and records their headers.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ClientEvent } from '../../../src/core/retry/events';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface TestServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number, body: string) => void;

/** Listens on 127.0.0.1, on a free port, and returns that port. */
async function listenLocal(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Starts `server` on 127.0.0.1; close() destroys the open `sockets` (hanging ones included), then closes. */
async function serve(server: net.Server, requests: SeenRequest[], sockets: Set<net.Socket>): Promise<TestServer> {
  const port = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An http server whose `handler` gets the 1-based request number. Hanging sockets are destroyed on close. */
export async function httpServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: performance.now() });
      try {
        handler(req, res, requests.length, body);
      } catch (e) {
        res.destroy(e as Error);
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return serve(server, requests, sockets);
}

/** A raw TCP server: `onData` gets the socket and the first request bytes. */
export async function tcpServer(onConnection: (socket: net.Socket, n: number) => void): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let fired = false;
    socket.on('data', (d) => {
      if (fired) return;
      fired = true;
      requests.push({ method: 'RAW', url: '', headers: {}, body: d.toString('utf8'), at: performance.now() });
      onConnection(socket, requests.length);
    });
  });
  return serve(server, requests, sockets);
}

/** A port with nothing listening on it (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenLocal(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_test_${status}`, ...headers });
  res.end(text);
}

export function errorBody(type: string, message: string, errorCode?: string): unknown {
  return {
    type: 'error',
    error: { type, message, ...(errorCode ? { details: { error_code: errorCode } } : {}) },
    request_id: 'req_body_1',
  };
}

export function messageBody(text = 'ok'): unknown {
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 1 },
  };
}

/** SSE frames for a good stream that says `text` in `parts` deltas. */
export function sseFrames(text: string, opts: { stop?: boolean; parts?: number } = {}): string[] {
  const parts = opts.parts ?? 2;
  const frames: string[] = [];
  const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  frames.push(ev('message_start', { type: 'message_start', message: { ...(messageBody('') as object), content: [], stop_reason: null } }));
  frames.push(ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
  const size = Math.ceil(text.length / parts);
  for (let i = 0; i < text.length; i += size) {
    frames.push(ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: text.slice(i, i + size) } }));
  }
  frames.push(ev('content_block_stop', { type: 'content_block_stop', index: 0 }));
  frames.push(ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } }));
  if (opts.stop !== false) frames.push(ev('message_stop', { type: 'message_stop' }));
  return frames;
}

export function names(events: ClientEvent[]): string[] {
  return events.map((e) => e.event);
}

/** Resolve when `predicate` holds, polling every 2 ms (no fixed sleeps). */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}
