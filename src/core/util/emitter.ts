/**
 * A tiny typed event emitter: one subscribe API for every listener of a stream (the connection
 * test's run events in the extension and the CLI). Listeners run in subscription order, each
 * exactly once per event; one that throws does not keep the others from the event.
 */
export type Listener<E> = (event: E) => void;

export class Emitter<E> {
  private listeners: readonly Listener<E>[] = [];

  /** Subscribes `listener`; the returned function unsubscribes it (idempotent). */
  on(listener: Listener<E>): () => void {
    const l: Listener<E> = (e) => listener(e);
    this.listeners = [...this.listeners, l];
    return () => { this.listeners = this.listeners.filter((x) => x !== l); };
  }

  /**
   * Gives `event` to every listener subscribed when the emit began. If any threw, the first error
   * is rethrown after all have run. Bound, so it can be passed as a callback (`onEvent: emitter.emit`).
   */
  readonly emit = (event: E): void => {
    let failed = false;
    let first: unknown;
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        if (!failed) first = err;
        failed = true;
      }
    }
    if (failed) throw first;
  };

  get size(): number {
    return this.listeners.length;
  }

  clear(): void {
    this.listeners = [];
  }
}
