/**
 * One Error Log panel session's entries: read when the panel opens, freed when it closes. A quick
 * preview of the log's tail comes first (fast first paint), then the full read.
 */
import type { LogFilter } from '../../core/log/query';
import type { LogReader, LogStore } from '../../core/log/store';
import { LogViewModel } from '../../core/log/panelModel';
import type { Timings } from './settings';

/** The entries of one panel session. */
export interface Session {
  model: LogViewModel;
  reader: LogReader;
  loading: Promise<void>;
  /** Entries of the newest bytes only, shown while the full read runs (fast first paint). */
  preview?: { model: LogViewModel; ready: Promise<void> };
  loaded: boolean;
}

export interface SessionHooks {
  mark(k: keyof Timings): void;
  /** Waits, when a page is booting, for it to paint the preview (`previewRows` of it) before the full read. */
  waitForPage(previewRows: number): Promise<void>;
  /** The full read failed. */
  failed(e: unknown): void;
}

/** Starts reading `store` for a new session with `filter`; `session.loading` settles when the full read is over. */
export function startSession(store: LogStore, filter: LogFilter, hooks: SessionHooks): Session {
  const m = new LogViewModel();
  m.setFilter(filter);
  const pm = new LogViewModel();
  let previewDone!: () => void;
  const session: Session = {
    model: m, reader: store.createReader(), loaded: false, loading: Promise.resolve(),
    preview: { model: pm, ready: new Promise<void>((res) => (previewDone = res)) },
  };
  session.loading = (async () => {
    try {
      pm.setFilter(filter);
      pm.ingest(await store.tail());
    } catch {
      /* the full read below reports problems */
    } finally {
      hooks.mark('previewReadyMs');
      previewDone();
    }
    // Let the webview boot and paint the preview before the long parse competes with it for
    // the event loop (the preview message would otherwise queue behind the parse).
    await hooks.waitForPage(pm.size);
    try {
      const res = await session.reader.readNew();
      m.skipped += res.skipped;
      m.ingest(res.entries);
      m.setUnsaved(store.pending());
      hooks.mark('fullReadMs');
    } catch (e) {
      hooks.failed(e);
    } finally {
      session.loaded = true;
      session.preview = undefined;
    }
  })();
  return session;
}
