import { describe, expect, it } from 'vitest';
import { abortableSleep, onAbort } from '../../../src/core/retry/sleep';

describe('onAbort: one listener per signal', () => {
  it('runs the callbacks still subscribed, in order, once; an unsubscribed one never', () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    onAbort(ctrl.signal, () => seen.push('a'));
    const offB = onAbort(ctrl.signal, () => seen.push('b'));
    onAbort(ctrl.signal, () => {
      throw new Error('a throwing callback does not stop the rest');
    });
    onAbort(ctrl.signal, () => seen.push('c'));
    offB();
    ctrl.abort();
    ctrl.abort();
    expect(seen).toEqual(['a', 'c']);
  });
  it('the same callback subscribed twice runs twice; each unsubscribe removes one', () => {
    const ctrl = new AbortController();
    let n = 0;
    const fn = () => n++;
    const off1 = onAbort(ctrl.signal, fn);
    onAbort(ctrl.signal, fn);
    off1();
    ctrl.abort();
    expect(n).toBe(1);
  });
});

describe('abortableSleep', () => {
  it('sleeps its time when not aborted', async () => {
    const ctrl = new AbortController();
    const r = await abortableSleep(30, ctrl.signal);
    expect(r.aborted).toBe(false);
    expect(r.sleptMs).toBeGreaterThanOrEqual(25);
  });
  it('ends at once on abort, and at once when already aborted', async () => {
    const ctrl = new AbortController();
    const p = abortableSleep(60_000, ctrl.signal);
    setTimeout(() => ctrl.abort(), 10);
    const r = await p;
    expect(r.aborted).toBe(true);
    expect(r.sleptMs).toBeLessThan(5_000);
    expect(await abortableSleep(60_000, ctrl.signal)).toEqual({ sleptMs: 0, aborted: true });
  });
});
