import { describe, expect, it } from 'vitest';
import {
  CURRENT_MODELS, ERROR_ROWS, FACTS_CHECKED, RETIRED_MODELS, lookupModel, currentModelIds,
  SUCCESSOR_BY_FAMILY, ERROR_TYPE_BY_STATUS, DOCS, DOCS_BASE, FACTS_SOURCES, MODEL_LIFECYCLE, lifecycleOf,
  PLATFORM_RETIREMENT_NOTE, API_VERSION_2026_10_21, BATCHES, SDK, HEADERS, MESSAGE_MARKERS,
} from '../../../src/core/data/api-facts';

describe('api-facts data module', () => {
  it('is dated', () => {
    expect(FACTS_CHECKED).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each([
    ['claude-opus-5-5', 128_000], ['claude-sonnet-5', 128_000], ['claude-mythos-preview', 128_000],
    ['claude-opus-4-8', 128_000], ['claude-opus-4-6', 128_000], ['claude-sonnet-4-6', 128_000],
    ['claude-opus-4-5', 64_000], ['claude-sonnet-4-5-20250929', 64_000], ['claude-haiku-4-5-20251001', 64_000],
  ])('%s is current (on 2026-06-01) with a %i output cap', (id, cap) => {
    const s = lookupModel(id, '2026-06-01');
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
    const ids = currentModelIds('2026-12-03');
    expect(ids).not.toContain('claude-mythos-preview');
    expect(ids).not.toContain('claude-sonnet-4-5');
    expect(ids).toContain('claude-opus-4-5');
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

  it('is dated December 2026 and names its sources on the current docs host', () => {
    expect(FACTS_CHECKED >= '2026-12-01').toBe(true);
    expect(FACTS_SOURCES.length).toBeGreaterThan(3);
    // The pages the December 2026 rules rest on: the 2026-10-21 migration and the Haiku 5.5 / Fable 5 model pages.
    for (const page of ['api/migration-2026-10-21', 'about-claude/models/haiku-5-5', 'about-claude/models/fable-5']) {
      expect(FACTS_SOURCES).toContain(`${DOCS_BASE}/${page}`);
    }
    expect(DOCS_BASE).toBe('https://platform.claude.com/docs/en');
    for (const [k, url] of Object.entries(DOCS)) {
      if (/console|billing|keys|statusPage/.test(k)) continue;
      expect(url.startsWith(`${DOCS_BASE}/`), k).toBe(true);
    }
    for (const row of Object.values(ERROR_ROWS)) expect(row.docsUrl).not.toMatch(/docs\.claude\.com|docs\.anthropic\.com/);
  });

  it.each(['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'])('%s: 1M context, 128K output', (id) => {
    const s = lookupModel(id, '2026-12-03');
    expect(s.kind).toBe('current');
    if (s.kind === 'current') {
      expect(s.model.contextTokens).toBe(1_000_000);
      expect(s.model.maxOutputTokens).toBe(128_000);
    }
  });

  it('thinking per model: adaptive, always on, rejects disabled, rejects a manual budget', () => {
    const th = (id: string) => CURRENT_MODELS.find((m) => m.id === id)!.thinking;
    expect(th('claude-sonnet-5-5').mode).toBe('adaptive');
    expect(th('claude-haiku-5-5')).toMatchObject({ mode: 'adaptive', rejectsBudget: true });
    expect(th('claude-opus-5-5').mode).toBe('always-on');
    expect(th('claude-fable-5-1').mode).toBe('always-on');
    expect(th('claude-fable-5')).toMatchObject({ rejectsDisabled: true, rejectsBudget: true });
    expect(th('claude-mythos-5')).toMatchObject({ rejectsDisabled: true, rejectsBudget: true });
    expect(th('claude-opus-4-8')).toMatchObject({ rejectsDisabled: false, rejectsBudget: false });
    expect(th('claude-opus-4-6').enabledDeprecated).toBe(true);
    expect(th('claude-mythos-preview').enabledDeprecated).toBe(true);
    const haiku = CURRENT_MODELS.find((m) => m.id === 'claude-haiku-5-5')!;
    expect(haiku).toMatchObject({ rejectsSampling: true, prefill: false, rejectsLegacyComputerUse: true, rejectsEditedThinkingHistory: true });
  });

  it('deprecations with dates and successors, date-aware', () => {
    expect(lifecycleOf('claude-opus-4-5', '2026-11-22')!.phase).toBe('active');
    expect(lifecycleOf('claude-opus-4-5', '2026-11-23')!.phase).toBe('deprecated');
    expect(lifecycleOf('claude-opus-4-5-20251101', '2026-12-03')).toMatchObject({ phase: 'deprecated', daysToRetirement: 50 });
    expect(lookupModel('claude-opus-4-5', '2027-01-21').kind).toBe('current');
    expect(lookupModel('claude-opus-4-5', '2027-01-22')).toMatchObject({ kind: 'retired', successor: 'claude-opus-5-5', retiredOn: '2027-01-22' });
    expect(lookupModel('claude-mythos-preview', '2026-06-29').kind).toBe('current');
    expect(lookupModel('claude-mythos-preview', '2026-06-30')).toMatchObject({ kind: 'retired', successor: 'claude-mythos-5' });
    expect(lookupModel('claude-sonnet-4-5-20250929', '2026-12-03')).toMatchObject({ kind: 'retired', successor: 'claude-sonnet-5-5', retiredOn: '2026-11-30' });
    expect(lookupModel('claude-haiku-4-5', '2026-12-03').kind).toBe('current');
    for (const e of MODEL_LIFECYCLE) expect(lookupModel(e.successor, e.retiresOn).kind).toBe('current');
    expect(PLATFORM_RETIREMENT_NOTE).toMatch(/Bedrock/);
    expect(PLATFORM_RETIREMENT_NOTE).toMatch(/Vertex/);
  });

  it('2026-10-21 breaking changes, Python SDK 1.0, retry differences, batches, unified headers', () => {
    expect(API_VERSION_2026_10_21.breakingChanges.map((c) => c.id)).toEqual(['sampling-params', 'document-in-assistant', 'citations-in-user']);
    expect(API_VERSION_2026_10_21.xApiKeyAccepted).toBe(true);
    expect(SDK.python.samplingRemovedInMajor).toBe(1);
    expect(SDK.python.apiVersionByMajor[1]).toBe('2023-06-01');
    expect(SDK.python.samplingTypeError).toMatch(/^TypeError: .*unexpected keyword argument 'temperature'/);
    expect(SDK.python.samplingWorkaround).toBe('extra_body');
    expect(SDK.python.retryAfterMaxS).toBe(60);
    expect(SDK.ts.retryAfterAnyValueSince).toBe('0.79.0');
    expect(SDK.python.midStreamErrorStatusCode).toBe(200);
    expect(SDK.python.platformErrorClasses.AnthropicVertex[504]).toBe('DeadlineExceededError');
    expect(BATCHES).toMatchObject({ maxRequests: 100_000, maxBytes: 256 * 1024 * 1024, expiresAfterHours: 24, resultsKeptDays: 29 });
    expect(BATCHES.resultTypes).toEqual(['succeeded', 'errored', 'canceled', 'expired']);
    expect(HEADERS.rateLimitUnifiedPrefix).toBe('anthropic-ratelimit-unified-');
    expect(MESSAGE_MARKERS.uniqueConflict).toBe('must be unique');
  });

  it('error rows for the December 2026 errors', () => {
    expect(ERROR_ROWS.cors.nextStep).not.toMatch(/dangerous-direct-browser-access/);
    expect(ERROR_ROWS.cors.explanation).toMatch(/organization/);
    expect(ERROR_ROWS.authentication.explanation).toMatch(/expired/);
    expect(ERROR_ROWS.workspace_spend_limit).toMatchObject({ status: 429, retryable: false });
    expect(ERROR_ROWS.conflict_unique).toMatchObject({ status: 409, retryable: false });
    expect(ERROR_ROWS.conflict.retryable).toBe(true);
    expect(ERROR_ROWS.stream_error.sdkNotes!.join(' ')).toMatch(/status_code == 200/);
    expect(ERROR_ROWS.unavailable.sdkNotes!.join(' ')).toMatch(/InternalServerError/);
  });
});
