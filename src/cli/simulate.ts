/**
 * `claude-doctor simulate`: the local Claude API simulator in the foreground, until Ctrl-C.
 */
import { SCENARIOS, SIMULATOR_TEST_KEY, startSimulator } from '../core/simulator/index';
import { parseScenarioSpec } from '../core/simulator/spec';
import { parseArgs, UsageError, type FlagSpec } from './args';
import { style, type Io } from './output';
import { terminalSafe } from '../core/text/terminal';

export const SIMULATE_FLAGS: Record<string, FlagSpec> = {
  port: { kind: 'int', min: 0, max: 65535 },
  scenario: { kind: 'string' },
  list: { kind: 'boolean' },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1 },
  help: { kind: 'boolean', short: 'h' },
};

export const SIMULATE_HELP = `Usage: claude-doctor simulate [--port N] [--scenario S] [--seed N] [--list]

Runs a local Claude API simulator on 127.0.0.1 until Ctrl-C. Point any client at it with
ANTHROPIC_BASE_URL. Per request, the header \`x-simulate-scenario: NAME[;count=N]\` overrides
the scenario and \`x-simulate-session: ID\` keeps per-run state apart.

Options:
  --port N         port to listen on (default: a free port)
  --scenario S     default scenario for every request
  --seed N         seed for the simulator's randomness (reproducible runs)
  --list           print every scenario with its description and exit
  -h, --help       this help
`;

export interface SimulateDeps {
  /** Resolves when the simulator should stop (Ctrl-C / SIGTERM). */
  stopped: Promise<void>;
}

export function listScenarios(io: Io): void {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  for (const s of SCENARIOS) io.out.write(`${s.name.padEnd(width)}  ${s.description}\n`);
}

export async function simulateCommand(argv: string[], io: Io, deps: SimulateDeps): Promise<number> {
  let flags: Record<string, unknown>;
  try {
    const parsed = parseArgs(argv, SIMULATE_FLAGS);
    flags = parsed.flags;
    if (parsed.positionals.length) throw new UsageError(`unexpected argument "${parsed.positionals[0]!.slice(0, 40)}"`);
    const sc = flags.scenario as string | undefined;
    if (sc !== undefined) {
      const r = parseScenarioSpec(sc);
      if (!r.ok) throw new UsageError(r.error.replace(/^x-simulate-scenario: /, '--scenario: '));
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`claude-doctor simulate: ${e.message}\nRun \`claude-doctor simulate --help\` for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (flags.help) {
    io.out.write(SIMULATE_HELP);
    return 0;
  }
  if (flags.list) {
    listScenarios(io);
    return 0;
  }
  const s = style(io.color);
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({
      port: (flags.port as number | undefined) ?? 0,
      scenario: flags.scenario as string | undefined,
      seed: flags.seed as number | undefined,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${String(flags.port)} is already in use` : err.message;
    io.err.write(`claude-doctor simulate: cannot start the simulator: ${terminalSafe(why)}\n`);
    return 1;
  }
  io.out.write(`${s.bold('Claude API simulator')} listening on ${s.cyan(sim.url)}`);
  io.out.write(flags.scenario ? ` (scenario ${terminalSafe(String(flags.scenario))})\n` : '\n');
  io.out.write(`Paste into another shell (POSIX sh), then run \`claude-doctor test\` or your own client:\n\n  ${envLine(sim.url)}\n\n`);
  io.out.write(
    s.dim(
      `${SIMULATOR_TEST_KEY} is a stand-in, not a real key: the simulator accepts any non-empty key, never needs a real one,\n` +
        'and never reaches the internet. Per request, `x-simulate-scenario: NAME[;key=value]` picks a scenario\n' +
        '(`claude-doctor simulate --list`). Ctrl-C to stop.\n',
    ),
  );
  await deps.stopped;
  const stats = sim.stats();
  await sim.close();
  io.out.write(`\nstopped. ${formatStats(stats)}\n`);
  return 0;
}

/** The line `simulate` prints: pasted into a POSIX shell, it points the SDK and `claude-doctor test` at the simulator. */
export function envLine(url: string): string {
  return `export ANTHROPIC_BASE_URL=${url} ANTHROPIC_API_KEY=${SIMULATOR_TEST_KEY}`;
}

function formatStats(stats: unknown): string {
  if (!stats || typeof stats !== 'object') return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(stats as Record<string, unknown>)) {
    if (typeof v === 'number' || typeof v === 'string') parts.push(terminalSafe(`${k}: ${v}`)); // keys can come from request headers
  }
  return parts.join(', ');
}
