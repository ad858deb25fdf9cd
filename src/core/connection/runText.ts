/**
 * One line per event of a connection test's run, as the extension's output channel writes it
 * (English, like every log line; redaction is the writer's). A listener of the run's event
 * stream: `undefined` for events that are not logged.
 */
import { statusLabel, type ConnectionEvent } from './runModel';

export interface RunLine {
  level: 'info' | 'warn' | 'error';
  text: string;
}

export function runLine(e: ConnectionEvent): RunLine | undefined {
  const tag = `[${e.runId}]`;
  switch (e.event) {
    case 'runStart': {
      const r = e.run;
      const where = r.target === 'simulator' ? `simulator scenario "${r.scenario}"` : r.baseUrl;
      const forced = e.streamForcedBy ? ` (${e.streamForcedBy} is a stream scenario)` : '';
      return {
        level: 'info',
        text: `${tag} test ${where}, model ${r.model}, ${r.stream ? 'streaming' : 'non-streaming'}${forced}, auth ${r.authHeader}, up to ${r.maxRetries} retries (${r.jitter} jitter), timeout ${r.timeoutMs} ms`,
      };
    }
    case 'attempt':
      return {
        level: e.ok ? 'info' : 'warn',
        text: `${tag} attempt ${e.attempt} (${e.model}): ${statusLabel({ state: 'done', status: e.status, category: e.category, ok: e.ok })}`
          + `${e.errorType ? ` ${e.errorType}` : ''}${e.errorCode ? ` [${e.errorCode}]` : ''} in ${Math.round(e.latencyMs)} ms`
          + `${e.requestId ? `, request id ${e.requestId}` : ''}${e.ok ? '' : e.retryable ? ' (retryable)' : ' (not retryable)'}`
          + `${e.message && !e.ok ? `: ${e.message}` : ''}`,
      };
    case 'backoff':
      return { level: 'info', text: `${tag} backoff ${Math.round(e.delayMs)} ms after attempt ${e.attempt} (${e.reason})` };
    case 'result': {
      const v = e.verdict;
      const outcome = e.ok ? 'OK' : v.category === 'aborted' ? 'CANCELLED' : 'FAILED';
      return {
        level: e.ok || outcome === 'CANCELLED' ? 'info' : 'error',
        text: `${tag} ${outcome} after ${e.attempts} attempt(s) in ${Math.round(e.totalMs)} ms: ${v.title}. ${v.summary} Next: ${v.nextStep}`,
      };
    }
    default:
      return undefined;
  }
}
