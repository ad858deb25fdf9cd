/**
 * "Copy as cURL": the exact request a connection test sends, runnable in a POSIX shell, with the
 * key replaced by `$ANTHROPIC_API_KEY`. Pure: no vscode import.
 */
import { API_VERSIONS } from '../data/api-facts';
import type { AuthHeader } from './settings';

export interface CurlRequest {
  baseUrl: string;
  authHeader: AuthHeader;
  model: string;
  maxTokens: number;
  prompt: string;
  stream: boolean;
  /** Extra request headers (e.g. `x-simulate-scenario`). Auth headers here are dropped. */
  headers?: Record<string, string>;
  apiVersion?: string;
}

/** POSIX single-quote: safe for any text, including quotes, `$`, backticks and newlines. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const AUTH_HEADER_NAMES = new Set(['authorization', 'x-api-key', 'proxy-authorization', 'cookie']);

export function messagesUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/messages`;
}

export function buildCurl(req: CurlRequest): string {
  const body: Record<string, unknown> = {
    model: req.model,
    max_tokens: req.maxTokens,
    messages: [{ role: 'user', content: req.prompt }],
  };
  if (req.stream) body.stream = true;
  const lines: string[] = [`curl ${req.stream ? '-N ' : ''}${shellQuote(messagesUrl(req.baseUrl))}`];
  lines.push(`-H ${shellQuote('content-type: application/json')}`);
  lines.push(`-H ${shellQuote(`anthropic-version: ${req.apiVersion ?? API_VERSIONS.current}`)}`);
  // Double quotes on purpose: the shell expands the variable, the key is never in the text.
  lines.push(req.authHeader === 'x-api-key'
    ? '-H "x-api-key: $ANTHROPIC_API_KEY"'
    : '-H "Authorization: Bearer $ANTHROPIC_API_KEY"');
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    if (AUTH_HEADER_NAMES.has(name.toLowerCase())) continue;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) continue;
    lines.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  lines.push(`-d ${shellQuote(JSON.stringify(body))}`);
  return lines.join(' \\\n  ');
}
