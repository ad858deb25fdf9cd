/**
 * A fetch that loses the abort, like a proxy agent or a fetch shim that rebuilds the Response
 * and drops `init.signal`: the request is never aborted, and the rebuilt body ignores cancel.
 * Modes:
 * - "stall": once the headers are in, the real body is cancelled (the socket is released) and the
 *   body handed back never delivers a byte and never ends. Nothing is left to keep a process
 *   alive, so a client that waits for it drains the event loop (a CLI then exits 0, silently).
 * - "lossy": the real body is passed through, but an error or an abort of it is swallowed: the
 *   read then waits forever.
 * Used in-process by settle.test.ts, and as a `--require` preload for the CLI
 * (CLAUDE_DOCTOR_TEST_LOSSY_FETCH=stall|lossy). Never leaves loopback: it only wraps fetch.
 */
'use strict';

function lossyFetch(realFetch, mode) {
  return async function fetchThatLosesTheAbort(url, init) {
    const rest = { ...(init || {}) };
    delete rest.signal;
    const res = await realFetch(url, rest);
    if (!res.body) return res;
    const reader = res.body.getReader();
    const never = () => new Promise(() => {});
    let body;
    if (mode === 'stall') {
      reader.cancel().catch(() => {});
      body = new ReadableStream({ pull: never, cancel() {} });
    } else {
      body = new ReadableStream({
        async pull(ctrl) {
          const r = await reader.read().catch(never);
          if (r.done) ctrl.close();
          else ctrl.enqueue(r.value);
        },
        cancel() {},
      });
    }
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

module.exports = { lossyFetch };

const mode = process.env.CLAUDE_DOCTOR_TEST_LOSSY_FETCH;
if (mode) globalThis.fetch = lossyFetch(globalThis.fetch, mode);

// CLAUDE_DOCTOR_TEST_UNREF_TIMERS=1: every timer stops keeping the process alive, so a pending
// promise with nothing else to wait for drains the event loop (tests the CLI's beforeExit guard).
if (process.env.CLAUDE_DOCTOR_TEST_UNREF_TIMERS) {
  const set = globalThis.setTimeout;
  const every = globalThis.setInterval;
  globalThis.setTimeout = (...a) => set(...a).unref();
  globalThis.setInterval = (...a) => every(...a).unref();
}
