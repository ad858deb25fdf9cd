/**
 * The connection feature's cheap half, run at activation: registers the commands, the status
 * bar item and the panel serializer. Everything heavy (the controller, the SDK-based client,
 * the simulator, the webview) loads behind `await import()` on first use.
 */
import * as vscode from 'vscode';
import type { ErrorLogApi } from '../log/index';
import type { LogEntry } from '../../core/log/types';
import type { ResultEvent } from '../../core/retry/events';
import type { ConnectionTestHooks } from '../api';
import type { ConnectionController, RunRequest, StatusCheck } from './controller';
import type { ConnectionPanel, RenderedReport } from './panel';
import { RedactingLog } from './output';
import { redactSecrets } from '../../core/redact';
import { KeyStore, keyInputProblem } from './secrets';
import { ConnectionStatusBar } from './statusBar';
import { COMMAND_IDS } from './commandIds';

/** Defined by esbuild.mjs (and vitest): false in production bundles, which then carry no test seams. */
declare const __TEST_HOOKS__: boolean;

export const COMMANDS = COMMAND_IDS;

const VIEW_TYPE = 'claudeDoctor.connection';
const CUSTOM = '\u0000custom';

/** Argument of claudeDoctor.testConnectionSimulator: a scenario spec, or a spec plus setting overrides. */
export type SimulatorArg = string | { scenario?: string; settings?: Record<string, unknown> };
export type TestArg = { settings?: Record<string, unknown> } | undefined;

export interface ConnectionFeature extends vscode.Disposable {
  replay(entry: LogEntry): Promise<void>;
  shutdown(): Promise<void>;
  /** Test builds only (`__TEST_HOOKS__`, esbuild.mjs). */
  readonly testing?: ConnectionTestHooks;
}

export function registerConnection(context: vscode.ExtensionContext, deps: { log: ErrorLogApi }): ConnectionFeature {
  const keys = new KeyStore(context.secrets);
  const out = new RedactingLog(() => keys.secretsToRedact());
  const statusBar = new ConnectionStatusBar(context.globalState);
  let controller: Promise<ConnectionController> | undefined;
  let loaded: ConnectionController | undefined;
  let statusUrl: string | undefined;

  const get = (): Promise<ConnectionController> => {
    controller ??= import('./controller').then(({ ConnectionController }) => {
      loaded = new ConnectionController(context, { log: deps.log, out, keys, statusBar });
      if (statusUrl) loaded.statusUrl = statusUrl;
      return loaded;
    });
    return controller;
  };

  const simulatorArg = (arg: unknown): { scenario?: string; settings?: Record<string, unknown> } => {
    if (typeof arg === 'string') return { scenario: arg };
    if (arg && typeof arg === 'object') {
      const a = arg as { scenario?: unknown; settings?: unknown };
      return {
        ...(typeof a.scenario === 'string' ? { scenario: a.scenario } : {}),
        ...(a.settings && typeof a.settings === 'object' ? { settings: a.settings as Record<string, unknown> } : {}),
      };
    }
    return {};
  };

  async function pickScenario(): Promise<string | undefined> {
    const { SCENARIOS } = (await import('./loadRuntime')).loadRuntime();
    const c = await get();
    // A scenario that hangs every attempt until its timeout says up front how long that is.
    const items: (vscode.QuickPickItem & { spec: string })[] = SCENARIOS.map((s) => {
      const slow = c.slowScenarioNote(s.name);
      return {
        label: s.name,
        // First, where the row does not cut it off.
        detail: slow ? `⚠ ${slow} ${s.description}` : s.description,
        ...(slow ? { description: vscode.l10n.t('slow with these settings') } : {}),
        spec: s.name,
      };
    });
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, spec: '' });
    items.push({ label: vscode.l10n.t('Custom scenario spec…'), detail: vscode.l10n.t('For example overloaded;count=3 or rate-limited;retryAfterMs=500'), spec: CUSTOM });
    const pick = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Test Claude Connection (Simulator)'),
      placeHolder: vscode.l10n.t('Pick a fault scenario for the built-in simulator'),
      matchOnDetail: true,
    });
    if (pick?.spec !== CUSTOM) return pick?.spec;
    const { parseScenarioSpec } = (await import('./loadRuntime')).loadRuntime();
    return vscode.window.showInputBox({
      title: vscode.l10n.t('Simulator scenario spec'),
      prompt: vscode.l10n.t('name;key=value;… as sent in the x-simulate-scenario header'),
      value: 'overloaded;count=3',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = parseScenarioSpec(v.trim());
        return r.ok ? undefined : r.error;
      },
    });
  }

  async function testSimulator(arg?: unknown): Promise<ResultEvent | undefined> {
    const a = simulatorArg(arg);
    const scenario = (a.scenario ?? await pickScenario())?.trim();
    if (!scenario) return undefined;
    const { parseScenarioSpec } = (await import('./loadRuntime')).loadRuntime();
    const parsed = parseScenarioSpec(scenario);
    if (!parsed.ok) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Not a simulator scenario: {0}', parsed.error));
      return undefined;
    }
    const c = await get();
    const req: RunRequest = { target: 'simulator', scenario, ...(a.settings ? { overrides: a.settings } : {}) };
    try {
      return await c.run(req);
    } catch (err) {
      // The simulator could not start (or the runtime is missing): say so, without a stack.
      const msg = redactSecrets(err instanceof Error ? err.message : String(err), keys.secretsToRedact());
      out.error(`simulator test failed to start: ${msg}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The Claude Doctor simulator could not start: {0}', msg));
      return undefined;
    }
  }

  async function setKey(arg?: unknown): Promise<boolean> {
    let value: string | undefined;
    if (typeof arg === 'string') value = arg;
    else {
      value = await vscode.window.showInputBox({
        title: vscode.l10n.t('Claude Doctor: Set API Key'),
        prompt: vscode.l10n.t('Stored in VS Code Secret Storage, never in settings. Leave empty to cancel.'),
        placeHolder: 'sk-ant-api03-…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => {
          if (v.length === 0) return undefined;
          const p = keyInputProblem(v);
          if (p) return { message: p, severity: vscode.InputBoxValidationSeverity.Error };
          if (v !== v.trim()) return { message: vscode.l10n.t('Leading or trailing whitespace will be removed.'), severity: vscode.InputBoxValidationSeverity.Warning };
          if (!v.trim().startsWith('sk-ant-')) return { message: vscode.l10n.t('This does not look like an Anthropic key (sk-ant-…). Fine if your gateway issued it.'), severity: vscode.InputBoxValidationSeverity.Info };
          return undefined;
        },
      });
    }
    if (value === undefined || value.length === 0) return false;
    const problem = keyInputProblem(value);
    if (problem) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The key was not saved: {0}', problem));
      return false;
    }
    await keys.set(value.trim());
    out.info(`API key saved to Secret Storage (${value.trim().length} characters).`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Claude API key saved in Secret Storage.'), vscode.l10n.t('Test Connection'))
      .then((c) => { if (c) void vscode.commands.executeCommand(COMMANDS.testConnection); });
    if (loaded) loaded.state = { ...loaded.state, keyState: 'secret' };
    return true;
  }

  /** `{ settings: {...} }` command argument: raw setting overrides, validated like the user's settings. */
  function settingsArg(arg: unknown): Record<string, unknown> | undefined {
    const s = arg && typeof arg === 'object' ? (arg as { settings?: unknown }).settings : undefined;
    return s && typeof s === 'object' ? s as Record<string, unknown> : undefined;
  }

  async function testConnection(arg?: unknown): Promise<ResultEvent | undefined> {
    const overrides = settingsArg(arg);
    const c = await get();
    const settings = c.readSettings(overrides);
    if (settings.target === 'simulator') {
      return c.run({ target: 'simulator', scenario: 'ok', ...(overrides ? { overrides } : {}) });
    }
    let k = await keys.get();
    if (!k.key) {
      const setOne = vscode.l10n.t('Set API Key');
      const useSim = vscode.l10n.t('Use Simulator');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('No Claude API key: none is stored and ANTHROPIC_API_KEY is not set.'), setOne, useSim);
      if (choice === useSim) return testSimulator(undefined);
      if (choice !== setOne || !(await setKey(undefined))) return undefined;
      k = await keys.get();
      if (!k.key) return undefined;
    }
    return c.run({ target: 'api', ...(overrides ? { overrides } : {}) });
  }

  const reg = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg(COMMANDS.testConnection, (arg) => testConnection(arg));
  reg(COMMANDS.testConnectionSimulator, (arg) => testSimulator(arg));
  reg(COMMANDS.setApiKey, (arg) => setKey(arg));
  reg(COMMANDS.clearApiKey, async () => {
    await keys.clear();
    if (loaded) loaded.state = { ...loaded.state, keyState: keys.source };
    out.info('API key removed from Secret Storage.');
    const msg = process.env.ANTHROPIC_API_KEY
      ? vscode.l10n.t('Claude API key removed from Secret Storage. ANTHROPIC_API_KEY from the environment is still used.')
      : vscode.l10n.t('Claude API key removed from Secret Storage.');
    void vscode.window.showInformationMessage(msg);
    return true;
  });
  reg(COMMANDS.checkStatus, async (arg?: unknown): Promise<StatusCheck> => {
    const c = await get();
    const overrides = settingsArg(arg);
    return c.checkStatus(true, overrides ? c.readSettings(overrides) : undefined);
  });
  reg(COMMANDS.cancelTest, async () => {
    const c = loaded;
    const ok = c ? c.cancel() : false;
    if (!ok) void vscode.window.showInformationMessage(vscode.l10n.t('No Claude connection test is running.'));
    return ok;
  });
  reg(COMMANDS.showConnectionPanel, async () => { (await get()).showPanel(false); return true; });
  reg(COMMANDS.copyCurl, async () => (await get()).copyCurl());

  // The serializer's first registration costs ~10 ms (the host sets up its webview machinery):
  // register it right after activation. A panel being revived waits for its serializer.
  let serializerTimer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => {
    serializerTimer = undefined;
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        (await get()).restorePanel(panel, state);
      },
    }));
  }, 0);
  context.subscriptions.push({ dispose: () => { if (serializerTimer) clearTimeout(serializerTimer); } });

  const testing: ConnectionTestHooks | undefined = !__TEST_HOOKS__ ? undefined : {
    async setStatusUrl(url) {
      statusUrl = url;
      if (loaded) {
        const { STATUS_PAGE } = await import('../../core/data/api-facts');
        loaded.statusUrl = url ?? STATUS_PAGE.statusJson;
      }
    },
    async panelState() { return (await get()).state; },
    postedMessages: () => loaded?.record?.posted ?? [],
    clearPostedMessages: () => { loaded?.record?.posted.splice(0); },
    panelHtml: () => loaded?.record?.html.join('\n'),
    panelOpen: () => !!loaded?.panel,
    panelVisible: () => !!loaded?.panel?.visible,
    lastRendered: () => loaded?.panel?.lastRendered,
    async waitForRender(pred, timeoutMs) {
      const c = await get();
      return waitForRendered(c.panel ?? c.showPanel(true), pred, timeoutMs);
    },
    outputLines: () => out.lines(),
    errorLogPath: () => deps.log.storePath,
    async simulatorUrl() { return (await (await get()).simulator()).url; },
    async curl() { return (await get()).curl(); },
    closePanel: () => loaded?.panel?.dispose(),
    panelViewColumn: () => loaded?.panel?.panel.viewColumn,
    globalStoragePath: () => context.globalStorageUri.fsPath,
    async replay(entry) { return (await get()).replay(entry); },
    statusBar: () => {
      const tip = statusBar.item.tooltip;
      return { text: statusBar.item.text, tooltip: typeof tip === 'string' ? tip : tip?.value ?? '' };
    },
    controllerLoaded: () => !!loaded,
  };

  return {
    testing,
    async replay(entry) { await (await get()).replay(entry); },
    async shutdown() {
      const c = loaded;
      loaded = undefined;
      controller = undefined;
      if (c) await c.dispose();
    },
    dispose() {
      void this.shutdown();
      statusBar.dispose();
      out.dispose();
    },
  };
}

/** Resolves when the webview reports a render that satisfies `pred` (test hooks only). */
function waitForRendered(panel: ConnectionPanel, pred: (r: RenderedReport) => boolean, timeoutMs: number): Promise<RenderedReport> {
  if (panel.lastRendered && pred(panel.lastRendered)) return Promise.resolve(panel.lastRendered);
  return new Promise((resolve, reject) => {
    const listener = (r: RenderedReport): void => {
      if (!pred(r)) return;
      clearTimeout(timer);
      panel.renderListeners.delete(listener);
      resolve(r);
    };
    const timer = setTimeout(() => {
      panel.renderListeners.delete(listener);
      reject(new Error(`the panel did not render as expected within ${timeoutMs} ms (last: ${JSON.stringify(panel.lastRendered)})`));
    }, timeoutMs);
    panel.renderListeners.add(listener);
  });
}
