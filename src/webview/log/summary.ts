/** The Error Log page's status surfaces: the stats line, the notice bar, the busy state. */
import type { LogStats, Notice } from './protocol';
import { $, h } from './dom';
import { fmtMs } from './format';

/** The stats line: counts by status, retry success over whole runs, latency percentiles, damaged lines. */
export function renderStats(stats: LogStats | null, totalAll: number, shownRows: number, partial: boolean, skipped: number): void {
  const el = $('stats');
  el.replaceChildren();
  if (!stats) return;
  const s = stats;
  const parts: (Node | string)[] = [];
  const shown = s.total === totalAll ? `${totalAll.toLocaleString()} entries` : `${s.total.toLocaleString()} of ${totalAll.toLocaleString()} entries`;
  parts.push(h('strong', {}, partial ? `Loading… showing the newest ${shownRows.toLocaleString()} entries` : shown));
  const statuses = Object.entries(s.byStatus).sort((a, b) => b[1] - a[1]);
  if (statuses.length) {
    const list = h('span', { class: 'by-status' });
    for (const [k, n] of statuses.slice(0, 8)) list.append(h('span', { class: 'stat', title: `${n} attempts with status ${k}` }, h('span', { class: 'k' }, k), ` ${n.toLocaleString()}`));
    parts.push(list);
  }
  const rate = s.retrySuccessRate === null ? '–' : `${Math.round(s.retrySuccessRate * 100)}%`;
  const filtered = s.total !== totalAll;
  parts.push(h('span', { class: 'retry-stat', title: `Runs that succeeded after at least one retry, of the runs that needed a retry. Over whole runs: every attempt of ${filtered ? 'each run with an entry shown' : 'each run'}, so a filter does not hide a run's final success.` },
    `Retry success ${rate}`, h('span', { class: 'muted' }, ` (${s.runsRecovered}/${s.runsRetried} ${filtered ? 'whole runs' : 'runs'})`)));
  parts.push(h('span', { title: 'Attempt latency percentiles' }, `p50 ${fmtMs(s.p50LatencyMs)} · p95 ${fmtMs(s.p95LatencyMs)}`));
  if (skipped) parts.push(h('span', { class: 'warn', title: 'Damaged lines (e.g. torn by a crash) were skipped' }, `${skipped} damaged line${skipped === 1 ? '' : 's'} skipped`));
  el.append(...parts.flatMap((p, i) => (i ? [h('span', { class: 'sep', 'aria-hidden': 'true' }, '·'), p] : [p])));
}

/** The notice bar (dismissable). */
export function renderNotice(n: Notice): void {
  const el = $('notice');
  el.replaceChildren();
  el.hidden = !n;
  if (!n) return;
  el.className = `notice ${n.level}`;
  el.setAttribute('role', n.level === 'error' ? 'alert' : 'status');
  const close = h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', title: 'Dismiss' }, '✕');
  close.addEventListener('click', () => renderNotice(null));
  el.append(h('span', {}, n.text), close);
}

/** While an action runs, its buttons are disabled. */
export function renderBusy(busy: string | null): void {
  for (const id of ['export-json', 'export-csv', 'clear', 'refresh']) {
    ($(id) as HTMLButtonElement).disabled = busy !== null;
  }
  const replay = document.getElementById('replay') as HTMLButtonElement | null;
  if (replay) {
    replay.disabled = busy !== null;
    replay.textContent = busy === 'replay' ? 'Replaying…' : 'Replay request';
  }
  document.body.setAttribute('aria-busy', String(busy !== null));
}
