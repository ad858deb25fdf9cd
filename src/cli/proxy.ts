/**
 * `claude-doctor proxy`: records (and optionally faults) the user's own app traffic, until Ctrl-C,
 * then prints the app's retry report card.
 */
import { startProxy, type Exchange, type FaultPlan } from '../core/proxy/server';
import { gradeExchanges, type ReportCard } from '../core/proxy/grade';
import { startSimulator, type RunningSimulator } from '../core/simulator/index';
import { parseScenarioSpec } from '../core/simulator/spec';
import { terminalSafe } from '../core/text/terminal';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { style, type Io, type Style } from './output';

export const PROXY_FLAGS: Record<string, FlagSpec> = {
  upstream: { kind: 'string' },
  simulate: { kind: 'boolean' },
  port: { kind: 'int', min: 0, max: 65535 },
  inject: { kind: 'string' },
  rate: { kind: 'int', min: 0, max: 100 },
  next: { kind: 'int', min: 0, max: 1_000_000 },
  json: { kind: 'boolean' },
  help: { kind: 'boolean', short: 'h' },
};

export const DEFAULT_UPSTREAM = 'https://api.anthropic.com';

export const PROXY_HELP = `Usage: claude-doctor proxy [--upstream URL | --simulate] [--port N] [--inject SCENARIO (--rate PCT | --next N)] [--json]

Runs a local Claude API proxy on 127.0.0.1 until Ctrl-C. Point your app at the base URL it
prints (it carries a per-session token: nothing else on this machine can use the proxy); every
request and answer is shown as it happens, and on Ctrl-C a report card grades how your app's
client handled the failures it met. Keys are forwarded, never shown or stored.

Options:
  --upstream URL       where requests go (default: ANTHROPIC_BASE_URL, else ${DEFAULT_UPSTREAM})
  --simulate           send them to a private local simulator instead (no network, no key needed)
  --port N             port to listen on (default: a free port)
  --inject SCENARIO    answer some requests with a simulator fault (\`claude-doctor simulate --list\`),
                       e.g. overloaded, rate-limited;retryAfter=2, spend-cap, stream-overloaded
  --rate PCT           … this share of requests (0–100)
  --next N             … the next N requests (then --rate, if given)
  --json               one JSON line per exchange, then the report card as JSON
  -h, --help           this help
`;

export interface ProxyDeps {
  env: NodeJS.ProcessEnv;
  /** Resolves when the proxy should stop (Ctrl-C / SIGTERM). */
  stopped: Promise<void>;
}

const clock = (ts: number): string => new Date(ts).toISOString().slice(11, 19);

/** One exchange, one line (server text passes the terminal sanitizer). */
export function exchangeLine(ex: Exchange, s: Style): string {
  const status = ex.status === null ? s.red('---') : ex.status >= 400 || ex.errorType ? s.red(String(ex.status)) : s.green(String(ex.status));
  const parts = [
    s.dim(clock(ex.ts)), `${ex.method} ${terminalSafe(ex.path)}`, status,
    ex.errorType ? terminalSafe(ex.errorType) : '',
    ex.injected ? s.yellow(`(injected: ${terminalSafe(ex.injected)})`) : '',
    ex.stream ? 'stream' : '',
    ex.retryCount ? `retry ${ex.retryCount}` : '',
    `${ex.latencyMs} ms`,
    ex.requestId ? s.dim(terminalSafe(ex.requestId)) : s.dim('no request-id'),
    ex.failure ? s.red(terminalSafe(ex.failure)) : '',
    ex.clientAborted ? s.yellow('(the app gave up)') : '',
  ];
  return parts.filter(Boolean).join('  ');
}

export function formatReportCard(card: ReportCard, s: Style): string {
  const mark = { pass: s.green('✔'), fail: s.red('✘'), 'n/a': s.dim('–') } as const;
  const lines = [`${s.bold('Retry report card')} (${card.exchanges} exchange${card.exchanges === 1 ? '' : 's'}, ${card.chains} request${card.chains === 1 ? '' : 's'})`];
  for (const g of card.grades) {
    lines.push(`  ${mark[g.verdict]} ${g.title}: ${g.detail}${g.rule ? s.dim(` (fix in code: claude-doctor lint, rule ${g.rule})`) : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function proxyCommand(argv: string[], io: Io, deps: ProxyDeps): Promise<number> {
  let flags: Record<string, unknown>;
  let plan: FaultPlan | null = null;
  try {
    const parsed = parseArgs(argv, PROXY_FLAGS);
    flags = parsed.flags;
    if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]!.slice(0, 40)}"`);
    if (flags.simulate && flags.upstream) throw new UsageError('--simulate and --upstream are alternatives: give one');
    const inject = flags.inject as string | undefined;
    if (inject !== undefined) {
      const r = parseScenarioSpec(inject);
      if (!r.ok) throw new UsageError(r.error.replace(/^x-simulate-scenario: /, '--inject: '));
      if (flags.rate === undefined && flags.next === undefined) throw new UsageError('--inject needs --rate PCT or --next N');
      plan = { scenario: inject, ...(flags.rate !== undefined ? { rate: (flags.rate as number) / 100 } : {}), ...(flags.next !== undefined ? { next: flags.next as number } : {}) };
    } else if (flags.rate !== undefined || flags.next !== undefined) {
      throw new UsageError('--rate and --next need --inject SCENARIO');
    }
    if (flags.upstream !== undefined) {
      let u: URL;
      try {
        u = new URL(String(flags.upstream));
      } catch {
        throw new UsageError('--upstream is not a URL');
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError('--upstream must be an http(s) URL');
      if (u.username || u.password) throw new UsageError('--upstream must not carry credentials');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`claude-doctor proxy: ${e.message}\nRun \`claude-doctor proxy --help\` for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    io.out.write(PROXY_HELP);
    return 0;
  }
  const s = style(io.color);
  const json = Boolean(flags.json);
  const sims: RunningSimulator[] = [];
  const seen: Exchange[] = [];
  try {
    let upstream = flags.upstream as string | undefined;
    if (flags.simulate) {
      const sim = await startSimulator();
      sims.push(sim);
      upstream = sim.url;
    }
    upstream ??= deps.env.ANTHROPIC_BASE_URL?.trim() || DEFAULT_UPSTREAM;
    let faultServer: RunningSimulator | undefined;
    if (plan) {
      faultServer = sims[0] ?? (await startSimulator());
      if (!sims.includes(faultServer)) sims.push(faultServer);
    }
    let proxy;
    try {
      proxy = await startProxy({
        upstream, port: (flags.port as number | undefined) ?? 0, faults: plan, faultServer: faultServer?.url,
        onExchange: (ex) => {
          seen.push(ex);
          io.out.write(json ? `${JSON.stringify(ex)}\n` : `${exchangeLine(ex, s)}\n`);
        },
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EADDRINUSE' ? `port ${String(flags.port)} is already in use` : err.message;
      io.err.write(`claude-doctor proxy: cannot start the proxy: ${terminalSafe(why)}\n`);
      return 1;
    }
    if (!json) {
      io.out.write(`${s.bold('Claude Doctor proxy')} → ${s.cyan(terminalSafe(flags.simulate ? 'a private simulator' : new URL(upstream).origin))}`);
      io.out.write(plan ? `, injecting ${terminalSafe(plan.scenario)}${plan.next ? ` into the next ${plan.next}` : ''}${plan.rate ? `${plan.next ? ', then' : ' into'} ${Math.round(plan.rate * 100)} % of requests` : ''}\n` : '\n');
      io.out.write(`Run your app with (POSIX sh):\n\n  export ANTHROPIC_BASE_URL=${proxy.baseUrl}\n\n`);
      io.out.write(s.dim('The URL carries this session\'s token; requests without it are refused. Your key goes to the upstream only. Ctrl-C for the report card.\n'));
    } else {
      io.out.write(`${JSON.stringify({ type: 'listening', baseUrl: proxy.baseUrl, upstream: flags.simulate ? 'simulator' : new URL(upstream).origin, faults: plan })}\n`);
    }
    await deps.stopped;
    await proxy.close();
    const card = gradeExchanges(seen);
    io.out.write(json ? `${JSON.stringify({ type: 'report', ...card })}\n` : `\n${formatReportCard(card, s)}`);
    return 0;
  } finally {
    for (const sim of sims) await sim.close();
  }
}
