import { describe, expect, it } from 'vitest';
import { DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_TOKENS, mergeSdk, parseSettings } from '../../../src/core/editor/settings';
import type { RuleId } from '../../../src/core/analyzer/types';

const IDS: RuleId[] = ['missing-max-tokens', 'retired-model', 'retry-without-jitter', 'unknown-model'];
const from = (o: Record<string, unknown>) => (k: string) => o[k];

describe('parseSettings', () => {
  it('defaults', () => {
    const s = parseSettings(from({}), IDS);
    expect(s).toMatchObject({ enabled: true, debounceMs: DEFAULT_DEBOUNCE_MS, defaultMaxTokens: DEFAULT_MAX_TOKENS, sdkOverride: {}, warnings: [] });
    expect(s.disabled.size).toBe(0);
    expect(s.severity).toEqual({});
  });

  it('per-rule off / severity / default, in all accepted spellings', () => {
    const s = parseSettings(from({ rules: {
      'missing-max-tokens': 'off',
      'retired-model': 'warning',
      'retry-without-jitter': false,
      'unknown-model': { severity: 'information' },
    } }), IDS);
    expect([...s.disabled].sort()).toEqual(['missing-max-tokens', 'retry-without-jitter']);
    expect(s.severity).toEqual({ 'retired-model': 'warning', 'unknown-model': 'info' });
    const t = parseSettings(from({ rules: { 'retired-model': { enabled: false }, 'unknown-model': 'default', 'missing-max-tokens': true } }), IDS);
    expect([...t.disabled]).toEqual(['retired-model']);
    expect(t.severity).toEqual({});
  });

  it('ignores unknown rules and bad values with a warning', () => {
    const s = parseSettings(from({ rules: { 'no-such-rule': 'off', 'retired-model': 'loud' }, 'analyzer.debounceMs': 'fast' }), IDS);
    expect(s.disabled.size).toBe(0);
    expect(s.severity).toEqual({});
    expect(s.debounceMs).toBe(DEFAULT_DEBOUNCE_MS);
    expect(s.warnings).toHaveLength(3);
    expect(parseSettings(from({ rules: 'off' }), IDS).warnings).toHaveLength(1);
  });

  it('clamps numbers and reads enable', () => {
    const s = parseSettings(from({ 'analyzer.debounceMs': 999_999, 'analyzer.defaultMaxTokens': 0, 'analyzer.enable': false }), IDS);
    expect(s.debounceMs).toBe(5000);
    expect(s.defaultMaxTokens).toBe(1);
    expect(s.enabled).toBe(false);
    expect(parseSettings(from({ 'analyzer.debounceMs': -5, 'analyzer.defaultMaxTokens': 2048.4 }), IDS)).toMatchObject({ debounceMs: 0, defaultMaxTokens: 2048 });
  });

  it('SDK overrides: auto, majors, junk', () => {
    expect(parseSettings(from({ 'analyzer.sdkVersion': { typescript: 'auto', python: 'auto' } }), IDS).sdkOverride).toEqual({});
    expect(parseSettings(from({ 'analyzer.sdkVersion': { typescript: '0.x', python: '2.x' } }), IDS).sdkOverride).toEqual({ ts: 0, python: 2 });
    expect(parseSettings(from({ 'analyzer.sdkVersion': { typescript: '1.12.0', python: '1' } }), IDS).sdkOverride).toEqual({ ts: 1, python: 1 });
    const bad = parseSettings(from({ 'analyzer.sdkVersion': { typescript: '7.x', python: 'latest' } }), IDS);
    expect(bad.sdkOverride).toEqual({});
    expect(bad.warnings).toHaveLength(2);
  });

  it('mergeSdk: pins win, a pinned different major drops the exact version', () => {
    expect(mergeSdk({ ts: 1, tsVersion: '1.4.0', python: 2 }, {})).toEqual({ ts: 1, tsVersion: '1.4.0', python: 2 });
    expect(mergeSdk({ ts: 1, tsVersion: '1.4.0' }, { ts: 0 })).toEqual({ ts: 0 });
    expect(mergeSdk({ ts: 1, tsVersion: '1.4.0' }, { ts: 1, python: 1 })).toEqual({ ts: 1, tsVersion: '1.4.0', python: 1 });
  });
});
