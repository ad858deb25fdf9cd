/** LineIndex (src/core/analyzer/lineIndex.ts): shared by the extension (0-based vscode positions) and the CLI (1-based). */
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../../src/core/analyzer/lineIndex';
import { lineStartOf, type Src } from '../../../src/core/analyzer/syntax';

describe('LineIndex', () => {
  it('maps offsets across \\n, \\r\\n and \\r like VS Code', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const ix = new LineIndex(text);
    expect(ix.lineCount).toBe(4);
    expect(ix.positionAt(0)).toEqual({ line: 0, character: 0 });
    expect(ix.positionAt(2)).toEqual({ line: 0, character: 2 });
    expect(ix.positionAt(3)).toEqual({ line: 1, character: 0 });
    expect(ix.positionAt(6)).toEqual({ line: 1, character: 2 }); // between \r and \n → end of line
    expect(ix.positionAt(7)).toEqual({ line: 2, character: 0 });
    expect(ix.positionAt(10)).toEqual({ line: 3, character: 0 });
    expect(ix.positionAt(999)).toEqual({ line: 3, character: 2 });
    expect(ix.positionAt(-3)).toEqual({ line: 0, character: 0 });
    expect(ix.lineText(1)).toBe('cd');
    expect(ix.eol()).toBe('\n');
    for (let o = 0; o <= text.length; o++) {
      if (o === 6) continue;
      expect(ix.offsetAt(ix.positionAt(o))).toBe(o);
    }
    expect(ix.offsetAt({ line: 1, character: 99 })).toBe(5);
    expect(new LineIndex('x\r\ny').eol()).toBe('\r\n');
  });

  it('counts UTF-16 code units (emoji = 2)', () => {
    const ix = new LineIndex('😀x\ny');
    expect(ix.positionAt(2)).toEqual({ line: 0, character: 2 });
    expect(ix.positionAt(4)).toEqual({ line: 1, character: 0 });
  });
});

describe('LineIndex helpers', () => {
  it('lineText drops each kind of line break; lineStart clamps; a lone \\r file says \\r', () => {
    const ix = new LineIndex('one\r\ntwo\nthree\rfour');
    expect([0, 1, 2, 3].map((l) => ix.lineText(l))).toEqual(['one', 'two', 'three', 'four']);
    expect(ix.lineStart(-1)).toBe(0);
    expect(ix.lineStart(99)).toBe(ix.lineStart(3));
    expect(ix.lineEnd(0)).toBe(3);
    expect(ix.lineEnd(3)).toBe(ix.text.length);
    expect(new LineIndex('a\rb').eol()).toBe('\r');
    expect(new LineIndex('no breaks').eol()).toBe('\n');
  });

  it('an empty text is one empty line, and a trailing break opens a last empty line', () => {
    expect(new LineIndex('').lineCount).toBe(1);
    expect(new LineIndex('').positionAt(5)).toEqual({ line: 0, character: 0 });
    const ix = new LineIndex('x\n');
    expect(ix.lineCount).toBe(2);
    expect(ix.positionAt(2)).toEqual({ line: 1, character: 0 });
    expect(ix.lineText(1)).toBe('');
  });

  it('floors fractional offsets like TextDocument.positionAt', () => {
    expect(new LineIndex('abc').positionAt(1.7)).toEqual({ line: 0, character: 1 });
  });
});

describe('lineStartOf on long lines (minified code)', () => {
  const naive = (t: string, o: number): number => (o <= 0 ? 0 : t.lastIndexOf('\n', o - 1) + 1);

  it('agrees with a backwards scan at every kind of offset, short and megabyte-long lines alike', () => {
    const text = `a\nbb\n\n${'x'.repeat(300_000)}\n${'y'.repeat(700)}\nz\n${'w'.repeat(1_000_000)}`;
    const src = { text } as Src;
    const offsets = [0, 1, 2, 3, 4, 5, 6, 7, 600, 299_999, 300_005, 300_006, 300_007, text.length - 1, text.length];
    for (let i = 0; i < 200; i++) offsets.push(Math.floor((i * 7919 * 104_729) % (text.length + 1)));
    for (const o of offsets) expect(lineStartOf(src, o), `offset ${o}`).toBe(naive(text, o));
  });

  it('a long line is answered from the line table, not by rescanning it', () => {
    const text = `${'x'.repeat(100_000)}\n${'y'.repeat(100_000)}`;
    const src = { text } as Src;
    expect(lineStartOf(src, 150_000)).toBe(100_001);
    expect(src.lineStarts).toEqual([0, 100_001]);
    const short = { text: 'a\nbcd\nef' } as Src;
    expect(lineStartOf(short, 7)).toBe(6);
    expect(short.lineStarts).toBeUndefined(); // short lines never build the table
  });
});
