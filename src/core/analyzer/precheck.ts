import type { AnalyzerLanguage } from './types';

const EXT: Record<string, AnalyzerLanguage> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescriptreact',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascriptreact',
  py: 'python', pyi: 'python',
};

export function languageFromPath(path: string): AnalyzerLanguage | undefined {
  const base = path.replace(/^.*[\\/]/, '');
  if (base.endsWith('.d.ts') || base.endsWith('.d.mts') || base.endsWith('.d.cts')) return undefined;
  const dot = base.lastIndexOf('.');
  if (dot <= 0 && !base.startsWith('.')) return undefined;
  return EXT[base.slice(dot + 1).toLowerCase()];
}

const PY_IMPORT = /(?:^|[\n;])[ \t]*(?:from[ \t]+anthropic\b|import[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*anthropic\b)/;

/**
 * Cheap pre-check, no parse: does this file use the Claude SDK (or hold a Claude key)?
 * Files that answer false are never parsed, so grammars stay unloaded.
 */
export function mentionsClaudeSdk(text: string, language: AnalyzerLanguage): boolean {
  // The SDK import usually sits near the top: test it before the key scan (which reads the whole text).
  if (language !== 'python') return text.includes('@anthropic-ai/') || text.includes('sk-ant-');
  if (text.includes('sk-ant-')) return true;
  return text.includes('anthropic') && PY_IMPORT.test(text);
}
