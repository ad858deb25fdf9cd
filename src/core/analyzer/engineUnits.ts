/** Units: the top-level statements of a file, with long classes and callback calls split part by part. */
import type { Node, Tree } from './parser';

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
export const SPLIT_CHARS = 2000;
const CLASS_TYPES = new Set(['class_declaration', 'abstract_class_declaration', 'class_definition']);
export const SPLITTABLE = new Set([...CLASS_TYPES, 'export_statement', 'decorated_definition']);
const CALLBACKS = new Set(['arrow_function', 'function_expression', 'function']);

/**
 * A split node: its span, its body's (the class body, the callback's block), the frame around it.
 * Its own text outside the body's braces (head: the call and the callback's parameters, or the
 * class heading; tail: later arguments) belongs to no unit: an edit there re-reads all its units.
 */
export interface Frame { id: number; gen: number; start: number; end: number; bodyFrom: number; bodyTo: number; call: boolean; up?: Frame }

/** The body to split a node into, or undefined to keep it whole. `top`: a top-level node (classes split only there). */
export function splitBody(n: Node, top: boolean): { body: Node; call: boolean } | undefined {
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
export interface OldUnits { units: readonly Unit[]; byId: Map<number, Unit>; frames: Map<number, { frame: Frame; from: number; to: number }> }

export function oldUnits(units: readonly Unit[], prevGen: number): OldUnits {
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
export function copyUnits(old: readonly Unit[], from: number, to: number, moveBy: number, parent: number | undefined, out: Unit[], nodes: (Node | undefined)[], seed?: [Frame, Frame]): void {
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
export function splitInto(n: Node, body: Node, call: boolean, text: string, old: OldUnits | undefined, gen: number, up: Frame | undefined, parent: number, out: Unit[], nodes: (Node | undefined)[]): void {
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

export const TS_DECLARATION_UNITS = new Set(['import_statement', 'lexical_declaration', 'variable_declaration', 'export_statement']);

/**
 * A unit: a top-level statement, or a part of a split top-level node (`parent`: that node's id;
 * `frame`: the split node it sits in directly). `id` is its node's id (tree-sitter subtree) in
 * the tree it was read from.
 */
export interface Unit { start: number; end: number; fn: boolean; type: string; error?: boolean; id: number; gen: number; parent?: number; frame?: Frame }

const EXPORTED_DECLARATION = /^export\s+(?:default\s+)?(?:async\s+)?(?:function|class|abstract\s+class|interface|type)\b/;

export function unitAt(type: string, start: number, end: number, id: number, gen: number, text: string): Unit {
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
export function unitsOf(tree: Tree, text: string, gen: number): { units: Unit[]; nodes: (Node | undefined)[] } {
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
