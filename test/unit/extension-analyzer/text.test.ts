import { describe, expect, it } from 'vitest';
import { ignoreRuleEdit, parseIgnoreDirective } from '../../../src/core/editor/ignore';
import { diffEdits } from '../../../src/core/editor/diff';
import { fixAll } from '../../../src/core/editor/fixall';
import { applyEdits } from '../../../src/core/analyzer';
import type { Finding } from '../../../src/core/analyzer/types';

describe('ignore comments', () => {
  it('inserts a directive above with the line indentation (TS and Python)', () => {
    const ts = 'function f() {\n    client.messages.create({ model: "claude-2" });\n}\n';
    const at = ts.indexOf('"claude-2"');
    const e = ignoreRuleEdit(ts, at, 'retired-model', 'typescript')!;
    expect(applyEdits(ts, [e])).toBe('function f() {\n    // claude-doctor-ignore-next-line retired-model\n    client.messages.create({ model: "claude-2" });\n}\n');
    const py = 'def f():\n\tclient.messages.create(model="claude-2")\n';
    const p = ignoreRuleEdit(py, py.indexOf('claude-2'), 'retired-model', 'python')!;
    expect(applyEdits(py, [p])).toBe('def f():\n\t# claude-doctor-ignore-next-line retired-model\n\tclient.messages.create(model="claude-2")\n');
  });

  it('keeps CRLF files CRLF and works on the first line', () => {
    const t = 'x = client.messages.create()\r\ny = 1\r\n';
    const e = ignoreRuleEdit(t, 4, 'missing-max-tokens', 'python')!;
    expect(applyEdits(t, [e])).toBe('# claude-doctor-ignore-next-line missing-max-tokens\r\nx = client.messages.create()\r\ny = 1\r\n');
  });

  it('appends to an existing directive, and does nothing when already ignored', () => {
    const t = '  // claude-doctor-ignore-next-line retired-model  \n  call();\n';
    const e = ignoreRuleEdit(t, t.indexOf('call'), 'missing-max-tokens', 'typescript')!;
    expect(applyEdits(t, [e])).toBe('  // claude-doctor-ignore-next-line retired-model, missing-max-tokens  \n  call();\n');
    expect(ignoreRuleEdit(t, t.indexOf('call'), 'retired-model', 'typescript')).toBeUndefined();
    const all = '# claude-doctor-ignore-next-line\ncall()\n';
    expect(ignoreRuleEdit(all, all.indexOf('call'), 'retired-model', 'python')).toBeUndefined();
    expect(parseIgnoreDirective('# claude-doctor-ignore-next-line a, b c')).toEqual(['a', 'b', 'c']);
    expect(parseIgnoreDirective('x = 1 # nothing')).toBeUndefined();
    expect(parseIgnoreDirective('// claude-doctor-ignore-next-line a -- because b')).toEqual(['a']);
    const r = '// claude-doctor-ignore-next-line retired-model -- legacy fixture\ncall();\n';
    const e2 = ignoreRuleEdit(r, r.indexOf('call'), 'no-retry', 'typescript')!;
    expect(applyEdits(r, [e2])).toBe('// claude-doctor-ignore-next-line retired-model, no-retry -- legacy fixture\ncall();\n');
  });
});

describe('diffEdits', () => {
  const roundTrip = (a: string, b: string) => {
    const edits = diffEdits(a, b);
    expect(applyEdits(a, edits)).toBe(b);
    return edits;
  };
  it('touches only changed lines, one edit per hunk', () => {
    const a = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const lines = a.split('\n');
    lines[3] = 'changed 3';
    lines.splice(30, 0, 'inserted');
    lines.splice(45, 1);
    const b = lines.join('\n');
    const edits = roundTrip(a, b);
    expect(edits).toHaveLength(3);
    expect(edits[0]).toEqual({ start: a.indexOf('line 3\n'), end: a.indexOf('line 4\n'), newText: 'changed 3\n' });
  });
  it('handles empty texts, no trailing newline, identical texts, CRLF', () => {
    expect(diffEdits('same', 'same')).toEqual([]);
    roundTrip('', 'a\nb');
    roundTrip('a\nb', '');
    roundTrip('a\r\nb\r\nc', 'a\r\nB\r\nc\r\nd');
    roundTrip('x', 'y');
  });
  it('random edits always round-trip (seeded)', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 300; n++) {
      const a = Array.from({ length: Math.floor(rnd() * 12) }, () => ['a', 'b', 'c', ''][Math.floor(rnd() * 4)]).join(rnd() < 0.5 ? '\n' : '\r\n');
      const lines = a.split('\n');
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(rnd() * (lines.length + 1));
        if (rnd() < 0.5) lines.splice(at, 0, ['x', 'y', 'a'][Math.floor(rnd() * 3)]!);
        else lines.splice(at, 1);
      }
      roundTrip(a, lines.join('\n'));
    }
  });
});

describe('fixAll (multi-pass)', () => {
  // A toy analyzer: every "bad" word is a finding with a safe fix to "good"; "good good" then
  // becomes a finding too (fixed to "best"), so a second pass is needed.
  const analyze = async (text: string): Promise<Finding[]> => {
    const out: Finding[] = [];
    for (const m of text.matchAll(/bad/g)) {
      out.push({ rule: 'retired-model', severity: 'error', message: '', start: m.index!, end: m.index! + 3, fixes: [{ title: 'fix', safe: true, kind: 'quickfix', edits: [{ start: m.index!, end: m.index! + 3, newText: 'good' }] }] });
    }
    for (const m of text.matchAll(/good good/g)) {
      out.push({ rule: 'unknown-model', severity: 'error', message: '', start: m.index!, end: m.index! + 9, fixes: [{ title: 'fix', safe: true, kind: 'quickfix', edits: [{ start: m.index!, end: m.index! + 9, newText: 'best' }] }] });
    }
    for (const m of text.matchAll(/risky/g)) {
      out.push({ rule: 'no-retry', severity: 'error', message: '', start: m.index!, end: m.index! + 5, fixes: [{ title: 'unsafe', safe: false, kind: 'quickfix', edits: [{ start: m.index!, end: m.index! + 5, newText: 'X' }] }] });
    }
    return out;
  };
  it('applies safe fixes until nothing changes, never unsafe ones', async () => {
    const text = 'a\nbad bad\nrisky\nz\n';
    const r = await fixAll(text, undefined, analyze);
    expect(r.text).toBe('a\nbest\nrisky\nz\n');
    expect(r.passes).toBe(2);
    expect(r.applied).toBe(3);
    expect(applyEdits(text, r.edits)).toBe(r.text);
    expect(r.edits).toHaveLength(1);
  });
  it('nothing to fix → no edits', async () => {
    const r = await fixAll('risky\n', undefined, analyze);
    expect(r).toMatchObject({ applied: 0, passes: 0, edits: [] });
  });
});

import { buildExcludeGlob, expandBraces } from '../../../src/core/editor/globs';
describe('scan exclude glob', () => {
  it('merges files.exclude and search.exclude (true entries), expands braces, always skips node_modules', () => {
    expect(expandBraces('**/*.{js,map}')).toEqual(['**/*.js', '**/*.map']);
    const g = buildExcludeGlob([{ '**/.git': true, '**/dist': true, '**/off': false, '**/*.{js,map}': true, '**/x': { when: '$(basename).ts' } }, { '**/bower_components': true }, undefined]);
    expect(g.startsWith('{') && g.endsWith('}')).toBe(true);
    const parts = g.slice(1, -1).split(',');
    expect(parts).toContain('**/node_modules/**');
    expect(parts).toContain('**/dist');
    expect(parts).toContain('**/dist/**');
    expect(parts).toContain('**/*.js');
    expect(parts).toContain('**/*.map');
    expect(parts).toContain('**/bower_components');
    expect(parts).not.toContain('**/off');
    expect(parts).not.toContain('**/x');
  });
});
