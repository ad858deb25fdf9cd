import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aliasMatches, aliasMatchesAfterEdit } from '../../../src/core/analyzer/sdk';
import { scan } from '../../../src/core/analyzer/syntax';
import { firstIndexAfterEdit } from '../../../src/core/analyzer/engine';
import { fixtures, rng } from './helpers';

// The whole-text patterns aliasMatches stands for (sdk.ts's ALIAS_TS / ALIAS_PY).
const ALIAS_TS = /\b(?:const|let|var)\s+([\p{ID_Start}$_][\p{ID_Continue}$]*)\s*=\s*([\w$.]+?)\s*\.\s*messages\s*\.\s*(create|stream)\b/gu;
const ALIAS_PY = /^[ \t]*([\p{ID_Start}_][\p{ID_Continue}]*)[ \t]*=[ \t]*([\w.]+?)\.messages\.(create|stream)\b/gmu;

const whole = (text: string, py: boolean): [number, string][] => scan(py ? ALIAS_PY : ALIAS_TS, text, 0, text.length).map((m) => [m.index, m[0]]);
const around = (text: string, py: boolean): [number, string][] => aliasMatches(text, py).map((m) => [m.index, m[0]]);

describe('aliasMatches: the alias search around each `messages` finds what a whole-text scan finds', () => {
  it('on every fixture and the SDK\'s own sources', () => {
    let found = 0;
    for (const f of fixtures()) {
      const py = f.options.language === 'python';
      expect(around(f.text, py), f.name).toEqual(whole(f.text, py));
      found += whole(f.text, py).length;
    }
    const lib = join(__dirname, '../../../node_modules/@anthropic-ai/sdk/src/lib');
    for (const name of readdirSync(lib).filter((n) => n.endsWith('.ts'))) {
      const t = readFileSync(join(lib, name), 'utf8');
      expect(around(t, false), name).toEqual(whole(t, false));
    }
    expect(found).toBeGreaterThan(0);
  });

  it('on generated text: spacing, line breaks, unicode names, astral characters, chained and glued statements', () => {
    const TS = ['const ', 'let ', 'var ', 'ask', 'ñame', '𝒳', ' = ', '=', 'client', '.', 'beta', 'messages', 'create', 'stream', '\n', '  ', '\u00a0', '\u2028', ';', '(', ')', 'x', 'constx ', '.bind(c)', '$'];
    const PY = ['ask', ' = ', '=', 'client', '.', 'messages', 'create', 'stream', '\n', '\r\n', '\t', ' ', 'ñ', '𝒳', '(', 'x', '#', '\u2028'];
    const r = rng(99);
    let found = 0;
    for (let i = 0; i < 4000; i++) {
      const py = i % 2 === 1;
      const parts = py ? PY : TS;
      let t = '';
      for (let k = 0, n = 4 + Math.floor(r() * 30); k < n; k++) t += parts[Math.floor(r() * parts.length)]!;
      // half of them end in a well-formed alias, so matches are common
      const name = ['ask', 'ñame', '𝒳', 'a𝒳b'][Math.floor(r() * 4)]!;
      if (r() < 0.5) t += py ? `\n${name} = client.messages.create\n` : ` const ${name} = client . messages.create;`;
      expect(around(t, py), JSON.stringify(t)).toEqual(whole(t, py));
      found += whole(t, py).length;
    }
    expect(found).toBeGreaterThan(1500);
  });
});

describe('firstIndexAfterEdit: a word\'s first index after an edit, from the previous answer', () => {
  it('equals indexOf on the new text for random edits before, inside and after the occurrences', () => {
    const r = rng(7);
    const words = ['thinking', 'ab', 'x'];
    let checked = 0;
    for (let n = 0; n < 3000; n++) {
      const needle = words[n % words.length]!;
      let text = '';
      for (let k = 0, m = Math.floor(r() * 12); k < m; k++) text += r() < 0.3 ? needle : ['a', 'b', ' ', 'thin', 'king', 'x\n'][Math.floor(r() * 6)]!;
      const prev = text.indexOf(needle);
      const at = Math.floor(r() * (text.length + 1));
      const del = Math.min(text.length - at, Math.floor(r() * 6));
      const ins = r() < 0.5 ? '' : [needle, 'a', needle.slice(1), needle.slice(0, -1), 'zz'][Math.floor(r() * 5)]!;
      const next = text.slice(0, at) + ins + text.slice(at + del);
      const dirty = { start: at, end: at + ins.length, delta: ins.length - del };
      expect(firstIndexAfterEdit(needle, next, prev, dirty), JSON.stringify({ text, at, del, ins, needle })).toBe(next.indexOf(needle));
      checked++;
    }
    expect(checked).toBe(3000);
  });
});

describe('aliasMatchesAfterEdit: the alias search after an edit, from the previous matches', () => {
  it('equals a fresh search for random edits on texts full of aliases (TypeScript and Python)', () => {
    const r = rng(23);
    const TS = ['const ask = client.messages.create;\n', 'let s = c.beta.messages.stream\n', 'x(', ')', ' ', '\n', 'messages', '.create', 'const ', '= ', '𝒳', ';'];
    const PY = ['ask = client.messages.create\n', 's = c.messages.stream\n', '  ', '\n', 'messages', '.create', 'x = ', '(', '#'];
    let found = 0;
    for (let n = 0; n < 2000; n++) {
      const py = n % 2 === 1;
      const parts = py ? PY : TS;
      let text = '';
      for (let k = 0, m = 3 + Math.floor(r() * 20); k < m; k++) text += parts[Math.floor(r() * parts.length)]!;
      const prev = aliasMatches(text, py);
      const at = Math.floor(r() * (text.length + 1));
      const del = Math.min(text.length - at, Math.floor(r() * 8));
      const ins = r() < 0.4 ? '' : parts[Math.floor(r() * parts.length)]!.slice(0, 1 + Math.floor(r() * 12));
      const next = text.slice(0, at) + ins + text.slice(at + del);
      const got = aliasMatchesAfterEdit(next, py, prev, { start: at, end: at + ins.length, delta: ins.length - del }).map((m) => [m.index, m[0], m[1], m[3]]);
      const want = aliasMatches(next, py).map((m) => [m.index, m[0], m[1], m[3]]);
      expect(got, JSON.stringify({ text, at, del, ins, py })).toEqual(want);
      found += want.length;
    }
    expect(found).toBeGreaterThan(1000);
  });
});
