/** Message Batches: one line of a results JSONL to a verdict (resubmit or not, and why). */
import { BATCHES, ERROR_TYPE_BY_STATUS, type BatchResultType } from '../data/api-facts';
import { classify, type Classification } from './classify';

// ---------------------------------------------------------------------------------------------
// Message Batches results
// ---------------------------------------------------------------------------------------------

export interface BatchResultClass {
  customId: string | null;
  /** `succeeded` / `errored` / `canceled` / `expired`, or `malformed` for a line that is none. */
  resultType: BatchResultType | 'malformed';
  /** For `errored`: the classification of the error inside. */
  error?: Classification;
  /** Sending this request again in a new batch can succeed. */
  resubmit: boolean;
  reason: string;
}

const STATUS_BY_TYPE = new Map<string, number>(Object.entries(ERROR_TYPE_BY_STATUS).map(([s, t]) => [t, Number(s)]));

/**
 * Classify one line of a batch results JSONL (`{"custom_id", "result": {"type", …}}`). An
 * `errored` result is classified by its `error.type` (and code) like an HTTP answer of the
 * matching status; `expired` (not run within 24 h) is worth resubmitting; `canceled` is not
 * (someone cancelled it). Never throws.
 */
export function classifyBatchResult(line: string): BatchResultClass {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { customId: null, resultType: 'malformed', resubmit: false, reason: 'not a JSON line' };
  }
  const obj = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const customId = typeof obj['custom_id'] === 'string' ? (obj['custom_id'] as string).slice(0, 200) : null;
  const result = obj['result'] && typeof obj['result'] === 'object' ? (obj['result'] as Record<string, unknown>) : undefined;
  const type = result ? result['type'] : undefined;
  if (!(BATCHES.resultTypes as readonly unknown[]).includes(type)) {
    return { customId, resultType: 'malformed', resubmit: false, reason: 'no known result.type' };
  }
  const resultType = type as BatchResultType;
  if (resultType === 'succeeded') return { customId, resultType, resubmit: false, reason: 'succeeded' };
  if (resultType === 'expired') return { customId, resultType, resubmit: true, reason: `expired: not processed within ${BATCHES.expiresAfterHours} h` };
  if (resultType === 'canceled') return { customId, resultType, resubmit: false, reason: 'canceled before it ran' };
  // errored: result.error is the API's error body ({"type":"error","error":{…}}) or the inner error.
  const outer = result!['error'] && typeof result!['error'] === 'object' ? (result!['error'] as Record<string, unknown>) : {};
  const inner = outer['error'] && typeof outer['error'] === 'object' ? (outer['error'] as Record<string, unknown>) : outer;
  const errorType = typeof inner['type'] === 'string' ? (inner['type'] as string) : null;
  const message = typeof inner['message'] === 'string' ? (inner['message'] as string) : null;
  const details = inner['details'] && typeof inner['details'] === 'object' ? (inner['details'] as Record<string, unknown>) : {};
  const errorCode = typeof details['error_code'] === 'string' ? (details['error_code'] as string) : null;
  const status = errorType ? STATUS_BY_TYPE.get(errorType) ?? null : null;
  const error = classify({ status, errorType, errorCode, message });
  return { customId, resultType, error, resubmit: error.retryable, reason: `${errorType ?? 'unknown error'}: ${error.title}` };
}
