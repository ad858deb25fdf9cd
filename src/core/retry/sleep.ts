/**
 * An abortable sleep: resolves after `ms`, or at once when `signal` aborts (never rejects).
 * Returns the milliseconds actually slept and whether it was cut short.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<{ sleptMs: number; aborted: boolean }> {
  const start = performance.now();
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve({ sleptMs: 0, aborted: true });
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ sleptMs: performance.now() - start, aborted: true });
    };
    timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve({ sleptMs: performance.now() - start, aborted: false });
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
