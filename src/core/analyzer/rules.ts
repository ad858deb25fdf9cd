import type { RuleId, Severity } from './types';

export interface RuleInfo {
  id: RuleId;
  defaultSeverity: Severity;
  description: string;
  docsPath: string;
}

const r = (id: RuleId, defaultSeverity: Severity, description: string): RuleInfo => ({ id, defaultSeverity, description, docsPath: `docs/rules/${id}.md` });

export const RULES: readonly RuleInfo[] = [
  r('missing-max-tokens', 'error', 'messages.create without max_tokens: the API answers 400 "max_tokens: Field required".'),
  r('system-message-first', 'error', 'A role "system" message first in messages: the system prompt belongs in the top-level system parameter.'),
  r('system-message-unsupported', 'error', 'A role "system" message later in the conversation on a model or platform that rejects it (400 Unexpected role "system").'),
  r('max-tokens-over-limit', 'error', 'max_tokens above the model\'s output cap, or not above thinking.budget_tokens: 400.'),
  r('retired-model', 'error', 'A retired model id: the API answers 404 "model: <id>". Fix: its successor.'),
  r('unknown-model', 'warning', 'A model id that is neither current nor retired (misspelled, dotted, invented): expect 404.'),
  r('sampling-params-rejected', 'error', 'temperature/top_p/top_k that the API version or model rejects with a 400.'),
  r('assistant-prefill-unsupported', 'error', 'A final assistant message (prefill) on Claude 4.6 and later: 400.'),
  r('empty-messages', 'error', 'An empty messages list: 400.'),
  r('legacy-completions-api', 'warning', 'Legacy Text Completions (completions.create, prompt, max_tokens_to_sample): removed from the TS SDK 1.0; migrate to Messages.'),
  r('hardcoded-api-key', 'warning', 'A Claude API key literal in source: read it from ANTHROPIC_API_KEY instead.'),
  r('retry-non-retryable', 'warning', 'A hand-written retry that also retries 400/401/403/404/413, which fail the same way every time.'),
  r('retry-without-jitter', 'warning', 'A retry sleep that is fixed or purely exponential: clients retry in lockstep. Use full jitter.'),
  r('overloaded-not-caught', 'warning', 'A handler that misses 529 overloaded errors (Python OverloadedError is not an InternalServerError), or uses OverloadedError where the SDK has none.'),
  r('nonstreaming-long-request', 'error', 'TS SDK: non-streaming create with max_tokens > 21333 and no timeout throws locally before sending.'),
  r('no-retry', 'warning', 'maxRetries/max_retries 0 with no retry around the calls: every 429/529 reaches the user.'),
];

export const RULE_BY_ID: ReadonlyMap<RuleId, RuleInfo> = new Map(RULES.map((x) => [x.id, x]));
