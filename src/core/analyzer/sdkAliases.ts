/** Call aliases: `const create = client.messages.create` and the like, found by a text scan. */
import { descend, field, scan, unwrap, type Src } from './syntax';
import { isMember } from './sdkBags';

export interface CallAlias { method: 'create' | 'stream'; recText: string; beta: boolean }

const ALIAS_TS = /\b(?:const|let|var)\s+([\p{ID_Start}$_][\p{ID_Continue}$]*)\s*=\s*([\w$.]+?)\s*\.\s*messages\s*\.\s*(create|stream)\b/gu;
const ALIAS_PY = /^[ \t]*([\p{ID_Start}_][\p{ID_Continue}]*)[ \t]*=[ \t]*([\w.]+?)\.messages\.(create|stream)\b/gmu;

const ALIAS_END = /\s*\.\s*(?:create|stream)\b/uy;
/** Characters a match of ALIAS_TS can hold (surrogates: either half of an astral identifier character). */
const ALIAS_CHAR = /[\s\p{ID_Continue}]/u;
function aliasChar(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46 || c === 61 || c === 32 || (c >= 9 && c <= 13);
  return (c >= 0xd800 && c <= 0xdfff) || ALIAS_CHAR.test(String.fromCharCode(c));
}

/**
 * The matches of ALIAS_TS / ALIAS_PY in `text`, as a scan of the whole text finds them, searching
 * only around each `messages .create` / `.stream`: every match ends in one, and consists of
 * characters `aliasChar` accepts (Python: of one line), so it lies in the run of such characters
 * (the line) around it.
 * The regex runs on that run alone, which starts and ends where a whole-text scan's matches
 * cannot continue (a whole-text regex over a long file costs more than the rest of an edit).
 */
export function aliasMatches(text: string, py: boolean): RegExpExecArray[] {
  const re = py ? ALIAS_PY : ALIAS_TS;
  const out: RegExpExecArray[] = [];
  let done = 0;
  for (let h = text.indexOf('messages'); h >= 0; h = text.indexOf('messages', Math.max(h + 1, done))) {
    // (a match ends in `messages .create` / `.stream`: a run without one has none)
    ALIAS_END.lastIndex = h + 8;
    if (h < done || !ALIAS_END.test(text)) continue;
    let a = h;
    let b = h + 8;
    if (py) {
      a = text.lastIndexOf('\n', h) + 1;
      b = text.indexOf('\n', h);
      if (b < 0) b = text.length;
    } else {
      while (a > 0 && aliasChar(text.charCodeAt(a - 1))) a--;
      while (b < text.length && aliasChar(text.charCodeAt(b))) b++;
    }
    done = b;
    for (const m of scan(re, text, a, b)) out.push(m);
  }
  return out;
}

/**
 * aliasMatches of `text`, from the previous text's (`prev`) and the edit between them (new
 * offsets; `delta`: how far later offsets moved): only the runs around the edit are searched
 * again — every other run is unchanged, so are its matches (moved).
 */
export function aliasMatchesAfterEdit(text: string, py: boolean, prev: readonly RegExpExecArray[] | undefined, dirty: { start: number; end: number; delta: number } | undefined): RegExpExecArray[] {
  if (!prev || !dirty) return aliasMatches(text, py);
  let a = Math.min(dirty.start, text.length);
  let b = Math.min(dirty.end, text.length);
  if (py) {
    a = a > 0 ? text.lastIndexOf('\n', a - 1) + 1 : 0;
    b = text.indexOf('\n', b);
    if (b < 0) b = text.length;
  } else {
    while (a > 0 && aliasChar(text.charCodeAt(a - 1))) a--;
    while (b < text.length && aliasChar(text.charCodeAt(b))) b++;
  }
  const out: RegExpExecArray[] = [];
  let i = 0;
  for (; i < prev.length && prev[i]!.index + prev[i]![0].length <= a; i++) out.push(prev[i]!);
  if (text.slice(a, b).includes('messages')) for (const m of scan(py ? ALIAS_PY : ALIAS_TS, text, a, b)) out.push(m);
  for (; i < prev.length; i++) {
    const m = prev[i]!;
    if (m.index < b - dirty.delta) continue;
    const moved = m.slice() as unknown as RegExpExecArray;
    moved.index = m.index + dirty.delta;
    out.push(moved);
  }
  return out;
}

/**
 * Names bound to `client.messages.create` (TS: also `.bind(…)`): found by a text search,
 * confirmed by the tree (the declaration's value is exactly that member, or its `.bind(…)` call).
 */
export function collectCallAliases(src: Src, matches: readonly RegExpExecArray[] = aliasMatches(src.text, src.py)): Map<string, CallAlias> {
  const out = new Map<string, CallAlias>();
  for (const m of matches) {
    const nameAt = src.text.indexOf(m[1]!, m.index);
    const id = descend(src, nameAt, nameAt + m[1]!.length);
    const holder = id?.parent;
    if (!id || !holder) continue;
    const value = holder.type === 'variable_declarator' ? field(holder, 'value') : holder.type === 'assignment' ? field(holder, 'right') : null;
    if (!value || field(holder, holder.type === 'assignment' ? 'left' : 'name')?.id !== id.id) continue;
    let v = unwrap(value);
    if (!src.py && v.type === 'call_expression') {
      const fn = field(v, 'function');
      if (!fn || fn.type !== 'member_expression' || field(fn, 'property')?.text !== 'bind') continue;
      v = unwrap(field(fn, 'object')!);
    }
    if (!isMember(v) || field(v, src.py ? 'attribute' : 'property')?.text !== m[3]) continue;
    const res = field(v, 'object');
    if (!res || !isMember(res) || field(res, src.py ? 'attribute' : 'property')?.text !== 'messages') continue;
    let rec = field(res, 'object');
    let beta = false;
    if (rec && isMember(rec) && field(rec, src.py ? 'attribute' : 'property')?.text === 'beta') {
      beta = true;
      rec = field(rec, 'object');
    }
    if (!rec) continue;
    if (out.has(m[1]!)) { out.delete(m[1]!); continue; } // bound twice: not knowable
    out.set(m[1]!, { method: m[3] as 'create' | 'stream', recText: rec.text.replace(/\s+/g, ''), beta });
  }
  return out;
}
