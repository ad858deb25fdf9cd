// Turns vitest's JSON report into `.test-artifacts/unit.json` = {passed, failed}.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
const src = '.test-artifacts/vitest.json';
let passed = 0, failed = 0;
if (existsSync(src)) {
  const r = JSON.parse(readFileSync(src, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = r.numFailedTests ?? 0;
  // A file that failed to load has no failed test of its own: count it once.
  if (failed === 0 && (r.numFailedTestSuites ?? 0) > 0) failed = r.numFailedTestSuites;
  if (r.success === false && failed === 0) failed = 1;
} else {
  failed = 1;
}
writeFileSync('.test-artifacts/unit.json', JSON.stringify({ passed, failed }));
console.log(`unit: ${passed} passed, ${failed} failed`);
