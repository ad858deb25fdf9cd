/**
 * Rules are modules: one file per rule, one catalogue, and what the catalogue generates (the
 * settings schema, the README table) committed and current.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/core/analyzer/rules/index';
import { README_MARKERS, readmeRuleTable, rulesSchemaProperties, withRuleTable, withRulesSchema } from '../../../src/core/analyzer/rules/docs';
import { analyzer } from './helpers';

const root = join(__dirname, '..', '..', '..');
const rulesDir = join(root, 'src', 'core', 'analyzer', 'rules');
const NOT_RULES = new Set(['rule.ts', 'index.ts', 'docs.ts']);

describe('one module per rule', () => {
  it('every module under rules/ is in the catalogue, named after its id, with a doc page', () => {
    const files = readdirSync(rulesDir).filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(RULES.map((r) => r.id).sort()).toEqual(files);
    for (const r of RULES) {
      expect(readFileSync(join(root, r.docs), 'utf8')).toMatch(new RegExp(`^# ${r.id}\\b`, 'm'));
      expect(r.check ?? r.file, `${r.id} has a check`).toBeTypeOf('function');
    }
  });

  it('the engine, the context and the shared checks name no rule', () => {
    const analyzerDir = join(root, 'src', 'core', 'analyzer');
    const files = [
      ...readdirSync(analyzerDir).filter((f) => f.endsWith('.ts')).map((f) => join(analyzerDir, f)),
      ...readdirSync(join(analyzerDir, 'checks')).map((f) => join(analyzerDir, 'checks', f)),
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const r of RULES) expect(text.includes(`'${r.id}'`) || text.includes(`"${r.id}"`), `${file} names ${r.id}`).toBe(false);
    }
  });

  it('a disabled rule reports nothing and the others are unchanged', async () => {
    const text = `import Anthropic from '@anthropic-ai/sdk';\nconst c = new Anthropic({ maxRetries: 0 });\nc.messages.create({ model: 'claude-3-opus-20240229', messages: [] });\n`;
    const all = await analyzer().analyze(text, { language: 'typescript' });
    const rules = [...new Set(all.map((f) => f.rule))].sort();
    expect(rules).toEqual(['empty-messages', 'missing-max-tokens', 'no-retry', 'retired-model']);
    for (const off of rules) {
      const some = await analyzer().analyze(text, { language: 'typescript', disabled: new Set([off]) });
      expect(some).toEqual(all.filter((f) => f.rule !== off));
    }
  });
});

describe('generated from the catalogue', () => {
  it('package.json: the claudeDoctor.rules schema is current (npm run rules:sync)', () => {
    const text = readFileSync(join(root, 'package.json'), 'utf8');
    const regenerated = `${JSON.stringify(withRulesSchema(JSON.parse(text), RULES), null, 2)}\n`;
    expect(text === regenerated, 'package.json is stale: run npm run rules:sync').toBe(true);
    const props = JSON.parse(text).contributes.configuration.properties['claudeDoctor.rules'].properties;
    expect(Object.keys(props)).toEqual(RULES.map((r) => r.id));
  });

  it('README.md: the rule table is current (npm run rules:sync)', () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    expect(text === withRuleTable(text, readmeRuleTable(RULES)), 'README.md is stale: run npm run rules:sync').toBe(true);
    for (const r of RULES) expect(text).toContain(`| [${r.id}](${r.docs}) | ${r.defaultSeverity} |`);
  });

  it('a stale copy is caught: an edited description or a dropped rule changes the output', () => {
    const edited = RULES.map((r, i) => (i === 0 ? { ...r, description: `${r.description} (edited)` } : r));
    expect(rulesSchemaProperties(edited)).not.toEqual(rulesSchemaProperties(RULES));
    expect(readmeRuleTable(RULES.slice(1))).not.toBe(readmeRuleTable(RULES));
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(withRuleTable(readme, readmeRuleTable(RULES.slice(1)))).not.toBe(readme);
  });

  it('the schema names each rule\'s default severity and page; a missing README marker is an error', () => {
    const props = rulesSchemaProperties(RULES, 'https://example.test/repo') as Record<string, { markdownDescription: string }>;
    for (const r of RULES) {
      expect(props[r.id]!.markdownDescription).toContain(`(default: ${r.defaultSeverity})`);
      expect(props[r.id]!.markdownDescription).toContain(`https://example.test/repo/blob/main/${r.docs}`);
    }
    expect(() => withRuleTable('# no table here\n', 'x')).toThrow(README_MARKERS.start);
  });
});
