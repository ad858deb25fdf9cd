/**
 * The proxy feature's heavy half, loaded on first use (never at activation): runs the recording,
 * fault-injecting proxy (core/proxy/server.ts, from the lazily loaded connection runtime) in the
 * extension host, writes every exchange to the Error Log (core/proxy/log.ts maps it), shows a
 * status bar item while it runs, and the report card as a read-only Markdown preview.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { ErrorLogApi } from '../log/index';
import type { Exchange, FaultPlan, RunningProxy } from '../../core/proxy/server';
import type { ReportCard } from '../../core/proxy/grade';
import type { ProxyLogMapper } from '../../core/proxy/log';
import type { RunningSimulator } from '../../core/simulator/index';
import { redactSecrets } from '../../core/redact';
import { loadRuntime } from '../connection/loadRuntime';
import { KeyStore } from '../connection/secrets';
import { readSettings, displayUrl } from '../../core/connection/settings';
import { PROXY_COMMANDS } from './commandIds';
import { renderWebviewHtml, webviewLocalRoots } from '../webviewHtml';
import { isCardMessage, RULE_ID, type CardView, type HostToWebview, type WebviewToHost } from '../../webview/proxy/protocol';
import { redactDeep } from '../../core/redact';

export const CARD_VIEW_TYPE = 'claudeDoctor.proxyReportCard';
/** Test builds: what the card's webview last reported it rendered. */
export type RenderedCard = Extract<WebviewToHost, { type: 'rendered' }>;

export const REPORT_SCHEME = 'claude-doctor-proxy';
export const REPORT_URI = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Retry Report Card.md' });
/** Exchanges kept for the report card (a long session keeps its newest). */
const MAX_EXCHANGES = 20_000;

export interface StartArg {
  /** Overrides `claudeDoctor.target`. */
  target?: 'api' | 'simulator';
  /** Open the terminal with ANTHROPIC_BASE_URL set right away (true), or offer it (default). */
  openTerminal?: boolean;
  faults?: FaultPlan | null;
}

interface Session {
  id: string;
  proxy: RunningProxy;
  sim: RunningSimulator;
  target: 'api' | 'simulator';
  /** What the card and the status bar say the upstream is. */
  upstreamLabel: string;
  mapper: ProxyLogMapper;
  exchanges: Exchange[];
  failed: number;
  writes: Set<Promise<void>>;
}

export class ProxyController implements vscode.Disposable {
  private session: Session | undefined;
  /** The last stopped session, for the report card after Stop. */
  private last: Session | undefined;
  private starting: Promise<string> | undefined;
  private item: vscode.StatusBarItem | undefined;
  private terminal: vscode.Terminal | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly keys: KeyStore;
  private panel: vscode.WebviewPanel | undefined;
  lastRendered: RenderedCard | undefined;
  /** The stored key and ANTHROPIC_API_KEY (when the app uses the same key, it is redacted by value too). */
  private readonly secrets = (): readonly string[] => this.keys.secretsToRedact();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: { log: ErrorLogApi },
  ) {
    this.keys = new KeyStore(context.secrets);
    this.disposables.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, {
      onDidChange: this.changed.event,
      provideTextDocumentContent: () => this.reportMarkdown(),
    }));
    this.disposables.push(vscode.window.onDidCloseTerminal((t) => { if (t === this.terminal) this.terminal = undefined; }));
  }

  get running(): RunningProxy | undefined {
    return this.session?.proxy;
  }

  exchanges(): readonly Exchange[] {
    return (this.session ?? this.last)?.exchanges ?? [];
  }

  // ---- start / stop ---------------------------------------------------------------------------

  async start(arg: StartArg = {}): Promise<string> {
    if (this.session) {
      if (arg.faults !== undefined) this.setFaults(arg.faults);
      this.announce(this.session, arg.openTerminal);
      return this.session.proxy.baseUrl;
    }
    this.starting ??= this.doStart(arg).finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async doStart(arg: StartArg): Promise<string> {
    const rt = loadRuntime();
    const cfg = vscode.workspace.getConfiguration('claudeDoctor');
    const settings = readSettings((k) => cfg.get(k)).settings;
    const target = arg.target ?? settings.target;
    await this.keys.get();
    // One private simulator: the upstream when the target is the simulator, and the fault server.
    const sim = await rt.startSimulator({ host: '127.0.0.1', port: 0 });
    const upstream = target === 'simulator' ? sim.url : settings.baseUrl;
    const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const upstreamLabel = target === 'simulator' ? vscode.l10n.t('the built-in simulator') : displayUrl(upstream);
    const mapper = new rt.ProxyLogMapper({ session: id, target, baseUrl: displayUrl(upstream), secrets: this.secrets });
    let proxy: RunningProxy;
    const s: Partial<Session> & { exchanges: Exchange[]; writes: Set<Promise<void>> } = { exchanges: [], writes: new Set(), failed: 0 };
    try {
      proxy = await rt.startProxy({
        upstream, faultServer: sim.url, faults: arg.faults ?? null, secrets: this.secrets,
        onExchange: (ex) => this.onExchange(s as Session, ex),
      });
    } catch (e) {
      await sim.close();
      throw e;
    }
    Object.assign(s, { id, proxy, sim, target, upstreamLabel, mapper });
    this.session = s as Session;
    this.last = undefined;
    this.renderItem();
    this.announce(this.session, arg.openTerminal);
    this.refreshCard();
    return proxy.baseUrl;
  }

  private exportLine(p: RunningProxy): string {
    return `export ANTHROPIC_BASE_URL=${p.baseUrl}`;
  }

  /** Copies the export line and offers (or opens) a terminal that has ANTHROPIC_BASE_URL set. */
  private announce(s: Session, openTerminal: boolean | undefined): void {
    void vscode.env.clipboard.writeText(this.exportLine(s.proxy));
    if (openTerminal === true) {
      this.openTerminal();
      return;
    }
    if (openTerminal === false) return;
    const open = vscode.l10n.t('Open Terminal');
    const faults = vscode.l10n.t('Set Faults…');
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Claude Doctor proxy → {0} on {1}. Copied: export ANTHROPIC_BASE_URL=… (the URL carries this session\'s token). Run your app with it.', s.upstreamLabel, s.proxy.url),
      open, faults,
    ).then((c) => {
      if (c === open) this.openTerminal();
      else if (c === faults) void vscode.commands.executeCommand(PROXY_COMMANDS.setFaults);
    });
  }

  openTerminal(): vscode.Terminal | undefined {
    const s = this.session;
    if (!s) return undefined;
    this.terminal?.dispose();
    this.terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Claude Doctor proxy'),
      env: { ANTHROPIC_BASE_URL: s.proxy.baseUrl },
      message: vscode.l10n.t('ANTHROPIC_BASE_URL points at the Claude Doctor proxy (→ {0}). Run your app here.', s.upstreamLabel),
    });
    this.terminal.show();
    return this.terminal;
  }

  /** Stops the proxy; resolves with the session's report card (undefined when none ran). */
  async stop(show = true): Promise<ReportCard | undefined> {
    await this.starting?.catch(() => undefined);
    const s = this.session;
    if (!s) {
      if (show) void vscode.window.showInformationMessage(vscode.l10n.t('The Claude Doctor proxy is not running.'));
      return undefined;
    }
    this.session = undefined;
    this.last = s;
    await s.proxy.close();
    await s.sim.close();
    await this.flush(s);
    this.terminal?.dispose();
    this.terminal = undefined;
    this.item?.dispose();
    this.item = undefined;
    const card = loadRuntime().gradeExchanges(s.exchanges);
    this.refreshCard();
    if (show && s.exchanges.length > 0) await this.showReportCard();
    return card;
  }

  // ---- exchanges ------------------------------------------------------------------------------

  private onExchange(s: Session, ex: Exchange): void {
    s.exchanges.push(ex);
    if (s.exchanges.length > MAX_EXCHANGES) s.exchanges.splice(0, s.exchanges.length - MAX_EXCHANGES);
    const entry = s.mapper.map(ex);
    if (!entry.ok) s.failed++;
    const w = this.deps.log.append(entry).catch(() => undefined);
    s.writes.add(w);
    void w.finally(() => s.writes.delete(w));
    if (this.session === s) this.renderItem();
    this.scheduleCardRefresh();
  }

  /** Resolves when every exchange seen so far is in the Error Log. */
  async flush(s: Session | undefined = this.session ?? this.last): Promise<void> {
    if (s) await Promise.all([...s.writes]);
  }

  // ---- faults ---------------------------------------------------------------------------------

  faults(): FaultPlan | null {
    return this.session?.proxy.faults() ?? null;
  }

  setFaults(plan: FaultPlan | null): void {
    this.session?.proxy.setFaults(plan);
    this.renderItem();
    this.refreshCard();
  }

  // ---- status bar -----------------------------------------------------------------------------

  private renderItem(): void {
    const s = this.session;
    if (!s) return;
    if (!this.item) {
      this.item = vscode.window.createStatusBarItem('claudeDoctor.proxy', vscode.StatusBarAlignment.Right, 99);
      this.item.name = vscode.l10n.t('Claude Doctor: proxy');
      this.item.command = PROXY_COMMANDS.showReportCard;
    }
    const faults = loadRuntime().describeFaults(s.proxy.faults());
    const n = s.exchanges.length;
    this.item.text = `$(radio-tower) ${vscode.l10n.t('Proxy')} ${n}${s.failed ? ` $(warning)${s.failed}` : ''}${faults ? ' $(zap)' : ''}`;
    // Plain text: nothing in it is markup.
    this.item.tooltip = [
      vscode.l10n.t('Claude Doctor proxy on {0} → {1}', s.proxy.url, s.upstreamLabel),
      vscode.l10n.t('{0} exchange(s), {1} failed.', n, s.failed),
      faults ? vscode.l10n.t('Injecting {0}.', faults) : vscode.l10n.t('No faults injected.'),
      vscode.l10n.t('Click for the report card.'),
    ].join('\n');
    this.item.accessibilityInformation = { label: vscode.l10n.t('Claude Doctor proxy running: {0} exchanges, {1} failed', n, s.failed) };
    this.item.show();
  }

  statusBar(): { text: string; tooltip: string } | undefined {
    if (!this.item) return undefined;
    const tip = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof tip === 'string' ? tip : tip?.value ?? '' };
  }

  // ---- report card ----------------------------------------------------------------------------

  card(): ReportCard | undefined {
    const s = this.session ?? this.last;
    return s ? loadRuntime().gradeExchanges(s.exchanges) : undefined;
  }

  reportMarkdown(): string {
    const s = this.session ?? this.last;
    if (!s) return `# ${vscode.l10n.t('Claude Doctor: retry report card')}\n\n${vscode.l10n.t('Start the proxy (Claude Doctor: Start Proxy) and run your app through it: the card grades what the proxy sees.')}\n`;
    const rt = loadRuntime();
    const text = rt.reportCardMarkdown(rt.gradeExchanges(s.exchanges), {
      upstream: s.upstreamLabel,
      faults: rt.describeFaults(s.proxy.faults()),
      running: this.session === s,
      ruleLink: (rule) => vscode.Uri.joinPath(this.context.extensionUri, 'docs', 'rules', `${encodeURIComponent(rule)}.md`).toString(),
    });
    return redactSecrets(text, this.secrets());
  }

  /** The card as the panel shows it (redacted). */
  cardView(): CardView {
    const rt = loadRuntime();
    const s = this.session ?? this.last;
    const view: CardView = s
      ? { card: rt.gradeExchanges(s.exchanges), upstream: s.upstreamLabel, faults: rt.describeFaults(s.proxy.faults()) ?? null, running: this.session === s }
      : { card: rt.gradeExchanges([]), upstream: vscode.l10n.t('(not started: run Claude Doctor: Start Proxy)'), faults: null, running: false };
    return redactDeep(view, this.secrets());
  }

  /** The report card panel (a webview with the strict CSP of webviewHtml.ts), opened or revealed. */
  async showReportCard(): Promise<ReportCard | undefined> {
    const view = this.cardView();
    if (this.panel) {
      this.panel.reveal(undefined, true);
      this.post({ type: 'card', view });
      return view.card;
    }
    const title = vscode.l10n.t('Claude Doctor: Proxy Report Card');
    const panel = vscode.window.createWebviewPanel(CARD_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: webviewLocalRoots(this.context.extensionUri) });
    this.panel = panel;
    this.lastRendered = undefined;
    panel.onDidDispose(() => { if (this.panel === panel) this.panel = undefined; });
    panel.webview.onDidReceiveMessage((m: unknown) => { void this.handle(m); });
    panel.webview.html = renderWebviewHtml(panel.webview, this.context.extensionUri, { title, script: 'proxy', styles: ['proxy.css'], initialState: { type: 'card', view } satisfies HostToWebview });
    return view.card;
  }

  cardHtml(): string | undefined {
    return this.panel?.webview.html;
  }

  closePanel(): void {
    this.panel?.dispose();
  }

  private post(m: HostToWebview): void {
    if (this.panel) void this.panel.webview.postMessage(m);
  }

  /** A message of the card's webview; resolves with the document it opened, if any. */
  async handle(m: unknown): Promise<vscode.Uri | undefined> {
    if (!isCardMessage(m)) return undefined;
    switch (m.type) {
      case 'ready':
        this.post({ type: 'card', view: this.cardView() });
        return undefined;
      case 'rendered':
        this.lastRendered = m;
        return undefined;
      case 'openMarkdown':
        this.refreshCard();
        await vscode.commands.executeCommand('markdown.showPreview', REPORT_URI);
        return REPORT_URI;
      case 'openRule': {
        // Only a rule the card names, and only its doc page inside the extension.
        const named = new Set(this.cardView().card.grades.map((g) => g.rule).filter(Boolean));
        if (!RULE_ID.test(m.rule) || !named.has(m.rule)) return undefined;
        const uri = vscode.Uri.joinPath(this.context.extensionUri, 'docs', 'rules', `${m.rule}.md`);
        await vscode.commands.executeCommand('markdown.showPreview', uri);
        return uri;
      }
    }
  }

  private refreshCard(): void {
    this.changed.fire(REPORT_URI);
    if (this.panel) this.post({ type: 'card', view: this.cardView() });
  }

  private scheduleCardRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refreshCard();
    }, 500);
  }

  async dispose(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    await this.stop(false).catch(() => undefined);
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
