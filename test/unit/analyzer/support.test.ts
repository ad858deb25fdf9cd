import { describe, expect, it } from 'vitest';
import { applyEdits, applySafeFixes, createAnalyzer, detectSdkVersions, languageFromPath, mentionsClaudeSdk } from '../../../src/core/analyzer/index';
import type { Finding } from '../../../src/core/analyzer/types';
import { majorOfRange } from '../../../src/core/analyzer/versions';

describe('languageFromPath', () => {
  it('maps every supported extension and nothing else', () => {
    expect(['a.ts', 'a.mts', 'a.cts', 'a.tsx', 'a.js', 'a.mjs', 'a.cjs', 'a.jsx', 'a.py', 'a.pyi'].map(languageFromPath)).toEqual([
      'typescript', 'typescript', 'typescript', 'typescriptreact', 'javascript', 'javascript', 'javascript', 'javascriptreact', 'python', 'python',
    ]);
    expect(languageFromPath('/x/y/Main.PY')).toBe('python');
    expect(languageFromPath('types.d.ts')).toBeUndefined();
    expect(languageFromPath('README.md')).toBeUndefined();
    expect(languageFromPath('Makefile')).toBeUndefined();
  });
});

describe('mentionsClaudeSdk', () => {
  it('is a cheap pre-check on imports (and key literals)', () => {
    expect(mentionsClaudeSdk("import Anthropic from '@anthropic-ai/sdk'", 'typescript')).toBe(true);
    expect(mentionsClaudeSdk("const { AnthropicVertex } = require('@anthropic-ai/vertex-sdk')", 'javascript')).toBe(true);
    expect(mentionsClaudeSdk("import OpenAI from 'openai'", 'typescript')).toBe(false);
    expect(mentionsClaudeSdk('import anthropic', 'python')).toBe(true);
    expect(mentionsClaudeSdk('import os, anthropic as ai', 'python')).toBe(true);
    expect(mentionsClaudeSdk('from anthropic.types import Message', 'python')).toBe(true);
    expect(mentionsClaudeSdk('# we used to import anthropic here\nx = 1', 'python')).toBe(false);
    expect(mentionsClaudeSdk('import anthropicish', 'python')).toBe(false);
    expect(mentionsClaudeSdk('KEY = "sk-ant-api03-xyz"', 'python')).toBe(true);
  });

  it('files without the SDK are never parsed: no grammar is loaded for them', async () => {
    const a = createAnalyzer({ wasmDir: '/nonexistent/wasm' });
    expect(await a.analyze('export const x = 1;\n', { language: 'typescript' })).toEqual([]);
    expect(await a.analyzeIncremental('k', 'x = 1\n', { language: 'python' })).toEqual([]);
    await expect(a.analyze("import A from '@anthropic-ai/sdk';\n", { language: 'typescript' })).rejects.toThrow();
  });
});

describe('detectSdkVersions', () => {
  const fs = (files: Record<string, string>) => (p: string) => files[p];

  it('prefers the lock file, then the nearest package.json range', () => {
    expect(detectSdkVersions('/w/app/src/a.ts', fs({
      '/w/app/package.json': JSON.stringify({ dependencies: { '@anthropic-ai/sdk': '^0.39.0' } }),
      '/w/app/package-lock.json': JSON.stringify({ packages: { 'node_modules/@anthropic-ai/sdk': { version: '1.4.2' } } }),
    }))).toEqual({ ts: 1, tsVersion: '1.4.2' });
    expect(detectSdkVersions('/w/app/src/a.ts', fs({ '/w/app/package.json': JSON.stringify({ devDependencies: { '@anthropic-ai/sdk': '~0.52.1' } }) }))).toEqual({ ts: 0 });
    expect(detectSdkVersions('/w/app/src/a.ts', fs({ '/w/package.json': JSON.stringify({ dependencies: { '@anthropic-ai/sdk': '1.12.0' } }) }))).toEqual({ ts: 1, tsVersion: '1.12.0' });
    // a nearer package.json without the SDK does not stop the search
    expect(detectSdkVersions('/w/app/a.ts', fs({
      '/w/app/package.json': JSON.stringify({ name: 'x' }),
      '/w/package.json': JSON.stringify({ dependencies: { '@anthropic-ai/sdk': '^1.2.0' } }),
    }))).toEqual({ ts: 1 });
  });

  it('reads requirements.txt, pyproject.toml (PEP 621 and Poetry) and uv/poetry locks', () => {
    expect(detectSdkVersions('/p/m.py', fs({ '/p/requirements.txt': '# deps\nrequests==2\nanthropic[bedrock]==1.3.0\n' }))).toEqual({ python: 1, pythonVersion: '1.3.0' });
    expect(detectSdkVersions('/p/m.py', fs({ '/p/pyproject.toml': '[project]\ndependencies = [\n  "anthropic>=2.1,<3",\n]\n' }))).toEqual({ python: 2 });
    expect(detectSdkVersions('/p/m.py', fs({ '/p/pyproject.toml': '[tool.poetry.dependencies]\nanthropic = "^1.5"\n' }))).toEqual({ python: 1 });
    expect(detectSdkVersions('/p/m.py', fs({ '/p/uv.lock': '[[package]]\nname = "anthropic"\nversion = "2.0.3"\n', '/p/requirements.txt': 'anthropic>=1' }))).toEqual({ python: 2, pythonVersion: '2.0.3' });
    expect(detectSdkVersions('/p/m.py', fs({ '/p/requirements.txt': 'anthropic>=1.0\n' }))).toEqual({});
    expect(detectSdkVersions('/p/m.py', fs({}))).toEqual({});
  });

  it('windows paths walk up too', () => {
    expect(detectSdkVersions('C:\\w\\app\\src\\a.ts', fs({ 'C:\\w\\app/package.json': JSON.stringify({ dependencies: { '@anthropic-ai/sdk': '^1.0.0' } }) }))).toEqual({ ts: 1 });
  });

  it('ranges that admit several majors are unknown', () => {
    expect(majorOfRange('*')).toBeUndefined();
    expect(majorOfRange('latest')).toBeUndefined();
    expect(majorOfRange('>=0.30.0')).toBeUndefined();
    expect(majorOfRange('0.x || 1.x')).toBeUndefined();
    expect(majorOfRange('>=1.2.0 <2.0.0')).toEqual({ major: 1 });
    expect(majorOfRange('1.x')).toEqual({ major: 1 });
    expect(majorOfRange('~=2.1')).toEqual({ major: 2 });
  });
});

describe('applyEdits / applySafeFixes', () => {
  it('applies in any order, dedupes identical edits, rejects overlaps', () => {
    expect(applyEdits('abcdef', [{ start: 4, end: 5, newText: 'E' }, { start: 0, end: 1, newText: 'A' }, { start: 0, end: 1, newText: 'A' }])).toBe('AbcdEf');
    expect(() => applyEdits('abcdef', [{ start: 0, end: 3, newText: '' }, { start: 2, end: 4, newText: '' }])).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: 2, end: 9, newText: '' }])).toThrow(RangeError);
    expect(() => applyEdits('abc', [{ start: 1, end: 1, newText: 'x' }, { start: 1, end: 1, newText: 'y' }])).toThrow(RangeError);
  });

  it('takes only safe quick fixes and skips one that overlaps a fix already taken', () => {
    const f = (start: number, end: number, newText: string, safe = true, kind: 'quickfix' | 'refactor' = 'quickfix'): Finding => ({
      rule: 'retired-model', severity: 'error', message: 'm', start, end, fixes: [{ title: 't', safe, kind, edits: [{ start, end, newText }] }],
    });
    const all = [f(0, 2, 'A'), f(1, 3, 'B'), f(5, 6, 'C', false), f(7, 8, 'D', true, 'refactor'), f(9, 10, 'E')];
    const r = applySafeFixes('0123456789', all);
    expect(r).toEqual({ text: 'A2345678E', applied: 2, fixed: [all[0], all[4]] });
  });
});
