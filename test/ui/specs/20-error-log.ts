/**
 * "Claude Doctor: Show Error Log": every attempt of a connection test lands in the log panel.
 */
import { uiTest, waitUntil } from '../lib';
import { runSimulator } from './10-connection';

export default [
  uiTest('the 529s of an overloaded run show in the Error Log panel', async (ui) => {
    await runSimulator(ui, 'overloaded');
    await ui.runCommand('Claude Doctor: Show Error Log');
    const frame = await ui.webviewFrame('Claude Doctor: Error Log');
    const rows = await waitUntil('529 rows in the error log', async () => {
      const texts = await frame.locator('#rows .row').allInnerTexts();
      return texts.filter((t) => t.includes('529')).length >= 2 ? texts : undefined;
    }, { timeoutMs: 30_000 });
    if (!rows.some((r) => r.includes('overloaded_error'))) throw new Error(`no overloaded_error row:\n${rows.join('\n')}`);
    const stats = await frame.locator('#stats').innerText();
    if (/Loading/.test(stats)) throw new Error(`stats still loading: ${stats}`);
    await ui.screenshot('error-log');
  }),

  uiTest('searching the log narrows it to the matching entries', async (ui) => {
    const frame = await ui.webviewFrame('Claude Doctor: Error Log');
    await frame.locator('#q').fill('overloaded_error');
    const rows = await waitUntil('only overloaded rows', async () => {
      const texts = await frame.locator('#rows .row').allInnerTexts();
      return texts.length > 0 && texts.every((t) => t.includes('overloaded_error')) ? texts : undefined;
    }, { timeoutMs: 15_000 });
    if (rows.some((r) => /\b200\b/.test(r.split('\n')[1] ?? ''))) throw new Error('a 200 row survived the search');
    await ui.screenshot('error-log-search');
  }),
];
