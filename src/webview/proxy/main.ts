/**
 * The proxy's retry report card (webview side): one row per grade, a link to the rule that fixes
 * each failing one. Plain DOM, text only (no HTML from data), themed by --vscode-* variables. The
 * host sends the card; this page renders it and reports clicks back.
 */
import type { CardView, HostToWebview, WebviewToHost } from './protocol';

/** Defined by esbuild.mjs: false in production bundles. */
declare const __TEST_HOOKS__: boolean;
declare function acquireVsCodeApi(): { postMessage(msg: unknown): void };
const vscodeApi = acquireVsCodeApi();
const send = (m: WebviewToHost): void => vscodeApi.postMessage(m);

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null) el.append(c);
  return el;
}

const MARK = { pass: '✔', fail: '✘', 'n/a': '–' } as const;
const WORD = { pass: 'pass', fail: 'fail', 'n/a': 'not seen' } as const;

function render(v: CardView): void {
  const app = document.getElementById('app')!;
  const { card } = v;
  const rows = card.grades.map((g) => {
    const fix = g.rule
      ? h('button', { type: 'button', class: 'link', 'data-rule': g.rule, title: `Open the ${g.rule} rule` }, g.rule)
      : null;
    return h('tr', { class: `grade ${g.verdict === 'n/a' ? 'na' : g.verdict}`, 'data-grade': g.id },
      h('td', { class: 'mark', 'aria-label': WORD[g.verdict] }, MARK[g.verdict]),
      h('th', { scope: 'row' }, g.title),
      h('td', {}, g.detail),
      h('td', { class: 'fix' }, fix));
  });
  const failing = card.grades.filter((g) => g.verdict === 'fail');
  const summary = `${card.exchanges} exchange${card.exchanges === 1 ? '' : 's'}, ${card.chains} request${card.chains === 1 ? '' : 's'} seen through the proxy → ${v.upstream}${v.faults ? `, injecting ${v.faults}` : ''}.`;
  const md = h('button', { type: 'button', class: 'secondary' }, 'Open as Markdown');
  md.addEventListener('click', () => send({ type: 'openMarkdown' }));
  app.replaceChildren(
    h('h1', {}, 'Retry report card'),
    h('p', { class: 'summary' }, summary, v.running ? h('span', { class: 'live' }, ' Live: it updates as your app runs.') : null),
    h('p', { class: 'verdict' }, failing.length === 0 ? 'No failing grade.' : `${failing.length} failing grade${failing.length === 1 ? '' : 's'}: each links to the analyzer rule whose quick fix repairs it (Scan Workspace finds where).`),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'Grade'), h('th', { scope: 'col' }, 'What the proxy saw'), h('th', { scope: 'col' }, 'Fix in code'))), h('tbody', {}, ...rows)),
    h('div', { class: 'buttons' }, md),
  );
  if (__TEST_HOOKS__) send({ type: 'rendered', grades: rows.length, failing: failing.map((g) => g.id), exchanges: card.exchanges });
}

document.addEventListener('click', (ev) => {
  const b = (ev.target as HTMLElement).closest<HTMLElement>('button[data-rule]');
  if (b?.dataset.rule) send({ type: 'openRule', rule: b.dataset.rule });
});

window.addEventListener('message', (ev: MessageEvent<HostToWebview>) => {
  const m = ev.data;
  if (m && m.type === 'card' && m.view && Array.isArray(m.view.card?.grades)) render(m.view);
});

const raw = document.getElementById('app')!.dataset.initialState;
if (raw) {
  try {
    const m = JSON.parse(raw) as HostToWebview;
    if (m.type === 'card') render(m.view);
  } catch {
    /* the host sends the card again after ready */
  }
}
send({ type: 'ready' });
