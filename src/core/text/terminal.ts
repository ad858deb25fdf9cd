/**
 * Terminal-safe text: C0 controls (except tab and newline), DEL, C1 controls and the Unicode
 * line/paragraph separators become visible escapes (`\x1b`, `\u2028`), so server- or
 * file-provided text cannot clear the screen, retitle the terminal (ESC ] 0 ; …) or fake a
 * verdict. Pure; for human-readable output only (JSON escapes on its own).
 */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}
