/** DOM helpers of the Error Log page, and its one channel to the host. */
import type { WebviewToHost } from './protocol';

declare function acquireVsCodeApi(): { postMessage(msg: unknown): void };
const vscodeApi = acquireVsCodeApi();
export const send = (m: WebviewToHost): void => vscodeApi.postMessage(m);

export type Attrs = Record<string, string | boolean | number | undefined>;
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
