/**
 * Error taxonomy: turns any failure (an HTTP answer, an SDK error, a socket error, an error event
 * inside a stream, a batch result) into one `Classification` — category, retryable, whose fault,
 * what to do. The rules of the table: classify.ts. Import from here.
 */
export {
  classify,
  MAX_MESSAGE_LENGTH,
  type BodyKind,
  type Classification,
  type ClassifyInput,
  type ErrorCategory,
  type Fault,
  type TransportKind,
} from './classify';
export { clip, parseErrorBody, type ParsedErrorBody } from './body';
export { classifyError, transportOf } from './thrown';
export { classifyBatchResult, type BatchResultClass } from './batch';
