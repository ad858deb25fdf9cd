import { describe, expect, it } from 'vitest';
import {
  CURRENT_MODELS, ERROR_ROWS, FACTS_CHECKED, RETIRED_MODELS, lookupModel, currentModelIds,
  SUCCESSOR_BY_FAMILY, ERROR_TYPE_BY_STATUS,
} from '../../../src/core/data/api-facts';

describe('api-facts data module', () => {
  it('is dated', () => {
    expect(FACTS_CHECKED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each([
    ['claude-opus-5-5', 128_000], ['claude-sonnet-5', 128_000], ['claude-mythos-preview', 128_000],
    ['claude-opus-4-8', 128_000], ['claude-opus-4-6', 128_000], ['claude-sonnet-4-6', 128_000],
    ['claude-opus-4-5', 64_000], ['claude-sonnet-4-5-20250929', 64_000], ['claude-haiku-4-5-20251001', 64_000],
  ])('%s is current with a %i output cap', (id, cap) => {
    const s = lookupModel(id);
    expect(s.kind).toBe('current');
    if (s.kind === 'current') expect(s.model.maxOutputTokens).toBe(cap);
  });

  it.each([
    ['claude-3-5-sonnet-latest', SUCCESSOR_BY_FAMILY.sonnet],
    ['claude-3-7-sonnet-20250219', SUCCESSOR_BY_FAMILY.sonnet],
    ['claude-3-5-haiku-latest', SUCCESSOR_BY_FAMILY.haiku],
    ['claude-3-opus-20240229', SUCCESSOR_BY_FAMILY.opus],
    ['claude-3-haiku-20240101', SUCCESSOR_BY_FAMILY.haiku], // any 3.x id, by whole-id shape
    ['claude-2.1', SUCCESSOR_BY_FAMILY.sonnet],
    ['claude-instant-1.2', SUCCESSOR_BY_FAMILY.haiku],
    ['claude-sonnet-4-20250514', SUCCESSOR_BY_FAMILY.sonnet],
    ['claude-opus-4-0', SUCCESSOR_BY_FAMILY.opus],
    ['claude-opus-4-1-20250805', SUCCESSOR_BY_FAMILY.opus],
  ])('%s is retired, successor %s', (id, successor) => {
    expect(lookupModel(id)).toEqual({ kind: 'retired', successor });
  });

  it.each(['claude-sonnet-4.5', 'claude-opus-5-5-extra', 'claude-3-5-sonnet', 'gpt-4', '', 'claude-opus-4-1x'])(
    '%s is unknown (exact match only, dotted names are not retired)', (id) => {
      expect(lookupModel(id).kind).toBe('unknown');
    });

  it('every successor is itself current', () => {
    for (const s of Object.values(RETIRED_MODELS)) expect(lookupModel(s).kind).toBe('current');
  });

  it('prefill and mid-conversation system follow the generation', () => {
    const by = (id: string) => CURRENT_MODELS.find((m) => m.id === id)!;
    expect(by('claude-sonnet-4-5').prefill).toBe(true);
    expect(by('claude-opus-4-6').prefill).toBe(false);
    expect(by('claude-opus-4-8').midConversationSystem).toBe('yes');
    expect(by('claude-opus-4-7').midConversationSystem).toBe('no');
    expect(by('claude-sonnet-5').midConversationSystem).toBe('unverified');
    expect(by('claude-opus-4-7').legacySampling).toBe('strict');
    expect(by('claude-opus-4-5').legacySampling).toBe('no-temperature-with-top-p');
  });

  it('lists current ids without dated aliases, no duplicates', () => {
    const ids = currentModelIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain('claude-haiku-4-5-20251001');
  });

  it('error rows are consistent with the status→type table', () => {
    for (const row of Object.values(ERROR_ROWS)) {
      if (row.status && row.errorType && ERROR_TYPE_BY_STATUS[row.status]) {
        expect(row.errorType).toBe(ERROR_TYPE_BY_STATUS[row.status]);
      }
      expect(row.title.length).toBeGreaterThan(0);
      expect(row.docsUrl).toMatch(/^https:\/\//);
    }
    expect(ERROR_ROWS.spend_cap.retryable).toBe(false);
    expect(ERROR_ROWS.rate_limit.retryable).toBe(true);
    expect(ERROR_ROWS.overloaded.retryable).toBe(true);
    expect(ERROR_ROWS.request_too_large.retryable).toBe(false);
  });
});
