/**
 * The terminal sanitizer: the one place that decides what may reach a terminal.
 *
 * - `terminalSafe(value)`: for a value from outside (server fields, file names, source text).
 *   C0 controls (except tab and newline), DEL, C1 controls and the Unicode line/paragraph
 *   separators become visible escapes (`\x1b`, `\u2028`), so such text cannot clear the screen,
 *   retitle the terminal (ESC ] 0 ; …) or fake a verdict.
 * - `terminalSafeOutput(text)`: for everything a CLI writes, as the last step before the stream.
 *   The same controls, except exactly the sequences the CLI itself emits (its SGR colours, and the
 *   live line's `\r ESC[2K` at the start of a write), become `\u001b`-style escapes, which are also valid inside JSON
 *   strings (JSON.stringify leaves C1 and U+2028 raw; they are escaped here with the same value).
 * Pure; JSON/SARIF output stays valid JSON.
 */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** The SGR codes the CLI's `style()` uses (bold, dim, normal, red, green, yellow, cyan, default). */
const OWN_SGR = /\x1b\[(?:1|2|22|31|32|33|36|39)m/y;
/** The live line's "back to column 0, erase the line": only ever the first thing a write does. */
const LIVE_ERASE = '\r\x1b[2K';

export function terminalSafeOutput(text: string): string {
  if (!/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/.test(text)) return text;
  let out = '';
  let last = 0;
  CONTROLS.lastIndex = 0;
  for (let m = CONTROLS.exec(text); m; m = CONTROLS.exec(text)) {
    const i = m.index;
    if (i < last) continue;
    OWN_SGR.lastIndex = i;
    const own = i === 0 && text.startsWith(LIVE_ERASE) ? LIVE_ERASE : OWN_SGR.exec(text)?.[0];
    if (own) {
      out += text.slice(last, i + own.length);
      last = i + own.length;
      CONTROLS.lastIndex = last;
      continue;
    }
    out += text.slice(last, i) + `\\u${m[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
    last = i + 1;
  }
  return out + text.slice(last);
}
