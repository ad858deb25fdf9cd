/** The Error Log page's details pane: every field of one entry, and its actions. */
import type { LogEntry } from '../../core/log/types';
import { $, h, send } from './dom';
import { fmtMs } from './format';
import { renderNotice } from './summary';

/** What the details pane asks of the page. */
export interface DetailsHooks {
  /** "Show this run": filter the table to the entry's run. */
  showRun(runId: string): void;
  /** "Close": deselect, back to the table. */
  close(): void;
  /** After the pane is built (the replay button follows the busy state). */
  rendered(): void;
}

/** The details pane of one entry (null: hidden). */
export function renderDetails(entry: LogEntry | null, hooks: DetailsHooks): void {
  const el = $('details');
  el.replaceChildren();
  el.hidden = !entry;
  document.querySelector('.main')!.classList.toggle('with-details', !!entry);
  if (!entry) return;
  const e = entry;
  const dl = h('dl');
  const add = (k: string, v: string | number | boolean | null | undefined, mono = false) => {
    if (v === null || v === undefined || v === '') return;
    dl.append(h('dt', {}, k), h('dd', mono ? { class: 'mono' } : {}, String(v)));
  };
  add('Time', `${new Date(e.ts).toLocaleString()} (${new Date(e.ts).toISOString()})`);
  add('Status', e.status ?? (e.category === 'stream_error' ? 'error inside a 200 stream' : 'no HTTP status (transport)'));
  add('Error type', e.errorType, true);
  add('Error code', e.errorCode, true);
  add('Category', e.category);
  add('Retryable', e.retryable ? 'yes' : 'no');
  add('Request id', e.requestId, true);
  add('Latency', fmtMs(e.latencyMs));
  if (e.backoffPlannedMs !== undefined) add('Backoff', `${fmtMs(e.backoffPlannedMs)} planned, ${fmtMs(e.backoffActualMs)} actual${e.backoffReason ? ` (${e.backoffReason})` : ''}`);
  add('Run', e.runId, true);
  add('Attempt', e.attempt);
  const where = e.target === 'simulator' ? `simulator${e.scenario && !e.proxy ? ` (${e.scenario})` : ''}` : 'Claude API';
  add('Target', e.proxy ? `your app, through the Claude Doctor proxy → ${where}` : where);
  if (e.proxy) {
    add('Request', `${e.proxy.method} ${e.proxy.path}`, true);
    add('Injected fault', e.proxy.injected, true);
    add('App retry count', e.proxy.retryCount);
    if (e.proxy.firstByteMs !== null) add('First byte', fmtMs(e.proxy.firstByteMs));
    add('Proxy saw', e.proxy.failure ?? (e.proxy.clientAborted ? 'the app went away before the answer ended' : null));
  }
  add('Base URL', e.baseUrl, true);
  add('Model', e.model, true);
  add('Streaming', e.stream ? 'yes' : 'no');
  if (e.rateLimit) {
    const u = e.rateLimit.unified;
    if (u) {
      add('Rate limit: unified', `${u.status ?? '?'}${u.reset ? `, resets ${u.reset}` : ''}`);
      for (const w of u.windows) {
        add(`Rate limit: unified ${w.window}`, `${w.utilization !== undefined ? `${Math.round(w.utilization * 100)}% used` : '?'}${w.status ? ` (${w.status})` : ''}${w.reset ? `, resets ${w.reset}` : ''}`);
      }
    }
    for (const [k, w] of Object.entries(e.rateLimit)) {
      if (!w || k === 'unified') continue;
      add(`Rate limit: ${k}`, `${w.remaining ?? '?'} of ${w.limit ?? '?'} left${w.reset ? `, resets ${w.reset}` : ''}`);
    }
  }
  if (!e.proxy || e.request.maxTokens > 0) add(e.proxy ? 'max_tokens' : 'Request', `${e.proxy ? '' : 'max_tokens '}${e.request.maxTokens}${e.request.stream && !e.proxy ? ', streaming' : ''}`);
  // The app's own request (seen by the proxy) cannot be replayed: its body was not kept.
  const replay = e.proxy ? null : h('button', { id: 'replay', type: 'button' }, 'Replay request');
  replay?.addEventListener('click', () => send({ type: 'replay', id: e.id }));
  const copy = h('button', { type: 'button', class: 'secondary', disabled: !e.requestId }, 'Copy request id');
  copy.addEventListener('click', () => {
    if (!e.requestId) return;
    void navigator.clipboard.writeText(e.requestId).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy request id'), 1200);
    }, () => renderNotice({ level: 'warning', text: 'Could not copy to the clipboard.' }));
  });
  const run = h('button', { type: 'button', class: 'secondary' }, 'Show this run');
  run.addEventListener('click', () => hooks.showRun(e.runId));
  const close = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Close details' }, 'Close');
  close.addEventListener('click', () => hooks.close());
  const parts: (Node | null)[] = [
    h('h2', {}, `${e.status ?? (e.category === 'stream_error' ? 'stream' : 'transport')} ${e.errorType ?? (e.ok ? 'OK' : e.category)}`),
    e.message ? h('p', { class: 'message' }, e.message) : null,
    h('div', { class: 'buttons' }, ...(replay ? [replay] : []), copy, run, close),
    dl,
    e.request.prompt ? h('details', {}, h('summary', {}, 'Prompt'), h('pre', { class: 'mono' }, e.request.prompt)) : null,
  ];
  el.append(...parts.filter((p): p is Node => p !== null));
  hooks.rendered();
}
