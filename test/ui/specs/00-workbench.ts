/**
 * The baseline a person sees before any feature: the workbench loads with the demo workspace,
 * the packaged extension is installed (not the source folder), and the palette runs commands.
 */
import { uiTest, waitUntil } from '../lib';

export default [
  uiTest('the workbench opens the demo workspace', async (ui) => {
    const rows = await ui.page.locator('.explorer-folders-view .monaco-list-row').allInnerTexts();
    for (const name of ['src', 'app.py', 'package.json', 'requirements.txt']) {
      if (!rows.some((r) => r.trim() === name)) throw new Error(`explorer lacks ${name}: ${rows.join(', ')}`);
    }
    await ui.screenshot('workbench');
  }),

  uiTest('the packaged extension is installed', async (ui) => {
    await ui.runCommand('Extensions: Show Installed Extensions');
    const item = ui.page.locator('.extensions-viewlet .extension-list-item').filter({ hasText: 'Claude Doctor' }).first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await ui.screenshot('installed-extension');
  }),

  uiTest('the palette runs a command and opens a file', async (ui) => {
    await ui.openFile('src/chat.ts');
    await ui.gotoLine(9, 3);
    const text = await ui.visibleEditorText();
    if (!text.includes('client.messages.create')) throw new Error('src/chat.ts content not shown');
    await waitUntil('the editor tab', async () => ui.activeTab('chat.ts').isVisible());
  }),
];
