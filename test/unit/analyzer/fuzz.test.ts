import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../../src/core/analyzer/index';
import { analyzer, fixtures, mutate, pythonParses, rng, syntaxErrors, type Fixture } from './helpers';

describe('fuzz: mutated fixtures', () => {
  it('never throws and never applies a fix that adds syntax errors (2,400 mutants, seeded)', async () => {
    const base: Fixture[] = fixtures();
    const r = rng(0xc1a0de);
    const started = Date.now();
    let analyzed = 0;
    let fixesChecked = 0;
    const pyChecks: { before: string; after: string; label: string }[] = [];
    for (let n = 0; n < 2400; n++) {
      const f = base[n % base.length]!;
      const text = mutate(f.text, r);
      const findings = await analyzer().analyze(text, f.options);
      analyzed++;
      for (const finding of findings) {
        expect(finding.start).toBeGreaterThanOrEqual(0);
        expect(finding.end).toBeLessThanOrEqual(text.length);
        expect(finding.start).toBeLessThanOrEqual(finding.end);
      }
      // Check a sample of fixes deeply (re-parse): every 3rd mutant, all its fixes.
      if (n % 3 !== 0) continue;
      const errorsBefore = await syntaxErrors(text, f.language);
      for (const finding of findings) {
        for (const fix of finding.fixes) {
          const after = applyEdits(text, fix.edits);
          fixesChecked++;
          const label = `mutant ${n} of ${f.name}: ${finding.rule} → ${fix.title}`;
          expect(await syntaxErrors(after, f.language), label).toBeLessThanOrEqual(errorsBefore);
          if (f.language === 'python' && pyChecks.length < 400) pyChecks.push({ before: text, after, label });
        }
      }
    }
    // CPython: a fix never turns a valid module into an invalid one.
    const before = pythonParses(pyChecks.map((p) => p.before));
    const after = pythonParses(pyChecks.map((p) => p.after));
    pyChecks.forEach((p, i) => {
      if (before[i]) expect(after[i], p.label).toBe(true);
    });
    console.log(`fuzz: ${analyzed} mutants analyzed, ${fixesChecked} fixes re-parsed, ${pyChecks.length} Python fixes checked by CPython, ${Date.now() - started} ms`);
    expect(fixesChecked).toBeGreaterThan(200);
  }, 180_000);
});
