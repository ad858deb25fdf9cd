/** Turns generated helper source into a live module (written to a temp dir and imported). */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import { retryHelperSource, type TemplateStyle } from '../../../src/core/analyzer/templates';

export interface RetryOpts {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  deadlineMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}
export type WithClaudeRetry = <T>(fn: (attempt: number) => Promise<T>, opts?: RetryOpts) => Promise<T>;

const dirs: string[] = [];

export async function loadHelper(language: 'typescript' | 'javascript', style: TemplateStyle = { indent: '  ', quote: "'" }): Promise<WithClaudeRetry> {
  const { name, code } = retryHelperSource(language, style);
  let js = `${code}\nexport { ${name} };\n`;
  if (language === 'typescript') {
    // Strip the types the way a TS build would; the helper itself must need nothing else.
    js = (await transform(js, { loader: 'ts', format: 'esm', target: 'node20' })).code;
  }
  const dir = mkdtempSync(join(tmpdir(), 'cd-template-'));
  dirs.push(dir);
  const file = join(dir, 'helper.mjs');
  writeFileSync(file, js);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, WithClaudeRetry>;
  const fn = mod[name];
  if (typeof fn !== 'function') throw new Error(`generated module does not export ${name}`);
  return fn;
}

export function cleanupLoaded(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
