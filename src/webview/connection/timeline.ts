/** The connection panel's timeline: an SVG of attempts and the backoff gaps between them. */
import type { PanelState } from './protocol';
import { formatMs, timelineLayout } from './model';
import { h, hostNow, SVG_NS, t } from './dom';

export function renderTimeline(timelineBox: HTMLElement, s: PanelState): void {
  timelineBox.replaceChildren();
  if (!s.run || s.attempts.length === 0) return;
  const layout = timelineLayout(s, hostNow());
  const W = 1000;
  const H = 44;
  const x = (ms: number) => (ms / layout.totalMs) * W;
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'timeline-svg');
  svg.setAttribute('aria-label', layout.segments.map((g) => g.label).join('; '));
  const axis = document.createElementNS(SVG_NS, 'line');
  axis.setAttribute('x1', '0'); axis.setAttribute('x2', String(W)); axis.setAttribute('y1', '22'); axis.setAttribute('y2', '22');
  axis.setAttribute('class', 'axis');
  svg.append(axis);
  for (const g of layout.segments) {
    const r = document.createElementNS(SVG_NS, 'rect');
    const x0 = x(g.start);
    const w = Math.max(2, x(g.end) - x0);
    r.setAttribute('x', String(x0));
    r.setAttribute('width', String(w));
    if (g.kind === 'attempt') { r.setAttribute('y', '8'); r.setAttribute('height', '28'); }
    else { r.setAttribute('y', '18'); r.setAttribute('height', '8'); }
    r.setAttribute('class', `seg ${g.kind} ${g.chip}`);
    const t = document.createElementNS(SVG_NS, 'title');
    t.textContent = g.label;
    r.append(t);
    svg.append(r);
  }
  timelineBox.append(
    h('h2', {}, t('Timeline')),
    svg,
    h('div', { class: 'axis-labels muted' }, h('span', {}, '0'), h('span', {}, formatMs(layout.totalMs))),
    h('p', { class: 'legend muted' },
      h('span', { class: 'swatch ok' }), `${t('success')} `, h('span', { class: 'swatch retryable' }), `${t('retryable error')} `,
      h('span', { class: 'swatch fatal' }), `${t('final error')} `, h('span', { class: 'swatch network' }), `${t('network/timeout')} `,
      h('span', { class: 'swatch backoff' }), t('backoff')),
  );
}
