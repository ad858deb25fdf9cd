/**
 * Runs every rule over one parsed file, then applies ignore comments and ordering.
 *
 * The file is analyzed per unit (top-level statement). A unit's findings depend only on its own
 * text and on a file-level key (imports, clients, module-level declarations, options), so
 * incremental re-analysis reuses the findings of every unit an edit did not touch (shifted to
 * their new offsets). Units whose analysis looked outside themselves are never reused.
 */
import type { AnalyzeOptions, Finding, RuleId } from './types';
import type { Node, Tree } from './parser';

type TreeCursor = ReturnType<Tree['walk']>;
import { createCtx, type Ctx } from './context';
import { aliasMatchesAfterEdit, collectCallAliases, collectCalls, collectCtors, collectImports, ctorNameHits, type CallSite, type NameHits } from './sdk';
import { descend, indentUnit, lineOf, quoteStyle, setCurrentText, type Src } from './syntax';
import { callerNames, enclosingFunction } from './checks/retry-loops';
import { helperDeclared } from './checks/fixes';
import { RULES, RULE_BY_ID, type RuleModule } from './rules/index';
import type { Anchor } from './rules/rule';
import { RETRY_HELPER_NAMES } from './templates';
import { bindProject } from './imported';

type Rule = RuleModule<RuleId, unknown>;

const IGNORE = /claude-doctor-ignore-next-line\b([^\n]*)/g;

/** Line (0-based) → the rules ignored on it (undefined = all rules). */
function ignoredLines(src: Src, mentioned: boolean): Map<number, Set<string> | undefined> {
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
 * A unit's results: its findings; the findings held back for file-level decisions and what each
 * rule's `check` returned (`notes`, by rule id), both only when some rule gave them.
 */
interface Stored { findings: Finding[]; start: number; end: number; held?: Finding[]; notes?: Map<string, unknown> }
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
 * The first index of `needle` in `text`, answered from the previous text's answer when the edit
 * cannot have changed it: an occurrence wholly before the edit stays first; when the old text had
 * none, or its first lies wholly after the edit, any new one before it must overlap the edited
 * range, so only a window around it is searched.
 */
export function firstIndexAfterEdit(needle: string, text: string, prev: number | undefined, dirty: Dirty | undefined): number {
  if (prev === undefined || !dirty) return text.indexOf(needle);
  const len = needle.length;
  if (prev >= 0 && prev + len <= dirty.start) return prev;
  // (an old first occurrence wholly after the edit is still there, moved: only one overlapping
  // the edit can come before it)
  if (prev >= 0 && prev < dirty.end - dirty.delta) return text.indexOf(needle);
  const w0 = Math.max(0, dirty.start - len + 1);
  const w1 = Math.min(text.length, dirty.end + len - 1);
  const i = w1 - w0 < len ? -1 : text.slice(w0, w1).indexOf(needle);
  return i >= 0 ? w0 + i : prev >= 0 ? prev + dirty.delta : -1;
}

/** The part of the new text an edit touched: [start, end) in new offsets; offsets after it moved by delta. */
export interface Dirty {
  start: number; end: number; delta: number;
  /**
   * Where the syntax changed (the new tree's changed ranges against the edited old one, as one
   * span in new offsets; absent when not computed): outside it and the edit, the top level is
   * the previous one, moved.
   */
  changed?: { start: number; end: number } | null;
}

/** Common prefix / suffix of two texts: the dirty range when no edit list is known. */
export function diffRange(before: string, after: string): Dirty {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { start: p, end: after.length - s, delta: after.length - before.length };
}

const FUNCTION_UNITS = new Set([
  'function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration',
  'interface_declaration', 'type_alias_declaration', 'function_definition', 'class_definition', 'decorated_definition', 'comment',
  'method_definition', 'abstract_method_signature', 'method_signature',
]);

/**
 * Long code is analysed part by part, so an edit inside one part re-reads that part, not the
 * whole statement around it: a top-level class longer than this member by member (class-shaped
 * files keep all their code in one), and a top-level call whose one function argument holds the
 * code (`describe('…', () => { it(…); … })`, `app.get('/r', async (req, res) => { … })`)
 * statement by statement, nested calls of that shape in turn.
 */
const SPLIT_CHARS = 2000;
const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration', 'class_definition']);
const SPLITTABLE = new Set([...CLASS_TYPES, 'export_statement', 'decorated_definition']);
const CALLBACKS = new Set(['arrow_function', 'function_expression', 'function']);

/**
 * A split node: its span, its body's (the class body, the callback's block), the frame around it.
 * Its own text outside the body's braces (head: the call and the callback's parameters, or the
 * class heading; tail: later arguments) belongs to no unit: an edit there re-reads all its units.
 */
interface Frame { id: number; gen: number; start: number; end: number; bodyFrom: number; bodyTo: number; call: boolean; up?: Frame }

/** The body to split a node into, or undefined to keep it whole. `top`: a top-level node (classes split only there). */
function splitBody(n: Node, top: boolean): { body: Node; call: boolean } | undefined {
  if (n.endIndex - n.startIndex < SPLIT_CHARS) return undefined;
  const t = n.type;
  if (t === 'expression_statement') {
    const call = n.namedChild(0);
    if (!call || call.type !== 'call_expression') return undefined;
    const args = call.childForFieldName('arguments');
    if (!args) return undefined;
    let body: Node | undefined;
    for (const a of args.namedChildren as Node[]) {
      if (!CALLBACKS.has(a.type)) continue;
      const b = a.childForFieldName('body');
      if (!b || b.type !== 'statement_block') continue;
      if (body) return undefined; // two callbacks: kept whole
      body = b;
    }
    return body && body.namedChildCount >= 2 ? { body, call: true } : undefined;
  }
  if (!top || !SPLITTABLE.has(t)) return undefined;
  let c: Node | null = n;
  if (c.type === 'export_statement') c = c.childForFieldName('declaration');
  else if (c.type === 'decorated_definition') c = c.childForFieldName('definition');
  if (!c || !CLASS_TYPES.has(c.type)) return undefined;
  const body = c.childForFieldName('body');
  return body && body.namedChildCount >= 2 ? { body, call: false } : undefined;
}

/** The previous run's split units by node id, and each frame's units (an index range into them). */
interface OldUnits { units: readonly Unit[]; byId: Map<number, Unit>; frames: Map<number, { frame: Frame; from: number; to: number }> }

function oldUnits(units: readonly Unit[], prevGen: number): OldUnits {
  const byId = new Map<number, Unit>();
  const frames = new Map<number, { frame: Frame; from: number; to: number }>();
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (!u.frame) continue;
    // (an id read from an older tree may name a different node now: its memory is reused)
    if (u.gen === prevGen) byId.set(u.id, u);
    for (let f: Frame | undefined = u.frame; f; f = f.up) {
      if (f.gen !== prevGen) continue;
      const r = frames.get(f.id);
      if (r) r.to = i + 1;
      else frames.set(f.id, { frame: f, from: i, to: i + 1 });
    }
  }
  return { units, byId, frames };
}

/**
 * Copies old units [from, to) moved by `moveBy`, under frame `seed[1]` in place of `seed[0]` (a
 * nested frame whose subtree the parser reused) or under their own frames moved.
 */
function copyUnits(old: readonly Unit[], from: number, to: number, moveBy: number, parent: number | undefined, out: Unit[], nodes: (Node | undefined)[], seed?: [Frame, Frame]): void {
  if (moveBy === 0 && !seed) {
    for (let i = from; i < to; i++) {
      out.push(old[i]!);
      nodes.push(undefined);
    }
    return;
  }
  const memo = new Map<Frame, Frame>(seed ? [seed] : []);
  const clone = (f: Frame): Frame => {
    let c = memo.get(f);
    if (!c) {
      c = { id: f.id, gen: f.gen, start: f.start + moveBy, end: f.end + moveBy, bodyFrom: f.bodyFrom + moveBy, bodyTo: f.bodyTo + moveBy, call: f.call, up: f.up && clone(f.up) };
      memo.set(f, c);
    }
    return c;
  };
  for (let i = from; i < to; i++) {
    const m = old[i]!;
    out.push({ start: m.start + moveBy, end: m.end + moveBy, fn: m.fn, type: m.type, id: m.id, gen: m.gen, parent: parent ?? m.parent, frame: m.frame && clone(m.frame) });
    nodes.push(undefined);
  }
}

/**
 * The units of split node `n` (body `body`) into `out`, with their nodes (undefined where copied).
 * `old`: the previous run's units — a member whose subtree the parser reused has the same text,
 * so its type and length (a nested frame: all its units) are taken from there instead of asked of
 * the tree. `parent`: the id of the top-level node.
 */
function splitInto(n: Node, body: Node, call: boolean, text: string, old: OldUnits | undefined, gen: number, up: Frame | undefined, parent: number, out: Unit[], nodes: (Node | undefined)[]): void {
  const frame: Frame = { id: n.id, gen, start: n.startIndex, end: n.endIndex, bodyFrom: body.startIndex, bodyTo: body.endIndex, call, up };
  const kids = body.namedChildren as Node[];
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    const start = k.startIndex;
    if (old) {
      const r = old.frames.get(k.id);
      if (r) {
        const moveBy = start - r.frame.start;
        const f = r.frame;
        // (the parser reused its subtree: its id is this tree's too)
        const moved: Frame = { id: f.id, gen, start: f.start + moveBy, end: f.end + moveBy, bodyFrom: f.bodyFrom + moveBy, bodyTo: f.bodyTo + moveBy, call: f.call, up: frame };
        copyUnits(old.units, r.from, r.to, moveBy, parent, out, nodes, [f, moved]);
        continue;
      }
      const o = old.byId.get(k.id);
      if (o) {
        out.push({ start, end: start + (o.end - o.start), fn: o.fn, type: o.type, id: k.id, gen, parent, frame });
        nodes.push(k);
        continue;
      }
    }
    const sub = call ? splitBody(k, false) : undefined;
    if (sub) {
      splitInto(k, sub.body, true, text, old, gen, frame, parent, out, nodes);
      continue;
    }
    const u = unitAt(k.type, start, k.endIndex, k.id, gen, text);
    u.parent = parent;
    u.frame = frame;
    out.push(u);
    nodes.push(k);
  }
}

/** Cheap per-unit pre-check: units without these words have no call site (phase A). */
const A_ANCHOR = /\b(?:messages|completions)\s*\??\./;

const anchorOf = (rule: Rule, py: boolean): RegExp | undefined =>
  typeof rule.on === 'object' ? (py ? (rule.on as Anchor).py : (rule.on as Anchor).ts) : undefined;

/** One pattern matching where any of these anchors matches (phase B's per-unit pre-check). */
function unionAnchor(anchors: readonly RegExp[]): RegExp | undefined {
  if (anchors.length === 0) return undefined;
  if (anchors.length === 1) return anchors[0];
  return new RegExp(anchors.map((a) => `(?:${a.source})`).join('|'), [...new Set(anchors.flatMap((a) => [...a.flags.replace('g', '')]))].join(''));
}

/** The rules that can report in this file, in catalogue order. */
function activeRules(options: AnalyzeOptions, text: string, py: boolean, usesSdk: boolean, mentions: (needle: string) => boolean): Rule[] {
  const lang = py ? 'py' : 'ts';
  return RULES.filter((r) => !options.disabled?.has(r.id)
    && (!r.languages || r.languages.includes(lang))
    && (usesSdk || r.withoutSdk === true)
    && (!r.mentions || r.mentions.some(mentions))
    && (!r.gate || r.gate(text, py)));
}

/**
 * One rule's unit part, flattened once per run into objects of one shape: the per-unit loop runs
 * thousands of times on a large file, and reading each rule module's own (differently shaped)
 * object there costs more than the checks of most units.
 */
interface Step {
  rule: Rule;
  check: (ctx: Ctx) => unknown;
  holds: boolean;
  /** The rule has a file part, which reads what `check` returns. */
  keepsNote: boolean;
  /** Phase B: the rule's own anchor (the phase's pre-check is the union of them all). */
  anchor: RegExp | undefined;
}

function stepsOf(rules: readonly Rule[], py: boolean): Step[] {
  const out: Step[] = [];
  for (const rule of rules) {
    if (!rule.check) continue;
    out.push({ rule, check: rule.check.bind(rule), holds: rule.holds === true, keepsNote: !!rule.file, anchor: anchorOf(rule, py) });
  }
  return out;
}

/** Runs the steps on one unit's context; returns what they held and noted. `unitText` given: each step's anchor is tested on it. */
function runSteps(ctx: Ctx, steps: readonly Step[], unitText?: () => string): { held?: Finding[]; notes?: Map<string, unknown> } {
  let notes: Map<string, unknown> | undefined;
  for (let i = 0; i < steps.length; i++) {
    const st = steps[i]!;
    if (unitText && st.anchor && steps.length > 1 && !st.anchor.test(unitText())) continue;
    ctx.rule = st.rule;
    ctx.holding = st.holds;
    const note = st.check(ctx);
    if (note !== undefined && st.keepsNote) (notes ??= new Map()).set(st.rule.id, note);
  }
  ctx.holding = false;
  return { held: ctx.held.length > 0 ? ctx.held : undefined, notes };
}

const TS_DECLARATION_UNITS = new Set(['import_statement', 'lexical_declaration', 'variable_declaration', 'export_statement']);

/**
 * A unit: a top-level statement, or a part of a split top-level node (`parent`: that node's id;
 * `frame`: the split node it sits in directly). `id` is its node's id (tree-sitter subtree) in
 * the tree it was read from.
 */
interface Unit { start: number; end: number; fn: boolean; type: string; error?: boolean; id: number; gen: number; parent?: number; frame?: Frame }

const EXPORTED_DECLARATION = /^export\s+(?:default\s+)?(?:async\s+)?(?:function|class|abstract\s+class|interface|type)\b/;

function unitAt(type: string, start: number, end: number, id: number, gen: number, text: string): Unit {
  if (type === 'export_statement') {
    // export function … / export class …: look at the declaration keyword cheaply.
    const head = text.slice(start, Math.min(end, start + 40));
    if (EXPORTED_DECLARATION.test(head)) type = 'function_declaration';
  }
  return { start, end, fn: FUNCTION_UNITS.has(type), type, id, gen };
}

/**
 * The units of a fresh tree, with their nodes: one wasm call lists the top level, then each node
 * answers its type and end (a cursor walk takes six calls per unit).
 */
function unitsOf(tree: Tree, text: string, gen: number): { units: Unit[]; nodes: (Node | undefined)[] } {
  const top = tree.rootNode.namedChildren as Node[];
  const units: Unit[] = [];
  const nodes: (Node | undefined)[] = [];
  for (let i = 0; i < top.length; i++) {
    const n = top[i]!;
    const split = splitBody(n, true);
    if (split) {
      splitInto(n, split.body, split.call, text, undefined, gen, undefined, n.id, units, nodes);
    } else {
      units.push(unitAt(n.type, n.startIndex, n.endIndex, n.id, gen, text));
      nodes.push(n);
    }
  }
  return { units, nodes };
}

/** Reads one top-level node into units (a long one: its parts). */
function readTopNode(node: Node, text: string, old: () => OldUnits, gen: number, out: Unit[], nodes: (Node | undefined)[]): void {
  const split = splitBody(node, true);
  if (split) {
    splitInto(node, split.body, split.call, text, old(), gen, undefined, node.id, out, nodes);
    return;
  }
  out.push(unitAt(node.type, node.startIndex, node.endIndex, node.id, gen, text));
  nodes.push(node);
}

/** Reads one top-level node at the cursor into units (a long one: its parts). */
function readTop(cursor: TreeCursor, text: string, old: () => OldUnits, gen: number, out: Unit[], nodes: (Node | undefined)[]): void {
  const id = cursor.nodeId;
  const start = cursor.startIndex;
  const end = cursor.endIndex;
  if (end - start >= SPLIT_CHARS) {
    const type = cursor.nodeType;
    if (type === 'expression_statement' || SPLITTABLE.has(type)) {
      const node = cursor.currentNode as Node;
      const split = splitBody(node, true);
      if (split) {
        splitInto(node, split.body, split.call, text, old(), gen, undefined, id, out, nodes);
        return;
      }
      out.push(unitAt(type, start, end, id, gen, text));
      nodes.push(node);
      return;
    }
  }
  out.push(unitAt(cursor.nodeType, start, end, id, gen, text));
  nodes.push(cursor.currentNode as Node);
}

/** The split top-level node holding unit `u`, if it is part of one. */
function topFrame(u: Unit): Frame | undefined {
  let f = u.frame;
  while (f?.up) f = f.up;
  return f;
}

/** Where the top-level node holding unit `u` starts and ends. */
function topSpan(u: Unit): { start: number; end: number } {
  return topFrame(u) ?? u;
}

/**
 * The units after an incremental re-parse whose changed ranges are known: only the top-level
 * nodes from the edit and the changed syntax on are read from the tree, until one that is a
 * previous top-level node exactly (moved); the units of the top-level nodes before them are the
 * previous ones, those from that node on the previous ones moved. (The changed ranges alone do
 * not bound it: when error recovery splits a function, the part before the edit is not among
 * them.) Undefined when the boundary before them does not line up.
 */
function unitsAroundEdit(tree: Tree, text: string, old: Unit[], dirty: Dirty, changed: { start: number; end: number }, gen: number): { units: Unit[]; nodes: (Node | undefined)[] } | undefined {
  const r0 = Math.min(dirty.start, changed.start);
  const r1 = Math.max(dirty.end, changed.end);
  const delta = dirty.delta;
  const root = tree.rootNode as Node & { firstChildForIndex(i: number): Node | null };
  // Before: whole top-level nodes ending by r0 (old offsets are new ones there); the last must
  // still be a top-level node of the new tree.
  let i = 0;
  while (i < old.length && topSpan(old[i]!).end <= r0) i++;
  const from = i > 0 ? topSpan(old[i - 1]!).end : 0;
  if (i > 0) {
    const last = root.firstChildForIndex(from - 1);
    if (!last || last.startIndex !== topSpan(old[i - 1]!).start || last.endIndex !== from) return undefined;
  }
  let index: OldUnits | undefined;
  const oldIndex = (): OldUnits => (index ??= oldUnits(old, gen - 1));
  const mid: Unit[] = [];
  const midNodes: (Node | undefined)[] = [];
  let j = i;
  let rest = old.length;
  // (the first top-level node ending after `from`; the tree cursor's own search answers nothing here)
  let n = root.firstChildForIndex(from);
  if (n && n.startIndex < from) return undefined;
  for (; n; n = n.nextSibling) {
    const start = n.startIndex;
    if (start >= r1) {
      while (j < old.length && topSpan(old[j]!).start + delta < start) j++;
      const g = j < old.length ? topSpan(old[j]!) : undefined;
      if (g && g.start + delta === start && g.end + delta === n.endIndex) {
        rest = j;
        break;
      }
    }
    if (n.isNamed) readTopNode(n, text, oldIndex, gen, mid, midNodes);
  }
  const units: Unit[] = old.slice(0, i);
  const nodes: (Node | undefined)[] = new Array(i);
  units.push(...mid);
  nodes.push(...midNodes);
  if (rest < old.length) copyUnits(old, rest, old.length, delta, undefined, units, nodes);
  return { units, nodes };
}

/**
 * The units after an incremental re-parse. A top-level node whose syntax subtree the parser
 * reused from the previous tree has the same node id (tree-sitter's subtree pointer: the previous
 * tree is still alive while the new one is built, and the edit marked every subtree it touched as
 * changed, so such subtrees are never reused): its type and length are the old unit's (a split
 * node: its units, moved), only its start is read. Every other node is read from the tree, with
 * its node (a split node's parts likewise, reusing what the parser reused inside it). With the
 * changed ranges known, only the top-level nodes around the edit are visited. Without the
 * previous list, or without a known edit, lists them all.
 */
function unitsAfterEdit(tree: Tree, text: string, old: Unit[] | undefined, dirty: Dirty | undefined, gen: number): { units: Unit[]; nodes: (Node | undefined)[] } {
  if (!old || !dirty) return unitsOf(tree, text, gen);
  if (dirty.changed !== undefined) {
    const around = unitsAroundEdit(tree, text, old, dirty, dirty.changed ?? { start: dirty.start, end: dirty.end }, gen);
    if (around) return around;
  }
  const out: Unit[] = [];
  const nodes: (Node | undefined)[] = [];
  const delta = dirty.delta;
  let j = 0;
  /** The previous run's split units by node id (made when a split node changed). */
  let index: OldUnits | undefined;
  const oldIndex = (): OldUnits => (index ??= oldUnits(old, gen - 1));
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return { units: out, nodes };
    do {
      const id = cursor.nodeId;
      const start = cursor.startIndex;
      const oldStart = start < dirty.start ? start : start - delta;
      while (j < old.length && old[j]!.start < oldStart && old[j]!.parent !== id) j++;
      const o = old[j];
      if (o && o.gen === gen - 1 && o.start === oldStart && o.id === id && o.parent === undefined) {
        out.push({ start, end: start + (o.end - o.start), fn: o.fn, type: o.type, id, gen });
        nodes.push(undefined);
        j++;
        continue;
      }
      if (o && o.parent === id && topFrame(o)?.gen === gen - 1) {
        // A split node whose subtree was reused: its units are the old ones, moved.
        let k = j;
        while (k < old.length && old[k]!.parent === id) k++;
        copyUnits(old, j, k, start - oldStart, id, out, nodes);
        j = k;
        continue;
      }
      if (!cursor.nodeIsNamed) continue;
      readTop(cursor, text, oldIndex, gen, out, nodes);
    } while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  return { units: out, nodes };
}

/**
 * A statement inside a split callback whose call sites are not inside a function of its own: what
 * rules read about the function around a call (its other statements) lies outside the unit, so
 * its results are not reused.
 */
function escapes(src: Src, calls: readonly CallSite[]): void {
  for (const c of calls) {
    const fn = enclosingFunction({ src }, c.call);
    if (!fn || fn.startIndex < src.unitFrom || fn.endIndex > src.unitTo) {
      src.outside = true;
      return;
    }
  }
}

function delta0(hit: Stored, u: Unit): boolean {
  return hit.start === u.start;
}

function moveOffset(x: number, s0: number, e0: number, delta: number): number {
  return x >= s0 && x <= e0 ? x + delta : x;
}

/** The stored findings of a unit that now starts at `start` (same text): offsets inside it move. */
function shift(stored: Stored, start: number, list = stored.findings): Finding[] {
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
function dropFixesNearErrors(findings: Finding[], units: Unit[], tree: Tree): void {
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
function humble(calls: readonly CallSite[], findings: Finding[], held: Finding[] | undefined): void {
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
