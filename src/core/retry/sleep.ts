/**
 * Abort plumbing for the loop. `onAbort` subscribes to a signal through one shared listener per
 * signal (a run's attempts and sleeps come and go many times against the same signal; an
 * `AbortSignal` listener costs far more to add and remove than a `Set` entry). Callbacks run
 * synchronously on abort, in the order they subscribed, each at most once.
 */
const hubs = new WeakMap<AbortSignal, Set<() => void>>();

/** Call `fn` when `signal` aborts (not if it already has: check `aborted` first). Returns the unsubscribe. */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  let set = hubs.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    hubs.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        const fns = [...fresh];
        fresh.clear();
        for (const f of fns) {
          try {
            f();
          } catch {
            /* one callback must not stop the others */
          }
        }
      },
      { once: true },
    );
    set = fresh;
  }
  const entry = () => fn();
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}

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
    let off: (() => void) | undefined;
    const timer = setTimeout(
      () => {
        off?.();
        resolve({ sleptMs: performance.now() - start, aborted: false });
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    if (signal) {
      off = onAbort(signal, () => {
        clearTimeout(timer);
        resolve({ sleptMs: performance.now() - start, aborted: true });
      });
    }
  });
}
