/**
 * The local key checklist run after a 401: empty, whitespace or newline, prefix vs base URL,
 * header form. It reports only the key's length and prefix (at most 10 characters, e.g.
 * "sk-ant-api"), never the key. Pure: no vscode import.
 */
import { KEY_PREFIXES } from '../data/api-facts';
import type { KeyDescription } from '../redact';
import type { AuthHeader, Target } from './settings';

export type { KeyDescription };

export type CheckOutcome = 'pass' | 'fail' | 'warn' | 'info';

export interface CheckItem {
  id: 'present' | 'whitespace' | 'newline' | 'prefix' | 'base-url' | 'header-form' | 'source';
  outcome: CheckOutcome;
  label: string;
  detail: string;
}

export type KeySource = 'secret' | 'env' | 'none' | 'placeholder';

export interface ChecklistInput {
  key: KeyDescription;
  source: KeySource;
  baseUrl: string;
  authHeader: AuthHeader;
  target: Target;
}

function hostOf(url: string): string {
  try { return new URL(url).hostname.toLowerCase(); } catch { return ''; }
}

export function isAnthropicHost(url: string): boolean {
  const h = hostOf(url);
  return h === 'api.anthropic.com' || h.endsWith('.anthropic.com');
}

/** A 10-character prefix at most; anything longer is cut (defence in depth). */
function safePrefix(p: string): string {
  return p.slice(0, 10);
}

export function keyChecklist(input: ChecklistInput): CheckItem[] {
  const { key, source, baseUrl, authHeader, target } = input;
  const items: CheckItem[] = [];
  const where = source === 'secret' ? 'stored with Set API Key'
    : source === 'env' ? 'from the ANTHROPIC_API_KEY environment variable'
      : source === 'placeholder' ? 'a placeholder for the simulator' : 'not set';
  items.push({ id: 'source', outcome: 'info', label: 'Key source', detail: `The key is ${where}.` });

  if (!key.present || key.length === 0) {
    items.push({ id: 'present', outcome: 'fail', label: 'Key present', detail: 'The key is empty. Run "Claude Doctor: Set API Key" or set ANTHROPIC_API_KEY.' });
    return items;
  }
  items.push({ id: 'present', outcome: 'pass', label: 'Key present', detail: `${key.length} characters, starting "${safePrefix(key.prefix)}".` });

  items.push(key.hasNewline
    ? { id: 'newline', outcome: 'fail', label: 'No newline', detail: 'The key contains a line break (often pasted from a file with a trailing newline). Set it again.' }
    : { id: 'newline', outcome: 'pass', label: 'No newline', detail: 'No line break in the key.' });
  items.push(key.hasWhitespace
    ? { id: 'whitespace', outcome: 'fail', label: 'No whitespace', detail: 'The key contains spaces or tabs (leading, trailing or inside). Set it again without them.' }
    : { id: 'whitespace', outcome: 'pass', label: 'No whitespace', detail: 'No spaces or tabs in the key.' });

  const anthropic = isAnthropicHost(baseUrl);
  if (target === 'simulator') {
    items.push({ id: 'prefix', outcome: 'info', label: 'Key prefix', detail: `Prefix "${safePrefix(key.prefix)}"; the simulator accepts any non-empty key unless it was started with one.` });
  } else if (key.kind === 'api') {
    items.push(anthropic
      ? { id: 'prefix', outcome: 'pass', label: 'Key prefix', detail: `"${KEY_PREFIXES.api}…" is an API key, as api.anthropic.com expects.` }
      : { id: 'prefix', outcome: 'warn', label: 'Key prefix', detail: `An Anthropic API key ("${KEY_PREFIXES.api}…") sent to a non-Anthropic base URL: gateways and proxies usually need their own key.` });
  } else if (key.kind === 'admin') {
    items.push({ id: 'prefix', outcome: 'fail', label: 'Key prefix', detail: `"${KEY_PREFIXES.admin}…" is an Admin API key: it manages the organization and cannot call the Messages API. Use an API key ("${KEY_PREFIXES.api}…").` });
  } else if (key.kind === 'oauth') {
    items.push({ id: 'prefix', outcome: 'warn', label: 'Key prefix', detail: `"${KEY_PREFIXES.oauth}…" is an OAuth token, not an API key: it must go in "Authorization: Bearer" and only works where OAuth is allowed.` });
  } else {
    items.push(anthropic
      ? { id: 'prefix', outcome: 'fail', label: 'Key prefix', detail: `The key starts "${safePrefix(key.prefix)}", not "${KEY_PREFIXES.api}": api.anthropic.com will refuse it. Is it a key for another provider or gateway?` }
      : { id: 'prefix', outcome: 'info', label: 'Key prefix', detail: `The key starts "${safePrefix(key.prefix)}"; fine if your gateway issued it.` });
  }

  if (target === 'api') {
    items.push(anthropic
      ? { id: 'base-url', outcome: 'pass', label: 'Base URL', detail: `${hostOf(baseUrl)} is Anthropic's API.` }
      : { id: 'base-url', outcome: 'warn', label: 'Base URL', detail: `${hostOf(baseUrl) || baseUrl} is not api.anthropic.com: the key must be one that this gateway or proxy accepts (check claudeDoctor.baseUrl and ANTHROPIC_BASE_URL).` });
  }

  if (key.kind === 'oauth' && authHeader === 'x-api-key') {
    items.push({ id: 'header-form', outcome: 'fail', label: 'Header form', detail: 'OAuth tokens must be sent as "Authorization: Bearer"; set claudeDoctor.authHeader to bearer.' });
  } else if (authHeader === 'bearer') {
    items.push({ id: 'header-form', outcome: anthropic || target === 'simulator' ? 'pass' : 'warn', label: 'Header form',
      detail: 'Sent as "Authorization: Bearer" (SDK 1.x). SDK 0.x and many proxies use "x-api-key": if a gateway expects it, set claudeDoctor.authHeader to x-api-key.' });
  } else {
    items.push({ id: 'header-form', outcome: anthropic || target === 'simulator' ? 'pass' : 'warn', label: 'Header form',
      detail: 'Sent as "x-api-key" (SDK 0.x form). If a gateway expects "Authorization: Bearer", set claudeDoctor.authHeader to bearer.' });
  }
  return items;
}
