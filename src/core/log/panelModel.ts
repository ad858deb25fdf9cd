/**
 * The host-side view model of the Error Log panel: the entries read from disk (plus any the
 * disk refused, held in memory), the current filter, and what the webview is shown.
 * Core, like the connection panel's run model: the extension's log controller holds one.
 */
import type { LogEntry } from './types';
import { compileFilter, computeStats, statusKey, type LogFilter, type LogStats } from './query';
import { toRow, type LogRow } from './rows';

export class LogViewModel {
  /** Entries in read order (oldest file first). */
  private entries: LogEntry[] = [];
  private byId = new Map<string, LogEntry>();
  private unsaved: LogEntry[] = [];
  private filter: LogFilter = {};
  private pred: (e: LogEntry) => boolean = () => true;
  private maxTs = -Infinity;
  private types = new Set<string>();
  skipped = 0;

  get size(): number {
    return this.entries.length + this.unsaved.length;
  }

  getFilter(): LogFilter {
    return this.filter;
  }

  setFilter(f: LogFilter): void {
    this.filter = f;
    this.pred = compileFilter(f);
  }

  reset(): void {
    this.entries = [];
    this.byId.clear();
    this.unsaved = [];
    this.maxTs = -Infinity;
    this.types.clear();
    this.skipped = 0;
  }

  find(id: string): LogEntry | undefined {
    return this.byId.get(id) ?? this.unsaved.find((e) => e.id === id);
  }

  /**
   * Adds entries read from disk; returns those that were new. `inOrder` is false when any of
   * them is older than something already shown (another window's clock, a late rotation), in
   * which case the caller re-sends the whole view rather than prepending.
   */
  ingest(list: readonly LogEntry[]): { added: LogEntry[]; inOrder: boolean } {
    const added: LogEntry[] = [];
    let inOrder = true;
    for (const e of list) {
      if (this.byId.has(e.id)) continue;
      this.byId.set(e.id, e);
      this.entries.push(e);
      added.push(e);
      if (e.ts < this.maxTs) inOrder = false;
      else this.maxTs = e.ts;
      if (e.errorType) this.types.add(e.errorType);
    }
    if (added.length && this.unsaved.length) {
      const before = this.unsaved.length;
      this.unsaved = this.unsaved.filter((u) => !this.byId.has(u.id));
      if (this.unsaved.length !== before) inOrder = false;
    }
    return { added, inOrder };
  }

  /** Replaces the entries held in memory only (the store's `pending()`); true when it changed. */
  setUnsaved(list: readonly LogEntry[]): boolean {
    const next = list.filter((e) => !this.byId.has(e.id));
    const changed = next.length !== this.unsaved.length || next.some((e, i) => e.id !== this.unsaved[i]?.id);
    this.unsaved = next;
    for (const e of next) if (e.errorType) this.types.add(e.errorType);
    return changed;
  }

  /** Every entry matching the filter, oldest first (what an export writes). */
  filtered(): LogEntry[] {
    const out = this.entries.filter(this.pred);
    for (const e of this.unsaved) if (this.pred(e)) out.push(e);
    return out.sort((a, b) => a.ts - b.ts);
  }

  /** Every entry, filter or not (run stats cover whole runs). */
  private all(): LogEntry[] {
    return this.unsaved.length ? [...this.entries, ...this.unsaved] : this.entries;
  }

  errorTypes(): string[] {
    return [...this.types].sort();
  }

  /** Rows for the table, newest first, with stats over the same filtered set (run figures: whole runs). */
  view(): { rows: LogRow[]; stats: LogStats } {
    const list = this.filtered();
    const unsavedIds = new Set(this.unsaved.map((e) => e.id));
    const rows = new Array<LogRow>(list.length);
    for (let i = 0; i < list.length; i++) {
      const e = list[list.length - 1 - i]!;
      rows[i] = toRow(e, statusKey(e), unsavedIds.has(e.id));
    }
    return { rows, stats: computeStats(list, this.all()) };
  }

  /** Stats over the filtered set (without building rows); run figures over whole runs. */
  stats(): LogStats {
    return computeStats(this.filtered(), this.all());
  }

  /** Rows for newly added entries that match the filter, newest first. */
  rowsFor(added: readonly LogEntry[]): LogRow[] {
    return added.filter(this.pred).sort((a, b) => b.ts - a.ts).map((e) => toRow(e, statusKey(e)));
  }
}
