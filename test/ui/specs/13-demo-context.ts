/**
 * The demo tells the truth about its surroundings (issue #13 items 1 and 7). This runner launches
 * code-server exactly as `npm run demo` does (DEMO_LAUNCH: no smoke-test driver), so notification
 * toasts show as for a user; and the demo workspace targets the simulator, so the status context
 * comes from the simulator's own status page on 127.0.0.1 — never status.claude.com, never ENOTFOUND.
 */
import { type Ui, uiTest, waitUntil } from '../lib';
import { runSimulator } from './10-connection';

async function toast(ui: Ui, re: RegExp, what: string): Promise<string> {
  return waitUntil(`a visible toast: ${what}`, async () => {
    const all = ui.page.locator('.notification-toast .notification-list-item-message');
    const n = await all.count();
    for (let i = 0; i < n; i++) {
      const el = all.nth(i);
      const text = await el.innerText().catch(() => '');
      if (re.test(text) && await el.isVisible()) return text;
    }
    return undefined;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

export default [
  uiTest('demo configuration: "Check Claude Status" shows a toast, with the simulator\'s status', async (ui) => {
    await ui.runCommand('Claude Doctor: Check Claude Status');
    const text = await toast(ui, /Claude status from the simulator/, 'the status check');
    if (!/All Systems Operational \(simulated: scenario "ok"\)/.test(text)) throw new Error(`unexpected toast: ${text}`);
    if (/ENOTFOUND|Could not reach/.test(text)) throw new Error(`the status check left loopback: ${text}`);
    // On screen, not only in the DOM: the toast's box has a size and sits inside the window.
    const box = await ui.page.locator('.notification-toast').first().boundingBox();
    const vp = ui.page.viewportSize();
    if (!box || box.width < 50 || box.height < 20 || !vp || box.x + box.width > vp.width + 1 || box.y + box.height > vp.height + 1) {
      throw new Error(`the toast is not on screen: ${JSON.stringify(box)} in ${JSON.stringify(vp)}`);
    }
    await ui.screenshot('demo-toast-status');
    await ui.page.keyboard.press('Escape');
    await ui.runCommand('Notifications: Clear All Notifications');
  }),

  uiTest('a simulated outage shows the simulator\'s status page in the panel, not ENOTFOUND', async (ui) => {
    const { frame } = await runSimulator(ui, 'server-error');
    const status = await waitUntil('the simulator\'s status in the panel', async () => {
      const t = await frame.locator('#status-page').innerText().catch(() => '');
      return /Partial System Outage/.test(t) ? t : undefined;
    }, { timeoutMs: 20_000 });
    for (const want of [/Status page \(simulator\)/, /simulated: scenario "server-error"/, /status\.claude\.com was not read/]) {
      if (!want.test(status)) throw new Error(`the status box lacks ${want}:\n${status}`);
    }
    if (/ENOTFOUND|Could not reach|Open status\.claude\.com/.test(status)) throw new Error(`the status box points off loopback:\n${status}`);
    await ui.screenshot('connection-simulator-status');
    // "Check status page" in the panel reads the simulator too, for the scenario on display.
    await frame.getByRole('button', { name: 'Check status page' }).click();
    const text = await toast(ui, /Claude status from the simulator/, 'the panel\'s status check');
    if (!/Partial System Outage \(simulated: scenario "server-error"\)/.test(text)) throw new Error(`unexpected toast: ${text}`);
    await ui.runCommand('Notifications: Clear All Notifications');
  }),
];
