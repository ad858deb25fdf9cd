import { describe, expect, it } from 'vitest';
import { DocumentScheduler, type Change } from '../../../src/core/editor/scheduler';

/** A controllable "document" + runs that resolve when told. */
function harness(delay = 30) {
  let text = '';
  const runs: { key: string; changes: Change[] | undefined; text: string; resolve: () => void }[] = [];
  const applied: { key: string; text: string }[] = [];
  const errors: unknown[] = [];
  let failNext = false;
  let autoResolve = true;
  const s = new DocumentScheduler<string>({
    delayMs: () => delay,
    run: (key, changes) => {
      const snapshot = text; // read synchronously, like the controller
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('boom'));
      }
      return new Promise<string>((resolve) => {
        const r = { key, changes, text: snapshot, resolve: () => resolve(snapshot) };
        runs.push(r);
        if (autoResolve) r.resolve();
      });
    },
    apply: (key, result) => applied.push({ key, text: result }),
    onError: (_k, e) => errors.push(e),
  });
  const edit = (t: string, change: Change) => {
    text = t;
    s.schedule('doc', [change]);
  };
  return {
    s, runs, applied, errors,
    edit,
    setText: (t: string) => { text = t; },
    fail: () => { failNext = true; },
    manual: () => { autoResolve = false; },
  };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('DocumentScheduler', () => {
  it('debounces a burst of edits into one run carrying all changes in order', async () => {
    const h = harness(40);
    h.s.schedule('doc', undefined, true);
    await h.s.idle('doc');
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]!.changes).toBeUndefined(); // first run: full parse
    for (let i = 0; i < 10; i++) h.edit('x'.repeat(i + 1), { rangeOffset: i, rangeLength: 0, text: 'x' });
    expect(h.s.isBusy('doc')).toBe(true);
    await h.s.idle('doc');
    expect(h.runs).toHaveLength(2);
    expect(h.runs[1]!.changes!.map((c) => c.rangeOffset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.applied.at(-1)!.text).toBe('xxxxxxxxxx');
  });

  it('drops a stale result: an edit during a run means its result is never applied', async () => {
    const h = harness(10);
    h.manual();
    h.setText('v1');
    h.s.schedule('doc', undefined, true);
    await until(() => h.runs.length === 1);
    h.edit('v2', { rangeOffset: 1, rangeLength: 1, text: '2' }); // arrives while run 1 is in flight
    h.runs[0]!.resolve();
    await until(() => h.s.stats.stale === 1);
    expect(h.applied).toEqual([]); // v1 never shown over v2
    await until(() => h.runs.length === 2);
    expect(h.runs[1]!.text).toBe('v2');
    expect(h.runs[1]!.changes).toEqual([{ rangeOffset: 1, rangeLength: 1, text: '2' }]);
    h.runs[1]!.resolve();
    await h.s.idle('doc');
    expect(h.applied).toEqual([{ key: 'doc', text: 'v2' }]);
  });

  it('never runs one document twice at once', async () => {
    const h = harness(0);
    h.manual();
    h.setText('a');
    h.s.schedule('doc', undefined, true);
    await until(() => h.runs.length === 1);
    h.edit('ab', { rangeOffset: 1, rangeLength: 0, text: 'b' });
    await new Promise((r) => setTimeout(r, 30));
    expect(h.runs).toHaveLength(1); // queued behind the first
    h.runs[0]!.resolve();
    await until(() => h.runs.length === 2);
    h.runs[1]!.resolve();
    await h.s.idle('doc');
    expect(h.applied.map((a) => a.text)).toEqual(['ab']);
  });

  it('keeps old results until new ones are ready (nothing applied in between)', async () => {
    const h = harness(20);
    h.setText('a');
    h.s.schedule('doc', undefined, true);
    await h.s.idle('doc');
    expect(h.applied).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      h.edit(`a${i}`, { rangeOffset: 1, rangeLength: i ? 1 : 0, text: String(i) });
      await new Promise((r) => setTimeout(r, 5));
      expect(h.applied).toHaveLength(1); // debounce: no intermediate publish
    }
    await h.s.idle('doc');
    expect(h.applied.map((a) => a.text)).toEqual(['a', 'a4']);
  });

  it('after an error the next run re-parses fully', async () => {
    const h = harness(0);
    h.s.schedule('doc', undefined, true);
    await h.s.idle('doc');
    h.fail();
    h.edit('x', { rangeOffset: 0, rangeLength: 0, text: 'x' });
    await h.s.idle('doc');
    expect(h.errors).toHaveLength(1);
    h.edit('xy', { rangeOffset: 1, rangeLength: 0, text: 'y' });
    await h.s.idle('doc');
    expect(h.runs.at(-1)!.changes).toBeUndefined();
  });

  it('cancel drops the pending timer and any in-flight result', async () => {
    const h = harness(10);
    h.manual();
    h.s.schedule('doc', undefined, true);
    await until(() => h.runs.length === 1);
    h.s.cancel('doc');
    h.runs[0]!.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.applied).toEqual([]);
    h.s.schedule('doc', [{ rangeOffset: 0, rangeLength: 0, text: 'x' }]);
    h.s.cancel('doc');
    await new Promise((r) => setTimeout(r, 40));
    expect(h.runs).toHaveLength(1);
    // A re-opened document starts over with a full parse.
    h.s.schedule('doc', undefined, true);
    await until(() => h.runs.length === 2);
    expect(h.runs[1]!.changes).toBeUndefined();
  });

  it('documents are independent', async () => {
    const h = harness(5);
    h.s.schedule('a', undefined, true);
    h.s.schedule('b', undefined, true);
    await h.s.idle('a');
    await h.s.idle('b');
    expect(h.applied.map((x) => x.key).sort()).toEqual(['a', 'b']);
    h.s.dispose();
    h.s.schedule('a', undefined, true);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.runs).toHaveLength(2);
  });
});
