/**
 * The simulator: a real `node:http` server on 127.0.0.1 that speaks enough of the Claude API
 * for the official `@anthropic-ai/sdk` to work against it unchanged, with fault scenarios.
 *
 * Request pipeline (each stage may answer and stop):
 *   route → body → scenario spec → (GET /api/v2/status.json: the scenario's status page)
 *   → network faults (timeout, reset, HTML gateway, CDN 413, slow)
 *   → CORS → key → auth-error → anthropic-version → validation (400/404) → API faults
 *   (529, 429, spend cap, 5xx, 402/403, storm capacity, stream faults) → success.
 * Validation comes before the API faults, so an invalid request never consumes a fault.
 *
 * Here: the server and that pipeline. Reading a request (route, key, validation): request.ts;
 * fault decisions and session state: faults.ts; the success replies (JSON, SSE): replies.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BODY_LIMITS, todayUtc } from '../data/api-facts';
import { parseScenarioSpec, type ScenarioSpec } from './spec';
import { checkVersion, estimateTokens, type ApiFailure } from './validate';
import { errorBody, gatewayHtml, newBuckets, tooLargeHtml, type Buckets } from './shapes';
import { SIMULATOR_STATUS_PATH, simulatedStatus } from './status';
import { NETWORK_FAULTS, Sessions, apiFault, type FaultAnswer } from './faults';
import { answerHeaders, checkKey, header, peekBody, prepare, readBody, readCtx, route, type Ctx } from './request';
import { jsonReply, streamReply, type ReplyIO } from './replies';
import type { RunningSimulator, SimulatorOptions, SimulatorStats } from './types';

export type { SimulatorOptions, SimulatorRequestEvent, SimulatorStats, RunningSimulator } from './types';

class Simulator {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<{ t: NodeJS.Timeout; done: (v: boolean) => void }>();
  private readonly sessions: Sessions;
  private buckets: Buckets = newBuckets(Date.now());
  private closed = false;
  private stormInFlight = 0;
  private counters = { requests: 0, inFlight: 0, retries: 0, maxInFlight: 0 };
  private byStatus: Record<string, number> = {};

  constructor(
    private readonly opts: Required<Pick<SimulatorOptions, 'serviceTimeMs' | 'capacity' | 'maxBodyBytes'>> &
      Pick<SimulatorOptions, 'apiKey' | 'seed' | 'onRequest' | 'today'>,
    private readonly defaultSpec: ScenarioSpec,
  ) {
    this.sessions = new Sessions(opts.seed);
  }

  /** What a reply (replies.ts) needs of the server. */
  private readonly io: ReplyIO = {
    closed: () => this.closed,
    wait: (ms) => this.wait(ms),
    record: (outcome, ctx) => this.record(outcome, ctx),
    headers: (ctx, extra) => this.headers(ctx, extra),
    send: (ctx, status, body) => this.send(ctx, status, body),
    consumeTokens: (input, output) => {
      const now = Date.now();
      this.buckets.input.take(input, now);
      this.buckets.output.take(output, now);
    },
  };

  // ------------------------------------------------------------------------------------------
  // lifecycle

  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  shutdown(): void {
    this.closed = true;
    for (const entry of this.timers) {
      clearTimeout(entry.t);
      entry.done(false);
    }
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  stats(): SimulatorStats {
    return { ...this.counters, byStatus: { ...this.byStatus } };
  }

  reset(): void {
    this.sessions.clear();
    this.byStatus = {};
    this.counters = { requests: 0, inFlight: this.counters.inFlight, retries: 0, maxInFlight: this.counters.inFlight };
    this.buckets = newBuckets(Date.now());
  }

  /** The day model lifecycles are judged on (the `today` option, else the real UTC date). */
  private today(): string {
    const t = this.opts.today;
    return typeof t === 'function' ? t() : t ?? todayUtc();
  }

  /** Resolves true after `ms`, or false at once when the server closes. */
  private wait(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        t: setTimeout(() => {
          this.timers.delete(entry);
          resolve(true);
        }, ms),
        done: resolve,
      };
      this.timers.add(entry);
    });
  }

  private record(outcome: string, ctx: Ctx): void {
    this.byStatus[outcome] = (this.byStatus[outcome] ?? 0) + 1;
    const hook = this.opts.onRequest;
    if (!hook) return;
    try {
      hook({
        requestId: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
        outcome,
        scenario: ctx.spec?.canonical ?? '',
        session: ctx.session,
        model: ctx.model,
        stream: ctx.stream,
        retryCount: ctx.retryCount,
        latencyMs: Math.round((performance.now() - ctx.start) * 10) / 10,
      });
    } catch {
      // a failing listener must not break the server
    }
  }

  // ------------------------------------------------------------------------------------------
  // responses

  /** `proxy`: the answer comes from a proxy or CDN in front of the API (see `answerHeaders`). */
  private headers(ctx: Ctx, extra: Record<string, string> = {}, proxy = false): Record<string, string> {
    return answerHeaders(ctx, proxy ? null : this.buckets, extra);
  }

  private send(ctx: Ctx, status: number, body: string, extra: Record<string, string> = {}, contentType = 'application/json', proxy = false): void {
    const { res } = ctx;
    if (res.headersSent || res.destroyed) return;
    this.record(String(status), ctx);
    res.writeHead(status, this.headers(ctx, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...extra }, proxy));
    res.end(body);
  }

  private sendJson(ctx: Ctx, status: number, value: unknown): void {
    this.send(ctx, status, JSON.stringify(value));
  }

  private sendError(ctx: Ctx, status: number, e: ApiFailure | { type: string; message: string; errorCode?: string }, extra: Record<string, string> = {}): void {
    this.send(ctx, status, errorBody(ctx.requestId, e), extra);
  }

  private sendFailure(ctx: Ctx, f: ApiFailure): void {
    this.sendError(ctx, f.status, f);
  }

  // ------------------------------------------------------------------------------------------
  // the pipeline

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { ctx, query } = readCtx(req, res, performance.now());
    const { method, path, session, retryCount } = ctx;
    this.counters.requests++;
    this.counters.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      this.counters.inFlight--;
    };
    res.on('close', finish);
    if (retryCount !== null && retryCount > 0) this.counters.retries++;

    if (method === 'OPTIONS') {
      this.record('204', ctx);
      res.writeHead(204, {
        ...this.headers(ctx),
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': header(req, 'access-control-request-headers') ?? '*',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }

    const body = await readBody(req, this.opts.maxBodyBytes);
    if (body === null || this.closed) return; // client went away
    const peek = peekBody(body.text);
    ctx.model = peek.model;
    ctx.stream = peek.stream;

    const specHeader = header(req, 'x-simulate-scenario');
    let spec = this.defaultSpec;
    if (specHeader !== undefined) {
      const parsed = parseScenarioSpec(specHeader);
      if (!parsed.ok) {
        this.sendError(ctx, 400, { type: 'invalid_request_error', message: parsed.error });
        return;
      }
      spec = parsed.spec;
    }
    ctx.spec = spec;

    // The simulator's status page (core/simulator/status.ts): before the faults, which are the API's.
    if (path === SIMULATOR_STATUS_PATH) {
      if (method !== 'GET') {
        this.sendError(ctx, 405, { type: 'invalid_request_error', message: `Method ${method} not allowed on ${path} (use GET)` }, { allow: 'GET' });
        return;
      }
      const q = specHeader === undefined ? query.get('scenario') : null;
      if (q !== null) {
        const parsed = parseScenarioSpec(q);
        if (!parsed.ok) {
          this.sendError(ctx, 400, { type: 'invalid_request_error', message: parsed.error.replace(/^x-simulate-scenario: /, 'scenario: ') });
          return;
        }
        ctx.spec = parsed.spec;
      }
      this.sendJson(ctx, 200, simulatedStatus(ctx.spec, `http://${header(req, 'host') ?? '127.0.0.1'}`));
      return;
    }

    const r = route(method, path);
    if (r.kind === 'not_found') {
      this.sendError(ctx, 404, { type: 'not_found_error', message: `Not found: ${method} ${path}` });
      return;
    }
    if (r.kind === 'method_not_allowed') {
      this.sendError(ctx, 405, { type: 'invalid_request_error', message: `Method ${method} not allowed on ${path} (use ${r.allow})` }, { allow: r.allow });
      return;
    }
    if (body.tooLarge) {
      this.sendError(ctx, 413, { type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' });
      return;
    }

    let effective = spec;
    if (spec.models && !spec.models.includes(ctx.model ?? '')) {
      effective = { ...spec, name: 'ok', count: 0 }; // the fault is for other models
    } else if (spec.name === 'flaky') {
      effective = this.sessions.resolveFlaky(spec, session);
    }

    // --- network-level faults (a proxy or the network, before the API sees the request)
    if (effective.name === 'slow') {
      if (!(await this.wait(effective.delayMs))) return;
    } else if (NETWORK_FAULTS.has(effective.name) && this.sessions.takeFault(effective, session)) {
      switch (effective.name) {
        case 'timeout':
          this.record('timeout', ctx);
          return; // never answer; close() destroys the socket
        case 'reset':
          this.record('reset', ctx);
          req.socket.resetAndDestroy();
          return;
        case 'gateway-html': {
          const status = effective.status ?? 502;
          this.send(ctx, status, gatewayHtml(status), { server: 'nginx' }, 'text/html', true);
          return;
        }
        case 'request-too-large':
          this.send(ctx, 413, tooLargeHtml(), { server: 'cloudflare' }, 'text/html', true);
          return;
      }
    }

    // --- CORS and credentials
    if (ctx.origin && header(req, 'anthropic-dangerous-direct-browser-access') !== 'true') {
      this.sendError(ctx, 401, {
        type: 'authentication_error',
        message:
          'CORS requests are not allowed for this Organization because of the following reason: requests from a browser must set the `anthropic-dangerous-direct-browser-access: true` header.',
      });
      return;
    }
    const auth = checkKey(req, this.opts.apiKey);
    if (auth) {
      this.sendError(ctx, 401, { type: 'authentication_error', message: auth });
      return;
    }
    if (effective.name === 'auth-error' && this.sessions.takeFault(effective, session)) {
      this.sendError(ctx, 401, { type: 'authentication_error', message: 'invalid x-api-key' });
      return;
    }
    const version = checkVersion(header(req, 'anthropic-version'));
    if ('status' in version) {
      this.sendFailure(ctx, version);
      return;
    }

    // --- validation
    const prepared = prepare(r, body.text, query, version.version, () => this.today());
    if ('status' in prepared) {
      this.sendFailure(ctx, prepared);
      return;
    }
    const { valid, countText, page, info } = prepared;
    this.buckets.requests.take(1, Date.now());

    // --- API-level faults
    const stream = valid?.stream === true;
    const fault = apiFault(
      { sessions: this.sessions, buckets: this.buckets, stormInFlight: this.stormInFlight, capacity: this.opts.capacity },
      effective,
      session,
      stream,
    );
    if (fault) {
      this.sendFault(ctx, fault);
      return;
    }

    // --- success
    if (r.kind === 'count_tokens') {
      this.sendJson(ctx, 200, { input_tokens: estimateTokens(countText ?? '') });
      return;
    }
    if (page) {
      this.sendJson(ctx, 200, page);
      return;
    }
    if (info !== undefined) {
      this.sendJson(ctx, 200, info);
      return;
    }
    if (!valid) return;
    const serviceTimeMs = effective.serviceTimeMs ?? this.opts.serviceTimeMs;
    const storm = effective.name === 'storm';
    if (storm) this.stormInFlight++;
    try {
      const streamFault =
        stream && (effective.name === 'stream-overloaded' || effective.name === 'stream-cut') && this.sessions.takeFault(effective, session)
          ? { kind: effective.name, afterDeltas: effective.deltas }
          : undefined;
      if (stream) await streamReply(this.io, ctx, valid, serviceTimeMs, streamFault);
      else await jsonReply(this.io, ctx, valid, serviceTimeMs, effective.name === 'stream-cut' && this.sessions.takeFault(effective, session));
    } finally {
      if (storm) this.stormInFlight--;
    }
  }

  /** Sends an API-level fault's answer. */
  private sendFault(ctx: Ctx, a: FaultAnswer): void {
    if (a.exhausted) ctx.exhausted = a.exhausted;
    this.sendError(ctx, a.status, a.error, a.headers);
  }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const parsed = parseScenarioSpec(opts.scenario ?? 'ok');
  if (!parsed.ok) throw new Error(parsed.error.replace(/^x-simulate-scenario: /, 'scenario: '));
  const host = opts.host ?? '127.0.0.1';
  const sim = new Simulator(
    {
      serviceTimeMs: Math.max(0, opts.serviceTimeMs ?? 5),
      capacity: Math.max(1, opts.capacity ?? 10),
      maxBodyBytes: opts.maxBodyBytes ?? BODY_LIMITS.messages,
      apiKey: opts.apiKey,
      seed: opts.seed,
      onRequest: opts.onRequest,
      today: opts.today,
    },
    parsed.spec,
  );
  const server = createServer((req, res) => {
    sim.handle(req, res).catch(() => {
      // A bug in the simulator must not take the host down: answer 500 if we still can.
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'simulator internal error' } }));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => sim.track(socket));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  const port = address.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stats: () => sim.stats(),
    reset: () => sim.reset(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        sim.shutdown();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
