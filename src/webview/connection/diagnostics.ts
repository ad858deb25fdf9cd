/** The connection panel's diagnostics: the status page and the 401 key checklist. */
import type { PanelState } from './protocol';
import { h, link, t } from './dom';

export function renderStatus(statusBox: HTMLElement, s: PanelState): void {
  const sp = s.statusPage;
  statusBox.replaceChildren();
  statusBox.hidden = sp.state === 'idle';
  if (sp.state === 'idle') return;
  const sim = sp.source === 'simulator';
  const title = h('h2', {}, sim ? t('Status page (simulator)') : t('Status page'));
  statusBox.append(title);
  if (sp.state === 'loading') statusBox.append(h('p', { class: 'muted' }, sim ? t('Reading the simulator\'s status page…') : t('Reading status.claude.com…')));
  else if (sp.state === 'disabled') statusBox.append(h('p', { class: 'muted' }, sp.message ?? t('Status page checks are turned off (claudeDoctor.statusPage).')));
  else if (sp.state === 'ok') {
    const ind = sp.indicator ?? 'unknown';
    statusBox.append(
      h('p', {}, h('span', { class: `chip status-${ind}` }, ind === 'none' ? t('operational') : t(ind)), ' ', sp.description ?? '',
        sp.fetchedAt ? h('span', { class: 'muted' }, ` ${t('(read {0})', new Date(sp.fetchedAt).toLocaleTimeString())}`) : null),
      h('p', { class: 'muted' }, sim
        ? t('Simulated for this scenario: the simulator is the target, so status.claude.com was not read.')
        : t('Context, not proof: 529 storms can happen while the page says operational.')),
    );
  } else {
    statusBox.append(h('p', {}, sp.message ?? t('The status page could not be read.')));
  }
  if (sp.pageUrl) statusBox.append(h('p', {}, link(sp.pageUrl, t('Open status.claude.com'))));
}

export function renderKeyCheck(keyBox: HTMLElement, s: PanelState): void {
  keyBox.replaceChildren();
  const items = s.keyChecklist;
  keyBox.hidden = !items || items.length === 0;
  if (!items || items.length === 0) return;
  const list = h('ul', { class: 'checklist' });
  for (const i of items) {
    const mark = i.outcome === 'pass' ? '✓' : i.outcome === 'fail' ? '✗' : i.outcome === 'warn' ? '!' : 'i';
    list.append(h('li', { class: `check ${i.outcome}` },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, mark),
      h('span', { class: 'sr-only' }, `${i.outcome}: `),
      h('strong', {}, i.label), ' — ', i.detail));
  }
  keyBox.append(h('h2', {}, t('Key checklist (local, the key is never shown)')), list);
}
