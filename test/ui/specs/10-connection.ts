/**
 * "Claude Doctor: Test Claude Connection (Simulator)" from the palette, as a person runs it: pick
 * a scenario in the quick pick, read the verdict in the "Claude Connection" webview.
 */
import type { Frame } from 'playwright-core';
import { type Ui, uiTest, waitUntil } from '../lib';

const COMMAND = 'Claude Doctor: Test Claude Connection (Simulator)';
export const PANEL = 'Claude Connection';

/** Runs the simulator test with `scenario` and returns the panel once the verdict is final. */
export async function runSimulator(ui: Ui, scenario: string): Promise<{ frame: Frame; verdict: string }> {
  await ui.runCommandAndPick(COMMAND, scenario);
  const frame = await ui.webviewFrame(PANEL);
  // The verdict box is .verdict.running while attempts go on, then .ok / .failed / .cancelled.
  const verdict = await waitUntil(`the "${scenario}" verdict`, async () => {
    const box = frame.locator('.verdict');
    const cls = (await box.getAttribute('class')) ?? '';
    if (!/\b(ok|failed|cancelled)\b/.test(cls)) return undefined;
    return box.innerText();
  }, { timeoutMs: 60_000 });
  return { frame, verdict };
}

function attemptRows(frame: Frame) {
  return frame.locator('#attempts table.attempts tbody tr');
}

export default [
  uiTest('scenario "ok": one attempt, a green verdict', async (ui) => {
    const { frame, verdict } = await runSimulator(ui, 'ok');
    if (!/^\s*OK\b/.test(verdict)) throw new Error(`expected an OK verdict, got:\n${verdict}`);
    if (!/Attempts\s+1 in/.test(verdict)) throw new Error(`expected 1 attempt, got:\n${verdict}`);
    if (!(await frame.locator('.verdict.ok').isVisible())) throw new Error('verdict is not styled ok');
    await ui.screenshot('connection-ok');
  }),

  uiTest('scenario "overloaded": two 529s retried, then OK', async (ui) => {
    const { frame, verdict } = await runSimulator(ui, 'overloaded');
    if (!/^\s*OK\b/.test(verdict)) throw new Error(`expected recovery after the 529s, got:\n${verdict}`);
    if (!/Attempts\s+3 in/.test(verdict)) throw new Error(`expected 3 attempts, got:\n${verdict}`);
    const rows = await attemptRows(frame).allInnerTexts();
    const overloaded = rows.filter((r) => r.includes('529'));
    if (overloaded.length !== 2) throw new Error(`expected two 529 attempts in the table, got:\n${rows.join('\n')}`);
    if (!rows.some((r) => /overloaded_error/.test(r))) throw new Error(`no overloaded_error in the attempts:\n${rows.join('\n')}`);
    await ui.screenshot('connection-overloaded');
  }),

  uiTest('clicking "Run again" in the panel runs the same scenario again', async (ui) => {
    const frame = await ui.webviewFrame(PANEL);
    const firstIds = await attemptRows(frame).allInnerTexts();
    if (firstIds.length !== 3) throw new Error(`expected the overloaded run's 3 attempts first, got ${firstIds.length}`);
    await frame.getByRole('button', { name: 'Run again' }).click();
    // A new run: the attempts table is rebuilt with new request ids, then the verdict settles.
    const verdict = await waitUntil('a new verdict after Run again', async () => {
      const rows = await attemptRows(frame).allInnerTexts();
      const box = frame.locator('.verdict');
      const cls = (await box.getAttribute('class')) ?? '';
      if (rows.length !== 3 || rows.join() === firstIds.join() || !/\b(ok|failed)\b/.test(cls)) return undefined;
      return box.innerText();
    }, { timeoutMs: 60_000 });
    if (!/Attempts\s+3 in/.test(verdict)) throw new Error(`expected the overloaded scenario again (3 attempts), got:\n${verdict}`);
  }),
];
