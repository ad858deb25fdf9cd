import { describe, expect, it } from 'vitest';
import { ctorNameHits, type SdkImports } from '../../../src/core/analyzer/sdk';
import { rng } from './helpers';

const imports = { classes: new Map([['Anthropic', 1], ['A', 1]]), namespaces: new Map([['sdk', 1]]) } as unknown as SdkImports;
const PIECES = ['Anthropic', 'A', 'sdk', 'x', '.', ' ', '$', '(', '\n', 'new ', 'nthropic', 'Anth'];

describe('ctorNameHits after an edit equals a full scan', () => {
  it('when a character is glued right before or right after a name, or taken away', () => {
    const text = 'const a = new Anthropic();\nconst b = new A();\n';
    const before = ctorNameHits(text, imports)!;
    const name = text.indexOf('Anthropic');
    for (const [at, del, ins] of [[name + 9, 0, 'x'], [name, 0, '.'], [name, 0, '$'], [name + 9, 0, '$'], [name + 9, 1, ''], [text.indexOf('A('), 0, 'b']] as const) {
      const next = text.slice(0, at) + ins + text.slice(at + del);
      const full = ctorNameHits(next, imports)!;
      expect(full.at.length, `${at}:${ins}`).toBeLessThan(before.at.length + 1);
      expect(ctorNameHits(next, imports, before, { start: at, end: at + ins.length, delta: ins.length - del }), `${at}:${ins}`).toEqual(full);
    }
  });

  it('over random edits at and around client names', () => {
    const r = rng(7);
    let text = 'const a = new Anthropic();\nconst b = new sdk.Anthropic();\nconst c = new A();\nxAnthropic; Anthropic$; A.b;\n';
    let hits = ctorNameHits(text, imports)!;
    let changed = 0;
    for (let i = 0; i < 6000; i++) {
      const at = Math.floor(r() * (text.length + 1));
      const del = r() < 0.5 ? Math.min(text.length - at, Math.floor(r() * 4)) : 0;
      const ins = r() < 0.7 ? PIECES[Math.floor(r() * PIECES.length)]! : '';
      const next = text.slice(0, at) + ins + text.slice(at + del);
      const inc = ctorNameHits(next, imports, hits, { start: at, end: at + ins.length, delta: ins.length - del })!;
      const full = ctorNameHits(next, imports)!;
      expect(inc, `step ${i}`).toEqual(full);
      if (full.at.length !== hits.at.length) changed++;
      text = next.length > 600 ? next.slice(0, 300) : next;
      hits = text === next ? inc : ctorNameHits(text, imports)!;
    }
    expect(changed).toBeGreaterThan(30);
  });
});
