/** What happens to a unit's findings after its rules ran: ignore comments, reuse at moved offsets, humbled and dropped fixes. */
import type { Finding } from './types';
import type { Tree } from './parser';
import type { CallSite } from './sdk';
import { descend, lineOf, type Src } from './syntax';
import { enclosingFunction } from './checks/retry-loops';
import { RULE_BY_ID } from './rules/index';
import type { Stored } from './engine';
import type { Unit } from './engineUnits';

const IGNORE = /claude-doctor-ignore-next-line\b([^\n]*)/g;

/** Line (0-based) → the rules ignored on it (undefined = all rules). */
export function ignoredLines(src: Src, mentioned: boolean): Map<number, Set<string> | undefined> {
  const out = new Map<number, Set<string> | undefined>();
  if (!mentioned) return out;
  IGNORE.lastIndex = 0;
  for (let m = IGNORE.exec(src.text); m; m = IGNORE.exec(src.text)) {
    const node = descend(src, m.index, m.index + 1);
    if (!node || node.type !== 'comment') continue;
    const rest = m[1]!.split(/\s--\s|\*\//)[0]!;
    const ids = rest.split(/[\s,]+/).filter((x) => x && RULE_BY_ID.has(x));
    const line = lineOf(src, m.index) + 1;
    const prev = out.get(line);
    if (ids.length === 0 || (out.has(line) && prev === undefined)) out.set(line, undefined);
    else out.set(line, new Set([...(prev ?? []), ...ids]));
  }
  return out;
}

/**
 * A statement inside a split callback whose call sites are not inside a function of its own: what
 * rules read about the function around a call (its other statements) lies outside the unit, so
 * its results are not reused.
 */
export function escapes(src: Src, calls: readonly CallSite[]): void {
  for (const c of calls) {
    const fn = enclosingFunction({ src }, c.call);
    if (!fn || fn.startIndex < src.unitFrom || fn.endIndex > src.unitTo) {
      src.outside = true;
      return;
    }
  }
}

export function delta0(hit: Stored, u: Unit): boolean {
  return hit.start === u.start;
}

function moveOffset(x: number, s0: number, e0: number, delta: number): number {
  return x >= s0 && x <= e0 ? x + delta : x;
}

/** The stored findings of a unit that now starts at `start` (same text): offsets inside it move. */
export function shift(stored: Stored, start: number, list = stored.findings): Finding[] {
  const delta = start - stored.start;
  if (delta === 0 || list.length === 0) return list;
  const s0 = stored.start;
  const e0 = stored.end;
  const out: Finding[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    const fixes = new Array(f.fixes.length);
    for (let j = 0; j < f.fixes.length; j++) {
      const fx = f.fixes[j]!;
      const edits = new Array(fx.edits.length);
      for (let k = 0; k < fx.edits.length; k++) {
        const e = fx.edits[k]!;
        edits[k] = { start: moveOffset(e.start, s0, e0, delta), end: moveOffset(e.end, s0, e0, delta), newText: e.newText };
      }
      fixes[j] = { title: fx.title, edits, safe: fx.safe, kind: fx.kind };
    }
    out[i] = { rule: f.rule, severity: f.severity, message: f.message, start: moveOffset(f.start, s0, e0, delta), end: moveOffset(f.end, s0, e0, delta), fixes };
  }
  return out;
}

/**
 * In a file with syntax errors, a fix is kept only if every edit lies inside (or between) units
 * that parsed cleanly: near an error the tree's guess at the structure may be wrong.
 */
export function dropFixesNearErrors(findings: Finding[], units: Unit[], tree: Tree): void {
  const root = tree.rootNode;
  const hasError = (u: Unit): boolean => {
    if (u.error === undefined) u.error = root.descendantForIndex(u.start, u.end)?.hasError ?? true;
    return u.error;
  };
  const clean = (pos: number, isInsert: boolean): boolean => {
    let lo = 0;
    let hi = units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = units[mid]!;
      if (pos < u.start) hi = mid - 1;
      else if (pos > u.end) lo = mid + 1;
      else {
        if (hasError(u)) return false;
        // on a boundary: the neighbour touching this position must be clean too
        if (isInsert && pos === u.end && units[mid + 1]?.start === pos && hasError(units[mid + 1]!)) return false;
        if (isInsert && pos === u.start && mid > 0 && units[mid - 1]!.end === pos && hasError(units[mid - 1]!)) return false;
        return true;
      }
    }
    // between units: both neighbours must be clean
    const before = units[hi];
    const after = units[lo];
    return !(before && hasError(before)) && !(after && hasError(after));
  };
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    const kept = f.fixes.filter((fx) => fx.edits.every((e) => clean(e.start, e.start === e.end) && clean(e.end, e.start === e.end)));
    if (kept.length !== f.fixes.length) findings[i] = { ...f, fixes: kept };
  }
}

/**
 * Unknowable stays humble: where a call's receiver could not be resolved to a client (a name from
 * a module the project index cannot see into, or any unknown receiver in a file that has no SDK
 * import of its own), the unit's findings at that call are at most warnings — all of the unit's
 * when every call in it is such a call (a finding may point at a constant outside the call).
 */
export function humble(calls: readonly CallSite[], findings: Finding[], held: Finding[] | undefined): void {
  if (calls.some((c) => c.alias)) {
    // A call through a name bound to the method: no fix may rename that name as if it were `create`.
    const names = calls.filter((c) => c.alias).map((c) => c.method);
    const strip = (list: Finding[]): void => {
      for (let i = 0; i < list.length; i++) {
        const f = list[i]!;
        const kept = f.fixes.filter((fx) => !fx.edits.some((e) => names.some((n) => e.start < n.endIndex && e.end > n.startIndex)));
        if (kept.length !== f.fixes.length) list[i] = { ...f, fixes: kept };
      }
    };
    strip(findings);
    if (held) strip(held);
  }
  if (calls.length === 0 || !calls.some((c) => c.humble)) return;
  const all = calls.every((c) => c.humble);
  const cap = (list: Finding[]): void => {
    for (let i = 0; i < list.length; i++) {
      const f = list[i]!;
      if (f.severity !== 'error') continue;
      if (all || calls.some((c) => c.humble && f.start >= c.call.startIndex && f.end <= c.call.endIndex)) list[i] = { ...f, severity: 'warning' };
    }
  };
  cap(findings);
  if (held) cap(held);
}
