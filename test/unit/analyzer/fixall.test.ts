/** The one fix-all loop (core), used by the editor's fix-all and `claude-doctor fix`. */
import { describe, expect, it } from 'vitest';
import { fixAllText, MAX_FIX_PASSES, safeQuickFix } from '../../../src/core/analyzer/index';
import { isSafelyFixable } from '../../../src/cli/lint';
import type { Finding } from '../../../src/core/analyzer/types';

/** One safe fix per pass: the first `a` becomes `b` (so each fix makes the next one possible). */
async function oneAtATime(text: string): Promise<Finding[]> {
  const i = text.indexOf('a');
  if (i < 0) return [];
  return [{
    rule: 'retired-model', severity: 'error', message: 'a', start: i, end: i + 1,
    fixes: [{ title: 'b', kind: 'quickfix', safe: true, edits: [{ start: i, end: i + 1, newText: 'b' }] }],
  }];
}

describe('fixAllText', () => {
  it('re-analyses between passes and stops after MAX_FIX_PASSES', async () => {
    let analyses = 0;
    const r = await fixAllText('aaaaaaaa', async (t) => { analyses++; return oneAtATime(t); });
    expect(r.passes).toBe(MAX_FIX_PASSES);
    expect(r.text).toBe(`${'b'.repeat(MAX_FIX_PASSES)}${'a'.repeat(8 - MAX_FIX_PASSES)}`);
    expect(r.applied).toBe(MAX_FIX_PASSES);
    expect(r.byRule.get('retired-model')).toBe(MAX_FIX_PASSES);
    expect(analyses).toBe(MAX_FIX_PASSES); // no analysis after the last pass unless asked
    expect(r.remaining).toBeUndefined();
  });

  it('with `remaining`: the findings of the final text', async () => {
    const r = await fixAllText('aaaaaaaa', oneAtATime, { remaining: true });
    expect(r.remaining?.map((f) => f.start)).toEqual([MAX_FIX_PASSES]);
    const done = await fixAllText('aa', oneAtATime, { remaining: true });
    expect(done.text).toBe('bb');
    expect(done.passes).toBe(2);
    expect(done.remaining).toEqual([]);
  });

  it('uses the findings it is given for the first pass; unsafe fixes and refactors never apply', async () => {
    const first = await oneAtATime('xa');
    const r = await fixAllText('xa', async () => [], { first });
    expect(r.text).toBe('xb');
    const unsafe = first.map((f) => ({ ...f, fixes: f.fixes.map((x) => ({ ...x, safe: false })) }));
    expect((await fixAllText('xa', async () => [], { first: unsafe })).applied).toBe(0);
    const refactor = first.map((f) => ({ ...f, fixes: f.fixes.map((x) => ({ ...x, kind: 'refactor' as const })) }));
    expect((await fixAllText('xa', async () => [], { first: refactor })).applied).toBe(0);
  });
});

describe('safeQuickFix: the one "applies without review" choice (fix-all, `claude-doctor fix`, the CLI\'s fixable flag, the light bulb)', () => {
  const fix = (title: string, kind: 'quickfix' | 'refactor', safe: boolean) => ({ title, kind, safe, edits: [{ start: 0, end: 1, newText: title }] });
  const finding = (fixes: Finding['fixes']): Finding => ({ rule: 'retired-model', severity: 'error', message: 'm', start: 0, end: 1, fixes });

  it('the first fix that is both safe and a quick fix; a safe refactor or an unsafe quick fix never counts', () => {
    const f = finding([fix('unsafe', 'quickfix', false), fix('refactor', 'refactor', true), fix('one', 'quickfix', true), fix('two', 'quickfix', true)]);
    expect(safeQuickFix(f)?.title).toBe('one');
    expect(isSafelyFixable(f)).toBe(true);
    const none = finding([fix('unsafe', 'quickfix', false), fix('refactor', 'refactor', true)]);
    expect(safeQuickFix(none)).toBeUndefined();
    expect(isSafelyFixable(none)).toBe(false);
    expect(isSafelyFixable(finding([]))).toBe(false);
  });
});
