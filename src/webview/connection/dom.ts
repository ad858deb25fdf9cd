/**
 * DOM helpers of the connection panel (webview side), its one channel to the host, its
 * localized strings and the host's clock. Plain DOM, no innerHTML with data.
 */
import type { WebviewToHost } from './protocol';

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode = acquireVsCodeApi();
export const SVG_NS = 'http://www.w3.org/2000/svg';

/** host clock − local clock, so countdowns match the host's timers. */
let skewMs = 0;
export const hostNow = () => Date.now() + skewMs;
/** The host's clock was `hostMs` (a state message's `now`), or unknown. */
export function setHostClock(hostMs: unknown): void {
  skewMs = typeof hostMs === 'number' ? hostMs - Date.now() : 0;
}

type Child = Node | string | null | undefined | false;
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Text with `code` spans, as the API facts phrase things; never HTML. */
export function richText(text: string): DocumentFragment {
  const f = document.createDocumentFragment();
  text.split(/(`[^`]+`)/).forEach((part) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) f.append(h('code', {}, part.slice(1, -1)));
    else if (part) f.append(part);
  });
  return f;
}

export function post(m: WebviewToHost): void {
  vscode.postMessage(m);
}

/** Localized strings from the host (vscode.l10n.t of the English text); English by default. */
let strings: Record<string, string> = {};
export function t(text: string, ...args: (string | number)[]): string {
  return (strings[text] ?? text).replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/** Static elements whose text is re-applied when the localized strings arrive. */
const labelled: (() => void)[] = [];

/** The localized strings arrived: every static label is applied again. */
export function setStrings(s: unknown): void {
  strings = s && typeof s === 'object' ? s as Record<string, string> : {};
  for (const apply of labelled) apply();
}

export const btn = (id: string, label: string, msg: WebviewToHost, cls = 'secondary', title?: string) => {
  const b = h('button', { id, class: cls, type: 'button', title: title ? t(title) : undefined });
  const apply = () => { b.textContent = t(label); if (title) b.title = t(title); };
  apply();
  labelled.push(apply);
  b.addEventListener('click', () => post(msg));
  return b;
};
export function relabel(el: HTMLElement, attr: 'text' | 'aria-label', text: string): void {
  const apply = () => { if (attr === 'text') el.textContent = t(text); else el.setAttribute('aria-label', t(text)); };
  apply();
  labelled.push(apply);
}

export function link(url: string, text: string): HTMLAnchorElement {
  return h('a', { href: url, 'data-external': true }, text);
}

export function jitterText(kind: string): string {
  return kind === 'none' ? t('exponential, no jitter') : kind === 'sdk' ? t('SDK formula') : t('{0} jitter', kind);
}
