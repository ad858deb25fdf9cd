/**
 * `claude-doctor`: the command-line face of Claude Doctor. Bundled to `dist/cli.js`.
 * Subcommands live one per module; this file only dispatches and owns the process edges
 * (signals, exit status).
 */
import * as nodeModule from 'node:module';
import { version } from '../../package.json';
import { processIo, type Io } from './output';
// Subcommands load on demand: `lint` never pays for the SDK, `test` never for the parsers.

export const VERSION: string = version;

export const MAIN_HELP = `claude-doctor ${VERSION}: diagnoses Claude API errors and fixes the code that causes them.

Usage: claude-doctor <command> [options]

Commands:
  test       send one request through the retrying client and explain the outcome
  simulate   run a local Claude API simulator (--list shows the scenarios)
  lint       find code that causes Claude API errors (text, json or sarif output)
  fix        apply the safe fixes in place
  batch      triage a Message Batches results JSONL (what to resubmit)
  proxy      record (and fault) your own app's Claude traffic; a retry report card on Ctrl-C

Options:
  -h, --help       help (also \`claude-doctor <command> --help\`)
  -v, --version    print the version

Exit status: 0 success, 1 failure or error findings, 2 usage error, 130 cancelled.
`;

export async function runCli(argv: string[], io: Io = processIo()): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      if (cmd === 'help' && rest[0]) return runCli([rest[0], '--help'], io);
      io.out.write(MAIN_HELP);
      return 0;
    case '-v':
    case '--version':
    case 'version':
      io.out.write(`${VERSION}\n`);
      return 0;
    case 'test':
      return withSignals(io, async (signal) => (await import('./test')).testCommand(rest, io, { env: process.env, signal }));
    case 'simulate':
      return withSignals(io, async (_signal, stopped) => (await import('./simulate')).simulateCommand(rest, io, { stopped }));
    case 'lint':
      return (await import('./lint')).lintCommand(rest, io);
    case 'fix':
      return (await import('./lint')).fixCommand(rest, io);
    case 'batch':
      return (await import('./batch')).batchCommand(rest, io);
    case 'proxy':
      return withSignals(io, async (_signal, stopped) => (await import('./proxy')).proxyCommand(rest, io, { env: process.env, stopped }));
    default:
      io.err.write(
        `claude-doctor: unknown command "${cmd.slice(0, 40)}"\nRun \`claude-doctor --help\` for usage.\n`,
      );
      return 2;
  }
}

/**
 * First Ctrl-C (or SIGTERM): cancel cleanly through an AbortSignal. Second Ctrl-C: exit now.
 */
async function withSignals(
  io: Io,
  body: (signal: AbortSignal, stopped: Promise<void>) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let count = 0;
  const onSignal = () => {
    count++;
    if (count > 1) {
      io.err.write('\nclaude-doctor: interrupted again, exiting now\n');
      process.exit(130);
    }
    controller.abort();
    resolveStopped();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(controller.signal, stopped);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  // Node ≥ 22.1 keeps V8's compiled code of the subcommand bundles on disk between runs (compiling
  // the lint bundle is a fifth of a one-file lint's start); Node 20 has no such cache.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const io = processIo();
  const argv = process.argv.slice(2);
  let settled = false;
  // Last line of defence: if the command's promise is still pending when nothing is left to wait
  // for, Node would exit 0 with no result. Say so and fail instead.
  process.on('beforeExit', () => {
    if (settled) return;
    settled = true;
    const cmd = /^[a-z]+$/.test(argv[0] ?? '') ? ` ${argv[0]}` : '';
    io.err.write(`claude-doctor${cmd}: the run could not complete: it stopped without a result (nothing was left to wait for). Exit status 1.\n`);
    process.exitCode = 1;
  });
  runCli(argv, io).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      settled = true;
      io.err.write(`claude-doctor: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
