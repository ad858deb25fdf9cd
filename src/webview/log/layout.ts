/** The Error Log page's skeleton: toolbar (filters, actions), notice, stats, the grid, the details pane. */
import { QUICK_RANGES } from './protocol';
import { STATUS_CLASSES } from '../../core/log/query';
import { $, h } from './dom';

export const COLUMNS = ['Time', 'Status', 'Error type', 'Message', 'Model', 'Try', 'Latency', 'Request id'] as const;

/** Builds the page into #app; returns the status toggle buttons (the caller wires every control). */
export function buildLayout(): HTMLButtonElement[] {
  const app = $('app');
  app.removeAttribute('aria-live'); // the stats line and notices announce themselves
  const statusButtons = STATUS_CLASSES.map((s) =>
    h('button', { class: 'toggle', type: 'button', 'data-status': s.token, 'aria-pressed': 'false', title: `Show ${s.label}` }, s.label));
  app.append(
    h('div', { class: 'toolbar' },
      h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' },
        h('div', { class: 'status-group', role: 'group', 'aria-label': 'Status' }, ...statusButtons),
        h('label', { class: 'field' }, h('span', { class: 'label' }, 'Error type'),
          h('select', { id: 'etype' }, h('option', { value: '' }, 'All'))),
        h('label', { class: 'field' }, h('span', { class: 'label' }, 'Time'),
          h('select', { id: 'range' }, ...QUICK_RANGES.map((r) => h('option', { value: r.id }, r.label)), h('option', { value: 'custom' }, 'Custom…'))),
        h('span', { id: 'custom', class: 'custom', hidden: true },
          h('label', { class: 'field' }, h('span', { class: 'label' }, 'From'), h('input', { id: 'from', type: 'datetime-local', step: '1' })),
          h('label', { class: 'field' }, h('span', { class: 'label' }, 'To'), h('input', { id: 'to', type: 'datetime-local', step: '1' }))),
        h('span', { id: 'run-chip', class: 'run-chip', hidden: true }),
        h('input', { id: 'q', type: 'search', placeholder: 'Search message, type, request id, model… ("exact phrase")', 'aria-label': 'Search the log', spellcheck: 'false' }),
        h('button', { id: 'reset', type: 'button', class: 'secondary' }, 'Reset filters')),
      h('div', { class: 'actions', role: 'group', 'aria-label': 'Log actions' },
        h('button', { id: 'refresh', type: 'button', class: 'secondary', title: 'Read entries written by other windows' }, 'Refresh'),
        h('button', { id: 'export-json', type: 'button', title: 'Export the filtered entries as JSON' }, 'Export JSON'),
        h('button', { id: 'export-csv', type: 'button', title: 'Export the filtered entries as CSV' }, 'Export CSV'),
        h('button', { id: 'open-folder', type: 'button', class: 'secondary', title: 'Reveal the log file' }, 'Reveal file'),
        h('button', { id: 'clear', type: 'button', class: 'secondary danger' }, 'Clear log…'))),
    h('div', { id: 'notice', class: 'notice', role: 'status', hidden: true }),
    h('div', { id: 'stats', class: 'stats', role: 'status', 'aria-live': 'polite' }, 'Loading the error log…'),
    h('div', { id: 'empty', class: 'empty', role: 'status', hidden: true }),
    h('div', { class: 'main' },
      h('div', { id: 'grid', class: 'grid', role: 'grid', tabindex: '0', 'aria-label': 'Error log entries, newest first', 'aria-rowcount': '1', 'aria-colcount': String(COLUMNS.length) },
        h('div', { class: 'row header', role: 'row', 'aria-rowindex': '1' },
          ...COLUMNS.map((c, i) => h('div', { class: `cell c${i}`, role: 'columnheader' }, c))),
        h('div', { id: 'spacer', class: 'spacer', role: 'rowgroup' }, h('div', { id: 'rows', class: 'rows' }))),
      h('aside', { id: 'details', class: 'details', hidden: true, 'aria-label': 'Entry details', tabindex: '-1' })),
  );
  return statusButtons;
}
