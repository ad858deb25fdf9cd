/**
 * Diagnostics and quick fixes on the demo workspace's broken Claude calls, the way a person
 * meets them: open the file, put the cursor on the squiggle, Ctrl+. , read and apply a fix.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Ui, uiTest, waitUntil } from '../lib';

function source(ui: Ui, rel: string): string {
  return readFileSync(join(ui.env.workspace, rel), 'utf8');
}

/** Puts the cursor on `anchor` (first match after `after`) and returns the quick-fix labels there. */
async function fixesAt(ui: Ui, rel: string, after: string, anchor: string, expect: RegExp, offset = 0, keepOpen = false): Promise<string[]> {
  const text = source(ui, rel);
  const from = text.indexOf(after);
  if (from < 0) throw new Error(`"${after}" not in ${rel}`);
  const at = text.indexOf(anchor, from);
  if (at < 0) throw new Error(`"${anchor}" not after "${after}" in ${rel}`);
  const before = text.slice(0, at + offset).split('\n');
  // Ask for the menu only once our diagnostics are there (the analyzer has answered).
  await ui.waitForProblems(1);
  await ui.gotoLine(before.length, before[before.length - 1].length + 1);
  // Analysis runs after the file opens (and the SDK version is read from package.json): retry.
  const labels = await ui.quickFixMenu({ expect, timeoutMs: 60_000 });
  if (!keepOpen) await ui.dismissActionMenu();
  return labels;
}

export default [
  uiTest('TypeScript: missing max_tokens has an "Add max_tokens" quick fix that works', async (ui) => {
    await ui.openFile('src/chat.ts');
    const labels = await fixesAt(ui, 'src/chat.ts', 'export async function summarize', 'messages.create', /Add max_tokens/, 0, true);
    await ui.screenshot('ts-quick-fix-menu');
    const fix = labels.find((l) => /Add max_tokens/.test(l))!;
    await ui.applyQuickFix(fix);
    // Save (Ctrl+S) and read the file back: Monaco's rendered lines are not in document order.
    await ui.save();
    await waitUntil('max_tokens in summarize() on disk', async () => {
      const text = source(ui, 'src/chat.ts');
      const body = text.slice(text.indexOf('function summarize'), text.indexOf('Bug 2'));
      return /max_tokens:\s*\d+/.test(body);
    }, { timeoutMs: 15_000 });
    await ui.screenshot('ts-quick-fix-applied');
  }, { timeoutMs: 180_000 }), // the first Ctrl+. waits for the TypeScript server to start

  uiTest('TypeScript: a system role first offers "Move the system message into the system parameter"', async (ui) => {
    await ui.openFile('src/chat.ts');
    await fixesAt(ui, 'src/chat.ts', 'export async function translate', "role: 'system'", /system parameter/);
  }),

  uiTest('TypeScript: a retired model offers a replacement', async (ui) => {
    await ui.openFile('src/chat.ts');
    await fixesAt(ui, 'src/chat.ts', 'export async function classify', 'claude-3-5-sonnet-20241022', /Replace with claude-/);
  }),

  uiTest('TypeScript: the retry loop that retries every APIError offers "Wrap in retry helper"', async (ui) => {
    await ui.openFile('src/chat.ts');
    const labels = await fixesAt(ui, 'src/chat.ts', 'export async function withRetry', 'catch (err)', /Wrap in retry helper/, 0, true);
    await ui.screenshot('ts-retry-loop-menu');
    await ui.dismissActionMenu();
    if (!labels.some((l) => /Retry only retryable errors/.test(l))) throw new Error(`no retryable-only fix in ${labels.join(' | ')}`);
  }),

  uiTest('Python: except InternalServerError offers "Also catch OverloadedError"', async (ui) => {
    await ui.openFile('app.py');
    const labels = await fixesAt(ui, 'app.py', 'def ask_with_fallback', 'except InternalServerError', /OverloadedError/, 'except '.length, true);
    await ui.screenshot('py-quick-fix-menu');
    await ui.dismissActionMenu();
    if (!labels.length) throw new Error('empty menu');
  }),

  uiTest('Python: missing max_tokens is flagged too', async (ui) => {
    await ui.openFile('app.py');
    await fixesAt(ui, 'app.py', 'def summarize', 'messages.create', /Add max_tokens/);
  }),
];
