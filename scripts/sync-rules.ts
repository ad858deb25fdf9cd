/**
 * Regenerates what the rule catalogue owns: the `claudeDoctor.rules` settings schema in package.json
 * and the rule table in README.md. `npm run rules:sync` writes them; `--check` only reports staleness.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../src/core/analyzer/rules/index';
import { readmeRuleTable, withRulesSchema, withRuleTable } from '../src/core/analyzer/rules/docs';

const root = join(__dirname, '..');
const check = process.argv.includes('--check');
const pkgPath = join(root, 'package.json');
const readmePath = join(root, 'README.md');
const pkgText = readFileSync(pkgPath, 'utf8');
const readme = readFileSync(readmePath, 'utf8');
const nextPkg = `${JSON.stringify(withRulesSchema(JSON.parse(pkgText), RULES), null, 2)}\n`;
const nextReadme = withRuleTable(readme, readmeRuleTable(RULES));
const stale = [pkgText !== nextPkg && 'package.json', readme !== nextReadme && 'README.md'].filter(Boolean);
if (check) {
  if (stale.length > 0) {
    console.error(`Stale: ${stale.join(', ')} (run npm run rules:sync)`);
    process.exit(1);
  }
  console.log('Rule schema and README table are current.');
} else {
  if (pkgText !== nextPkg) writeFileSync(pkgPath, nextPkg);
  if (readme !== nextReadme) writeFileSync(readmePath, nextReadme);
  console.log(stale.length > 0 ? `Updated ${stale.join(', ')}.` : 'Already current.');
}
