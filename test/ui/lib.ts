/**
 * A person's path through the real workbench (code-server in headless chromium), as a small
 * library for the UI specs in test/ui/specs/*.ts. Every wait is on a condition, never a fixed
 * sleep; every step that depends on the workbench being ready retries until a deadline.
 *
 * A spec file default-exports one test or an array of tests made with `uiTest()`:
 *
 *   import { uiTest } from '../lib';
 *   export default uiTest('connection panel shows ok', async (ui) => {
 *     await ui.runCommand('Claude Doctor: Test Claude Connection (Simulator)');
 *     await ui.pickQuickItem('ok');
 *     const frame = await ui.webviewFrame('Claude Connection');
 *     await ui.waitForText(frame, 'OK');
 *   });
 *
 * The tests of one spec file share one freshly loaded workbench page; each file gets a new page.
 */
import type { ElementHandle, Frame, Locator, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface UiTest {
  title: string;
  run: (ui: Ui) => Promise<void>;
  /** Per-test budget (default 120 s: the machine is shared, the budget only bounds a hang). */
  timeoutMs?: number;
}

export function uiTest(title: string, run: (ui: Ui) => Promise<void>, opts: { timeoutMs?: number } = {}): UiTest {
  return { title, run, ...opts };
}

export interface UiEnv {
  /** Absolute path of the workspace folder the workbench has open (a fresh copy of the fixture). */
  workspace: string;
  /** Where screenshots go. */
  screenshotDir: string;
  /** publisher.name of the extension under test. */
  extensionId: string;
}

const isMac = process.platform === 'darwin';
const MOD = isMac ? 'Meta' : 'Control';

export class UiTimeoutError extends Error {}

/** Polls `check` until it returns a truthy value; throws with `what` and the last error on timeout. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: ${last.message.split('\n')[0]}` : '';
      throw new UiTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export class Ui {
  private shots = 0;

  constructor(readonly page: Page, readonly env: UiEnv, private readonly prefix = 'ui') {
    // No single action may hang for long inside a retry loop; waits have their own deadlines.
    page.setDefaultTimeout(10_000);
  }

  /** Waits for the workbench: its frame, the status bar, and the extension host being up. */
  async waitForWorkbench(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
    // The explorer shows the workspace once the remote file system answers.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** The text box of the quick input (palette, Quick Open, quick picks, Go to Line). */
  private get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input').first();
  }

  /** Opens the command palette (F1) and returns its input. */
  async openPalette(): Promise<Locator> {
    await this.dismissActionMenu();
    const input = this.quickInputBox;
    await waitUntil('the command palette to open', async () => {
      if (await this.quickInput.isVisible() && await input.isVisible()) return true;
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 2_000 });
      return true;
    }, { timeoutMs: 30_000 });
    return input;
  }

  /** Closes any quick input (palette, quick pick) that is open. */
  async closeQuickInput(): Promise<void> {
    await waitUntil('the quick input to close', async () => {
      if (!(await this.quickInput.isVisible())) return true;
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: 1_000 });
      return true;
    }, { timeoutMs: 10_000 });
  }

  /**
   * Runs a command by its palette title ("Category: Title"). Right after load the palette may not
   * list contributed commands yet: it is closed and reopened until the exact title shows up.
   */
  async runCommand(title: string, { timeoutMs = 60_000 } = {}): Promise<void> {
    await waitUntil(`command "${title}" in the palette`, async () => {
      const input = await this.openPalette();
      await input.fill(`>${title}`);
      const row = this.quickRow(title);
      try {
        await row.waitFor({ state: 'visible', timeout: 3_000 });
      } catch (e) {
        await this.closeQuickInput();
        throw e;
      }
      // Enter, as a person does, when the exact title is the focused row; a click otherwise.
      const focused = this.quickInput.locator('.quick-input-list .monaco-list-row.focused .label-name').first();
      // (locator.press focuses the box first: a stray Enter must never reach an editor.)
      if ((await focused.innerText().catch(() => '')).trim() === title) await input.press('Enter');
      else await row.click();
      return true;
    }, { timeoutMs, intervalMs: 250 });
  }

  /**
   * Runs a command that opens a quick pick and picks `label` in it. When focus returns to a
   * webview right after the palette closes, the workbench may hide the new quick pick at once:
   * then the command is run again.
   */
  async runCommandAndPick(title: string, label: string, { timeoutMs = 60_000 } = {}): Promise<void> {
    await waitUntil(`"${label}" picked for "${title}"`, async () => {
      await this.runCommand(title);
      await this.pickQuickItem(label, { timeoutMs: 8_000 });
      return true;
    }, { timeoutMs, intervalMs: 250 });
  }

  /** A quick-input row whose label is exactly `label`. */
  private quickRow(label: string): Locator {
    return this.quickInput.locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }) })
      .first();
  }

  /** Picks an item in an open quick pick (e.g. a simulator scenario) by its exact label. */
  async pickQuickItem(label: string, { timeoutMs = 30_000 } = {}): Promise<void> {
    const input = this.quickInputBox;
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(label);
    const row = this.quickRow(label);
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
    await this.quickInput.waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** Labels currently listed in the open quick input. */
  async quickItems(): Promise<string[]> {
    return this.quickInput.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
  }

  /**
   * The document frame of the webview whose HTML <title> is `title` (our webviews set it from the
   * panel title): the page holds `iframe.webview.ready` per webview, with `iframe#active-frame`
   * inside holding our HTML.
   */
  async webviewFrame(title: string, { timeoutMs = 30_000 } = {}): Promise<Frame> {
    return waitUntil(`a webview titled "${title}"`, async () => {
      for (const outer of await this.page.locator('iframe.webview.ready').elementHandles()) {
        const src = (await outer.getAttribute('src')) ?? '';
        if (!src.includes(`extensionId=${encodeURIComponent(this.env.extensionId)}`) && !src.includes(`extensionId=${this.env.extensionId}`)) continue;
        const outerFrame = await outer.contentFrame();
        if (!outerFrame) continue;
        const inner = await outerFrame.$('iframe#active-frame');
        const frame = await inner?.contentFrame();
        if (frame && (await frame.title()) === title) return frame;
      }
      return undefined;
    }, { timeoutMs });
  }

  /** Waits until `text` is visible in `frame` (a webview) and returns the body's text. */
  async waitForText(frame: Frame, text: string | RegExp, { timeoutMs = 30_000 } = {}): Promise<string> {
    return waitUntil(`"${text}" in the webview`, async () => {
      const body = await frame.locator('body').innerText();
      return (typeof text === 'string' ? body.includes(text) : text.test(body)) ? body : undefined;
    }, { timeoutMs });
  }

  /** Opens a workspace file by its relative path with Quick Open (Ctrl+P). */
  async openFile(relPath: string, { timeoutMs = 30_000 } = {}): Promise<void> {
    const base = relPath.split('/').pop()!;
    await waitUntil(`"${relPath}" open in an editor`, async () => {
      await this.closeQuickInput();
      await this.dismissActionMenu();
      await this.page.keyboard.press(`${MOD}+KeyP`);
      const input = this.quickInputBox;
      await input.waitFor({ state: 'visible', timeout: 3_000 });
      await input.fill(relPath);
      const row = this.quickInput.locator('.quick-input-list .monaco-list-row').filter({ hasText: base }).first();
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await input.press('Enter');
      await this.activeTab(base).waitFor({ state: 'visible', timeout: 5_000 });
      await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 5_000 });
      return true;
    }, { timeoutMs, intervalMs: 250 });
  }

  /** The active editor tab whose label is `label`. */
  activeTab(label: string): Locator {
    return this.page.locator('.tabs-container .tab.active').filter({ hasText: label }).first();
  }

  /** Moves the cursor with Go to Line (Ctrl+G): 1-based line and column. */
  async gotoLine(line: number, column = 1): Promise<void> {
    await this.closeQuickInput();
    await this.focusEditor();
    await this.dismissActionMenu();
    await this.page.keyboard.press(`${MOD}+KeyG`);
    const input = this.quickInputBox;
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    // Go to Line is Quick Open with a ':' prefix.
    await input.fill(`:${line}:${column}`);
    await input.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitUntil(`the cursor at ${line}:${column}`, async () => {
      const status = await this.page.locator('.statusbar-item[id="status.editor.selection"]').innerText();
      return status.includes(`Ln ${line}, Col ${column}`);
    }, { timeoutMs: 10_000 });
  }

  /** Puts the cursor on the first occurrence of `text` in the active editor's file (by line). */
  async cursorOn(fileText: string, text: string, offset = 0): Promise<{ line: number; column: number }> {
    const lines = fileText.split('\n');
    const line = lines.findIndex((l) => l.includes(text));
    if (line < 0) throw new Error(`"${text}" is not in the file`);
    const column = lines[line].indexOf(text) + 1 + offset;
    await this.gotoLine(line + 1, column);
    return { line: line + 1, column };
  }

  /** Saves the active editor (Ctrl+S) and waits until its tab is no longer dirty. */
  async save(): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press(`${MOD}+KeyS`);
    await waitUntil('the editor to be saved', async () => (await this.page.locator('.tabs-container .tab.active.dirty').count()) === 0, { timeoutMs: 15_000 });
  }

  async focusEditor(): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor textarea, .editor-instance .monaco-editor .native-edit-context').first().focus();
  }

  /** Squiggles of the given severity in the visible editor (Monaco's decoration classes). */
  async squiggleCount(severity: 'error' | 'warning' | 'info' = 'error'): Promise<number> {
    return this.page.locator(`.editor-instance .monaco-editor .squiggly-${severity}`).count();
  }

  /** Waits until the Problems count in the status bar reaches at least `min` (errors + warnings). */
  async waitForProblems(min: number, { timeoutMs = 60_000 } = {}): Promise<number> {
    return waitUntil(`at least ${min} problem(s) in the status bar`, async () => {
      const text = await this.page.locator('.statusbar-item[id="status.problems"]').innerText();
      const n = (text.match(/\d+/g) ?? []).map(Number).reduce((a, b) => a + b, 0);
      return n >= min ? n : undefined;
    }, { timeoutMs, intervalMs: 250 });
  }

  /** Closes the code-action menu if one is open (it would eat the next keys). */
  async dismissActionMenu(): Promise<void> {
    await waitUntil('the code-action menu to close', async () => {
      if (!(await this.actionWidget.isVisible())) return true;
      await this.page.keyboard.press('Escape');
      await this.actionWidget.waitFor({ state: 'hidden', timeout: 1_000 });
      return true;
    }, { timeoutMs: 10_000 });
  }

  /** The code-action menu (its hidden submenu panel shares the class). */
  private get actionWidget(): Locator {
    return this.page.locator('.action-widget:not(.action-list-submenu-panel)');
  }

  /**
   * Opens the quick-fix menu (Ctrl+.) at the cursor and returns its entries' labels. Retries
   * (closing and reopening the menu) until an entry matches `expect`: analysis is asynchronous.
   */
  async quickFixMenu({ timeoutMs = 30_000, expect }: { timeoutMs?: number; expect?: string | RegExp } = {}): Promise<string[]> {
    const widget = this.actionWidget;
    return waitUntil(`the quick-fix menu${expect ? ` with "${expect}"` : ''}`, async () => {
      if (await widget.isVisible()) {
        await this.page.keyboard.press('Escape');
        await widget.waitFor({ state: 'hidden', timeout: 2_000 });
      }
      await this.focusEditor();
      await this.page.keyboard.press(`${MOD}+Period`);
      // The first Ctrl+. in a TS file waits for the TypeScript server: wait for this menu rather
      // than pressing again (a second press while the menu is appearing can act on the menu).
      try {
        await widget.waitFor({ state: 'visible', timeout: 20_000 });
      } catch (e) {
        await this.page.keyboard.press('Escape');
        throw e;
      }
      const titles = widget.locator('.monaco-list-row.action .title');
      await titles.first().waitFor({ state: 'visible', timeout: 5_000 });
      const labels = (await titles.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
      if (expect && !labels.some((l) => (typeof expect === 'string' ? l.includes(expect) : expect.test(l)))) return undefined;
      return labels;
    }, { timeoutMs, intervalMs: 500 });
  }

  /** Applies the entry of the open quick-fix menu whose label contains `label`. */
  async applyQuickFix(label: string | RegExp): Promise<void> {
    const row = this.actionWidget.locator('.monaco-list-row.action').filter({ has: this.page.locator('.title', { hasText: label }) }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    await row.click();
    await this.actionWidget.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Text of the active editor's visible lines (Monaco renders only what is on screen). */
  async visibleEditorText(): Promise<string> {
    return (await this.page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
  }

  /** Notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Closes every editor (and webview panel) so a spec starts from a clean editor area. */
  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    await waitUntil('no open editor tabs', async () => (await this.page.locator('.tabs-container .tab').count()) === 0, { timeoutMs: 15_000 });
  }

  /** Saves a PNG under .test-artifacts/screenshots/ and returns its path. */
  async screenshot(name: string, target?: Frame | ElementHandle): Promise<string> {
    mkdirSync(this.env.screenshotDir, { recursive: true });
    const file = join(this.env.screenshotDir, `${this.prefix}-${String(++this.shots).padStart(2, '0')}-${slug(name)}.png`);
    if (target && 'screenshot' in target) await target.screenshot({ path: file });
    else await this.page.screenshot({ path: file });
    return file;
  }
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
