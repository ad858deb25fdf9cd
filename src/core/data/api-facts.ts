/**
 * The Claude API contract as data: status codes, models, request rules, SDK behaviour.
 *
 * The API drifts. Every table that encodes a fact about it lives here, in this one module,
 * so a refresh is a one-file change. Source: shared/claude-api-facts.md, checked against the
 * published `@anthropic-ai/sdk` 1.12.0 and Anthropic's public docs.
 */

export const FACTS_CHECKED = '2026-11-23';
export const FACTS_SDK_BASELINE = '@anthropic-ai/sdk 1.12.0';

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

export const DOCS = {
  errors: 'https://docs.claude.com/en/api/errors',
  rateLimits: 'https://docs.claude.com/en/api/rate-limits',
  models: 'https://docs.claude.com/en/docs/about-claude/models/overview',
  deprecations: 'https://docs.claude.com/en/docs/about-claude/model-deprecations',
  streaming: 'https://docs.claude.com/en/docs/build-with-claude/streaming',
  messages: 'https://docs.claude.com/en/api/messages',
  migrateCompletions: 'https://docs.claude.com/en/api/migrating-from-text-completions-to-messages',
  console: 'https://console.anthropic.com/settings/limits',
  billing: 'https://console.anthropic.com/settings/billing',
  keys: 'https://console.anthropic.com/settings/keys',
  statusPage: 'https://status.claude.com',
} as const;

export const STATUS_PAGE = {
  statusJson: 'https://status.claude.com/api/v2/status.json',
  summaryJson: 'https://status.claude.com/api/v2/summary.json',
  componentsJson: 'https://status.claude.com/api/v2/components.json',
  unresolvedIncidentsJson: 'https://status.claude.com/api/v2/incidents/unresolved.json',
  apiComponentName: 'Claude API (api.anthropic.com)',
} as const;

// ---------------------------------------------------------------------------------------------
// Status → error type → what to do (facts §1)
// ---------------------------------------------------------------------------------------------

/** Who has to act. */
export type Fault = 'you' | 'anthropic' | 'network' | 'limit';

export type ErrorCategory =
  | 'ok'
  | 'invalid_request'
  | 'usage_limit'
  | 'authentication'
  | 'cors'
  | 'billing'
  | 'permission'
  | 'not_found'
  | 'request_timeout'
  | 'conflict'
  | 'request_too_large'
  | 'unprocessable'
  | 'rate_limit'
  | 'spend_cap'
  | 'api_error'
  | 'bad_gateway'
  | 'unavailable'
  | 'gateway_timeout'
  | 'overloaded'
  | 'server_error'
  | 'connection'
  | 'timeout'
  | 'stream_error'
  | 'aborted'
  | 'unknown';

export interface ErrorRow {
  category: ErrorCategory;
  /** HTTP status this row is keyed on; undefined for transport failures. */
  status?: number;
  /** The `error.type` the API sends with it, when it sends one. */
  errorType?: string;
  retryable: boolean;
  fault: Fault;
  title: string;
  explanation: string;
  nextStep: string;
  docsUrl: string;
}

/** One row per category. Classification order: status, then error.type, then details.error_code. */
export const ERROR_ROWS: Record<ErrorCategory, ErrorRow> = {
  ok: {
    category: 'ok', status: 200, retryable: false, fault: 'you',
    title: 'Success',
    explanation: 'The API answered normally.',
    nextStep: 'Nothing to do.',
    docsUrl: DOCS.messages,
  },
  invalid_request: {
    category: 'invalid_request', status: 400, errorType: 'invalid_request_error', retryable: false, fault: 'you',
    title: 'Invalid request',
    explanation: 'The API rejected the request body. Retrying the same request will fail the same way.',
    nextStep: 'Read the error message: it names the field to fix (for example `max_tokens`, `messages`, `model`).',
    docsUrl: DOCS.errors,
  },
  usage_limit: {
    category: 'usage_limit', status: 400, errorType: 'invalid_request_error', retryable: false, fault: 'limit',
    title: 'Usage limit reached',
    explanation: 'Your organization reached the spend limit it set for itself.',
    nextStep: 'Raise the usage limit in the Console (Settings → Limits), or wait for the period to reset.',
    docsUrl: DOCS.console,
  },
  authentication: {
    category: 'authentication', status: 401, errorType: 'authentication_error', retryable: false, fault: 'you',
    title: 'Authentication failed',
    explanation: 'The API key was not accepted: empty, has whitespace or a newline, sent in the wrong header, does not match the base URL, or was revoked.',
    nextStep: 'Check the key (length, prefix, no stray whitespace) and the header form; create a new key in the Console if it was revoked.',
    docsUrl: DOCS.keys,
  },
  cors: {
    category: 'cors', status: 401, errorType: 'authentication_error', retryable: false, fault: 'you',
    title: 'Browser request blocked (CORS)',
    explanation: 'The request carried a browser `Origin` header. Direct browser access is refused unless explicitly allowed.',
    nextStep: 'Call the API from a server, or opt in with the `anthropic-dangerous-direct-browser-access` header (never ship a key to browsers).',
    docsUrl: DOCS.errors,
  },
  billing: {
    category: 'billing', status: 402, errorType: 'billing_error', retryable: false, fault: 'you',
    title: 'Billing problem',
    explanation: 'The account has a billing issue (no payment method, failed payment or no credit).',
    nextStep: 'Fix billing in the Console.',
    docsUrl: DOCS.billing,
  },
  permission: {
    category: 'permission', status: 403, errorType: 'permission_error', retryable: false, fault: 'you',
    title: 'Permission denied',
    explanation: 'The key is valid but has no access to this model or endpoint.',
    nextStep: 'Use a model/endpoint your organization has access to, or ask an admin to grant it.',
    docsUrl: DOCS.errors,
  },
  not_found: {
    category: 'not_found', status: 404, errorType: 'not_found_error', retryable: false, fault: 'you',
    title: 'Not found',
    explanation: 'Usually a retired or misspelled model id (the message reads `model: <id>`), or a wrong path/base URL.',
    nextStep: 'Use a current model id (see the models overview) and check the base URL.',
    docsUrl: DOCS.models,
  },
  request_timeout: {
    category: 'request_timeout', status: 408, retryable: true, fault: 'network',
    title: 'Request timeout',
    explanation: 'The request took too long to arrive or be processed.',
    nextStep: 'Retry with backoff; for long generations use streaming.',
    docsUrl: DOCS.errors,
  },
  conflict: {
    category: 'conflict', status: 409, errorType: 'conflict_error', retryable: true, fault: 'anthropic',
    title: 'Conflict',
    explanation: 'A lock or concurrent-modification timeout on the server side.',
    nextStep: 'Retry with backoff.',
    docsUrl: DOCS.errors,
  },
  request_too_large: {
    category: 'request_too_large', status: 413, errorType: 'request_too_large', retryable: false, fault: 'you',
    title: 'Request too large',
    explanation: 'The body is over the size limit: 32 MB for Messages and count_tokens, 256 MB for Batches, 500 MB for Files. Often sent by the CDN, not as JSON.',
    nextStep: 'Shrink the request: fewer or smaller images/documents, use the Files API, or split the work.',
    docsUrl: DOCS.errors,
  },
  unprocessable: {
    category: 'unprocessable', status: 422, retryable: false, fault: 'you',
    title: 'Unprocessable request',
    explanation: 'The request was well-formed but could not be processed.',
    nextStep: 'Read the error message and fix the request.',
    docsUrl: DOCS.errors,
  },
  rate_limit: {
    category: 'rate_limit', status: 429, errorType: 'rate_limit_error', retryable: true, fault: 'limit',
    title: 'Rate limited',
    explanation: 'Your organization went over its requests-per-minute, input- or output-tokens-per-minute, or acceleration limit.',
    nextStep: 'Wait at least `retry-after`, then retry; smooth your traffic or ask for a higher tier.',
    docsUrl: DOCS.rateLimits,
  },
  spend_cap: {
    category: 'spend_cap', status: 429, errorType: 'rate_limit_error', retryable: false, fault: 'limit',
    title: 'Monthly spend cap reached',
    explanation: 'Your tier\'s monthly spend cap is enforced (`enforced_spend_limit_reached`). Retrying cannot help until it clears.',
    nextStep: 'It clears at 00:00 UTC on the 1st of the month or on a tier upgrade; upgrade in the Console.',
    docsUrl: DOCS.rateLimits,
  },
  api_error: {
    category: 'api_error', status: 500, errorType: 'api_error', retryable: true, fault: 'anthropic',
    title: 'Internal server error',
    explanation: 'An unexpected error inside Anthropic\'s systems.',
    nextStep: 'Retry with backoff. If it persists for minutes, check the status page.',
    docsUrl: DOCS.errors,
  },
  bad_gateway: {
    category: 'bad_gateway', status: 502, retryable: true, fault: 'anthropic',
    title: 'Bad gateway',
    explanation: 'A proxy or gateway between you and the API failed (the body is often HTML).',
    nextStep: 'Retry with backoff; if you use your own proxy or gateway, check it.',
    docsUrl: DOCS.errors,
  },
  unavailable: {
    category: 'unavailable', status: 503, retryable: true, fault: 'anthropic',
    title: 'Service unavailable',
    explanation: 'The service or a gateway in front of it is temporarily unavailable.',
    nextStep: 'Retry with backoff; check the status page if it persists.',
    docsUrl: DOCS.errors,
  },
  gateway_timeout: {
    category: 'gateway_timeout', status: 504, errorType: 'timeout_error', retryable: true, fault: 'anthropic',
    title: 'Gateway timeout',
    explanation: 'The request took too long upstream.',
    nextStep: 'Retry; for long generations use streaming so tokens arrive as they are produced.',
    docsUrl: DOCS.streaming,
  },
  overloaded: {
    category: 'overloaded', status: 529, errorType: 'overloaded_error', retryable: true, fault: 'anthropic',
    title: 'Overloaded',
    explanation: 'The API is temporarily over capacity across all users. This is not your rate limit.',
    nextStep: 'Retry a few times with jittered backoff; consider a fallback model. Check the status page for context.',
    docsUrl: DOCS.errors,
  },
  server_error: {
    category: 'server_error', retryable: true, fault: 'anthropic',
    title: 'Server error',
    explanation: 'The server answered with a 5xx status.',
    nextStep: 'Retry with backoff; check the status page if it persists.',
    docsUrl: DOCS.errors,
  },
  connection: {
    category: 'connection', retryable: true, fault: 'network',
    title: 'Connection failed',
    explanation: 'The request never got an HTTP answer: connection refused or reset, DNS or TLS failure.',
    nextStep: 'Check network, proxy, firewall and the base URL; retry with backoff.',
    docsUrl: DOCS.errors,
  },
  timeout: {
    category: 'timeout', retryable: true, fault: 'network',
    title: 'Timed out',
    explanation: 'No answer within the per-attempt timeout. A retried POST after a timeout may be generated and billed twice (there is no idempotency key).',
    nextStep: 'Retry with backoff; for long generations use streaming or raise the timeout.',
    docsUrl: DOCS.streaming,
  },
  stream_error: {
    category: 'stream_error', retryable: true, fault: 'anthropic',
    title: 'Error inside the stream',
    explanation: 'The response started with HTTP 200, then an `event: error` arrived inside the stream.',
    nextStep: 'Retry only if no content had arrived yet; otherwise keep or discard the partial text explicitly.',
    docsUrl: DOCS.streaming,
  },
  aborted: {
    category: 'aborted', retryable: false, fault: 'you',
    title: 'Cancelled',
    explanation: 'The run was cancelled before it finished.',
    nextStep: 'Run it again when ready.',
    docsUrl: DOCS.errors,
  },
  unknown: {
    category: 'unknown', retryable: false, fault: 'you',
    title: 'Unexpected response',
    explanation: 'The response did not match any known error shape.',
    nextStep: 'Look at the status code, headers and body; report it with the request id.',
    docsUrl: DOCS.errors,
  },
};

/** Status codes the official SDK retries (plus every status ≥ 500). */
export const SDK_RETRYABLE_STATUSES: readonly number[] = [408, 409, 429];
/** `error.details.error_code` of the monthly spend-cap 429: never retryable. */
export const SPEND_CAP_ERROR_CODE = 'enforced_spend_limit_reached';
/**
 * The only two documented cases told apart by message text (facts §1); everything else is
 * classified by status, `error.type` and `error.details.error_code`, never by wording.
 */
export const MESSAGE_MARKERS = {
  /** 400 `invalid_request_error` with this message: the spend limit the org set for itself. */
  usageLimit: 'You have reached your specified API usage limits',
  /** 401 whose message starts with this: the request carried a browser `Origin` header. */
  corsPrefix: 'CORS requests are not allowed',
} as const;
/** Error types by status, as the API sends them. */
export const ERROR_TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Size limits of request bodies in bytes (413 above). */
export const BODY_LIMITS = {
  messages: 32 * 1024 * 1024,
  countTokens: 32 * 1024 * 1024,
  batches: 256 * 1024 * 1024,
  files: 500 * 1024 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------
// SDK behaviour (facts §3–5)
// ---------------------------------------------------------------------------------------------

export const SDK = {
  ts: {
    defaultMaxRetries: 2,
    defaultTimeoutMs: 600_000,
    /** Non-streaming create without explicit timeout throws locally above this. */
    nonStreamingMaxTokensGuard: 21_333,
    /** First version that has `OverloadedError`. */
    overloadedErrorSince: '1.5.0',
    /** Major version → API version header and auth header form. */
    apiVersionByMajor: { 0: '2023-06-01', 1: '2026-10-21' } as Record<number, string>,
    authHeaderByMajor: { 0: 'x-api-key', 1: 'bearer' } as Record<number, 'x-api-key' | 'bearer'>,
    /** 1.x removed these. */
    removedInV1: ['completions', 'temperature', 'top_p', 'top_k'] as const,
  },
  python: {
    defaultMaxRetries: 2,
    defaultTimeoutMs: 600_000,
    defaultConnectTimeoutMs: 5_000,
    apiVersionByMajor: { 1: '2023-06-01', 2: '2026-10-21' } as Record<number, string>,
    authHeaderByMajor: { 1: 'x-api-key', 2: 'bearer' } as Record<number, 'x-api-key' | 'bearer'>,
  },
  backoff: {
    initialDelayS: 0.5,
    maxDelayS: 8,
    /** SDK jitter: delay × (1 − jitterFraction·random). */
    jitterFraction: 0.25,
    /** retry-after values are honoured only when 0 < ms ≤ this. */
    maxRetryAfterMs: 2 ** 31 - 1,
  },
} as const;

export const API_VERSIONS = {
  legacy: '2023-06-01',
  current: '2026-10-21',
} as const;

export const HEADERS = {
  requestId: 'request-id',
  retryAfter: 'retry-after',
  retryAfterMs: 'retry-after-ms',
  shouldRetry: 'x-should-retry',
  retryCount: 'x-stainless-retry-count',
  timeout: 'x-stainless-timeout',
  anthropicVersion: 'anthropic-version',
  apiKey: 'x-api-key',
  authorization: 'authorization',
  rateLimitPrefix: 'anthropic-ratelimit-',
  /** anthropic-ratelimit-{kind}-{limit,remaining,reset} */
  rateLimitKinds: ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const,
} as const;

/** Key prefixes by credential kind (used only to check a key's shape, never to print it). */
export const KEY_PREFIXES = {
  api: 'sk-ant-api',
  admin: 'sk-ant-admin',
  oauth: 'sk-ant-oat',
} as const;

// ---------------------------------------------------------------------------------------------
// Request rules (facts §6)
// ---------------------------------------------------------------------------------------------

export const REQUEST_RULES = {
  maxMessages: 100_000,
  minThinkingBudget: 1024,
  /** Under this API version any temperature/top_p/top_k is a 400. */
  samplingRejectedFromApiVersion: '2026-10-21',
  /** Under 2023-06-01, 4.7+ models accept only these sampling values. */
  strictSampling: { temperature: 1.0, minTopP: 0.99, topK: false },
} as const;

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'fable' | 'mythos';

export interface CurrentModel {
  id: string;
  /** Dated snapshot ids that are the same model. */
  aliases?: string[];
  family: ModelFamily;
  /** Generation, e.g. 4.5, 4.6, 5, 5.5. */
  generation: number;
  maxOutputTokens: number;
  /** A `role: "system"` message after a user turn (not first). */
  midConversationSystem: 'yes' | 'no' | 'unverified';
  /** A final assistant message (prefill) is accepted. */
  prefill: boolean;
  /** Sampling behaviour under anthropic-version 2023-06-01. */
  legacySampling: 'free' | 'no-temperature-with-top-p' | 'strict';
  /** Date after which requests fail (404), when announced. */
  endOfLife?: string;
}

const K128 = 128_000;
const K64 = 64_000;

function m(id: string, family: ModelFamily, generation: number, extra: Partial<CurrentModel> = {}): CurrentModel {
  const v5 = generation >= 5;
  const ge46 = generation >= 4.6;
  return {
    id,
    family,
    generation,
    maxOutputTokens: ge46 ? K128 : K64,
    midConversationSystem: v5 ? 'yes' : generation >= 4.8 ? 'yes' : 'no',
    prefill: !ge46,
    legacySampling: generation >= 4.7 ? 'strict' : generation <= 4.5 ? 'no-temperature-with-top-p' : 'free',
    ...extra,
  };
}

/** Model ids current in SDK 1.12.0. Matched exactly, never by prefix. */
export const CURRENT_MODELS: readonly CurrentModel[] = [
  m('claude-opus-5-5', 'opus', 5.5),
  m('claude-sonnet-5-5', 'sonnet', 5.5),
  m('claude-haiku-5-5', 'haiku', 5.5),
  m('claude-fable-5-2', 'fable', 5.2),
  m('claude-fable-5-1', 'fable', 5.1),
  m('claude-fable-5', 'fable', 5),
  m('claude-mythos-5-2', 'mythos', 5.2),
  m('claude-mythos-5-1', 'mythos', 5.1),
  m('claude-mythos-5', 'mythos', 5),
  m('claude-mythos-preview', 'mythos', 5),
  m('claude-opus-5', 'opus', 5),
  m('claude-sonnet-5', 'sonnet', 5, { midConversationSystem: 'unverified' }),
  m('claude-opus-4-8', 'opus', 4.8),
  m('claude-opus-4-7', 'opus', 4.7),
  m('claude-opus-4-6', 'opus', 4.6),
  m('claude-sonnet-4-6', 'sonnet', 4.6),
  m('claude-haiku-4-5', 'haiku', 4.5, { aliases: ['claude-haiku-4-5-20251001'] }),
  m('claude-opus-4-5', 'opus', 4.5, { aliases: ['claude-opus-4-5-20251101'] }),
  m('claude-sonnet-4-5', 'sonnet', 4.5, { aliases: ['claude-sonnet-4-5-20250929'], endOfLife: '2026-11-30' }),
];

/** The newest model of each tier: what retired ids migrate to. */
export const SUCCESSOR_BY_FAMILY: Readonly<Record<'opus' | 'sonnet' | 'haiku', string>> = {
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
};

/** Retired ids (requests return 404 `model: <id>`), each with its suggested successor. */
export const RETIRED_MODELS: Readonly<Record<string, string>> = {
  'claude-3-opus-20240229': SUCCESSOR_BY_FAMILY.opus,
  'claude-3-opus-latest': SUCCESSOR_BY_FAMILY.opus,
  'claude-3-sonnet-20240229': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-3-haiku-20240307': SUCCESSOR_BY_FAMILY.haiku,
  'claude-3-5-sonnet-20240620': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-3-5-sonnet-20241022': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-3-5-sonnet-latest': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-3-5-haiku-20241022': SUCCESSOR_BY_FAMILY.haiku,
  'claude-3-5-haiku-latest': SUCCESSOR_BY_FAMILY.haiku,
  'claude-3-7-sonnet-20250219': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-3-7-sonnet-latest': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-2': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-2.0': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-2.1': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-instant-1': SUCCESSOR_BY_FAMILY.haiku,
  'claude-instant-1.1': SUCCESSOR_BY_FAMILY.haiku,
  'claude-instant-1.2': SUCCESSOR_BY_FAMILY.haiku,
  'claude-sonnet-4-20250514': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-sonnet-4-0': SUCCESSOR_BY_FAMILY.sonnet,
  'claude-opus-4-20250514': SUCCESSOR_BY_FAMILY.opus,
  'claude-opus-4-0': SUCCESSOR_BY_FAMILY.opus,
  'claude-opus-4-1': SUCCESSOR_BY_FAMILY.opus,
  'claude-opus-4-1-20250805': SUCCESSOR_BY_FAMILY.opus,
};

/**
 * Whole-id shapes of retired families ("every Claude 3.x id", `claude-2*`, `claude-instant*`,
 * `claude-opus-4-1*`), anchored at both ends so they never match by prefix.
 */
export const RETIRED_MODEL_PATTERNS: readonly { pattern: RegExp; successor: string }[] = [
  { pattern: /^claude-3(?:-[0-9])?-opus-(?:\d{8}|latest)$/, successor: SUCCESSOR_BY_FAMILY.opus },
  { pattern: /^claude-3(?:-[0-9])?-sonnet-(?:\d{8}|latest)$/, successor: SUCCESSOR_BY_FAMILY.sonnet },
  { pattern: /^claude-3(?:-[0-9])?-haiku-(?:\d{8}|latest)$/, successor: SUCCESSOR_BY_FAMILY.haiku },
  { pattern: /^claude-2(?:\.\d+)?(?:-\d{8})?$/, successor: SUCCESSOR_BY_FAMILY.sonnet },
  { pattern: /^claude-instant-1(?:\.\d+)?(?:-\d{8})?$/, successor: SUCCESSOR_BY_FAMILY.haiku },
  { pattern: /^claude-opus-4-1-\d{8}$/, successor: SUCCESSOR_BY_FAMILY.opus },
];

export type ModelStatus =
  | { kind: 'current'; model: CurrentModel }
  | { kind: 'retired'; successor: string }
  | { kind: 'unknown' };

const currentById = new Map<string, CurrentModel>();
for (const model of CURRENT_MODELS) {
  currentById.set(model.id, model);
  for (const alias of model.aliases ?? []) currentById.set(alias, model);
}

/** Exact lookup of a model id. Dotted names (`claude-sonnet-4.5`) are unknown, not retired. */
export function lookupModel(id: string): ModelStatus {
  const current = currentById.get(id);
  if (current) return { kind: 'current', model: current };
  const successor = RETIRED_MODELS[id];
  if (successor) return { kind: 'retired', successor };
  for (const { pattern, successor: s } of RETIRED_MODEL_PATTERNS) {
    if (pattern.test(id)) return { kind: 'retired', successor: s };
  }
  return { kind: 'unknown' };
}

/** Current model ids (no dated aliases), newest first: for pickers and `GET /v1/models`. */
export function currentModelIds(): string[] {
  return CURRENT_MODELS.map((x) => x.id);
}

/** A cheap model for connection tests. */
export const DEFAULT_TEST_MODEL = 'claude-haiku-4-5';
/** Test requests ask for almost nothing: cost and noise. */
export const TEST_MAX_TOKENS = 8;
