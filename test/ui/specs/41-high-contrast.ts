/**
 * The connection panel in the high-contrast theme: the webview's body carries
 * `vscode-high-contrast` and the status chips get a visible contrast border; back in a light
 * theme the body carries `vscode-light`. The theme is switched as a person does it: "Preferences:
 * Color Theme" in the palette, then the theme's label in the picker.
 */
import type { Frame } from 'playwright-core';
import { type Ui, uiTest, waitUntil } from '../lib';
import { PANEL, runSimulator } from './10-connection';

async function pickTheme(ui: Ui, label: string, workbenchClass: string): Promise<void> {
  await waitUntil(`"${label}" picked in the color theme picker`, async () => {
    await ui.runCommand('Preferences: Color Theme');
    const widget = ui.page.locator('.quick-input-widget');
    const input = widget.locator('.quick-input-box input').first();
    await input.waitFor({ state: 'visible', timeout: 8_000 });
    await input.fill(label);
    // Theme rows carry a category separator and highlights: match the row's own label text.
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    // In VS Code 1.139 the picker's label is the new name ("Dark High Contrast") with the old
    // one ("Default High Contrast") as its description: match either, exactly.
    const index = await waitUntil(`a "${label}" row`, async () => {
      // (No named helper inside: tsx's __name wrapper does not exist in the page.)
      const found = await rows.evaluateAll((els, want) => els.findIndex((el) =>
        [el.querySelector('.label-name'), el.querySelector('.label-description')]
          .some((n) => (n?.textContent ?? '').replace(/\s+/g, ' ').trim() === want)), label);
      return found >= 0 ? found + 1 : undefined;
    }, { timeoutMs: 8_000 });
    await rows.nth(index - 1).click();
    await widget.waitFor({ state: 'hidden', timeout: 8_000 });
    return true;
  }, { timeoutMs: 60_000, intervalMs: 250 });
  // The workbench applies the theme to its root element (`.monaco-workbench.hc-black` / `.vs`).
  await waitUntil(`the workbench in "${label}"`, async () => {
    const cls = (await ui.page.locator('.monaco-workbench').first().getAttribute('class')) ?? '';
    return cls.split(/\s+/).includes(workbenchClass);
  }, { timeoutMs: 30_000 });
}

async function bodyClasses(frame: Frame): Promise<string[]> {
  return ((await frame.locator('body').getAttribute('class')) ?? '').split(/\s+/).filter(Boolean);
}

/** Computed border of every status chip in the attempts table. */
async function chipBorders(frame: Frame): Promise<Array<{ cls: string; color: string; width: string; style: string }>> {
  return frame.locator('#attempts .chip').evaluateAll((els) => els.map((el) => {
    const s = getComputedStyle(el);
    return { cls: el.className, color: s.borderTopColor, width: s.borderTopWidth, style: s.borderTopStyle };
  }));
}

function transparent(color: string): boolean {
  if (color === 'transparent') return true;
  const m = /^rgba\(\s*[\d.]+\s*,\s*[\d.]+\s*,\s*[\d.]+\s*,\s*([\d.]+)\s*\)$/.exec(color);
  return !!m && Number(m[1]) === 0;
}

export default [
  uiTest('high contrast: body class and contrast borders on the status chips', async (ui) => {
    await pickTheme(ui, 'Default High Contrast', 'hc-black');
    const { frame, verdict } = await runSimulator(ui, 'overloaded');
    if (!/^\s*OK\b/.test(verdict)) throw new Error(`expected recovery after the 529s, got:\n${verdict}`);
    const classes = await waitUntil('vscode-high-contrast on the webview body', async () => {
      const c = await bodyClasses(frame);
      return c.includes('vscode-high-contrast') ? c : undefined;
    }, { timeoutMs: 15_000 });
    if (classes.includes('vscode-light') || classes.includes('vscode-dark')) throw new Error(`body classes: ${classes.join(' ')}`);
    const borders = await chipBorders(frame);
    if (borders.length < 3) throw new Error(`expected the 3 attempt chips of the overloaded run, got ${borders.length}`);
    const bad = borders.filter((b) => transparent(b.color) || b.style === 'none' || parseFloat(b.width) <= 0);
    if (bad.length) throw new Error(`chips without a visible contrast border:\n${bad.map((b) => JSON.stringify(b)).join('\n')}`);
    console.log(`      high contrast: body "${classes.join(' ')}"; chip borders ${[...new Set(borders.map((b) => `${b.width} ${b.style} ${b.color}`))].join(', ')}`);
    await ui.screenshot('connection-high-contrast', frame);
    await ui.screenshot('workbench-high-contrast');
  }, { timeoutMs: 180_000 }),

  uiTest('back to a light theme: vscode-light on the webview body', async (ui) => {
    await pickTheme(ui, 'Light Modern', 'vs');
    const frame = await ui.webviewFrame(PANEL);
    const classes = await waitUntil('vscode-light on the webview body', async () => {
      const c = await bodyClasses(frame);
      return c.includes('vscode-light') && !c.includes('vscode-high-contrast') ? c : undefined;
    }, { timeoutMs: 15_000 });
    // Outside high contrast the chips keep their transparent border (no stray contrast outline).
    const borders = await chipBorders(frame);
    if (!borders.length || borders.some((b) => !transparent(b.color))) throw new Error(`light theme chip borders: ${JSON.stringify(borders)}`);
    console.log(`      light: body "${classes.join(' ')}"`);
    await ui.screenshot('connection-light', frame);
  }, { timeoutMs: 120_000 }),
];
