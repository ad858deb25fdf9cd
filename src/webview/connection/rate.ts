/** The connection panel's rate-limit headroom: remaining of each limit, with reset countdowns. */
import type { PanelState } from './protocol';
import { formatMs, headroom } from './model';
import { h, hostNow, t } from './dom';

export function untilText(ms: number): string {
  return ms <= 0 ? t('now') : formatMs(ms);
}

function num(n: number | null): string {
  return n === null ? '?' : n.toLocaleString();
}

/** CSSOM width (allowed under the CSP, unlike a style attribute). */
function fillBar(pct: number): HTMLElement {
  const f = h('span', { class: 'fill' });
  f.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  return f;
}

export function renderRate(rateBox: HTMLElement, s: PanelState): void {
  rateBox.replaceChildren();
  const rows = headroom(s.rateLimit?.info, hostNow());
  rateBox.hidden = rows.length === 0;
  if (rows.length === 0) return;
  const table = h('table', { class: 'headroom' });
  table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Limit')), h('th', { scope: 'col' }, t('Remaining')), h('th', { scope: 'col' }, t('Headroom')), h('th', { scope: 'col' }, t('Resets in')))));
  const body = h('tbody', {});
  for (const r of rows) {
    const pct = r.fraction === null ? null : Math.round(r.fraction * 100);
    const meter = pct === null ? h('span', { class: 'muted' }, '—')
      : h('span', { class: `meter ${pct < 10 ? 'low' : pct < 30 ? 'mid' : 'high'}`, role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-label': t('{0} headroom {1}%', t(r.label), pct) },
        fillBar(pct), h('span', { class: 'pct' }, `${pct}%`));
    const reset = r.reset ? Date.parse(r.reset) : NaN;
    body.append(h('tr', {},
      h('th', { scope: 'row' }, t(r.label)),
      h('td', { class: 'num' }, `${num(r.remaining)} / ${num(r.limit)}`),
      h('td', {}, meter),
      h('td', { class: 'num' }, Number.isFinite(reset)
        ? h('span', { class: 'countdown', 'data-deadline': String(reset), title: r.reset ?? '' }, untilText(r.resetInMs ?? 0))
        : '—'),
    ));
  }
  table.append(body);
  rateBox.append(h('h2', {}, t("Rate-limit headroom (from attempt {0}'s anthropic-ratelimit-* headers)", s.rateLimit!.attempt)), table,
    h('p', { class: 'muted small' }, t('Token counts are rounded to thousands by the API.')));
}
