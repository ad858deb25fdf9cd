/**
 * UTF-16 offset ↔ line/character mapping with VS Code's line breaks (\r\n, \n, \r), for texts
 * that are not open documents (Scan Workspace), for mapping analyzer offsets of a snapshot, and
 * for the CLI's positions (which add 1 to both). Lines and characters are 0-based, like vscode.Position.
 * No vscode import: shared by the extension and the CLI.
 */
export interface Pos {
  line: number;
  character: number;
}

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Clamped like TextDocument.positionAt. */
  positionAt(offset: number): Pos {
    const o = Math.max(0, Math.min(this.text.length, Math.floor(offset)));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset between \r and \n belongs to the end of the line.
    const character = Math.min(o - this.starts[lo]!, this.lineEnd(lo) - this.starts[lo]!);
    return { line: lo, character };
  }

  /** Clamped like TextDocument.offsetAt. */
  offsetAt(pos: Pos): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line]!;
    return Math.min(start + Math.max(0, pos.character), this.lineEnd(pos.line));
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]!;
  }

  /** Offset of the end of the line's content (before its line break). */
  lineEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next - 1;
    if (this.text.charCodeAt(end) === 10 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  /** The file's line break: the first one found, else \n. */
  eol(): string {
    const i = this.text.search(/\r\n|\n|\r/);
    if (i < 0) return '\n';
    return this.text.startsWith('\r\n', i) ? '\r\n' : this.text[i]!;
  }
}
