/**
 * "Claude Doctor: Show Error Log" with 10,000 entries: the log is seeded on disk (the JSON Lines
 * file the extension's store reads, in its globalStorage folder), the panel is opened from the
 * palette, and first paint is measured two ways:
 *  - issue → rows: from the Enter that runs the command to the first table rows seen in the frame;
 *  - in the webview: `performance.now()` inside the webview document (zero = its navigation start)
 *    on the first animation frame that has rows in the DOM.
 * Only a window of rows may be in the DOM; End / PageDown reach the oldest entry.
 */
import type { Frame } from 'playwright-core';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LogEntry } from '../../../src/core/log/types';
import { type Ui, uiTest, waitUntil } from '../lib';

const COMMAND = 'Claude Doctor: Show Error Log';
const PANEL = 'Claude Doctor: Error Log';
const N = 10_000;
/**
 * The issue's goal: "first paint ≤ 200 ms in the UI test". Timings are reported, not asserted
 * (timed tests are flaky on shared CI machines; the project keeps timing in measurements): the
 * line below says whether this run met it.
 */
const FIRST_PAINT_GOAL_MS = 200;
const MAX_DOM_ROWS = 200;

/** The folder `registerErrorLog` uses: `<globalStorageUri>/error-log` (code-server: under the user-data dir). */
function errorLogDir(ui: Ui): string {
  // The runner puts each spec's workspace copy next to the run's `user-data` folder.
  return join(dirname(ui.env.workspace), 'user-data', 'User', 'globalStorage', ui.env.extensionId.toLowerCase(), 'error-log');
}

const reqId = (i: number) => `req_011CSeed${String(i).padStart(6, '0')}`;

/** 10,000 attempts in runs of 1–3, the mix a busy week produces: 200s, 529s, 429s, 500s, timeouts. */
export function seedEntries(n: number, now = Date.now()): LogEntry[] {
  const models = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'];
  const out: LogEntry[] = [];
  const start = now - 2 * 60 * 60 * 1000; // the last two hours: inside any default time range
  const step = Math.floor((now - 60_000 - start) / n);
  let run = 0;
  let i = 0;
  while (i < n) {
    const runId = `run-seed-${run}`;
    const kind = run % 10; // 0-4 ok at once, 5-6 529 then ok, 7 429 then ok, 8 500 fatal-ish, 9 network
    const attempts: Array<Partial<LogEntry>> =
      kind <= 4 ? [{ ok: true, status: 200, category: 'ok' }]
        : kind <= 6 ? [
          { ok: false, status: 529, errorType: 'overloaded_error', message: 'Overloaded', category: 'overloaded', retryable: true, backoffPlannedMs: 500, backoffActualMs: 512, backoffReason: 'exponential backoff' },
          { ok: true, status: 200, category: 'ok' }]
          : kind === 7 ? [
            { ok: false, status: 429, errorType: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', category: 'rate_limit', retryable: true, backoffPlannedMs: 2000, backoffActualMs: 2003, backoffReason: 'retry-after header' },
            { ok: true, status: 200, category: 'ok' }]
            : kind === 8 ? [
              { ok: false, status: 500, errorType: 'api_error', message: 'Internal server error', category: 'api_error', retryable: true, backoffPlannedMs: 480, backoffActualMs: 490, backoffReason: 'exponential backoff' },
              { ok: false, status: 500, errorType: 'api_error', message: 'Internal server error', category: 'api_error', retryable: true, backoffPlannedMs: 950, backoffActualMs: 951, backoffReason: 'exponential backoff' },
              { ok: false, status: 500, errorType: 'api_error', message: 'Internal server error', category: 'api_error', retryable: false }]
              : [{ ok: false, status: null, errorType: null, message: 'connect ECONNREFUSED 127.0.0.1:9', category: 'connection', retryable: false }];
    for (const [k, a] of attempts.entries()) {
      if (i >= n) break;
      const scenario = kind === 5 || kind === 6 ? 'overloaded' : undefined;
      out.push({
        v: 1,
        id: `seed-${String(i).padStart(6, '0')}`,
        runId,
        ts: start + i * step,
        target: scenario ? 'simulator' : 'api',
        ...(scenario ? { scenario } : {}),
        baseUrl: scenario ? 'http://127.0.0.1:0' : 'https://api.anthropic.com',
        model: models[run % models.length]!,
        stream: run % 4 === 0,
        attempt: k + 1,
        ok: a.ok!,
        status: a.status ?? null,
        errorType: a.errorType ?? null,
        errorCode: null,
        message: a.message ?? null,
        requestId: a.status === null ? null : reqId(i),
        latencyMs: a.ok ? 400 + ((i * 37) % 1800) : 40 + ((i * 13) % 300),
        retryable: a.retryable ?? false,
        category: a.category!,
        ...(a.backoffPlannedMs !== undefined ? { backoffPlannedMs: a.backoffPlannedMs, backoffActualMs: a.backoffActualMs, backoffReason: a.backoffReason } : {}),
        request: { maxTokens: 64, prompt: 'Reply with the single word: pong', stream: run % 4 === 0, ...(scenario ? { scenario } : {}) },
      });
      i++;
    }
    run++;
  }
  return out;
}

function seed(ui: Ui): LogEntry[] {
  const dir = errorLogDir(ui);
  mkdirSync(dir, { recursive: true });
  // Only our 10,000: drop what earlier specs of this run may have logged (rotated files, locks).
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  const entries = seedEntries(N);
  writeFileSync(join(dir, 'errors.jsonl'), entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return entries;
}

async function domRows(frame: Frame): Promise<number> {
  return frame.locator('#rows .row').count();
}

interface FirstPaint { frame: Frame; issueToRowsMs: number; inWebview: { at: number; already: boolean; fcp: number | null; script: number | null } }

/** Opens the panel from the palette and measures its first paint both ways. */
async function openAndMeasure(ui: Ui): Promise<FirstPaint> {
    // Run the command by hand so the clock starts at the Enter that issues it.
    // Right after load the palette may not list contributed commands yet: reopen until it does.
  const input = await waitUntil(`"${COMMAND}" focused in the palette`, async () => {
    const box = await ui.openPalette();
    await box.fill(`>${COMMAND}`);
    const row = ui.page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused .label-name', { hasText: COMMAND }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
    } catch (e) {
      await ui.closeQuickInput();
      throw e;
    }
    return box;
  }, { timeoutMs: 60_000, intervalMs: 250 });
  const issuedAt = Date.now();
    await input.press('Enter');

    // As soon as the document exists, count animation frames inside it until rows are in the DOM:
    // the answer is the webview's own clock (zero = its navigation start) on that frame.
    const frame = await waitUntil('the Error Log webview', async () => {
      for (const outer of await ui.page.locator('iframe.webview.ready').elementHandles()) {
        const f = await (await (await outer.contentFrame())?.$('iframe#active-frame'))?.contentFrame();
        if (f && (await f.title()) === PANEL) return f;
      }
      return undefined;
    }, { timeoutMs: 30_000, intervalMs: 10 });
    // (A string, not a function: the spec runs through tsx, whose helpers do not exist in the page.)
    // The page marks the animation frame that first has rows (`claude-doctor:first-rows`): when the
    // rows are already there, that mark is the exact time; otherwise count frames until they are.
    const inWebview = await frame.evaluate<{ at: number; already: boolean; fcp: number | null; script: number | null }>(`new Promise((resolve) => {
      const fcpEntry = () => { const e = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint'); return e ? e.startTime : null; };
      const script = () => { const e = performance.getEntriesByType('resource').find((r) => /\\/log\\.js$/.test(r.name)); return e ? e.responseEnd : null; };
      const mark = () => { const e = performance.getEntriesByName('claude-doctor:first-rows')[0]; return e ? e.startTime : null; };
      const has = () => document.querySelectorAll('#rows .row').length > 0;
      const done = (already) => { const m = mark(); resolve({ at: m !== null ? m : performance.now(), already: already && m === null, fcp: fcpEntry(), script: script() }); };
      if (has()) { done(true); return; }
      const tick = () => { if (has()) requestAnimationFrame(() => done(false)); else requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })`);
    const issueToRowsMs = Date.now() - issuedAt;

    return { frame, issueToRowsMs, inWebview };
}

function describe(label: string, p: FirstPaint): string {
  return `      ${label}: command issued → rows visible ${p.issueToRowsMs} ms; webview navigation start → rows in DOM ${Math.round(p.inWebview.at)} ms${p.inWebview.already ? ' (upper bound: rows were already there)' : ''}; first-contentful-paint ${p.inWebview.fcp === null ? '–' : Math.round(p.inWebview.fcp) + ' ms'}; script ${p.inWebview.script === null ? 'in the page' : `loaded ${Math.round(p.inWebview.script)} ms`}`;
}

export default [
  uiTest('10,000 entries: only a window of rows in the DOM, keyboard reaches the oldest, first paint measured', async (ui) => {
    const entries = seed(ui);
    const oldest = entries[0]!;

    // Cold: the first show after the window loaded (the extension activates on this command).
    const cold = await openAndMeasure(ui);
    console.log(describe('cold open', cold));
    // Loaded means both the stats and the grid have all 10,000 (the grid re-renders after the
    // stats line when the full read replaces the newest-entries preview).
    const fullyLoaded = (f: Frame) => waitUntil('stats and grid for 10,000 entries', async () => {
      const t = await f.locator('#stats').innerText();
      const aria = await f.locator('#grid').getAttribute('aria-rowcount');
      return /\b10,000 entries\b/.test(t) && !/Loading/.test(t) && aria === String(N + 1) ? t : undefined;
    }, { timeoutMs: 60_000 });
    // Filters persist across panels (an earlier spec searched the log): show everything.
    await cold.frame.getByRole('button', { name: 'Reset filters' }).click();
    await fullyLoaded(cold.frame);
    await ui.screenshot('error-log-10k-cold');

    // Warm: the panel closed and shown again (extension active, entries freed on close, so the
    // file is read again): the figure the budget is about, a panel's own first paint.
    await ui.closeAllEditors();
    const warm = await openAndMeasure(ui);
    console.log(describe('warm open', warm));
    const frame = warm.frame;
    // The full read finishes after the first paint: stats then say 10,000 entries.
    const stats = await fullyLoaded(frame);
    const inDom = await domRows(frame);
    const aria = await frame.locator('#grid').getAttribute('aria-rowcount');
    console.log(`      rows in the DOM: ${inDom} of ${N}; stats: ${stats.split('\n')[0]}`);

    if (!(inDom > 0 && inDom < MAX_DOM_ROWS)) throw new Error(`expected a window of rows (1..${MAX_DOM_ROWS - 1}) in the DOM, found ${inDom}`);
    if (aria !== String(N + 1)) throw new Error(`grid aria-rowcount is ${aria}, expected ${N + 1}`);
    await ui.screenshot('error-log-10k-first-paint');

    // Keyboard: focus the grid, PageDown moves by a page, End reaches the oldest entry.
    await frame.locator('#rows .row').first().click();
    await waitUntil('the first row active', async () => (await frame.locator('#row-0.active').count()) === 1, { timeoutMs: 10_000 });
    await frame.locator('#grid').press('PageDown');
    const afterPage = await waitUntil('PageDown to move down a page', async () => {
      const idx = Number(await frame.locator('#rows .row.active').getAttribute('data-index', { timeout: 1_000 }));
      return idx > 1 ? idx : undefined;
    }, { timeoutMs: 10_000 });
    await frame.locator('#grid').press('End');
    const last = frame.locator(`#row-${N - 1}`);
    await waitUntil('the last entry visible after End', async () => (await last.isVisible()) && /\bactive\b/.test((await last.getAttribute('class')) ?? ''), { timeoutMs: 10_000 });
    const lastText = await last.innerText();
    if (!lastText.includes(oldest.requestId ?? '\u0000')) throw new Error(`the last row is not the oldest entry (${oldest.requestId}):\n${lastText}`);
    const inDomAtEnd = await domRows(frame);
    if (inDomAtEnd >= MAX_DOM_ROWS) throw new Error(`${inDomAtEnd} rows in the DOM after End`);
    console.log(`      PageDown → row ${afterPage}; End → row ${N - 1} (${oldest.requestId}); rows in the DOM at the end: ${inDomAtEnd}`);
    await ui.screenshot('error-log-10k-end');

    const met = warm.inWebview.at <= FIRST_PAINT_GOAL_MS ? 'met' : 'NOT met';
    console.log(`      first paint in the webview: warm ${Math.round(warm.inWebview.at)} ms, cold ${Math.round(cold.inWebview.at)} ms (goal ≤ ${FIRST_PAINT_GOAL_MS} ms: ${met})`);
  }, { timeoutMs: 180_000 }),
];
