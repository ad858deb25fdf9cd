/** The one subscribe API (core/util/emitter.ts) every listener of a run's event stream uses. */
import { describe, expect, it } from 'vitest';
import { Emitter } from '../../../src/core/util/emitter';

describe('Emitter', () => {
  it('calls listeners in subscription order, once per event; unsubscribe stops them (idempotent)', () => {
    const em = new Emitter<number>();
    const seen: string[] = [];
    const offA = em.on((n) => seen.push(`a${n}`));
    em.on((n) => seen.push(`b${n}`));
    em.emit(1);
    offA();
    offA();
    em.emit(2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
    expect(em.size).toBe(1);
  });

  it('the same function subscribed twice is two listeners, each removed by its own unsubscribe', () => {
    const em = new Emitter<number>();
    let n = 0;
    const f = () => { n++; };
    const off1 = em.on(f);
    em.on(f);
    em.emit(0);
    off1();
    em.emit(0);
    expect(n).toBe(3);
  });

  it('a listener that throws does not keep the others from the event; the first error is rethrown after', () => {
    const em = new Emitter<string>();
    const seen: string[] = [];
    em.on(() => { throw new Error('first'); });
    em.on(() => { throw new Error('second'); });
    em.on((s) => seen.push(s));
    expect(() => em.emit('x')).toThrow('first');
    expect(seen).toEqual(['x']);
  });

  it('emit is bound (usable as a callback); a listener added during an emit sees only later events', () => {
    const em = new Emitter<number>();
    const seen: number[] = [];
    em.on((n) => { if (n === 1) em.on((m) => seen.push(m * 10)); seen.push(n); });
    const cb = em.emit;
    cb(1);
    cb(2);
    expect(seen).toEqual([1, 2, 20]);
    em.clear();
    cb(3);
    expect(seen).toEqual([1, 2, 20]);
  });
});
