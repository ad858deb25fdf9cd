/** The connection panel's verdict: ready, testing, or the result in plain words. */
import { FAULT_WORDS, type PanelState } from './protocol';
import { formatMs, statusLabel, verdictView } from './model';
import { btn, h, link, richText, t } from './dom';

export function renderVerdict(verdict: HTMLElement, s: PanelState): void {
  verdict.replaceChildren();
  const heading = h('h2', { id: 'verdict-heading' });
  if (!s.run) {
    heading.textContent = t('Ready');
    verdict.append(heading);
    if (s.keyState === 'none') {
      const setKey = btn('set-key', t('Set API Key'), { type: 'setKey' }, '');
      const sim = btn('run-sim', t('Try the simulator'), { type: 'runSimulator' }, 'secondary');
      verdict.append(
        h('p', {}, t('No API key is stored and ANTHROPIC_API_KEY is not set. Set one (it goes to VS Code Secret Storage), or try the built-in simulator: it needs no key and no network.')),
        h('div', { class: 'toolbar' }, setKey, sim),
      );
    } else {
      verdict.append(h('p', {}, t('Run "Claude Doctor: Test Claude Connection" or "Run again" to test.')));
    }
    verdict.className = 'verdict idle';
    return;
  }
  if (s.running || !s.result) {
    const last = s.attempts[s.attempts.length - 1];
    const waiting = last?.backoff?.state === 'waiting';
    heading.textContent = waiting ? t('Waiting before attempt {0}…', last!.attempt + 1) : t('Testing… attempt {0}', last?.attempt ?? 1);
    verdict.className = 'verdict running';
    verdict.append(heading);
    if (last && last.state === 'done' && !last.ok) {
      verdict.append(h('p', {}, t(last.retryable ? 'Attempt {0}: {1}, retrying.' : 'Attempt {0}: {1}.', last.attempt, `${statusLabel(last)}${last.errorType ? ` ${last.errorType}` : ''}`)));
    }
    return;
  }
  const r = s.result;
  const v = r.verdict;
  const view = verdictView(r);
  verdict.className = `verdict ${view.box}`;
  heading.append(h('span', { class: `chip ${view.chip}` }, /^\d+$/.test(view.chipText) ? view.chipText : t(view.chipText)), ' ', v.title);
  verdict.append(heading, h('p', { class: 'summary' }, richText(v.summary)));
  const dl = h('dl', {});
  for (const row of view.rows) {
    if (row === 'fault') dl.append(h('dt', {}, t('Whose fault')), h('dd', {}, t(FAULT_WORDS[v.fault] ?? v.fault)));
    else if (row === 'next') dl.append(h('dt', {}, t('What to do next')), h('dd', {}, richText(v.nextStep)));
    else if (v.explanation) dl.append(h('dt', {}, t('Why')), h('dd', {}, richText(v.explanation)));
  }
  dl.append(h('dt', {}, t('Attempts')), h('dd', {}, t('{0} in {1} (model {2})', r.attempts, formatMs(r.totalMs), r.model)));
  if (r.ok && r.textPreview) dl.append(h('dt', {}, t('Reply')), h('dd', {}, h('q', {}, r.textPreview)));
  verdict.append(dl);
  if (v.docsUrl && view.outcome === 'failed') verdict.append(h('p', {}, link(v.docsUrl, t('Documentation: {0}', v.title))));
}
