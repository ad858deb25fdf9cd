/**
 * Messages between the host and the proxy report card panel (issue #15). Pure: shared by the
 * webview, the host and the tests. Everything in a view was redacted by the host.
 */
import type { ReportCard } from '../../core/proxy/grade';

export interface CardView {
  card: ReportCard;
  /** Where the proxy forwards (an origin, or "the built-in simulator"). */
  upstream: string;
  /** The fault plan in words, when one is set. */
  faults: string | null;
  running: boolean;
}

export type HostToWebview = { type: 'card'; view: CardView };

export type WebviewToHost =
  | { type: 'ready' }
  /** Open the rule's doc page (docs/rules/<rule>.md). */
  | { type: 'openRule'; rule: string }
  /** The card as a Markdown document (to copy or save). */
  | { type: 'openMarkdown' }
  /** Test builds only: what the page rendered. */
  | { type: 'rendered'; grades: number; failing: string[]; exchanges: number };

/** A rule id as the analyzer names them (also the doc file's name). */
export const RULE_ID = /^[a-z][a-z0-9-]{0,63}$/;

export function isCardMessage(m: unknown): m is WebviewToHost {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'openMarkdown':
      return true;
    case 'openRule':
      return typeof o.rule === 'string' && RULE_ID.test(o.rule);
    case 'rendered':
      return typeof o.grades === 'number' && Array.isArray(o.failing) && o.failing.every((x) => typeof x === 'string') && typeof o.exchanges === 'number';
    default:
      return false;
  }
}
