/**
 * "storm" shows a storm (issue #13 item 2): the simulator's capacity is shared with simulated
 * background clients, so a single connection test meets 529s before it gets through; and the
 * panel shows the aggregate of 20 callers with this client next to 20 real SDK clients against
 * the same storm — attempts, 529s, success, time against the physical floor — with no word
 * split across lines, even in a narrow window.
 */
import type { Frame } from 'playwright-core';
import { uiTest, waitUntil } from '../lib';
import { runSimulator } from './10-connection';
import { measure } from './14-layout';

/** The aggregate's row of one side, as numbers. */
async function side(frame: Frame, name: 'ours' | 'sdk') {
  const cells = await frame.locator(`#aggregate tr[data-side="${name}"] td`).allInnerTexts();
  const [attempts, overloaded] = [Number(cells[0]), Number(cells[1])];
  const ok = /^(\d+)\/(\d+)/.exec(cells[2] ?? '');
  return { cells, attempts, overloaded, succeeded: Number(ok?.[1]), callers: Number(ok?.[2]) };
}

export default [
  uiTest('scenario "storm": one run meets ≥ 1 529 and gets through; the aggregate shows ours next to the SDK\'s', async (ui) => {
    // Tall enough that the README picture holds the verdict, the aggregate and the attempts.
    await ui.page.setViewportSize({ width: 1440, height: 1180 });
    try {
      const { frame, verdict } = await runSimulator(ui, 'storm');
      const rows = await frame.locator('#attempts table.attempts tbody tr').allInnerTexts();
      const n529 = rows.filter((r) => /\b529\b/.test(r)).length;
      if (n529 < 1) throw new Error(`no 529 in the storm's attempts:\n${rows.join('\n')}`);
      if (!/^\s*OK\b/.test(verdict)) throw new Error(`expected the run to get through the storm, got:\n${verdict}`);
      if (!new RegExp(`Attempts\\s+${n529 + 1} in`).test(verdict)) throw new Error(`expected ${n529 + 1} attempts, got:\n${verdict}`);

      // The aggregate: running while the callers go, then final (a few seconds).
      const box = frame.locator('#aggregate');
      const text = await waitUntil('the storm aggregate, finished', async () => {
        const cls = (await box.getAttribute('class').catch(() => '')) ?? '';
        return /\bdone\b/.test(cls) && (await box.isVisible()) ? box.innerText() : undefined;
      }, { timeoutMs: 30_000 });
      if (!/Storm: 20 callers at once/.test(text)) throw new Error(`aggregate heading missing:\n${text}`);
      if (!/physical floor \(⌈20 \/ 10⌉ × 500 ms\)/.test(text) || !/less than 1\.00 s/.test(text)) throw new Error(`no physical floor:\n${text}`);
      if (!/@anthropic-ai\/sdk \d+\.\d+\.\d+/.test(text) || !/defaults: maxRetries 2, its own backoff/.test(text)) throw new Error(`no SDK row:\n${text}`);
      const ours = await side(frame, 'ours');
      const sdk = await side(frame, 'sdk');
      for (const s of [ours, sdk]) {
        if (s.callers !== 20) throw new Error(`expected 20 callers per side: ${s.cells.join(' | ')}`);
        // In a storm every attempt is a 200 or a 529.
        if (s.attempts !== s.succeeded + s.overloaded) throw new Error(`attempts do not add up: ${s.cells.join(' | ')}`);
        if (!/^\d+(\.\d+)? m?s$/.test((s.cells[3] ?? '').trim()) || !/^\d+\.\d×$/.test((s.cells[4] ?? '').trim())) throw new Error(`no time or × floor: ${s.cells.join(' | ')}`);
      }
      // 20 callers against 10 slots: the SDK side meets 529s (10 when all 20 arrive within one
      // service time; fewer on a loaded machine, where the first wave spreads out).
      if (sdk.overloaded < 1) throw new Error(`the SDK side met no 529: ${sdk.cells.join(' | ')}`);
      if (sdk.attempts < 21) throw new Error(`the SDK side did not retry: ${sdk.cells.join(' | ')}`);
      if (ours.succeeded !== 20) throw new Error(`our client did not get every caller through: ${ours.cells.join(' | ')}`);
      if (!/The SDK's default retries sent \d+\.\d× the attempts of this client and got \d+ of 20 callers through \(20 for this client\)\./.test(text)) {
        throw new Error(`no takeaway line:\n${text}`);
      }
      // The run is over: Cancel is off again.
      if (!(await frame.locator('#cancel').isDisabled())) throw new Error('Cancel is still enabled after the aggregate finished');
      await frame.locator('.head').scrollIntoViewIfNeeded();
      await ui.screenshot('connection-storm');
    } finally {
      await ui.page.setViewportSize({ width: 1440, height: 900 });
    }
  }),

  uiTest('the storm aggregate at a narrow width: no word split across lines, figures whole', async (ui) => {
    await ui.page.setViewportSize({ width: 640, height: 900 });
    try {
      const frame = await ui.webviewFrame('Claude Connection');
      await frame.locator('#aggregate').scrollIntoViewIfNeeded();
      await new Promise((r) => setTimeout(r, 300)); // one layout after the resize
      const m = await measure(frame, '#aggregate', '#aggregate .chip');
      if (m.words < 30) throw new Error(`measured too little: ${JSON.stringify(m)}`);
      if (m.broken.length) throw new Error(`words split across lines in the aggregate: ${m.broken.join(', ')}`);
      // Numbers and times stay on one line each.
      const split = await frame.evaluate(`(() => [...document.querySelectorAll('#aggregate td.num')].filter((td) => {
        const r = document.createRange(); r.selectNodeContents(td.firstChild || td);
        return new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size > 1;
      }).map((td) => td.textContent))()`) as string[];
      if (split.length) throw new Error(`figures split across lines: ${split.join(', ')}`);
      await ui.screenshot('connection-storm-narrow');
    } finally {
      await ui.page.setViewportSize({ width: 1440, height: 900 });
    }
  }),
];
