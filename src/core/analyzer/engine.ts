/**
 * Runs every rule over one parsed file, then applies ignore comments and ordering.
 *
 * The file is analyzed per unit (top-level statement). A unit's findings depend only on its own
 * text and on a file-level key (imports, clients, module-level declarations, options), so
 * incremental re-analysis reuses the findings of every unit an edit did not touch (shifted to
 * their new offsets). Units whose analysis looked outside themselves are never reused.
 */
import type { AnalyzeOptions, Finding } from './types';
import type { Node, Tree } from './parser';
import { createCtx } from './context';
import { aliasMatchesAfterEdit, collectCallAliases, collectCalls, collectCtors, collectImports, ctorNameHits, type CallSite, type NameHits } from './sdk';
import { descend, indentUnit, lineOf, quoteStyle, setCurrentText, type Src } from './syntax';
import { callerNames } from './checks/retry-loops';
import { helperDeclared } from './checks/fixes';
import { RETRY_HELPER_NAMES } from './templates';
import { bindProject } from './imported';
import { delta0, dropFixesNearErrors, escapes, humble, ignoredLines, shift } from './engineFindings';
import { type Dirty, diffRange, firstIndexAfterEdit, unitsAfterEdit } from './engineEdit';
import { type Frame, TS_DECLARATION_UNITS, type Unit } from './engineUnits';
import { A_ANCHOR, activeRules, anchorOf, runSteps, stepsOf, unionAnchor } from './engineSteps';
export { diffRange, firstIndexAfterEdit, type Dirty } from './engineEdit';

/**
 * A unit's results: its findings; the findings held back for file-level decisions and what each
 * rule's `check` returned (`notes`, by rule id), both only when some rule gave them.
 */
export interface Stored { findings: Finding[]; start: number; end: number; held?: Finding[]; notes?: Map<string, unknown> }
interface UnitA extends Stored { callers: string[] }

/** Per-document memo of unit results under one file-level key, by unit start offset in `text`. */
export interface UnitCache {
  global: string;
  callersKey: string;
  text: string;
  a: Map<number, UnitA>;
  b: Map<number, Stored>;
  /** The units of `text` (reused by the next incremental run outside the changed region). */
  units?: Unit[];
  /** This run's number: units and frames whose `gen` is it hold node ids of this run's tree. */
  gen?: number;
  /** Whole-text substring searches: needle → its first index in `text` (-1: absent). */
  scans?: Map<string, number>;
  /** Where client class names stand in `text` (see ctorNameHits). */
  ctorHits?: NameHits;
  /** The call-alias search's matches in `text` (see aliasMatchesAfterEdit). */
  aliasHits?: RegExpExecArray[];
}

/**
 * `retain`: the returned cache will be used for a next run (the editor). A one-off analysis (the
 * CLI, a workspace scan) passes false and skips work only a next run would read.
 */
export function runRules(tree: Tree, text: string, options: AnalyzeOptions, cache?: UnitCache, dirtyHint?: Dirty, retain = true): { findings: Finding[]; cache: UnitCache } {
  setCurrentText(text);
  try {
    return runRulesIn(tree, text, options, cache, dirtyHint, retain);
  } finally {
    setCurrentText(undefined);
  }
}

function runRulesIn(tree: Tree, text: string, options: AnalyzeOptions, cache: UnitCache | undefined, dirtyHint: Dirty | undefined, retain: boolean): { findings: Finding[]; cache: UnitCache } {
  const py = options.language === 'python';
  const src: Src = {
    text, py, typed: options.language === 'typescript' || options.language === 'typescriptreact',
    root: tree.rootNode, scopeCache: new Map(), mutationCache: new Map(), unitFrom: 0, unitTo: text.length, outside: false,
  };
  const gen = (cache?.gen ?? 0) + 1;
  const { units, nodes: unitNodes } = unitsAfterEdit(tree, text, cache?.units, dirtyHint, gen);
  const scans = new Map<string, number>();
  /** The edit from the cached text to this one, when known. */
  const edit = cache && dirtyHint && cache.text.length + dirtyHint.delta === text.length ? dirtyHint : undefined;
  /** Whether `text` contains `needle` (remembered per document for the next incremental run). */
  const mentions = (needle: string): boolean => {
    let i = scans.get(needle);
    if (i === undefined) {
      i = firstIndexAfterEdit(needle, text, cache?.scans?.get(needle), edit);
      scans.set(needle, i);
    }
    return i >= 0;
  };
  // (statements inside a split call's callback are not module level: the unsplit analysis never saw them there)
  const declUnits = units.filter((u) => !u.fn && !u.frame?.call);
  const imports = collectImports(src, declUnits);
  const ownSdk = imports.classes.size > 0 || imports.namespaces.size > 0 || imports.errors.size > 0 || imports.pyFrom.length > 0
    || (!py && mentions('@anthropic-ai/'));
  // Clients and constants of other modules (the project index's facts, bound to this file's imports).
  const project = options.project && options.project.modules.size > 0 ? bindProject(src, options.project, declUnits) : undefined;
  if (project) {
    imports.project = project;
    if (project.constants.size > 0) src.imported = project.constants;
  }
  const usesSdk = ownSdk || (project !== undefined && project.clients.size > 0);
  if (usesSdk && !ownSdk) imports.onlyViaProject = true;
  const ctorHits = usesSdk ? ctorNameHits(text, imports, cache?.ctorHits, edit) : undefined;
  const ctors = usesSdk ? collectCtors(src, imports, ctorHits) : [];
  let aliasHits: RegExpExecArray[] | undefined;
  if (usesSdk && mentions('.messages')) {
    aliasHits = aliasMatchesAfterEdit(text, py, cache?.aliasHits, edit);
    const aliases = collectCallAliases(src, aliasHits);
    if (aliases.size > 0) imports.callAliases = aliases;
  }
  const declared = mentions(py ? RETRY_HELPER_NAMES.python : RETRY_HELPER_NAMES.typescript) && helperDeclared(text, py);
  const active = activeRules(options, text, py, usesSdk, mentions);
  const callRules = active.filter((r) => r.on === 'calls');
  const anchoredRules = active.filter((r) => anchorOf(r, py));
  const fileRules = active.filter((r) => r.file);
  const callSteps = stepsOf(callRules, py);
  const anchoredSteps = stepsOf(anchoredRules, py);
  // The callers (functions that call Claude) are worked out only when a rule that reads them can run.
  const needCallers = usesSdk && active.some((r) => r.readsCallers && (anchorOf(r, py)?.test(text) ?? true));

  // The file-level key: everything a unit's analysis may read outside itself.
  const keyParts: string[] = [
    JSON.stringify([options.language, options.sdk ?? null, active.map((r) => r.id), options.severity ?? null, options.defaultMaxTokens ?? null, options.today ?? null]),
    // What the index says about this file's imports, and the client names bound from them.
    options.project?.key ?? '',
    imports.callAliases ? JSON.stringify([...imports.callAliases]) : '',
    project ? JSON.stringify([[...project.clients].map(([k, v]) => `${k}=${v.provider}:${v.from}`), [...project.constants].map(([k, v]) => `${k}=${v.value}:${v.from}`), [...project.opaque]]) : '',
    String(usesSdk), String(declared), String(needCallers), quoteStyle(src), indentUnit(src),
    JSON.stringify([
      [...imports.classes], [...imports.namespaces], [...imports.errors], [...imports.tenacity], imports.tenacityNs ?? '', imports.backoffNs ?? '',
      imports.hasImportOs, imports.hasImportRandom, imports.otherSdk, imports.tsDefault ?? '', imports.importInsertAt, imports.tsImportInsertAt,
      imports.pyFrom.map((n) => `${n.startIndex}:${n.text}`),
    ]),
  ];
  for (const c of ctors) keyParts.push(`${c.node.startIndex}:${c.node.endIndex}:${c.binding ?? ''}:${text.slice(c.node.startIndex, c.node.endIndex)}`);
  // Module-level declarations (what identifier lookups can reach), never error regions.
  for (const u of units) {
    if (u.type === 'ERROR' || u.frame?.call) continue;
    if (!u.fn) {
      if (py || TS_DECLARATION_UNITS.has(u.type)) keyParts.push(`s${text.slice(u.start, u.end)}`);
    } else if (py) {
      // Python module scope also binds def/class names.
      const paren = text.indexOf('(', u.start);
      const colon = text.indexOf(':', u.start);
      const cut = Math.min(u.end, u.start + 200, paren < 0 ? u.end : paren, colon < 0 ? u.end : colon);
      keyParts.push(`f${text.slice(u.start, cut)}`);
    }
  }
  const global = keyParts.join('\u0001');
  const reuse = cache && cache.global === global ? cache : undefined;
  const next: UnitCache = { global, callersKey: '', text, a: new Map(), b: new Map(), units, gen, scans, ctorHits, aliasHits };
  const dirty = reuse ? dirtyHint ?? diffRange(reuse.text, text) : undefined;
  /** Where a unit of the new text started in the cached text, if its text is certainly unchanged. */
  const oldStart = (u: Unit): number | undefined => {
    if (!dirty) return undefined;
    if (u.end <= dirty.start) return u.start;
    if (u.start >= dirty.end) return u.start - dirty.delta;
    return undefined;
  };
  /** Frames whose own text (head or tail) the edit touched: none of their units is reused. */
  const touched = new Map<Frame, boolean>();
  const frameTouched = (f: Frame): boolean => {
    let t = touched.get(f);
    if (t === undefined) {
      t = (dirty!.start <= f.bodyFrom + 1 && dirty!.end >= f.start) || (dirty!.start <= f.end && dirty!.end >= f.bodyTo - 1)
        || (f.up !== undefined && frameTouched(f.up));
      touched.set(f, t);
    }
    return t;
  };
  const lookup = <T extends Stored>(map: Map<number, T> | undefined, u: Unit): T | undefined => {
    const at = oldStart(u);
    if (at === undefined || !map || (u.frame && frameTouched(u.frame))) return undefined;
    const hit = map.get(at);
    return hit && hit.end - hit.start === u.end - u.start ? hit : undefined;
  };
  const all: Finding[] = [];

  // Phase A: call sites and the rules that read them, per unit.
  const unitCalls = new Map<number, CallSite[]>();
  /**
   * Whether a unit holds a match of an anchor. A run that tests most units finds the matches of
   * the whole text once; an incremental run tests the few units it re-reads one by one.
   */
  const anchorTest = (re: RegExp): ((u: Unit) => boolean) => {
    if (reuse) return (u) => re.test(text.slice(u.start, u.end));
    let starts: number[] | undefined;
    let ends: number[] | undefined;
    return (u) => {
      if (!starts || !ends) {
        starts = [];
        ends = [];
        const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
        for (let m = g.exec(text); m; m = g.exec(text)) {
          starts.push(m.index);
          ends.push(m.index + m[0].length);
          if (m[0].length === 0) g.lastIndex++;
        }
      }
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid]! < u.start) lo = mid + 1;
        else hi = mid;
      }
      for (let k = lo; k < starts.length && starts[k]! < u.end; k++) if (ends[k]! <= u.end) return true;
      return false;
    };
  };
  // (calls through a name bound to the method have no `messages.` in their unit)
  const aAnchor = anchorTest(imports.callAliases
    ? new RegExp(`${A_ANCHOR.source}|(?<![\\w$.])(?:${[...imports.callAliases.keys()].map((k) => k.replace(/[$]/g, '\\$')).join('|')})\\s*\\(`)
    : A_ANCHOR);
  const bUnion = unionAnchor(anchoredRules.map((r) => anchorOf(r, py)!));
  const bAnchor = bUnion ? anchorTest(bUnion) : () => false;
  const aResults: UnitA[] = [];
  /**
   * Analyzed units whose caller names are still to be worked out: only when phase B asks, or for
   * the cache. Call positions, not nodes: a node keeps everything read below it alive through
   * the memos.
   */
  const callersLater: { res: UnitA; spans: (readonly [number, number])[] }[] = [];
  if (usesSdk) {
    for (let i = 0; i < units.length; i++) {
      const u = units[i]!;
      const hit = lookup(reuse?.a, u);
      if (hit) {
        const moved: UnitA = delta0(hit, u) ? hit : {
          findings: shift(hit, u.start), start: u.start, end: u.end, callers: hit.callers,
          held: hit.held && shift(hit, u.start, hit.held), notes: hit.notes,
        };
        next.a.set(u.start, moved);
        aResults.push(moved);
        continue;
      }
      if (!aAnchor(u)) {
        // No call site can be in this unit: nothing to analyze in phase A.
        const res: UnitA = { findings: [], start: u.start, end: u.end, callers: [] };
        next.a.set(u.start, res);
        aResults.push(res);
        continue;
      }
      src.unitFrom = u.start;
      src.unitTo = u.end;
      src.outside = false;
      // (known for every unit read from the tree this run; a reused one searches from the root)
      src.unitNode = unitNodes?.[i];
      const calls = collectCalls(src, imports, ctors, u.start, u.end);
      if (u.frame?.call) escapes(src, calls);
      // Kept for phase B only where it will look (most units it skips): everything else a unit's
      // analysis touched can be collected young.
      if (bAnchor(u)) unitCalls.set(u.start, calls);
      const ctx = createCtx(src, options, imports, usesSdk, ctors, calls, { from: u.start, to: u.end, helperDeclared: declared });
      const { held, notes } = calls.length > 0 ? runSteps(ctx, callSteps) : {};
      humble(calls, ctx.findings, held);
      const res: UnitA = { findings: ctx.findings, start: u.start, end: u.end, callers: [], held, notes };
      if (calls.length > 0 && needCallers) callersLater.push({ res, spans: calls.map((c) => [c.call.startIndex, c.call.endIndex] as const) });
      if (!src.outside) next.a.set(u.start, res);
      aResults.push(res);
    }
  }
  let callerSet: Set<string> | undefined;
  const callers = (): Set<string> => {
    if (!callerSet) {
      for (const { res, spans } of callersLater) {
        const calls = spans.map(([a, b]) => ({ call: descend(src, a, b) })).filter((c): c is { call: Node } => !!c.call);
        res.callers = callerNames({ src, calls });
      }
      callerSet = new Set<string>();
      for (const r of aResults) for (const c of r.callers) callerSet.add(c);
    }
    return callerSet;
  };
  // (the cache's key for phase B: only a run whose cache is kept needs it)
  if (retain) next.callersKey = [...callers()].sort().join(',');
  const reuseB = reuse && reuse.callersKey === next.callersKey ? reuse : undefined;

  // Phase B: the rules that read what their anchor finds (handlers, decorators, keys), per unit.
  const bResults: Stored[] = [];
  for (let i = 0; bUnion && i < units.length; i++) {
    const u = units[i]!;
    const hit = lookup(reuseB?.b, u);
    if (hit) {
      const moved: Stored = delta0(hit, u) ? hit : {
        findings: shift(hit, u.start), start: u.start, end: u.end, held: hit.held && shift(hit, u.start, hit.held), notes: hit.notes,
      };
      next.b.set(u.start, moved);
      bResults.push(moved);
      continue;
    }
    if (!bAnchor(u)) {
      const res: Stored = { findings: [], start: u.start, end: u.end };
      next.b.set(u.start, res);
      bResults.push(res);
      continue;
    }
    src.unitFrom = u.start;
    src.unitTo = u.end;
    src.outside = false;
    src.unitNode = unitNodes?.[i];
    const calls = usesSdk ? unitCalls.get(u.start) ?? collectCalls(src, imports, ctors, u.start, u.end) : [];
    if (u.frame?.call) escapes(src, calls);
    const ctx = createCtx(src, options, imports, usesSdk, ctors, calls, { from: u.start, to: u.end, callers, helperDeclared: declared });
    let unitText: string | undefined;
    const { held, notes } = runSteps(ctx, anchoredSteps, () => (unitText ??= text.slice(u.start, u.end)));
    humble(calls, ctx.findings, held);
    const res: Stored = { findings: ctx.findings, start: u.start, end: u.end, held, notes };
    if (!src.outside) next.b.set(u.start, res);
    bResults.push(res);
  }
  for (const r of aResults) if (r.findings.length > 0) all.push(...r.findings);
  for (const r of bResults) if (r.findings.length > 0) all.push(...r.findings);

  // File level: each rule's decision over what its units gave (released held findings, file-wide checks).
  if (fileRules.length > 0) {
    src.unitFrom = 0;
    src.unitTo = text.length;
    src.unitNode = undefined;
    const g = createCtx(src, options, imports, usesSdk, ctors, [], { from: 0, to: text.length, callers, helperDeclared: declared });
    for (const rule of fileRules) {
      const notes: unknown[] = [];
      const held: Finding[] = [];
      for (const list of [aResults, bResults] as Stored[][]) {
        for (const r of list) {
          if (r.notes?.has(rule.id)) notes.push(r.notes.get(rule.id));
          if (r.held) for (const f of r.held) if (f.rule === rule.id) held.push(f);
        }
      }
      g.rule = rule;
      const released = rule.file!(g, { notes, held });
      if (released) all.push(...released);
    }
    all.push(...g.findings);
  }

  // Merge: dedupe, ignore comments, order.
  const seen = new Set<string>();
  const ignored = ignoredLines(src, mentions('claude-doctor-ignore'));
  const findings: Finding[] = [];
  for (const f of all) {
    const k = `${f.rule}:${f.start}:${f.end}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (ignored.size > 0) {
      const line = lineOf(src, f.start);
      if (ignored.has(line)) {
        const set = ignored.get(line);
        if (set === undefined || set.has(f.rule)) continue;
      }
    }
    findings.push(f);
  }
  if (tree.rootNode.hasError) dropFixesNearErrors(findings, units, tree);
  findings.sort((a, b) => a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return { findings, cache: next };
}
