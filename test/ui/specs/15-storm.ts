/**
 * "storm" shows a storm to one user (issue #13 item 2): the simulator's capacity is shared with
 * simulated background clients, so a single connection test meets 529s before it gets through.
 */
import { uiTest } from '../lib';
import { runSimulator } from './10-connection';

export default [
  uiTest('scenario "storm": a single run meets at least one 529, then gets through', async (ui) => {
    const { frame, verdict } = await runSimulator(ui, 'storm');
    const rows = await frame.locator('#attempts table.attempts tbody tr').allInnerTexts();
    const n529 = rows.filter((r) => /\b529\b/.test(r)).length;
    if (n529 < 1) throw new Error(`no 529 in the storm's attempts:\n${rows.join('\n')}`);
    if (!/^\s*OK\b/.test(verdict)) throw new Error(`expected the run to get through the storm, got:\n${verdict}`);
    if (!new RegExp(`Attempts\\s+${n529 + 1} in`).test(verdict)) throw new Error(`expected ${n529 + 1} attempts, got:\n${verdict}`);
    await ui.screenshot('connection-storm');
  }),
];
