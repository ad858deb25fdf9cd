/**
 * A small, strict command-line parser shared by every subcommand.
 *
 * - `--flag value` and `--flag=value`; `--` ends the options.
 * - Unknown flags, missing values and bad numbers are usage errors (exit 2).
 * - Error messages name the flag, never echo a value that could be a secret.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind = 'boolean' | 'string' | 'int';

export interface FlagSpec {
  kind: FlagKind;
  /** Short alias without the dash, e.g. `h`. */
  short?: string;
  /** For `int`: inclusive bounds. */
  min?: number;
  max?: number;
  /** For `string`: the allowed values. */
  choices?: readonly string[];
  /** Flags that exist only to explain why they are refused (e.g. `--api-key`). */
  refuse?: string;
}

export type FlagValues = Record<string, string | number | boolean | undefined>;

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

/** Parses `argv` against `spec`. Throws `UsageError` for anything it does not understand. */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const flags: FlagValues = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, name);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const short = arg.slice(1);
      const long = byShort.get(short);
      if (!long) throw new UsageError(`unknown option -${safeName(short)}`);
      name = long;
    } else {
      positionals.push(arg);
      continue;
    }
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${safeName(name)}`);
    if (s.refuse) throw new UsageError(s.refuse);
    if (s.kind === 'boolean') {
      if (inline !== undefined) {
        if (inline === 'true' || inline === '') flags[name] = true;
        else if (inline === 'false') flags[name] = false;
        else throw new UsageError(`--${name} takes no value (got "${clip(inline)}")`);
      } else {
        flags[name] = true;
      }
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value`);
      }
      raw = next;
      i++;
    }
    if (s.kind === 'int') {
      flags[name] = parseIntStrict(name, raw, s.min, s.max);
    } else {
      if (s.choices && !s.choices.includes(raw)) {
        throw new UsageError(`--${name} must be one of: ${s.choices.join(', ')} (got "${clip(raw)}")`);
      }
      flags[name] = raw;
    }
  }
  return { flags, positionals };
}

export function parseIntStrict(name: string, raw: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be a whole number (got "${clip(raw)}")`);
  const n = Number(raw.trim());
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be between ${min} and ${max} (got ${clip(raw)})`);
  }
  return n;
}

/** Flag names come from the user: keep them short and printable. */
function safeName(s: string): string {
  return clip(s.replace(/[^\w.-]/g, '?'), 40);
}

function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
