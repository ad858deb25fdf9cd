/**
 * What the marketplace and a newcomer see of the package: repository links, the icon (drawn by
 * scripts/make-icon.mjs and committed), the changelog, categories and keywords, and rule links
 * (SARIF helpUri, settings) that point at the repository rather than a local file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleHelpUri } from '../../../src/cli/lint';

const REPO = 'https://github.com/claude-doctor/claude-doctor';
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, any>;

describe('package.json', () => {
  it('names the repository, where to report bugs, and a homepage', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `${REPO}.git` });
    expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
    expect(pkg.homepage).toBe(`${REPO}#readme`);
  });

  it('has marketplace categories and keywords users search for (vsce allows at most 30)', () => {
    expect(pkg.categories).toEqual(expect.arrayContaining(['AI', 'Linters', 'Debuggers']));
    expect(pkg.categories).not.toContain('Other');
    for (const k of ['claude', 'anthropic', 'llm', 'retry', '529', 'rate limit']) expect(pkg.keywords).toContain(k);
    expect(pkg.keywords.length).toBeLessThanOrEqual(30);
    expect(new Set(pkg.keywords).size).toBe(pkg.keywords.length);
  });
});

describe('the icon', () => {
  it('is a 128×128 PNG at the path package.json names', () => {
    expect(pkg.icon).toBe('media/icon.png');
    const png = readFileSync(pkg.icon);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(128);
    expect(png.readUInt32BE(20)).toBe(128);
  });

  it('is exactly what scripts/make-icon.mjs draws (regenerate it with that script)', async () => {
    const { drawIcon, encodePng } = await import('../../../scripts/make-icon.mjs');
    const rgba = drawIcon();
    expect(encodePng(rgba).equals(readFileSync('media/icon.png'))).toBe(true);
    // Not a blank square: transparent corners, opaque middle, white pulse pixels.
    const at = (x: number, y: number) => [...rgba.subarray((y * 128 + x) * 4, (y * 128 + x) * 4 + 4)];
    expect(at(0, 0)[3]).toBe(0);
    expect(at(64, 110)[3]).toBe(255);
    expect(at(30, 70)).toEqual([255, 255, 255, 255]);
  });
});

describe('the changelog', () => {
  it('exists, ships in the .vsix, and has a section for the current version', () => {
    expect(existsSync('CHANGELOG.md')).toBe(true);
    const text = readFileSync('CHANGELOG.md', 'utf8');
    expect(text.startsWith('# Changelog\n')).toBe(true);
    expect(text).toContain(`## [${pkg.version}]`);
    expect(readFileSync('.vscodeignore', 'utf8')).toMatch(/^!CHANGELOG\.md$/m);
  });
});

describe('rule links point at the repository', () => {
  it('SARIF helpUri is the rule page on GitHub, not a file:// path', () => {
    expect(ruleHelpUri('docs/rules/missing-max-tokens.md')).toBe(`${REPO}/blob/main/docs/rules/missing-max-tokens.md`);
  });

  it('the generated settings schema links each rule page in the repository', () => {
    const rules = pkg.contributes.configuration.properties['claudeDoctor.rules'].properties as Record<string, { markdownDescription: string }>;
    for (const [id, r] of Object.entries(rules)) expect(r.markdownDescription).toContain(`[Rule page](${REPO}/blob/main/docs/rules/${id}.md)`);
  });
});
