/**
 * `npm run test:ui`: a person's path through the real workbench. Packages the extension
 * (`npm run package`: a production .vsix), installs that .vsix into a fresh code-server (so a
 * packaging mistake fails here), opens the workbench in headless chromium and runs every spec in
 * test/ui/specs/*.ts. Each spec file gets a fresh copy of test/fixtures/demo-workspace and a
 * freshly loaded workbench page; its tests run in order on that page.
 *
 * The run FAILS on any console error, uncaught exception or CSP violation coming from our
 * webviews. Screenshots: .test-artifacts/screenshots/. Counts: .test-artifacts/ui.json.
 *   --no-package       use the existing .vsix (skip the production build and vsce)
 *   --grep <text>      only specs/tests whose "file › title" contains <text>
 *   --keep-state       keep the host's state folder (kept on failure anyway)
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, ConsoleMessage, Frame, Page } from 'playwright-core';
import {
  DEMO_LAUNCH, ROOT, ensureHost, freshWorkspace, installVsix, launchBrowser, pruneStaleStates, startHost, stateDirs, TEST_SETTINGS,
  workbenchUrl, type Host, type StateDirs,
} from '../host/host.mjs';
import { packageVsix } from '../host/package.mjs';
import { Ui, type UiTest } from './lib';

const argv = process.argv.slice(2);
const opt = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const grep = opt('--grep');
const artifacts = join(ROOT, '.test-artifacts');
const screenshotDir = join(artifacts, 'screenshots');
const countsFile = join(artifacts, 'ui.json');
const consoleLog = join(artifacts, 'ui-console.log');
const specsDir = join(ROOT, 'test', 'ui', 'specs');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; publisher: string; version: string };
const extensionId = `${pkg.publisher}.${pkg.name}`;

interface Outcome { title: string; ok: boolean; ms: number; error?: string; screenshot?: string }
const outcomes: Outcome[] = [];
const started = Date.now();
const secs = (t = started) => ((Date.now() - t) / 1000).toFixed(1);

/** A console error, uncaught exception or CSP violation from one of our webviews. */
interface WebviewProblem { kind: string; text: string; url: string }

/**
 * Our webviews live in `iframe.webview` frames served from .../webview/browser/pre/ with our
 * extension id in the outer frame's query; their resources come from our extension folder.
 */
function fromOurWebview(url: string, text: string): boolean {
  const u = `${url}\n${text}`;
  return u.includes(`extensionId=${extensionId}`) || u.includes(`/extensions/${extensionId}-`)
    || u.includes('/webview/browser/pre/') || /vscode-resource|vscode-cdn\.net/.test(u);
}

function watchPage(page: Page, problems: WebviewProblem[]): void {
  const record = (kind: string, text: string, url: string) => {
    appendFileSync(consoleLog, `[${secs()}s ${kind}] ${url ? url + ' ' : ''}${text}\n`);
    const csp = /Content Security Policy|Content-Security-Policy/i.test(text);
    if (fromOurWebview(url, text) || (csp && /webview|vscode-resource|extensionId/.test(`${url} ${text}`))) {
      problems.push({ kind: csp ? 'CSP violation' : kind, text, url });
    }
  };
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() !== 'error') return;
    const loc = m.location();
    record('console.error', m.text(), loc.url ?? '');
  });
  page.on('pageerror', (e) => record('uncaught', `${e.message}\n${e.stack ?? ''}`, ''));
}

const pageProblems = new WeakMap<Page, WebviewProblem[]>();

/**
 * Runs in every frame before its own scripts. In webview frames (.../webview/browser/pre/) it
 * reports console.error calls, uncaught errors, unhandled rejections and CSP violations to the
 * runner through a binding, which knows the calling frame and keeps only our extension's webviews.
 * (The inner frame's document is replaced with document.write; its window and console stay.)
 */
// A string, not a function: tsx would wrap the function's inner helpers in `__name(...)` calls
// that do not exist in the browser.
const WEBVIEW_PROBE = `(() => {
  if (!location.pathname.includes('/webview/browser/pre/') || window.__claudeDoctorProbe) return;
  window.__claudeDoctorProbe = true;
  const report = (kind, text) => {
    try { window.__claudeDoctorWebviewProblem && window.__claudeDoctorWebviewProblem(kind, String(text)); } catch {}
  };
  const str = (a) => a instanceof Error || (a && a.stack && a.message) ? (a.stack || a.message) : typeof a === 'string' ? a : (() => { try { return JSON.stringify(a); } catch { return String(a); } })();
  const hook = (w, where, listen) => {
    if (!w) return;
    if (w.__claudeDoctorHooked !== w.console.error) {
      const orig = w.console.error.bind(w.console);
      w.console.error = (...args) => { report('console.error', where + args.map(str).join(' ')); orig(...args); };
      w.__claudeDoctorHooked = w.console.error;
    }
    if (!listen) return;
    w.addEventListener('error', (e) => {
      const t = e.target;
      if (t && t !== w && t.tagName) report('resource failed to load', where + t.tagName.toLowerCase() + ' ' + (t.src || t.href || ''));
      else report('uncaught', where + (e.error ? str(e.error) : e.message));
    }, true);
    w.addEventListener('unhandledrejection', (e) => report('unhandled rejection', where + str(e.reason)));
    w.addEventListener('securitypolicyviolation', (e) =>
      report('CSP violation', where + e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' in ' + (e.sourceFile || e.documentURI)), true);
  };
  hook(window, '', true);
  // The webview's content lives in an inner iframe whose document VS Code replaces with
  // document.open()/write(): hook its console when the iframe is inserted, and add the listeners
  // after open() (which erases the window's event listeners).
  const hookFrame = (f) => {
    try {
      const w = f.contentWindow;
      if (!w) return;
      hook(w, '[content] ', false);
      const D = w.Document && w.Document.prototype;
      if (D && !D.__claudeDoctorOpen) {
        const open = D.open;
        D.open = function (...a) { const r = open.apply(this, a); hook(this.defaultView, '[content] ', true); return r; };
        D.__claudeDoctorOpen = true;
      }
    } catch {}
  };
  new MutationObserver((muts) => {
    for (const m of muts) for (const n of m.addedNodes) if (n.tagName === 'IFRAME') hookFrame(n);
  }).observe(document, { childList: true, subtree: true });
})();`;

async function installProbe(browser: BrowserContext): Promise<void> {
  await browser.exposeBinding('__claudeDoctorWebviewProblem', (source, kind: string, text: string) => {
    const chain: string[] = [];
    for (let f: Frame | null = source.frame; f; f = f.parentFrame()) chain.push(f.url());
    const url = chain.join(' < ');
    appendFileSync(consoleLog, `[${secs()}s webview ${kind}] ${url}\n  ${text}\n`);
    if (!chain.some((u) => u.includes(`extensionId=${extensionId}`))) return; // not our webview
    pageProblems.get(source.page)?.push({ kind, text, url: chain[0] ?? '' });
  });
  await browser.addInitScript({ content: WEBVIEW_PROBE });
}

async function loadSpecs(): Promise<{ file: string; tests: UiTest[] }[]> {
  if (!existsSync(specsDir)) return [];
  const out: { file: string; tests: UiTest[] }[] = [];
  for (const file of readdirSync(specsDir).filter((f) => /\.(ts|mts)$/.test(f) && !f.endsWith('.d.ts')).sort()) {
    const mod = await import(pathToFileURL(join(specsDir, file)).href) as { default?: UiTest | UiTest[] };
    const def = mod.default;
    const tests = (Array.isArray(def) ? def : def ? [def] : []).filter((t) => !grep || `${file} › ${t.title}`.includes(grep));
    if (!def) throw new Error(`${file} has no default export (a uiTest or an array of them)`);
    if (tests.length) out.push({ file, tests });
  }
  return out;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, rej) => { timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms); });
  try { return await Promise.race([p, t]); } finally { clearTimeout(timer); }
}

async function runSpecFile(browser: BrowserContext, host: Host, d: StateDirs, index: number, spec: { file: string; tests: UiTest[] }): Promise<void> {
  const name = spec.file.replace(/\.(ts|mts)$/, '');
  const workspace = freshWorkspace(d, `workspace-${index}-${name}`);
  const page = await browser.newPage();
  const problems: WebviewProblem[] = [];
  pageProblems.set(page, problems);
  watchPage(page, problems);
  const ui = new Ui(page, { workspace, screenshotDir, extensionId }, name);
  console.log(`${spec.file}`);
  let loaded = false;
  try {
    const t0 = Date.now();
    await page.goto(workbenchUrl(host, workspace), { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await ui.waitForWorkbench();
    loaded = true;
    console.log(`  (workbench loaded in ${secs(t0)}s)`);
  } catch (e) {
    const shot = await ui.screenshot('workbench-load-failed').catch(() => undefined);
    outcomes.push({ title: `${spec.file} › workbench loads`, ok: false, ms: 0, error: errText(e), screenshot: shot });
    console.log(`  ✗ the workbench did not load: ${errText(e)}`);
  }
  for (const t of loaded ? spec.tests : []) {
    const t0 = Date.now();
    const title = `${spec.file} › ${t.title}`;
    try {
      await withTimeout(t.run(ui), t.timeoutMs ?? 120_000, t.title);
      outcomes.push({ title, ok: true, ms: Date.now() - t0 });
      console.log(`  ✓ ${t.title} (${secs(t0)}s)`);
    } catch (e) {
      const shot = await ui.screenshot(`FAILED-${t.title}`).catch(() => undefined);
      outcomes.push({ title, ok: false, ms: Date.now() - t0, error: errText(e), screenshot: shot });
      console.log(`  ✗ ${t.title} (${secs(t0)}s)\n${indent(errText(e), 6)}${shot ? `\n      screenshot: ${shot.replace(ROOT + '/', '')}` : ''}`);
      // Leave no menu or palette open for the next test of this file.
      await page.keyboard.press('Escape').catch(() => undefined);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
  }
  if (loaded) {
    const title = `${spec.file} › no console error or CSP violation from our webviews`;
    if (problems.length) {
      const text = problems.map((p) => `${p.kind}: ${p.text.split('\n')[0]}${p.url ? ` (${p.url})` : ''}`).join('\n');
      outcomes.push({ title, ok: false, ms: 0, error: text });
      console.log(`  ✗ no console error or CSP violation from our webviews\n${indent(text, 6)}`);
    } else {
      outcomes.push({ title, ok: true, ms: 0 });
      console.log('  ✓ no console error or CSP violation from our webviews');
    }
  }
  await page.close().catch(() => undefined);
}

function errText(e: unknown): string {
  if (e instanceof Error) return (e.stack ?? e.message).split('\n').filter((l) => !l.includes('node_modules/playwright-core')).slice(0, 8).join('\n');
  return String(e);
}

function indent(s: string, n: number): string {
  return s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}

async function main(): Promise<number> {
  mkdirSync(artifacts, { recursive: true });
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
  writeFileSync(consoleLog, '');

  const specs = await loadSpecs();
  if (!specs.length) throw new Error(`no UI specs in ${specsDir}${grep ? ` matching "${grep}"` : ''}`);

  ensureHost();
  pruneStaleStates();
  const d = stateDirs(`ui-${process.pid}`, { settings: TEST_SETTINGS });
  let vsix: string;
  if (argv.includes('--no-package')) {
    vsix = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
    if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package`);
  } else {
    // Packaged into this run's folder: a concurrent `npm run package` cannot swap it under us.
    const t0 = Date.now();
    const r = packageVsix({ quiet: true, out: join(d.root, `${pkg.name}-${pkg.version}.vsix`) });
    vsix = r.path;
    console.log(`[ui] packaged ${pkg.name}-${pkg.version}.vsix (${r.files.length} files, ${(r.size / 1024).toFixed(1)} KiB) in ${secs(t0)}s`);
  }
  let host: Host | undefined;
  let browser: BrowserContext | undefined;
  let ok = false;
  try {
    installVsix(d, vsix);
    // code-server opens this folder when a page comes without ?folder=; the specs always pass one.
    // Launched like `npm run demo` (DEMO_LAUNCH: no smoke-test driver, so toasts show as for a user).
    host = await startHost(d, { ...DEMO_LAUNCH, folder: freshWorkspace(d) });
    console.log(`[ui] code-server ready at ${host.url} after ${secs()}s`);
    browser = await launchBrowser(d);
    await installProbe(browser);
    for (const [i, spec] of specs.entries()) await runSpecFile(browser, host, d, i, spec);
    ok = outcomes.every((o) => o.ok);
  } finally {
    await browser?.close().catch(() => undefined);
    if (host) {
      if (!ok) appendFileSync(consoleLog, `\n--- code-server output (tail) ---\n${host.output.slice(-60).join('')}`);
      await host.stop();
    }
    if (ok && !argv.includes('--keep-state')) rmSync(d.root, { recursive: true, force: true });
    else console.error(`[ui] host state kept in ${d.root}`);
  }
  return ok ? 0 : 1;
}

void (async () => {
  let code = 1;
  try {
    code = await main();
  } catch (e) {
    console.error(`[ui] ${errText(e)}`);
    outcomes.push({ title: 'ui run', ok: false, ms: 0, error: errText(e) });
    code = 1;
  }
  const passed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - passed || (code === 0 ? 0 : 1);
  writeFileSync(countsFile, JSON.stringify({ passed, failed }) + '\n');
  writeFileSync(join(artifacts, 'ui-results.json'), JSON.stringify({ passed, failed, outcomes }, null, 2) + '\n');
  console.log(`ui: ${secs()}s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
})();
