import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type FlagSpec } from '../../../src/cli/args';

const SPEC: Record<string, FlagSpec> = {
  json: { kind: 'boolean' },
  n: { kind: 'int', min: 1, max: 10 },
  kind: { kind: 'string', choices: ['a', 'b'] },
  name: { kind: 'string' },
  help: { kind: 'boolean', short: 'h' },
  secret: { kind: 'string', refuse: 'no secrets on the command line' },
};

describe('parseArgs', () => {
  it('reads booleans, numbers, strings, = forms, short aliases and positionals', () => {
    const r = parseArgs(['x', '--json', '--n', '3', '--kind=b', '--name', 'v', '-h', 'y'], SPEC);
    expect(r.flags).toEqual({ json: true, n: 3, kind: 'b', name: 'v', help: true });
    expect(r.positionals).toEqual(['x', 'y']);
  });
  it('-- ends the options', () => {
    expect(parseArgs(['--', '--json'], SPEC).positionals).toEqual(['--json']);
  });
  it('a value may start with a single dash', () => {
    expect(parseArgs(['--name', '-x'], SPEC).flags.name).toBe('-x');
  });
  const bad: [string[], RegExp][] = [
    [['--nope'], /unknown option --nope/],
    [['-z'], /unknown option -z/],
    [['--n', 'x'], /whole number/],
    [['--n', '1.5'], /whole number/],
    [['--n', '0'], /between 1 and 10/],
    [['--n', '11'], /between 1 and 10/],
    [['--kind', 'c'], /must be one of: a, b/],
    [['--name'], /needs a value/],
    [['--name', '--json'], /needs a value/],
    [['--json=maybe'], /takes no value/],
    [['--secret', 'sk-ant-xyz'], /no secrets on the command line/],
  ];
  for (const [argv, re] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      expect(() => parseArgs(argv, SPEC)).toThrow(UsageError);
      expect(() => parseArgs(argv, SPEC)).toThrow(re);
    });
  }
  it('never echoes the value of a refused flag', () => {
    try {
      parseArgs(['--secret=sk-ant-api03-abcdef'], SPEC);
      throw new Error('should have thrown');
    } catch (e) {
      expect((e as Error).message).not.toContain('abcdef');
    }
  });
});
