/**
 * Terminal-safe text: C0 controls (except tab and newline), DEL and C1 controls become visible
 * `\xNN` escapes, so server- or file-provided text cannot clear the screen, retitle the terminal
 * (ESC ] 0 ; …) or fake a verdict. Pure; for human-readable output only (JSON escapes on its own).
 */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function terminalSafe(text: string): string {
  if (typeof text !== 'string') return '';
  return text.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
