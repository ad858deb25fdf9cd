/**
 * The Claude API contract as data: status codes, models, request rules, SDK behaviour.
 *
 * The API drifts. Every table that encodes a fact about it lives here, in this one module,
 * so a refresh is a one-file change. Source: shared/claude-api-facts.md (its "December 2026
 * update" wins where it disagrees with the older sections), checked against the published
 * `@anthropic-ai/sdk` 1.12.0, the Python SDK `anthropic` sources and Anthropic's public docs.
 *
 * Long on purpose: this is one cohesive, dated data table (`FACTS_CHECKED` below), not logic, so
 * it stays a single file past the ~400-line guideline — splitting it would spread one refresh
 * over several files. Sections: links, status rows, SDK behaviour, request rules and models.
 */

export const FACTS_CHECKED = '2026-12-04';
export const FACTS_SDK_BASELINE = '@anthropic-ai/sdk 1.12.0';
/** Where the facts below come from (public pages and SDK sources as stored in early December 2026). */
export const FACTS_SOURCES: readonly string[] = [
  'https://platform.claude.com/docs/en/api/errors',
  'https://platform.claude.com/docs/en/api/versioning',
  'https://platform.claude.com/docs/en/api/migration-2026-10-21',
  'https://platform.claude.com/docs/en/about-claude/models/haiku-5-5',
  'https://platform.claude.com/docs/en/about-claude/models/fable-5',
  'https://platform.claude.com/docs/en/about-claude/model-deprecations',
  'https://platform.claude.com/docs/en/about-claude/models/overview',
  'https://platform.claude.com/docs/en/build-with-claude/batch-processing',
  '@anthropic-ai/sdk src/client.ts, src/core/error.ts, src/resources/messages/messages.ts (MODELS_TO_WARN_WITH_THINKING_ENABLED)',
  'anthropic (Python) _base_client.py (_calculate_retry_timeout), _streaming.py, DEPRECATED_MODELS, lib/bedrock, lib/vertex',
];

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

/** The canonical docs host (December 2026): every docs link is built on it. */
export const DOCS_BASE = 'https://platform.claude.com/docs/en';

export const DOCS = {
  errors: `${DOCS_BASE}/api/errors`,
  rateLimits: `${DOCS_BASE}/api/rate-limits`,
  models: `${DOCS_BASE}/about-claude/models/overview`,
  deprecations: `${DOCS_BASE}/about-claude/model-deprecations`,
  streaming: `${DOCS_BASE}/build-with-claude/streaming`,
  messages: `${DOCS_BASE}/api/messages`,
  migrateCompletions: `${DOCS_BASE}/api/migrating-from-text-completions-to-messages`,
  versioning: `${DOCS_BASE}/api/versioning`,
  extendedThinking: `${DOCS_BASE}/build-with-claude/extended-thinking`,
  batches: `${DOCS_BASE}/build-with-claude/batch-processing`,
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

/**
 * Who has to act. `server`: the connection was made and the request sent, then the server (the
 * API or a gateway in front of it) did not answer in time. `none`: nobody's fault (a cancelled run).
 */
export type Fault = 'you' | 'anthropic' | 'network' | 'limit' | 'server' | 'none';

export type ErrorCategory =
  | 'ok'
  | 'invalid_request'
  | 'usage_limit'
  | 'workspace_spend_limit'
  | 'authentication'
  | 'cors'
  | 'billing'
  | 'permission'
  | 'not_found'
  | 'request_timeout'
  | 'conflict'
  | 'conflict_unique'
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
  /** SDK-specific notes (which exception class, which SDK version): shown with the explanation. */
  sdkNotes?: readonly string[];
  /**
   * Why a retry can never help, whatever `x-should-retry` says: set only on such rows. The
   * taxonomy never retries them and the client's verdict gives this reason.
   */
  neverRetry?: string;
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
    neverRetry: 'Not retried: a usage limit your organization set does not clear by waiting.',
  },
  authentication: {
    category: 'authentication', status: 401, errorType: 'authentication_error', retryable: false, fault: 'you',
    title: 'Authentication failed',
    explanation: 'The API key was not accepted: empty, has whitespace or a newline, sent in the wrong header, does not match the base URL, expired, or was revoked. On Claude Platform on AWS, AWS credentials in place of a key also answer 401.',
    nextStep: 'Check the key (length, prefix, no stray whitespace) and the header form; create a new key in the Console if it expired or was revoked.',
    docsUrl: DOCS.keys,
  },
  cors: {
    category: 'cors', status: 401, errorType: 'authentication_error', retryable: false, fault: 'you',
    title: 'Browser requests refused for this organization (CORS)',
    explanation: 'The request carried a browser `Origin` header and the organization refuses browser (CORS) requests: an organization-level setting (for example zero data retention). No change to the browser request fixes it.',
    nextStep: 'Call the API from your server instead of the browser; only an organization admin can change the setting that refuses browser requests.',
    docsUrl: DOCS.errors,
  },
  billing: {
    category: 'billing', status: 402, errorType: 'billing_error', retryable: false, fault: 'you',
    title: 'Billing problem',
    explanation: 'The account has a billing issue (no payment method, failed payment or no credit). Through AWS Marketplace, the subscription there may be the cause.',
    nextStep: 'Fix billing in the Console (or the AWS Marketplace subscription).',
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
  conflict_unique: {
    category: 'conflict_unique', status: 409, errorType: 'conflict_error', retryable: false, fault: 'you',
    title: 'Conflict: value already in use',
    explanation: 'A value that must be unique is already in use. Retrying sends the same value and fails the same way, although the official SDKs retry every 409.',
    nextStep: 'Use a different value (name, id) or update the existing resource instead of creating it again.',
    docsUrl: DOCS.errors,
    neverRetry: 'Not retried: a value that must be unique is already in use, so the same request fails the same way (the official SDKs, @anthropic-ai/sdk and Python anthropic, would retry it: they retry every 409).',
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
    neverRetry: 'Not retried: the monthly spend cap does not clear by waiting (the official SDKs, @anthropic-ai/sdk and Python anthropic, would retry it uselessly: they retry every 429).',
  },
  workspace_spend_limit: {
    category: 'workspace_spend_limit', status: 429, errorType: 'rate_limit_error', retryable: false, fault: 'limit',
    title: 'Workspace spend limit reached',
    explanation: 'The spend limit set on the workspace (for example a Claude Code workspace) is reached. It answers 429, not 400, but it is not a rate limit: waiting seconds does not clear it.',
    nextStep: 'Raise the workspace spend limit in the Console (Settings → Limits), or wait for the period to reset.',
    docsUrl: DOCS.console,
    neverRetry: 'Not retried: a workspace spend limit does not clear by waiting (the official SDKs would retry this 429 uselessly).',
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
    sdkNotes: [
      'Python `AnthropicBedrock` and `AnthropicVertex` raise `ServiceUnavailableError` for a 503, a class not exported at the top level that `except anthropic.InternalServerError` does not catch.',
    ],
  },
  gateway_timeout: {
    category: 'gateway_timeout', status: 504, errorType: 'timeout_error', retryable: true, fault: 'anthropic',
    title: 'Gateway timeout',
    explanation: 'The request took too long upstream.',
    nextStep: 'Retry; for long generations use streaming so tokens arrive as they are produced.',
    docsUrl: DOCS.streaming,
    sdkNotes: [
      'Python `AnthropicVertex` raises `DeadlineExceededError` for a 504, a class not exported at the top level that `except anthropic.InternalServerError` does not catch.',
    ],
  },
  overloaded: {
    category: 'overloaded', status: 529, errorType: 'overloaded_error', retryable: true, fault: 'anthropic',
    title: 'Overloaded',
    explanation: 'The API is temporarily over capacity across all users. This is not your rate limit.',
    nextStep: 'Retry a few times with jittered backoff; consider a fallback model. Check the status page for context.',
    docsUrl: DOCS.errors,
    sdkNotes: [
      'Python: `OverloadedError` subclasses `APIStatusError`, not `InternalServerError`; `AnthropicBedrock` raises `InternalServerError` for a 529 instead.',
    ],
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
    sdkNotes: [
      'TypeScript: an `APIError` whose `status` is undefined and whose `type` is the error type.',
      'Python: a plain `APIStatusError` with `status_code == 200`, so `except OverloadedError` never catches a mid-stream overload.',
      'Neither SDK retries an error inside a stream.',
    ],
  },
  aborted: {
    category: 'aborted', retryable: false, fault: 'none',
    title: 'Cancelled',
    explanation: 'The run was stopped before it finished; nothing failed.',
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
 * The only documented cases told apart by message text (facts §1 and the December 2026 update);
 * everything else is classified by status, `error.type` and `error.details.error_code`, never by
 * wording.
 */
export const MESSAGE_MARKERS = {
  /** 400 `invalid_request_error` with this message: the spend limit the org set for itself. */
  usageLimit: 'You have reached your specified API usage limits',
  /** 429 with this message: the spend limit of a (Claude Code) workspace — 429, not 400. */
  workspaceUsageLimit: 'You have reached your specified workspace API usage limits',
  /** 401 whose message starts with this: an organization that refuses browser (CORS) requests. */
  corsPrefix: 'CORS requests are not allowed',
  /** 409 whose message says this (case-insensitive): "a value that must be unique is already in use". */
  uniqueConflict: 'must be unique',
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
    /**
     * `retry-after` handling: before 0.79.0 only 0 ≤ ms < 60 s was obeyed (longer fell back to the
     * SDK's own backoff); since 0.79.0 (2026-03-16) any 0 < ms ≤ 2^31−1.
     */
    retryAfterAnyValueSince: '0.79.0',
    retryAfterAnyValueSinceDate: '2026-03-16',
    legacyRetryAfterMaxMs: 60_000,
    /** Retries once after a 401 on a request that used its token cache. */
    retriesOnceAfter401WithTokenCache: true,
    /** Its `ErrorType` union lacks these (the API sends them). */
    errorTypeUnionLacks: ['conflict_error', 'request_too_large'] as const,
  },
  python: {
    defaultMaxRetries: 2,
    defaultTimeoutMs: 600_000,
    defaultConnectTimeoutMs: 5_000,
    apiVersionByMajor: { 0: '2023-06-01', 1: '2023-06-01', 2: '2026-10-21' } as Record<number, string>,
    authHeaderByMajor: { 0: 'x-api-key', 1: 'x-api-key', 2: 'bearer' } as Record<number, 'x-api-key' | 'bearer'>,
    /**
     * 1.0.0 (2026-08-20, httpx2) removed `temperature`/`top_p`/`top_k` from the method signatures
     * while still sending 2023-06-01: passing them is a local `TypeError`, no request is sent.
     */
    samplingRemovedInMajor: 1,
    samplingRemovedDate: '2026-08-20',
    samplingTypeError: "TypeError: … got an unexpected keyword argument 'temperature'",
    /** The documented way to still send them on 1.x (the API version decides whether they are accepted). */
    samplingWorkaround: 'extra_body',
    /** `retry-after` is honoured only when 0 < s ≤ 60; 61 s or more falls back to the 0.5–8 s backoff. */
    retryAfterMaxS: 60,
    /** Non-streaming guard: `ValueError` above this `max_tokens` (off once a client-level timeout is set). */
    nonStreamingMaxTokensGuard: 21_333,
    /** An `event: error` inside a 200 stream surfaces as `APIStatusError` with this status_code. */
    midStreamErrorStatusCode: 200,
    /**
     * Platform clients raise their own classes (not exported at the top level) that
     * `except anthropic.InternalServerError` does not catch.
     */
    platformErrorClasses: {
      AnthropicBedrock: { 503: 'ServiceUnavailableError', 529: 'InternalServerError' },
      AnthropicVertex: { 503: 'ServiceUnavailableError', 504: 'DeadlineExceededError' },
    } as Readonly<Record<'AnthropicBedrock' | 'AnthropicVertex', Readonly<Record<number, string>>>>,
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
  /**
   * Subscription/OAuth traffic: `anthropic-ratelimit-unified-status`, `-reset`, and per window
   * `anthropic-ratelimit-unified-{window}-{utilization,reset,status}` (e.g. `5h`, `7d`); resets
   * are epoch seconds, not RFC 3339.
   */
  rateLimitUnifiedPrefix: 'anthropic-ratelimit-unified-',
  workspaceId: 'anthropic-workspace-id',
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

/**
 * The three Messages breaking changes of `anthropic-version: 2026-10-21` (platform.claude.com
 * api/versioning, migration-2026-10-21). On Bedrock they apply to 4.7+ models only. `x-api-key`
 * is still accepted under 2026-10-21; only the new SDK majors send `Authorization: Bearer`.
 */
export const API_VERSION_2026_10_21 = {
  version: '2026-10-21',
  breakingChanges: [
    { id: 'sampling-params', what: 'any `temperature`, `top_p` or `top_k` is a 400' },
    { id: 'document-in-assistant', what: 'a `document` block directly in an assistant message is a 400' },
    { id: 'citations-in-user', what: 'a text block with non-empty `citations` in a user message (directly or inside `search_result`) is a 400' },
  ],
  bedrockFromGeneration: 4.7,
  xApiKeyAccepted: true,
} as const;

/**
 * Message Batches (platform.claude.com build-with-claude/batch-processing): limits, lifetimes and
 * the result types of a results JSONL line (`{"custom_id", "result": {"type", …}}`).
 */
export const BATCHES = {
  maxRequests: 100_000,
  maxBytes: 256 * 1024 * 1024,
  expiresAfterHours: 24,
  resultsKeptDays: 29,
  resultTypes: ['succeeded', 'errored', 'canceled', 'expired'] as const,
  /** Batches may slightly overshoot a spend limit. */
  mayOvershootSpendLimits: true,
} as const;
export type BatchResultType = (typeof BATCHES.resultTypes)[number];

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'fable' | 'mythos';

/** A fact that is stated (`true`/`false`) or not stated by any source (`'unverified'`). */
export type Stated = boolean | 'unverified';

/**
 * Thinking as a model takes it (December 2026 update). `mode` is what happens when the request
 * says nothing: `adaptive` (the model decides), `always-on`, or undefined (classic: off unless
 * `thinking: {type: "enabled", budget_tokens}` turns it on).
 */
export interface ThinkingSupport {
  mode?: 'adaptive' | 'always-on';
  /** `thinking: {type: "disabled"}` is a 400. */
  rejectsDisabled: Stated;
  /** A manual `{type: "enabled", budget_tokens}` is a 400. */
  rejectsBudget: Stated;
  /** The SDKs warn that `thinking.type=enabled` is deprecated (MODELS_TO_WARN_WITH_THINKING_ENABLED). */
  enabledDeprecated: boolean;
}

export interface CurrentModel {
  id: string;
  /** Dated snapshot ids that are the same model. */
  aliases?: string[];
  family: ModelFamily;
  /** Generation, e.g. 4.5, 4.6, 5, 5.5. */
  generation: number;
  maxOutputTokens: number;
  /** Context window in tokens, where a source states it. */
  contextTokens?: number;
  /** A `role: "system"` message after a user turn (not first). */
  midConversationSystem: 'yes' | 'no' | 'unverified';
  /** A final assistant message (prefill) is accepted. */
  prefill: boolean;
  /** Sampling behaviour under anthropic-version 2023-06-01. */
  legacySampling: 'free' | 'no-temperature-with-top-p' | 'strict';
  /** Any `temperature`/`top_p`/`top_k` is a 400 under every API version (Haiku 5.5). */
  rejectsSampling: boolean;
  thinking: ThinkingSupport;
  /** The old computer-use tool is a 400 (Haiku 5.5). */
  rejectsLegacyComputerUse: boolean;
  /** Edited history under replayed thinking blocks is a 400 (Haiku 5.5). */
  rejectsEditedThinkingHistory: boolean;
  /**
   * Retirement date on Anthropic's own platform (requests fail with 404 from that day), when
   * announced: mirrors `MODEL_LIFECYCLE` (which also has the deprecation date and successor).
   */
  endOfLife?: string;
}

const K128 = 128_000;
const K64 = 64_000;
const M1 = 1_000_000;

const CLASSIC_THINKING: ThinkingSupport = { rejectsDisabled: false, rejectsBudget: false, enabledDeprecated: false };

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
    rejectsSampling: false,
    thinking: CLASSIC_THINKING,
    rejectsLegacyComputerUse: false,
    rejectsEditedThinkingHistory: false,
    ...extra,
  };
}

/**
 * Every model id the SDK (1.12.0) names, with its capabilities; matched exactly, never by prefix.
 * Whether an id still answers depends on the date: see `MODEL_LIFECYCLE` and `lookupModel`.
 */
export const CURRENT_MODELS: readonly CurrentModel[] = [
  // "Opus 5.5 and Fable 5.1 have thinking always on"; whether `disabled` is a 400 is not stated.
  m('claude-opus-5-5', 'opus', 5.5, {
    contextTokens: M1,
    thinking: { mode: 'always-on', rejectsDisabled: 'unverified', rejectsBudget: 'unverified', enabledDeprecated: false },
  }),
  m('claude-sonnet-5-5', 'sonnet', 5.5, {
    contextTokens: M1,
    thinking: { mode: 'adaptive', rejectsDisabled: false, rejectsBudget: 'unverified', enabledDeprecated: false },
  }),
  // Haiku 5.5: 400 for thinking budgets, sampling params, prefill, the old computer-use tool and
  // edited history under replayed thinking blocks (docs models/haiku-5-5).
  m('claude-haiku-5-5', 'haiku', 5.5, {
    contextTokens: M1,
    rejectsSampling: true,
    rejectsLegacyComputerUse: true,
    rejectsEditedThinkingHistory: true,
    thinking: { mode: 'adaptive', rejectsDisabled: false, rejectsBudget: true, enabledDeprecated: false },
  }),
  m('claude-fable-5-2', 'fable', 5.2),
  m('claude-fable-5-1', 'fable', 5.1, {
    thinking: { mode: 'always-on', rejectsDisabled: 'unverified', rejectsBudget: 'unverified', enabledDeprecated: false },
  }),
  // "Fable 5 and Mythos 5 return 400 for thinking: {type: disabled} and for manual budget_tokens."
  m('claude-fable-5', 'fable', 5, { thinking: { rejectsDisabled: true, rejectsBudget: true, enabledDeprecated: false } }),
  m('claude-mythos-5-2', 'mythos', 5.2),
  m('claude-mythos-5-1', 'mythos', 5.1),
  m('claude-mythos-5', 'mythos', 5, { thinking: { rejectsDisabled: true, rejectsBudget: true, enabledDeprecated: false } }),
  m('claude-mythos-preview', 'mythos', 5, { endOfLife: '2026-06-30', thinking: { ...CLASSIC_THINKING, enabledDeprecated: true } }),
  m('claude-opus-5', 'opus', 5),
  m('claude-sonnet-5', 'sonnet', 5, { midConversationSystem: 'unverified' }),
  m('claude-opus-4-8', 'opus', 4.8),
  m('claude-opus-4-7', 'opus', 4.7),
  m('claude-opus-4-6', 'opus', 4.6, { thinking: { ...CLASSIC_THINKING, enabledDeprecated: true } }),
  m('claude-sonnet-4-6', 'sonnet', 4.6),
  m('claude-haiku-4-5', 'haiku', 4.5, { aliases: ['claude-haiku-4-5-20251001'] }),
  m('claude-opus-4-5', 'opus', 4.5, { aliases: ['claude-opus-4-5-20251101'], endOfLife: '2027-01-22' }),
  m('claude-sonnet-4-5', 'sonnet', 4.5, { aliases: ['claude-sonnet-4-5-20250929'], endOfLife: '2026-11-30' }),
];

/** The newest model of each tier: what retired ids migrate to. */
export const SUCCESSOR_BY_FAMILY: Readonly<Record<'opus' | 'sonnet' | 'haiku', string>> = {
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
};

/** A model with an announced deprecation and retirement on Anthropic's own platform. */
export interface ModelLifecycle {
  id: string;
  aliases?: readonly string[];
  deprecatedOn?: string;
  /** From this UTC day on, requests answer 404 `model: <id>` on the Claude API. */
  retiresOn: string;
  /** The published retirement date is tentative. */
  tentative?: boolean;
  successor: string;
  source: string;
}

/**
 * Announced deprecations (dates are for Anthropic-operated platforms only, see
 * `PLATFORM_RETIREMENT_NOTE`).
 */
export const MODEL_LIFECYCLE: readonly ModelLifecycle[] = [
  {
    id: 'claude-opus-4-5', aliases: ['claude-opus-4-5-20251101'], deprecatedOn: '2026-11-23', retiresOn: '2027-01-22',
    tentative: true, successor: 'claude-opus-5-5', source: 'model-deprecations (December 2026 update)',
  },
  {
    id: 'claude-mythos-preview', deprecatedOn: '2026-06-09', retiresOn: '2026-06-30', successor: 'claude-mythos-5',
    source: 'Python SDK DEPRECATED_MODELS (December 2026 update)',
  },
  {
    // Facts §6 (checked November 2026 against SDK 1.12.0): "end of life 2026-11-30"; the December
    // update does not repeat or contradict it.
    id: 'claude-sonnet-4-5', aliases: ['claude-sonnet-4-5-20250929'], retiresOn: '2026-11-30', successor: 'claude-sonnet-5-5',
    source: 'claude-api-facts §6 model list (November 2026)',
  },
];

/** Said wherever a retirement date is shown. */
export const PLATFORM_RETIREMENT_NOTE =
  'Retirement dates are for Anthropic\'s own platform (the Claude API); Amazon Bedrock and Google Vertex AI publish their own dates.';

/** A model that retires within this many days is a warning; after retirement it is an error. */
export const RETIREMENT_WARNING_DAYS = 90;

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

/** Where a model stands on a given day. */
export interface LifecycleState {
  entry: ModelLifecycle;
  phase: 'active' | 'deprecated' | 'retired';
  /** Whole days from `today` to the retirement day (negative once retired). */
  daysToRetirement: number;
}

export type ModelStatus =
  | { kind: 'current'; model: CurrentModel; lifecycle?: LifecycleState }
  | { kind: 'retired'; successor: string; retiredOn?: string; model?: CurrentModel }
  | { kind: 'unknown' };

const currentById = new Map<string, CurrentModel>();
for (const model of CURRENT_MODELS) {
  currentById.set(model.id, model);
  for (const alias of model.aliases ?? []) currentById.set(alias, model);
}
const lifecycleById = new Map<string, ModelLifecycle>();
for (const entry of MODEL_LIFECYCLE) {
  lifecycleById.set(entry.id, entry);
  for (const alias of entry.aliases ?? []) lifecycleById.set(alias, entry);
}

/** A day as `YYYY-MM-DD` (UTC); a `Date` or epoch ms is converted, a string is taken as is. */
export type Day = string | Date | number;

/** Today's UTC date as `YYYY-MM-DD`. */
export function todayUtc(now: Date | number = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

function dayOf(d: Day): string {
  return typeof d === 'string' ? d.slice(0, 10) : todayUtc(d);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Where an announced deprecation stands on `today`; undefined for models with none. */
export function lifecycleOf(id: string, today: Day = Date.now()): LifecycleState | undefined {
  const entry = lifecycleById.get(id);
  if (!entry) return undefined;
  const day = dayOf(today);
  const daysToRetirement = daysBetween(day, entry.retiresOn);
  const phase = daysToRetirement <= 0 ? 'retired' : entry.deprecatedOn && day >= entry.deprecatedOn ? 'deprecated' : 'active';
  return { entry, phase, daysToRetirement };
}

/**
 * Exact lookup of a model id on a given day (default: today, UTC). Dotted names
 * (`claude-sonnet-4.5`) are unknown, not retired. A model past its announced retirement day is
 * retired (with its date and successor); one inside its deprecation window is current with a
 * `lifecycle`.
 */
export function lookupModel(id: string, today: Day = Date.now()): ModelStatus {
  const current = currentById.get(id);
  if (current) {
    const lifecycle = lifecycleOf(id, today);
    if (lifecycle?.phase === 'retired') {
      return { kind: 'retired', successor: lifecycle.entry.successor, retiredOn: lifecycle.entry.retiresOn, model: current };
    }
    return lifecycle ? { kind: 'current', model: current, lifecycle } : { kind: 'current', model: current };
  }
  const successor = RETIRED_MODELS[id];
  if (successor) return { kind: 'retired', successor };
  for (const { pattern, successor: s } of RETIRED_MODEL_PATTERNS) {
    if (pattern.test(id)) return { kind: 'retired', successor: s };
  }
  return { kind: 'unknown' };
}

/** Model ids that answer on `today` (no dated aliases), newest first: for pickers and `GET /v1/models`. */
export function currentModelIds(today: Day = Date.now()): string[] {
  return CURRENT_MODELS.filter((x) => lookupModel(x.id, today).kind === 'current').map((x) => x.id);
}

/** A cheap model for connection tests. */
export const DEFAULT_TEST_MODEL = 'claude-haiku-4-5';

/**
 * What each official SDK does with a server's wait demand of `ms` milliseconds (facts §4 and the
 * December 2026 update), in words naming the SDK and version: for verdicts.
 */
export function officialSdkOnRetryAfter(ms: number): string {
  const s = ms / 1000;
  const py = s > 0 && s <= SDK.python.retryAfterMaxS
    ? `the Python SDK (anthropic) would wait it`
    : `the Python SDK (anthropic) would ignore it (it honours only 0–${SDK.python.retryAfterMaxS} s) and retry after its own ${SDK.backoff.initialDelayS}–${SDK.backoff.maxDelayS} s backoff`;
  const tsNew = ms > 0 && ms <= SDK.backoff.maxRetryAfterMs
    ? `@anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} would wait it`
    : `@anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} would ignore it and use its own backoff`;
  const tsOld = ms >= 0 && ms < SDK.ts.legacyRetryAfterMaxMs
    ? `older versions would wait it too`
    : `older versions (< ${SDK.ts.retryAfterAnyValueSince}) would ignore it (under 60 s only) and use their own backoff`;
  return `What the official SDKs would have done: ${tsNew}, ${tsOld}; ${py}.`;
}

/**
 * What the `sdk` jitter mode reproduces, naming the SDKs and versions: the backoff formula both
 * official SDKs share, and where they differ (retry-after).
 */
export function sdkBackoffDescription(): string {
  const b = SDK.backoff;
  return `the backoff of the official SDKs (${FACTS_SDK_BASELINE} and Python anthropic): min(${b.initialDelayS}·2ⁿ, ${b.maxDelayS}) s × (1 − ${b.jitterFraction}·random), ${SDK.ts.defaultMaxRetries} retries by default. They differ on retry-after: @anthropic-ai/sdk ≥ ${SDK.ts.retryAfterAnyValueSince} waits any value, older versions only under ${SDK.ts.legacyRetryAfterMaxMs / 1000} s, Python anthropic only 0–${SDK.python.retryAfterMaxS} s (longer falls back to the formula)`;
}

/**
 * The Bearer-vs-x-api-key proxy case (2026-10-21): a 401 to `Authorization: Bearer` from a base
 * URL that is not the Claude API itself.
 */
export function bearerProxyNote(baseUrl: string, authHeader: 'bearer' | 'x-api-key'): string | undefined {
  if (authHeader !== 'bearer') return undefined;
  let host = '';
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return undefined;
  }
  if (host === 'api.anthropic.com') return undefined;
  return `The key went as Authorization: Bearer, which only the new SDK majors send (@anthropic-ai/sdk ≥ 1.0, Python anthropic ≥ 2.0); a proxy or gateway that reads only x-api-key answers 401 to it. The Claude API still accepts x-api-key under ${API_VERSION_2026_10_21.version}: send the key as x-api-key (auth header setting / --auth-header x-api-key) or make the proxy forward Authorization.`;
}

