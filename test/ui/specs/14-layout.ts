/**
 * Layout (issue #13 item 8), measured in Chromium at a narrow window: no word of the connection
 * panel's attempts table or of the Error Log's details pane is split across lines
 * ("Overloade/d"), every status chip's text is on one line, and the Error Log's retry success
 * under a 529 filter counts whole runs (the runs recovered: not "0 %").
 */
import type { Frame } from 'playwright-core';
import { uiTest, waitUntil } from '../lib';
import { runSimulator } from './10-connection';

/**
 * In the page: every word (a run of letters, digits, '_' or '-'; ids excepted) under `sel` whose
 * characters lie on more than one line box, as "word@line-tops"; and every element of `chipSel`
 * whose text takes more than one line. A string, not a function: tsx would wrap inner helpers in
 * `__name(...)`, which does not exist in the browser.
 */
const MEASURE = (sel: string, chipSel: string) => `(() => {
  const broken = [];
  const lines = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  let words = 0;
  for (const root of document.querySelectorAll(${JSON.stringify(sel)})) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.parentElement && n.parentElement.closest('.reqid')) continue; // ids may break anywhere
      const re = /[A-Za-z][A-Za-z0-9_-]{3,}/g;
      for (let m = re.exec(n.data); m; m = re.exec(n.data)) {
        if (/^(req|msg|run)_/.test(m[0]) || m[0].length > 24) continue; // an id, not a word
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        words++;
        if (lines(r) > 1) broken.push(m[0]);
      }
    }
  }
  const chips = [];
  for (const c of document.querySelectorAll(${JSON.stringify(chipSel)})) {
    const r = document.createRange(); r.selectNodeContents(c);
    if (lines(r) > 1) chips.push(c.textContent);
  }
  return { words, broken, chips, chipCount: document.querySelectorAll(${JSON.stringify(chipSel)}).length };
})()`;

/** Exported for other layout checks (the storm aggregate, 15-storm.ts). */
export async function measure(frame: Frame, sel: string, chipSel: string) {
  return frame.evaluate(MEASURE(sel, chipSel)) as Promise<{ words: number; broken: string[]; chips: string[]; chipCount: number }>;
}

export default [
  uiTest('attempts table at a narrow width: no word split across lines, chips on one line', async (ui) => {
    await ui.page.setViewportSize({ width: 640, height: 900 });
    try {
      const { frame } = await runSimulator(ui, 'overloaded');
      const m = await measure(frame, '#attempts table.attempts', '#attempts .chip, .verdict .chip');
      if (m.words < 5 || m.chipCount < 3) throw new Error(`measured too little: ${JSON.stringify(m)}`);
      if (m.broken.length) throw new Error(`words split across lines in the attempts table: ${m.broken.join(', ')}`);
      if (m.chips.length) throw new Error(`chips on more than one line: ${m.chips.join(', ')}`);
      // The message column holds the whole word "Overloaded" on one line.
      const cell = frame.locator('#attempts td.message').first();
      if (!/Overloaded/.test(await cell.innerText())) throw new Error(`unexpected message: ${await cell.innerText()}`);
      await frame.locator('#attempts').scrollIntoViewIfNeeded();
      await ui.screenshot('layout-attempts-narrow');
    } finally {
      await ui.page.setViewportSize({ width: 1440, height: 900 });
    }
  }),

  uiTest('Error Log: 529 filter counts whole runs; the details pane splits no word', async (ui) => {
    await ui.runCommand('Claude Doctor: Show Error Log');
    const frame = await ui.webviewFrame('Claude Doctor: Error Log');
    await frame.locator('button.toggle[data-status="529"]').click();
    const stats = await waitUntil('stats under the 529 filter', async () => {
      const rows = await frame.locator('#rows .row').allInnerTexts();
      const t = await frame.locator('#stats').innerText();
      return rows.length >= 2 && rows.every((r) => r.includes('529')) && /Retry success/.test(t) ? t : undefined;
    }, { timeoutMs: 20_000 });
    // Every overloaded run recovered after its 529s: N of N whole runs, not "0 %".
    if (!/Retry success 100%\s*\(([1-9]\d*)\/\1 whole runs\)/.test(stats)) throw new Error(`retry success under the 529 filter: ${stats}`);
    await frame.locator('#rows .row').first().click();
    await frame.locator('#details').waitFor({ state: 'visible', timeout: 10_000 });
    await waitUntil('details of a 529', async () => /overloaded_error/.test(await frame.locator('#details').innerText()), { timeoutMs: 10_000 });
    try {
      // Side by side (wide), then stacked under the table with a narrow value column.
      for (const width of [1100, 700]) {
        await ui.page.setViewportSize({ width, height: 900 });
        await new Promise((r) => setTimeout(r, 300)); // one layout after the resize
        const m = await measure(frame, '#details', '#details .chip, #rows .chip');
        if (m.words < 10) throw new Error(`measured too little at ${width}px: ${JSON.stringify(m)}`);
        if (m.broken.length) throw new Error(`words split across lines in the details pane at ${width}px: ${m.broken.join(', ')}`);
        if (m.chips.length) throw new Error(`chips on more than one line at ${width}px: ${m.chips.join(', ')}`);
        await ui.screenshot(`layout-error-log-details-${width}`);
      }
    } finally {
      await ui.page.setViewportSize({ width: 1440, height: 900 });
    }
  }),
];
