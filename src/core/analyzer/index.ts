/**
 * The analyzer engine: one implementation for the editor and the CLI (no vscode import).
 * Tree-sitter parses TS/TSX/JS/JSX/Python error-tolerantly; rules read the syntax tree, never regexes
 * over source (text searches only pick candidate positions, the tree decides).
 */
import type { AnalyzeOptions, AnalyzerLanguage, Finding } from './types';
import { ParserPool, treeEdit, type Tree } from './parser';
import { runRules, type Dirty, type UnitCache } from './engine';
import { mentionsClaudeSdk } from './precheck';
import { moduleFacts, type LocalFacts } from './exports';
import { setCurrentText, type Src } from './syntax';

export type { AnalyzeOptions, AnalyzerLanguage, Finding, Fix, RuleId, SdkVersions, Severity, TextEdit } from './types';
export { languageFromPath, mentionsClaudeSdk } from './precheck';
export { detectSdkVersions } from './versions';
export { applyEdits, applySafeFixes, selectSafeFixes, safeQuickFix, fixAllText, MAX_FIX_PASSES, type FixAllResult } from './edits';
export { RULES, RULE_BY_ID } from './rules/index';
export { ProjectIndex, importSpecifiers, type ProjectHost, type ProjectImports, type ExportFact } from './project';
export type { LocalFacts } from './exports';
export type { RuleModule, RuleMeta, FixSummary } from './rules/index';

/** As VS Code's TextDocumentContentChangeEvent (offsets into the text before this change). */
export interface ContentChange { rangeOffset: number; rangeLength: number; text: string }

export interface Analyzer {
  analyze(text: string, options: AnalyzeOptions): Promise<Finding[]>;
  /** Incremental: keeps the previous tree per key (e.g. a document URI) and re-parses using the edits. */
  analyzeIncremental(key: string, text: string, options: AnalyzeOptions, changes?: readonly ContentChange[]): Promise<Finding[]>;
  forget(key: string): void;
  /** What a module offers other modules (clients, factories, constants, re-exports): the project index's per-file read. */
  moduleFacts(text: string, language: AnalyzerLanguage): Promise<LocalFacts>;
  /** Bare parse, no rules: the benchmark baseline. */
  parseOnly(text: string, language: AnalyzerLanguage): Promise<void>;
}

interface Cached { text: string; language: AnalyzerLanguage; tree: Tree; units?: UnitCache }

/** At most this many documents keep a tree (LRU), so long sessions do not grow without bound. */
const MAX_CACHED = 64;

export function createAnalyzer(host?: { wasmDir?: string }): Analyzer {
  const pool = new ParserPool(host?.wasmDir);
  const cache = new Map<string, Cached>();

  const drop = (key: string): void => {
    const c = cache.get(key);
    if (c) {
      c.tree.delete();
      cache.delete(key);
    }
  };

  return {
    async analyze(text, options) {
      if (!analysable(text, options)) return [];
      const tree = await pool.parse(text, options.language);
      try {
        return matchLineEndings(text, runRules(tree, text, options, undefined, undefined, false).findings);
      } finally {
        tree.delete();
      }
    },

    async analyzeIncremental(key, text, options, changes) {
      if (!analysable(text, options)) {
        drop(key);
        return [];
      }
      const prev = cache.get(key);
      let tree: Tree;
      let dirty: Dirty | undefined;
      if (prev && prev.language === options.language && changes && changes.length > 0) {
        // Replay the edits on the old tree, checking they lead from the old text to the new one,
        // and track the touched range in new offsets (so unchanged units are reused without a diff).
        let cur = prev.text;
        let ok = true;
        let d: Dirty | undefined;
        const one = changes.length === 1 ? changes[0]! : undefined;
        for (const ch of changes) {
          if (ch.rangeOffset < 0 || ch.rangeOffset + ch.rangeLength > cur.length) { ok = false; break; }
          prev.tree.edit(treeEdit(cur, ch.rangeOffset, ch.rangeLength, ch.text));
          // (one change: checked against the new text piece by piece below, without building it)
          if (!one) cur = cur.slice(0, ch.rangeOffset) + ch.text + cur.slice(ch.rangeOffset + ch.rangeLength);
          const o = ch.rangeOffset;
          const shift = ch.text.length - ch.rangeLength;
          const map = (x: number): number => (x < o ? x : x >= o + ch.rangeLength ? x + shift : o + ch.text.length);
          d = d
            ? { start: Math.min(map(d.start), o), end: Math.max(map(d.end), o + ch.text.length), delta: d.delta + shift }
            : { start: o, end: o + ch.text.length, delta: shift };
        }
        const leads = one
          // (slices compare as memory; startsWith walks them character by character)
          ? text.length === cur.length + one.text.length - one.rangeLength
            && text.slice(one.rangeOffset, one.rangeOffset + one.text.length) === one.text
            && text.slice(0, one.rangeOffset) === cur.slice(0, one.rangeOffset)
            && text.slice(one.rangeOffset + one.text.length) === cur.slice(one.rangeOffset + one.rangeLength)
          : cur === text;
        dirty = ok && leads ? d : undefined;
        tree = dirty ? await pool.parse(text, options.language, prev.tree) : await pool.parse(text, options.language);
        if (dirty) {
          // Where the syntax changed (one span): the engine reads the tree only around it and the edit.
          const ranges = tree.getChangedRanges(prev.tree);
          let start = Infinity;
          let end = -Infinity;
          for (const r of ranges) {
            start = Math.min(start, r.startIndex);
            end = Math.max(end, r.endIndex);
          }
          dirty = { ...dirty, changed: ranges.length > 0 ? { start, end } : null };
        }
      } else if (prev && prev.language === options.language && prev.text === text) {
        tree = prev.tree.copy();
      } else {
        tree = await pool.parse(text, options.language);
      }
      const units = prev && prev.language === options.language ? prev.units : undefined;
      drop(key);
      let result;
      try {
        result = runRules(tree, text, options, units, dirty);
      } catch (e) {
        tree.delete();
        throw e;
      }
      cache.set(key, { text, language: options.language, tree, units: result.cache });
      if (cache.size > MAX_CACHED) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) drop(oldest);
      }
      return matchLineEndings(text, result.findings);
    },

    forget(key) {
      drop(key);
    },

    async moduleFacts(text, language) {
      const tree = await pool.parse(text, language);
      setCurrentText(text);
      try {
        const src: Src = {
          text, py: language === 'python', typed: language === 'typescript' || language === 'typescriptreact',
          root: tree.rootNode, scopeCache: new Map(), mutationCache: new Map(), unitFrom: 0, unitTo: text.length, outside: false,
        };
        return moduleFacts(src);
      } finally {
        setCurrentText(undefined);
        tree.delete();
      }
    },

    async parseOnly(text, language) {
      const tree = await pool.parse(text, language);
      tree.delete();
    },
  };
}

/** The pre-check: the file uses the SDK (or holds a key), or the project index says an import brings a client. */
export function analysable(text: string, options: AnalyzeOptions): boolean {
  return options.project?.hasClient === true || mentionsClaudeSdk(text, options.language);
}

/**
 * Fixes are written with `\n`; in a CRLF file every inserted line break becomes `\r\n`, so a fix
 * (in the editor or through `claude-doctor fix`) never leaves a file with mixed line endings.
 */
export function matchLineEndings(text: string, findings: Finding[]): Finding[] {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  if (crlf === 0 || crlf * 2 < (text.match(/\n/g) ?? []).length) return findings;
  const conv = (t: string): string => t.replace(/\r?\n/g, '\r\n');
  return findings.map((f) => f.fixes.some((x) => x.edits.some((e) => e.newText.includes('\n')))
    ? { ...f, fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, newText: conv(e.newText) })) })) }
    : f);
}
