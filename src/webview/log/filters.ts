/** The Error Log page's filter controls: they show the current filter and turn edits into a new one. */
import { QUICK_RANGES, type LogFilter } from './protocol';
import { $, h } from './dom';

/** The time range select changed: a quick range, or the custom one. */
export function onRangeChange(filter: LogFilter, setFilter: (f: LogFilter) => void): void {
  const id = $<HTMLSelectElement>('range').value;
  $('custom').hidden = id !== 'custom';
  if (id === 'custom') {
    onCustomRange(filter, setFilter);
    $('from').focus();
    return;
  }
  const r = QUICK_RANGES.find((q) => q.id === id);
  setFilter({ ...filter, from: undefined, to: undefined, sinceMs: r?.ms ?? undefined });
}

/** The custom range's inputs changed. */
export function onCustomRange(filter: LogFilter, setFilter: (f: LogFilter) => void): void {
  const parse = (id: string) => {
    const v = $<HTMLInputElement>(id).value;
    const t = v ? new Date(v).getTime() : NaN;
    return Number.isFinite(t) ? t : undefined;
  };
  setFilter({ ...filter, sinceMs: undefined, from: parse('from'), to: parse('to') });
}

function toLocalInput(ms: number | undefined): string {
  if (typeof ms !== 'number') return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

/** Controls show the current filter (after a restore, or a filter set from details). */
export function syncControls(filter: LogFilter, errorTypes: readonly string[], setFilter: (f: LogFilter) => void): void {
  const statuses = new Set(filter.statuses ?? []);
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.toggle')) {
    b.setAttribute('aria-pressed', String(statuses.has(b.dataset.status!)));
  }
  const sel = $<HTMLSelectElement>('etype');
  const want = filter.errorTypes?.[0] ?? '';
  const types = [...new Set([...errorTypes, ...(want ? [want] : [])])].sort();
  const current = [...sel.options].slice(1).map((o) => o.value);
  if (current.join('\u0000') !== types.join('\u0000')) {
    sel.replaceChildren(h('option', { value: '' }, 'All'), ...types.map((t) => h('option', { value: t }, t)));
  }
  sel.value = want;
  const range = $<HTMLSelectElement>('range');
  if (typeof filter.from === 'number' || typeof filter.to === 'number') {
    range.value = 'custom';
    $('custom').hidden = false;
    if (document.activeElement !== $('from')) $<HTMLInputElement>('from').value = toLocalInput(filter.from);
    if (document.activeElement !== $('to')) $<HTMLInputElement>('to').value = toLocalInput(filter.to);
  } else if (range.value !== 'custom' || typeof filter.sinceMs === 'number') {
    range.value = QUICK_RANGES.find((q) => q.ms === (filter.sinceMs ?? null))?.id ?? 'all';
    $('custom').hidden = true;
  }
  const q = $<HTMLInputElement>('q');
  if (document.activeElement !== q) q.value = filter.text ?? '';
  const chip = $('run-chip');
  chip.replaceChildren();
  chip.hidden = !filter.runId;
  if (filter.runId) {
    const x = h('button', { type: 'button', class: 'icon', 'aria-label': 'Show every run', title: 'Show every run' }, '✕');
    x.addEventListener('click', () => setFilter({ ...filter, runId: undefined }));
    chip.append(h('span', {}, `Run ${filter.runId}`), x);
  }
}
