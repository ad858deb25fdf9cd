/**
 * The rule catalogue: every rule the analyzer runs, in the order the README and the settings list
 * them. `RuleId` is derived from it; the settings schema and the README table are generated from it
 * (`npm run rules:sync`, checked by test/unit/analyzer/catalogue.test.ts).
 */
import missingMaxTokens from './missing-max-tokens';
import systemMessageFirst from './system-message-first';
import systemMessageUnsupported from './system-message-unsupported';
import maxTokensOverLimit from './max-tokens-over-limit';
import retiredModel from './retired-model';
import unknownModel from './unknown-model';
import samplingParamsRejected from './sampling-params-rejected';
import contentBlocksRejected from './content-blocks-rejected';
import assistantPrefillUnsupported from './assistant-prefill-unsupported';
import thinkingRejected from './thinking-rejected';
import thinkingAdaptiveModel from './thinking-adaptive-model';
import emptyMessages from './empty-messages';
import legacyCompletionsApi from './legacy-completions-api';
import hardcodedApiKey from './hardcoded-api-key';
import retryNonRetryable from './retry-non-retryable';
import retryWithoutJitter from './retry-without-jitter';
import overloadedNotCaught from './overloaded-not-caught';
import streamOverloadedNotCaught from './stream-overloaded-not-caught';
import nonstreamingLongRequest from './nonstreaming-long-request';
import noRetry from './no-retry';
import browserExposedKey from './browser-exposed-key';
import keyLogged from './key-logged';
import requestOptionInBody from './request-option-in-body';
import syncClientInAsync from './sync-client-in-async';
import stackedRetries from './stacked-retries';
import streamRetryCatchesNothing from './stream-retry-catches-nothing';
import retryAfterAttribute from './retry-after-attribute';
import raceTimeoutNoAbort from './race-timeout-no-abort';
import syntaxErrors from './syntax-errors';
import type { RuleModule } from './rule';

const CATALOGUE = [
  missingMaxTokens,
  systemMessageFirst,
  systemMessageUnsupported,
  maxTokensOverLimit,
  retiredModel,
  unknownModel,
  samplingParamsRejected,
  contentBlocksRejected,
  assistantPrefillUnsupported,
  thinkingRejected,
  thinkingAdaptiveModel,
  emptyMessages,
  legacyCompletionsApi,
  hardcodedApiKey,
  retryNonRetryable,
  retryWithoutJitter,
  overloadedNotCaught,
  streamOverloadedNotCaught,
  nonstreamingLongRequest,
  noRetry,
  browserExposedKey,
  keyLogged,
  requestOptionInBody,
  syncClientInAsync,
  stackedRetries,
  streamRetryCatchesNothing,
  retryAfterAttribute,
  raceTimeoutNoAbort,
  syntaxErrors,
] as const;

export type RuleId = (typeof CATALOGUE)[number]['id'];

/** Every rule, in catalogue order (what each rule's `check` notes is typed inside its module). */
export const RULES: readonly RuleModule<RuleId, unknown>[] = CATALOGUE;

export const RULE_BY_ID: ReadonlyMap<string, RuleModule<RuleId, unknown>> = new Map(RULES.map((r) => [r.id, r]));

export type { RuleModule, RuleMeta, FixSummary, Anchor, RuleLanguage } from './rule';
