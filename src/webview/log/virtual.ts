/**
 * Windowing math for the virtualized table: which rows to render for a scroll position.
 * Pure, so it is unit-tested without a DOM.
 */
export interface Window {
  /** First row index to render (inclusive). */
  start: number;
  /** Last row index to render (exclusive). */
  end: number;
  /** Pixel offset of `start` inside the scroll content. */
  offset: number;
}

export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = 8): Window {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0 };
  const top = Math.max(0, Math.min(scrollTop, rowCount * rowHeight));
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(rowCount, first + visible + overscan);
  return { start, end, offset: start * rowHeight };
}

/** The scrollTop that brings row `index` fully into view (or the current one when it already is). */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number, headerHeight = 0): number {
  const rowTop = index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + viewportHeight - headerHeight;
  if (rowTop < visibleTop) return rowTop;
  if (rowBottom > visibleBottom) return Math.max(0, rowBottom - (viewportHeight - headerHeight));
  return scrollTop;
}

/** Keyboard navigation in a list of `count` rows; returns the new active index. */
export function navigate(key: string, current: number, count: number, pageRows: number): number | null {
  if (count <= 0) return null;
  const cur = current < 0 ? -1 : Math.min(current, count - 1);
  switch (key) {
    case 'ArrowDown': return Math.min(count - 1, cur + 1);
    case 'ArrowUp': return cur < 0 ? 0 : Math.max(0, cur - 1);
    case 'PageDown': return Math.min(count - 1, Math.max(0, cur) + Math.max(1, pageRows));
    case 'PageUp': return Math.max(0, cur - Math.max(1, pageRows));
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return null;
  }
}
