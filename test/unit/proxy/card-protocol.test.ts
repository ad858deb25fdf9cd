/** The report card webview's messages are validated before the host acts on them. */
import { describe, expect, it } from 'vitest';
import { isCardMessage } from '../../../src/webview/proxy/protocol';

describe('report card panel messages', () => {
  it('accepts the known messages', () => {
    expect(isCardMessage({ type: 'ready' })).toBe(true);
    expect(isCardMessage({ type: 'openMarkdown' })).toBe(true);
    expect(isCardMessage({ type: 'openRule', rule: 'retry-without-jitter' })).toBe(true);
    expect(isCardMessage({ type: 'rendered', grades: 7, failing: ['jitter'], exchanges: 3 })).toBe(true);
  });

  it('refuses anything else: a path for a rule, unknown types, wrong shapes', () => {
    for (const rule of ['../../package', 'docs/rules/x', 'Retry', '', 'a'.repeat(65), 'x.md']) expect(isCardMessage({ type: 'openRule', rule }), rule).toBe(false);
    expect(isCardMessage({ type: 'openRule' })).toBe(false);
    expect(isCardMessage({ type: 'exec', cmd: 'x' })).toBe(false);
    expect(isCardMessage({ type: 'rendered', grades: '7', failing: [], exchanges: 0 })).toBe(false);
    expect(isCardMessage(null)).toBe(false);
    expect(isCardMessage('ready')).toBe(false);
  });
});
