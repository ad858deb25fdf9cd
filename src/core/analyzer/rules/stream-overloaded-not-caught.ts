import { SDK } from '../../data/api-facts';
import type { Ctx } from '../context';
import { valueOf } from '../syntax';
import { handlersOf, lastSegment, type Handler } from '../checks/handlers';
import { BROAD } from '../checks/retry-loops';
import { apiStatusErrorFix, isOverloadedExpr } from '../checks/status-except';
import { defineRule } from './rule';

/**
 * Python: an `event: error` inside a 200 stream surfaces as a plain `APIStatusError` with
 * `status_code == 200` (`_streaming.py`), never as `OverloadedError`; so `except OverloadedError`
 * around a stream's iteration never catches a mid-stream overload.
 */
export default defineRule({
  id: 'stream-overloaded-not-caught',
  defaultSeverity: 'warning',
  description: 'Python except OverloadedError around a streaming call: a mid-stream overload is an APIStatusError with status_code 200, which it never catches.',
  summary: 'Python `except OverloadedError` around a stream misses a mid-stream overload',
  fix: 'yes',
  languages: ['py'],
  on: { py: /OverloadedError/ },
  check(ctx) {
    if (!ctx.src.py) return;
    for (const h of handlersOf(ctx)) check(ctx, h);
  },
});

function streams(ctx: Ctx, h: Handler): boolean {
  const from = h.tryBody.startIndex;
  const to = h.tryBody.endIndex;
  return ctx.calls.some((c) => {
    if (c.call.startIndex < from || c.call.endIndex > to) return false;
    if (c.kind === 'stream') return true;
    const s = c.params?.entries.get('stream');
    const v = s ? valueOf(ctx.src, s.valueNode) : undefined;
    return c.kind === 'create' && v?.kind === 'bool' && v.value;
  });
}

function check(ctx: Ctx, h: Handler): void {
  const ov = h.types.find((t) => lastSegment(t) === 'OverloadedError');
  if (!ov || h.allNames.some((n) => BROAD.has(n))) return;
  if (!streams(ctx, h)) return;
  const fix = apiStatusErrorFix(ctx, h, ov, isOverloadedExpr, 'Catch APIStatusError and check for overloaded_error');
  ctx.report(ov,
    `An overload in the middle of a stream arrives as an error event after HTTP 200, and the Python SDK raises it as a plain APIStatusError with status_code == ${SDK.python.midStreamErrorStatusCode}, not OverloadedError: this handler never catches it. Catch APIStatusError and check the error type ("overloaded_error").`,
    fix ? [fix] : []);
}
