import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../../../src/core/text/terminal';

describe('terminalSafe', () => {
  it.each([
    ['\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['\x1b[2J', '\\x1b[2J'],
    ['a\rb', 'a\\x0db'],
    ['\x9b31m', '\\x9b31m'],
    ['del\x7f', 'del\\x7f'],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    ['line\u2028sep\u2029', 'line\\u2028sep\\u2029'],
    ['plain ✔ text', 'plain ✔ text'],
  ])('%j → %j', (input, out) => expect(terminalSafe(input)).toBe(out));
});
