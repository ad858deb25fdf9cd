/**
 * The proxy's exchanges as Error Log entries, and its report card as Markdown (issue #15, the
 * editor face). Pure: no vscode, no I/O.
 *
 * One entry per exchange. Attempts of one logical request (same body digest, see grade.ts) share
 * a run id, so the Error Log's run filter shows a request's retries together; the attempt number
 * is the SDK's `x-stainless-retry-count` + 1 when the app sent one, else its place in that chain.
 */
import type { LogEntry } from '../log/types';
import { redactDeep, redactSecrets } from '../redact';
import { classify } from '../taxonomy';
import type { Grade, ReportCard } from './grade';
import type { Exchange } from './server';

export interface ProxyLogContext {
  /** Identifies the proxy session (Start … Stop). */
  session: string;
  /** Where the proxy forwarded: the API (or a gateway) or the built-in simulator. */
  target: 'api' | 'simulator';
  /** The upstream base URL, credentials stripped (what the entry shows as its base URL). */
  baseUrl: string;
  secrets?: () => readonly string[];
}

/** What the app's exchange was, in the Error Log's terms. */
export function exchangeOutcome(ex: Exchange): Pick<LogEntry, 'ok' | 'status' | 'errorType' | 'errorCode' | 'message' | 'requestId' | 'retryable' | 'category'> {
  const midStream = ex.status !== null && ex.status >= 200 && ex.status < 300 && ex.stream && ex.errorType !== null;
  if (ex.status === null) {
    // No answer reached the app: it gave up (or the connection broke before the headers).
    const c = classify({ transport: ex.clientAborted ? 'aborted' : 'reset', message: ex.failure });
    return { ok: false, status: null, errorType: null, errorCode: null, message: ex.failure, requestId: null, retryable: c.retryable, category: c.category };
  }
  if (midStream) {
    const c = classify({ status: null, errorType: ex.errorType, message: ex.message, midStream: true });
    return { ok: false, status: null, errorType: ex.errorType, errorCode: ex.errorCode, message: ex.message, requestId: ex.requestId, retryable: c.retryable, category: c.category };
  }
  const ok = ex.status >= 200 && ex.status < 300 && ex.failure === null && !ex.clientAborted;
  if (ok) return { ok: true, status: ex.status, errorType: null, errorCode: null, message: null, requestId: ex.requestId, retryable: false, category: 'ok' };
  if (ex.status < 300) {
    // A 2xx whose body broke off (the upstream closed it) or that the app abandoned.
    const c = classify({ transport: ex.clientAborted ? 'aborted' : 'reset', message: ex.failure });
    return { ok: false, status: ex.status, errorType: null, errorCode: null, message: ex.failure ?? (ex.clientAborted ? 'The app went away before the answer ended.' : null), requestId: ex.requestId, retryable: c.retryable, category: c.category };
  }
  const c = classify({ status: ex.status, errorType: ex.errorType, errorCode: ex.errorCode, message: ex.message });
  return { ok: false, status: ex.status, errorType: ex.errorType, errorCode: ex.errorCode, message: ex.message, requestId: ex.requestId, retryable: c.retryable, category: c.category };
}

/** Maps a session's exchanges to Error Log entries; keeps the per-request attempt count. */
export class ProxyLogMapper {
  private readonly attempts = new Map<string, number>();
  constructor(private readonly ctx: ProxyLogContext) {}

  map(ex: Exchange): LogEntry {
    const chain = ex.bodyHash || ex.id;
    const seen = (this.attempts.get(chain) ?? 0) + 1;
    this.attempts.set(chain, seen);
    const secrets = this.ctx.secrets?.() ?? [];
    const out = exchangeOutcome(ex);
    const entry: LogEntry = {
      v: 1,
      id: `proxy-${ex.id}`,
      runId: `proxy_${this.ctx.session}_${chain}`,
      ts: ex.ts,
      target: this.ctx.target,
      ...(ex.injected ? { scenario: ex.injected } : {}),
      baseUrl: redactSecrets(this.ctx.baseUrl, secrets),
      model: ex.model ?? 'unknown',
      stream: ex.stream,
      attempt: ex.retryCount !== null ? ex.retryCount + 1 : seen,
      ...out,
      latencyMs: ex.latencyMs,
      ...(ex.rateLimit && Object.keys(ex.rateLimit).length > 0 ? { rateLimit: ex.rateLimit } : {}),
      proxy: {
        session: this.ctx.session, method: ex.method, path: ex.path, injected: ex.injected, retryCount: ex.retryCount,
        firstByteMs: ex.firstByteMs, failure: ex.failure, clientAborted: ex.clientAborted,
      },
      // The app's body is not kept: nothing to replay but its size and mode.
      request: { maxTokens: ex.maxTokens ?? 0, prompt: '', stream: ex.stream, ...(ex.injected ? { scenario: ex.injected } : {}) },
    };
    return redactDeep(entry, secrets);
  }
}

/** An entry of the user's app traffic: it cannot be replayed from the log (its body was not kept). */
export function isProxyEntry(e: Pick<LogEntry, 'proxy'>): boolean {
  return !!e.proxy;
}

// ---- the report card as Markdown -------------------------------------------------------------

const MARK: Record<Grade['verdict'], string> = { pass: '✅', fail: '❌', 'n/a': '➖' };

/** Markdown-escapes text (server text and details never become markup or links). */
function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

export interface ReportCardContext {
  /** Where the proxy forwards ("the built-in simulator", an origin). */
  upstream: string;
  /** The fault plan, described; undefined when none. */
  faults?: string;
  /** The link to a rule's doc page (docs/rules/<id>.md inside the extension). */
  ruleLink(rule: string): string;
  /** Whether the proxy still runs (the card grows with the app's traffic). */
  running: boolean;
}

/** The report card as a Markdown document; each failing grade links to the rule that fixes it. */
export function reportCardMarkdown(card: ReportCard, ctx: ReportCardContext): string {
  const lines = [
    '# Claude Doctor: retry report card',
    '',
    `${card.exchanges} exchange${card.exchanges === 1 ? '' : 's'}, ${card.chains} request${card.chains === 1 ? '' : 's'} seen through the proxy → ${esc(ctx.upstream)}${ctx.faults ? `, injecting ${esc(ctx.faults)}` : ''}.${ctx.running ? ' The proxy is running: run *Show Proxy Report Card* again for the newest grades.' : ''}`,
    '',
    '| | Grade | What the proxy saw | Fix in code |',
    '|---|---|---|---|',
  ];
  for (const g of card.grades) {
    const fix = g.rule ? `[${esc(g.rule)}](${ctx.ruleLink(g.rule)})` : '';
    lines.push(`| ${MARK[g.verdict]} ${g.verdict} | ${esc(g.title)} | ${esc(g.detail)} | ${fix} |`);
  }
  lines.push('', 'Each failing grade names the analyzer rule whose quick fix repairs it: *Claude Doctor: Scan Workspace* finds where.', '');
  return lines.join('\n');
}

/** A fault plan in words: "overloaded into 30 % of requests", "rate-limited into the next 3". */
export function describeFaults(plan: { scenario: string; rate?: number; next?: number } | null): string | undefined {
  if (!plan || (!plan.rate && !plan.next)) return undefined;
  const parts: string[] = [];
  if (plan.next) parts.push(`the next ${plan.next} request${plan.next === 1 ? '' : 's'}`);
  if (plan.rate) parts.push(`${Math.round(plan.rate * 100)} % of requests`);
  return `${plan.scenario} into ${parts.join(', then ')}`;
}
