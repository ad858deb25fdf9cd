/**
 * The proxy feature's cheap half, run at activation: registers the commands (Start / Stop Proxy,
 * Set Proxy Faults, Show Proxy Report Card). The controller, the proxy and the simulator load on
 * first use (`import('./controller')`, and the proxy itself from dist/connection-runtime.js).
 */
import * as vscode from 'vscode';
import type { ErrorLogApi } from '../log/index';
import type { FaultPlan } from '../../core/proxy/server';
import type { ReportCard } from '../../core/proxy/grade';
import type { ProxyController, StartArg } from './controller';
import { PROXY_COMMANDS } from './commandIds';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

export { PROXY_COMMANDS } from './commandIds';

/** Test builds only: what the proxy saw and shows. */
export interface ProxyTestHooks {
  proxyExchanges(): readonly import('../../core/proxy/server').Exchange[];
  /** Resolves when every exchange seen so far is in the Error Log. */
  proxyFlushLog(): Promise<void>;
  proxyCard(): ReportCard | undefined;
  proxyReportMarkdown(): string | undefined;
  proxyStatusBar(): { text: string; tooltip: string } | undefined;
  proxyFaults(): FaultPlan | null;
  /** The report card panel's HTML, when it is open. */
  proxyPanelHtml(): string | undefined;
  /** What the card's webview last reported it rendered. */
  proxyRendered(): { grades: number; failing: string[]; exchanges: number } | undefined;
  /** Feeds a message to the host as if the card's webview sent it; resolves with the document it opened. */
  proxyReceive(msg: unknown): Promise<vscode.Uri | undefined>;
  proxyClosePanel(): void;
}

export interface ProxyFeature extends vscode.Disposable {
  shutdown(): Promise<void>;
  readonly testing?: ProxyTestHooks;
}

/** The quick pick's rates. */
const RATES = [10, 30, 50] as const;

export function registerProxy(context: vscode.ExtensionContext, deps: { log: ErrorLogApi }): ProxyFeature {
  let controller: Promise<ProxyController> | undefined;
  let loaded: ProxyController | undefined;
  const get = (): Promise<ProxyController> => {
    controller ??= import('./controller').then(({ ProxyController: C }) => {
      loaded = new C(context, deps);
      return loaded;
    });
    return controller;
  };

  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

  async function start(arg?: unknown): Promise<string | undefined> {
    const a: StartArg = {};
    if (arg && typeof arg === 'object') {
      const o = arg as Record<string, unknown>;
      if (o.target === 'api' || o.target === 'simulator') a.target = o.target;
      if (typeof o.openTerminal === 'boolean') a.openTerminal = o.openTerminal;
      const f = faultArg(o.faults);
      if (f !== undefined) a.faults = f;
    }
    try {
      return await (await get()).start(a);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The Claude Doctor proxy could not start: {0}', message(e)));
      return undefined;
    }
  }

  /** A fault plan given as a command argument (tests, keybindings): `null` = off. */
  function faultArg(v: unknown): FaultPlan | null | undefined {
    if (v === null) return null;
    if (!v || typeof v !== 'object') return undefined;
    const o = v as Record<string, unknown>;
    if (typeof o.scenario !== 'string' || !o.scenario.trim()) return undefined;
    const rate = typeof o.rate === 'number' && o.rate > 0 && o.rate <= 1 ? o.rate : undefined;
    const next = typeof o.next === 'number' && Number.isInteger(o.next) && o.next > 0 ? o.next : undefined;
    if (rate === undefined && next === undefined) return undefined;
    return { scenario: o.scenario.trim(), ...(rate !== undefined ? { rate } : {}), ...(next !== undefined ? { next } : {}) };
  }

  async function pickFaults(): Promise<FaultPlan | null | undefined> {
    type Mode = { kind: 'off' } | { kind: 'rate'; rate: number } | { kind: 'next' };
    const modes: (vscode.QuickPickItem & { mode: Mode })[] = [
      { label: vscode.l10n.t('Off'), detail: vscode.l10n.t('Forward every request as it is'), mode: { kind: 'off' } },
      ...RATES.map((r) => ({ label: vscode.l10n.t('{0} % of requests', r), detail: vscode.l10n.t('Answer this share of requests with a fault'), mode: { kind: 'rate', rate: r / 100 } as Mode })),
      { label: vscode.l10n.t('The next N requests…'), detail: vscode.l10n.t('Answer the next few requests with a fault, then forward again'), mode: { kind: 'next' } },
    ];
    const m = await vscode.window.showQuickPick(modes, { title: vscode.l10n.t('Claude Doctor: Set Proxy Faults'), placeHolder: vscode.l10n.t('Which requests of your app get a fault?') });
    if (!m) return undefined;
    if (m.mode.kind === 'off') return null;
    const { SCENARIOS } = (await import('../connection/loadRuntime')).loadRuntime();
    const first = ['overloaded', 'rate-limited', 'server-error', 'gateway-html', 'stream-overloaded', 'spend-cap', 'timeout'];
    const list = [...SCENARIOS].filter((s) => s.name !== 'ok').sort((a, b) => (first.indexOf(a.name) + 1 || 99) - (first.indexOf(b.name) + 1 || 99));
    const s = await vscode.window.showQuickPick(list.map((x) => ({ label: x.name, detail: x.description })), {
      title: vscode.l10n.t('Claude Doctor: Set Proxy Faults'), placeHolder: vscode.l10n.t('Which fault (a simulator scenario)?'), matchOnDetail: true,
    });
    if (!s) return undefined;
    if (m.mode.kind === 'rate') return { scenario: s.label, rate: m.mode.rate };
    const n = await vscode.window.showInputBox({
      title: vscode.l10n.t('Claude Doctor: Set Proxy Faults'), prompt: vscode.l10n.t('How many of the next requests fail?'), value: '3',
      validateInput: (v) => (/^\s*[1-9]\d{0,5}\s*$/.test(v) ? undefined : vscode.l10n.t('A whole number from 1 to 999999')),
    });
    if (n === undefined) return undefined;
    return { scenario: s.label, next: Number(n.trim()) };
  }

  async function setFaults(arg?: unknown): Promise<FaultPlan | null | undefined> {
    const c = loaded;
    if (!c?.running) {
      const startIt = vscode.l10n.t('Start Proxy');
      void vscode.window.showInformationMessage(vscode.l10n.t('The Claude Doctor proxy is not running.'), startIt).then((x) => {
        if (x) void vscode.commands.executeCommand(PROXY_COMMANDS.start);
      });
      return undefined;
    }
    const plan = arg !== undefined ? faultArg(arg) : await pickFaults();
    if (plan === undefined) return undefined;
    c.setFaults(plan);
    return c.faults();
  }

  const reg = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg(PROXY_COMMANDS.start, (arg) => start(arg));
  reg(PROXY_COMMANDS.stop, async () => (loaded ? loaded.stop() : (void vscode.window.showInformationMessage(vscode.l10n.t('The Claude Doctor proxy is not running.')), undefined)));
  reg(PROXY_COMMANDS.setFaults, (arg) => setFaults(arg));
  reg(PROXY_COMMANDS.showReportCard, async () => (await get()).showReportCard());

  const testing: ProxyTestHooks | undefined = !__TEST_HOOKS__ ? undefined : {
    proxyExchanges: () => loaded?.exchanges() ?? [],
    proxyFlushLog: async () => { await loaded?.flush(); },
    proxyCard: () => loaded?.card(),
    proxyReportMarkdown: () => loaded?.reportMarkdown(),
    proxyStatusBar: () => loaded?.statusBar(),
    proxyFaults: () => loaded?.faults() ?? null,
    proxyPanelHtml: () => loaded?.cardHtml(),
    proxyRendered: () => loaded?.lastRendered,
    proxyReceive: async (msg) => (await get()).handle(msg),
    proxyClosePanel: () => loaded?.closePanel(),
  };

  return {
    testing,
    async shutdown() {
      const c = loaded;
      loaded = undefined;
      controller = undefined;
      if (c) await c.dispose();
    },
    dispose() {
      void this.shutdown();
    },
  };
}
