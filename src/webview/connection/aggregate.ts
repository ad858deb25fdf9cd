/**
 * The storm aggregate section of the connection panel (issue #13 item 2): N callers with our
 * client next to N real SDK clients against the same storm, as the host measured them — attempts,
 * 529s, success, and the time until every caller ended against the physical floor. Plain DOM, text
 * only, themed with --vscode-* variables (media/connection.css, "Storm aggregate"); figures and
 * labels never break mid-word. The host owns the state: this only draws `PanelState.aggregate`.
 */
import type { AggregateSide, AggregateView } from '../../core/connection/aggregate';
import type { PanelState } from './protocol';

export { AGGREGATE_STRINGS } from './strings';

type T = (text: string, ...args: (string | number)[]) => string;


function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) if (c !== null) e.append(c);
  return e;
}

function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;
}

function pct(n: number, of: number): string {
  return `${of === 0 ? 0 : Math.round((n / of) * 100)} %`;
}

/** The aggregate to draw for this state: only the one of the run on display. */
export function aggregateOf(s: PanelState): AggregateView | undefined {
  const a = s.aggregate;
  return a && s.run && a.runId === s.run.runId ? a : undefined;
}

/** True while an aggregate of the run on display is still running (Cancel stays enabled). */
export function aggregateRunning(s: PanelState): boolean {
  return aggregateOf(s)?.state === 'running';
}

/** What the webview keeps for a reload: a running aggregate is not kept (its host side is gone then). */
export function persistable(s: PanelState): PanelState {
  return s.aggregate?.state === 'running' ? { ...s, aggregate: null } : s;
}

function sideRow(t: T, a: AggregateView, side: 'ours' | 'sdk'): HTMLTableRowElement {
  const s: AggregateSide = a[side];
  const name = side === 'ours'
    ? el('th', '', el('span', 'client', t('This client')), el('span', 'muted small detail',
      a.ours.limiter ? t('{0} retries, {1} jitter, adaptive limiter', s.maxRetries, a.ours.jitter) : t('{0} retries, {1} jitter', s.maxRetries, a.ours.jitter)))
    : el('th', '', el('span', 'client mono', `@anthropic-ai/sdk ${a.sdk.version}`), el('span', 'muted small detail', t('defaults: maxRetries {0}, its own backoff', s.maxRetries)));
  name.scope = 'row';
  const done = a.state !== 'running' || s.settled === s.callers;
  const notes = [s.failed ? t('{0} gave up', s.failed) : '', s.unfinished ? t('{0} unfinished', s.unfinished) : ''].filter(Boolean).join(', ');
  const ok = el('td', 'num', `${s.succeeded}/${s.callers} (${pct(s.succeeded, s.callers)})`, notes ? el('span', 'muted small detail', notes) : null);
  const time = el('td', 'num', done ? ms(s.elapsedMs) : '…');
  const floor = el('td', 'num', done ? `${(s.elapsedMs / Math.max(1, a.floorMs)).toFixed(1)}×` : '…');
  const row = el('tr', `side ${side}${s.succeeded === s.callers ? ' all-ok' : ''}`, name,
    el('td', 'num attempts', String(s.attempts)), el('td', 'num overloaded', String(s.overloaded)), ok, time, floor);
  row.dataset.side = side;
  return row;
}

/** Draws the aggregate into `box`, or hides it when the run on display has none. */
export function renderAggregate(box: HTMLElement, s: PanelState, t: T): void {
  box.replaceChildren();
  const a = aggregateOf(s);
  box.hidden = !a;
  if (!a) return;
  box.className = `aggregate ${a.state}`;
  box.setAttribute('aria-label', t('Storm aggregate: ours and the SDK\'s default retries'));
  const chip = a.state === 'running' ? t('running…') : a.state === 'cancelled' ? t('cancelled') : a.state === 'bounded' ? t('stopped at {0}', ms(a.boundMs)) : '';
  box.append(el('h2', '', t('Storm: {0} callers at once', a.callers), chip ? ' ' : null, chip ? el('span', `chip ${a.state === 'running' ? 'running' : 'cancelled'}`, chip) : null));
  box.append(el('p', 'muted floor', t('Capacity {0}, {1} per reply: no client can get every caller through in less than {2}, the physical floor (⌈{3} / {0}⌉ × {1}).', a.capacity, ms(a.serviceTimeMs), ms(a.floorMs), a.callers)));
  if (a.error) {
    box.append(el('p', '', t('The aggregate could not run: {0}', a.error)));
    return;
  }
  const head = el('tr', '', ...['Client', 'Attempts', '529s', 'Succeeded', 'All ended in', '× floor'].map((c) => {
    const th = el('th', '', t(c));
    th.scope = 'col';
    return th;
  }));
  const table = el('table', 'aggregate-table', el('thead', '', head), el('tbody', '', sideRow(t, a, 'ours'), sideRow(t, a, 'sdk')));
  box.append(el('div', 'table-wrap', table));
  if (a.state !== 'running' && a.ours.attempts > 0) {
    box.append(el('p', 'takeaway', t('The SDK\'s default retries sent {0}× the attempts of this client and got {1} of {2} callers through ({3} for this client).',
      (a.sdk.attempts / a.ours.attempts).toFixed(1), a.sdk.succeeded, a.callers, a.ours.succeeded)));
  }
  box.append(el('p', 'muted small', t('Measured, not modelled: {0} real callers per side at the same time, each side against its own simulator with the same storm (no simulated background load).', a.callers),
    a.state === 'running' ? ` ${t('Cancel stops it; a new run replaces it.')}` : null));
}
