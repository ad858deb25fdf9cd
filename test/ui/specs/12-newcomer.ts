/**
 * What a newcomer meets in the scenarios (issue #13): the picker warns that "timeout" takes long
 * with the default settings, a hanging attempt shows "N s of 30 s", a cancelled run is neutral
 * (a grey CANCELLED, nobody's fault), and a stream scenario runs as a stream with
 * claudeDoctor.stream off (the default).
 */
import { type Ui, uiTest, waitUntil } from '../lib';
import { PANEL, runSimulator } from './10-connection';

const COMMAND = 'Claude Doctor: Test Claude Connection (Simulator)';

function quickRow(ui: Ui, label: string) {
  return ui.page.locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: ui.page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
    .first();
}

export default [
  uiTest('the picker warns that "timeout" takes minutes; a hanging attempt shows "of 30 s"; Cancel is neutral', async (ui) => {
    // The picker, before anything runs: the warning is in the timeout row, and only there.
    const detail = await waitUntil('the timeout row with its warning', async () => {
      await ui.runCommand(COMMAND);
      await ui.page.locator('.quick-input-widget .quick-input-box input').first().fill('timeout');
      const row = quickRow(ui, 'timeout');
      await row.waitFor({ state: 'visible', timeout: 8_000 });
      return row.innerText();
    }, { timeoutMs: 60_000, intervalMs: 250 });
    // At the start of the detail line, where the row does not cut it off with an ellipsis.
    if (!/(^|\n)\s*⚠ Takes up to 2\.6 min with these settings: 5 attempts × 30 s timeout/.test(detail)) {
      throw new Error(`the timeout scenario gives no duration warning:\n${detail}`);
    }
    await ui.screenshot('picker-timeout-warning');
    await ui.pickQuickItem('timeout');

    const frame = await ui.webviewFrame(PANEL);
    // The running attempt's latency counts up against the per-attempt limit.
    const cell = await waitUntil('"… of 30 s" in the running attempt', async () => {
      const t = await frame.locator('#attempts tbody tr .countdown-up').first().innerText().catch(() => '');
      // At least a second in, so the count is seen moving past the first paint.
      return /^[1-9]\d*(\.\d)? s of 30 s$/.test(t.trim()) ? t.trim() : undefined;
    }, { timeoutMs: 20_000 });
    await ui.screenshot('connection-timeout-of-limit');

    await frame.getByRole('button', { name: 'Cancel', exact: true }).click();
    const verdict = await waitUntil('the cancelled verdict', async () => {
      const box = frame.locator('.verdict');
      const cls = (await box.getAttribute('class')) ?? '';
      return /\bcancelled\b/.test(cls) ? box.innerText() : undefined;
    }, { timeoutMs: 15_000 });
    if (!/^\s*CANCELLED\s+Cancelled/.test(verdict)) throw new Error(`expected a CANCELLED verdict, got:\n${verdict}`);
    for (const bad of [/FAILED/, /Whose fault/, /Your side/, /last answer/i]) {
      if (bad.test(verdict)) throw new Error(`the cancelled verdict says ${bad}:\n${verdict}\n(elapsed cell was "${cell}")`);
    }
    const chip = await frame.locator('.verdict .chip').first().getAttribute('class');
    if (!/\bcancelled\b/.test(chip ?? '')) throw new Error(`the verdict chip is not the neutral one: ${chip}`);
    await ui.screenshot('connection-cancelled');
  }, { timeoutMs: 120_000 }),

  uiTest('"stream-overloaded" streams with claudeDoctor.stream off: an error inside a 200 stream, not a 529', async (ui) => {
    const { frame, verdict } = await runSimulator(ui, 'stream-overloaded');
    const rows = await frame.locator('#attempts table.attempts tbody tr').allInnerTexts();
    if (rows.some((r) => /\b529\b/.test(r))) throw new Error(`a plain 529 instead of a stream:\n${rows.join('\n')}`);
    if (!/\bstream\b/.test(rows[0] ?? '') || !/overloaded_error/.test(rows[0] ?? '')) {
      throw new Error(`expected a stream error row, got:\n${rows.join('\n')}`);
    }
    if (!/inside the stream/.test(verdict)) throw new Error(`expected a stream verdict, got:\n${verdict}`);
    await ui.screenshot('connection-stream-error');
  }),
];
