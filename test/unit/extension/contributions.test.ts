import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_IDS } from '../../../src/extension/connection/commandIds';
import { PROXY_COMMANDS } from '../../../src/extension/proxy/commandIds';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const nls: Record<string, string> = JSON.parse(readFileSync('package.nls.json', 'utf8'));
const resolve = (s: string) => s.replace(/^%(.+)%$/, (_m, k: string) => nls[k] ?? `<<missing ${k}>>`);

describe('package.json contributions of the connection feature', () => {
  it('every %placeholder% in package.json has a string in package.nls.json', () => {
    const missing = [...JSON.stringify(pkg).matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]!).filter((k) => !(k in nls));
    expect(missing).toEqual([]);
  });

  it.each(Object.values(COMMAND_IDS))('contributes %s with a title under the "Claude Doctor" category', (id) => {
    const c = (pkg.contributes.commands as { command: string; title: string; category?: string }[]).find((x) => x.command === id);
    expect(c, id).toBeDefined();
    expect(c!.category).toBe('Claude Doctor');
    expect(resolve(c!.title)).toMatch(/^[A-Z]/);
    expect(resolve(c!.title)).not.toMatch(/missing/);
  });

  it('names the commands as the issue asks', () => {
    const title = (id: string) => resolve((pkg.contributes.commands as { command: string; title: string }[]).find((x) => x.command === id)!.title);
    expect(title('claudeDoctor.testConnection')).toBe('Test Claude Connection');
    expect(title('claudeDoctor.testConnectionSimulator')).toBe('Test Claude Connection (Simulator)');
    expect(title('claudeDoctor.setApiKey')).toBe('Set API Key');
    expect(title('claudeDoctor.clearApiKey')).toBe('Clear API Key');
    expect(title('claudeDoctor.checkStatus')).toBe('Check Claude Status');
    expect(title('claudeDoctor.cancelTest')).toBe('Cancel Test');
  });

  it('has a walkthrough whose media files exist and whose steps complete on real commands', () => {
    const w = (pkg.contributes.walkthroughs as { id: string; steps: { media: { markdown?: string }; completionEvents?: string[] }[] }[])
      .find((x) => x.id === 'claudeDoctor.gettingStarted');
    expect(w).toBeDefined();
    expect(w!.steps.length).toBeGreaterThanOrEqual(4);
    const commands = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
    for (const s of w!.steps) {
      expect(existsSync(s.media.markdown!), s.media.markdown).toBe(true);
      for (const ev of s.completionEvents ?? []) {
        if (ev.startsWith('onCommand:')) expect(commands.has(ev.slice('onCommand:'.length)), ev).toBe(true);
      }
    }
  });

  it('contributes the proxy commands (issue #15) with their titles', () => {
    const cmds = pkg.contributes.commands as { command: string; title: string; category?: string }[];
    const title = (id: string) => resolve(cmds.find((x) => x.command === id)?.title ?? '%none%');
    expect(Object.values(PROXY_COMMANDS).map(title)).toEqual(['Start Proxy', 'Stop Proxy', 'Set Proxy Faults', 'Show Proxy Report Card']);
    for (const id of Object.values(PROXY_COMMANDS)) expect(cmds.find((x) => x.command === id)!.category).toBe('Claude Doctor');
  });

  it('never has a setting that could hold the key', () => {
    const text = JSON.stringify(pkg.contributes.configuration ?? {}).toLowerCase();
    expect(text).not.toMatch(/"claudedoctor\.(api)?key"/);
    expect(text).not.toMatch(/"claudedoctor\.apikey"/);
  });

  it('activates on the panel serializer, not eagerly', () => {
    expect(pkg.activationEvents).toContain('onWebviewPanel:claudeDoctor.connection');
    expect(pkg.activationEvents).not.toContain('*');
    expect(pkg.activationEvents).not.toContain('onStartupFinished');
  });
});

describe('webview strings are localizable', () => {
  it('every t(…) literal and button/label text in the webview is in WEBVIEW_STRINGS', async () => {
    const { WEBVIEW_STRINGS } = await import('../../../src/webview/connection/strings');
    // The page and its sections (everything but the string table itself).
    const dir = 'src/webview/connection';
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'strings.ts');
    expect(files).toEqual(expect.arrayContaining(['main.ts', 'dom.ts', 'verdict.ts', 'diagnostics.ts', 'attempts.ts', 'timeline.ts', 'rate.ts']));
    const src = files.map((f) => readFileSync(`${dir}/${f}`, 'utf8')).join('\n');
    const used = new Set<string>();
    const unquote = (q: string) => q.slice(1, -1).replace(/\\'/g, "'").replace(/\\"/g, '"');
    for (const m of src.matchAll(/\bt\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/g)) used.add(unquote(m[1]!));
    for (const m of src.matchAll(/\bt\(\w+(?:\.\w+)* \? ('(?:[^'\\]|\\.)*') : ('(?:[^'\\]|\\.)*')/g)) { used.add(unquote(m[1]!)); used.add(unquote(m[2]!)); }
    for (const m of src.matchAll(/btn\('[^']*', ('(?:[^'\\]|\\.)*')(?:, \{[^}]*\}, '[^']*'(?:, ('(?:[^'\\]|\\.)*'))?)?/g)) {
      used.add(unquote(m[1]!));
      if (m[2]) used.add(unquote(m[2]));
    }
    for (const m of src.matchAll(/relabel\(\w+, '[^']*', ('(?:[^'\\]|\\.)*')\)/g)) used.add(unquote(m[1]!));
    expect(used.size).toBeGreaterThan(60);
    const listed = new Set(WEBVIEW_STRINGS);
    expect([...used].filter((u) => !listed.has(u))).toEqual([]);
  });
});
