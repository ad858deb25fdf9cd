/**
 * Where the CLI writes: stdout for results, stderr for warnings and errors. Everything passes
 * through the secret redactor first, so a key can never reach the terminal by accident, then
 * through the terminal sanitizer (src/core/text/terminal.ts), so no control character reaches it
 * except the CLI's own colours and live-line erase.
 */
import { redactSecrets } from '../core/redact';
import { terminalSafe, terminalSafeOutput } from '../core/text/terminal';

export interface Writer {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface Io {
  out: Writer;
  err: Writer;
  /** Colors on: a TTY and NO_COLOR unset (or FORCE_COLOR set). */
  color: boolean;
  /** Secrets to scrub from every line written. Add to it as soon as a key is known. */
  secrets: string[];
}

let pipeGuard = false;

/** `claude-doctor … | head`: a closed pipe ends the run quietly instead of crashing with EPIPE. */
function guardPipes(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
}

export function processIo(): Io {
  guardPipes();
  const secrets: string[] = [];
  // Known secrets, and anything shaped like an Anthropic key, never reach the terminal.
  const scrub = (t: string): string => terminalSafeOutput(redactSecrets(t, secrets));
  const out: Writer = {
    write: (t) => void process.stdout.write(scrub(t)),
    isTTY: Boolean(process.stdout.isTTY),
  };
  const err: Writer = {
    write: (t) => void process.stderr.write(scrub(t)),
    isTTY: Boolean(process.stderr.isTTY),
  };
  const force = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  const color = force || (out.isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb');
  return { out, err, color, secrets };
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function style(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Collapses whitespace (newlines included) so a value fits on one line; controls made visible. */
export function oneLine(s: string): string {
  return terminalSafe(s.replace(/\s+/g, ' ').trim());
}
