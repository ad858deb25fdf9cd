/** The connection panel's attempts table: one live row per attempt, with its backoff. */
import type { AttemptView, PanelState } from './protocol';
import { backoffRemainingMs, elapsedOfLimit, formatMs, statusLabel } from './model';
import { h, hostNow, jitterText, post, t } from './dom';

/** Why a wait lasted what it did, in words. */
function reasonText(reason: string, s: PanelState, demandMs?: number): string {
  switch (reason) {
    case 'retry-after': return demandMs !== undefined ? t('server retry-after {0} + jitter', formatMs(demandMs)) : t('server retry-after');
    case 'retry-after-ms': return demandMs !== undefined ? t('server retry-after-ms {0} + jitter', formatMs(demandMs)) : t('server retry-after-ms');
    case 'budget': return t('retry budget');
    case 'limiter': return t('queued for capacity (adaptive limiter)');
    case 'jitter': return jitterText(s.run?.jitter ?? 'full');
    default: return reason;
  }
}

function backoffCell(a: AttemptView, s: PanelState): HTMLElement {
  const b = a.backoff;
  if (!b) return h('td', { class: 'muted' }, a.state === 'done' && !a.ok ? t('none') : '');
  const cell = h('td', { class: `backoff ${b.state}` });
  cell.append(t('planned {0} ({1})', formatMs(b.plannedMs), reasonText(b.reason, s, b.demandMs)));
  if (b.state === 'waiting') {
    const cd = h('span', { class: 'countdown', 'data-deadline': String(b.startedAt + b.plannedMs), role: 'timer', 'aria-live': 'off' });
    cd.textContent = ` — ${t('{0} left', formatMs(backoffRemainingMs(a, hostNow())))}`;
    cell.append(cd);
  } else if (b.actualMs !== null) {
    cell.append(`, ${t(b.state === 'cancelled' ? 'cancelled after {0}' : 'actual {0}', formatMs(b.actualMs))}`);
  }
  return cell;
}

export function renderAttempts(attemptsBox: HTMLElement, s: PanelState): void {
  attemptsBox.replaceChildren();
  if (!s.run) return;
  const table = h('table', { class: 'attempts' });
  table.append(h('caption', { class: 'sr-only' }, t('One row per attempt')));
  table.append(h('thead', {}, h('tr', {},
    h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, t('Status')), h('th', { scope: 'col' }, t('Error')),
    h('th', { scope: 'col' }, t('Message')), h('th', { scope: 'col' }, t('Request id')), h('th', { scope: 'col' }, t('Latency')),
    h('th', { scope: 'col' }, t('Backoff')))));
  const body = h('tbody', {});
  for (const a of s.attempts) {
    const reqCell = h('td', { class: 'mono' });
    if (a.requestId) {
      const copy = h('button', { class: 'secondary icon', type: 'button', 'data-fkey': `copy-${a.attempt}`, title: t('Copy request id'), 'aria-label': t('Copy request id of attempt {0}', a.attempt) }, t('Copy'));
      const id = a.requestId;
      copy.addEventListener('click', () => post({ type: 'copyRequestId', requestId: id }));
      reqCell.append(h('span', { class: 'reqid' }, a.requestId), ' ', copy);
    } else reqCell.append(h('span', { class: 'muted' }, a.state === 'running' ? '' : t('none')));
    const err = [a.errorType, a.errorCode].filter(Boolean).join(' / ');
    const msg = a.message ?? (a.ok ? t('OK') : '');
    body.append(h('tr', { class: `attempt ${a.chip}`, 'data-attempt': String(a.attempt) },
      h('td', {}, String(a.attempt), a.model !== s.run.model ? h('div', { class: 'muted small' }, a.model) : null),
      h('td', {}, h('span', { class: `chip ${a.chip}`, title: a.category ?? 'in flight' }, statusLabel(a))),
      h('td', { class: 'mono' }, err || (a.state === 'running' ? '' : '—')),
      h('td', { class: 'message' }, msg, a.partialTextLength ? h('div', { class: 'muted small' }, t('{0} characters had arrived', a.partialTextLength)) : null),
      reqCell,
      h('td', { class: 'num' }, a.latencyMs !== null ? formatMs(a.latencyMs) : h('span', { class: 'countdown-up', 'data-since': String(a.startedAt), 'data-limit': String(s.run.timeoutMs) }, t('{0} of {1}', ...elapsedOfLimit(a.startedAt, s.run.timeoutMs, hostNow())))),
      backoffCell(a, s),
    ));
  }
  table.append(body);
  attemptsBox.append(h('h2', {}, t('Attempts')), table);
}
