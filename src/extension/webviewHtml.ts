/**
 * The one place webview HTML is made: a strict CSP with a fresh crypto nonce per render, only
 * our bundled script and stylesheets, placed in the page under the nonce (linked if a file cannot
 * be read), themed with --vscode-* variables. No inline handlers.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { absoluteSourceMap, inlineSafe } from '../core/text/inline';

export interface WebviewPage {
  title: string;
  /** Bundle name: dist/webview/<script>.js */
  script: string;
  /** Stylesheets under media/, besides media/base.css. */
  styles?: string[];
  /**
   * A first message for the page to render before its ready handshake (JSON in a data attribute
   * of #app: data, never code). Must already be redacted.
   */
  initialState?: unknown;
}

/** A bundled file's text, ready to sit inside <script> / <style>; undefined if it cannot be read. */
function inlineText(uri: vscode.Uri, tag: 'script' | 'style'): string | undefined {
  try {
    return inlineSafe(readFileSync(uri.fsPath, 'utf8'), tag);
  } catch {
    return undefined;
  }
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

/** Local resources a webview may load: our bundles and media only. */
export function webviewLocalRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = makeNonce();
  const scriptFile = vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${page.script}.js`);
  const styleFiles = ['base.css', ...(page.styles ?? [])].map((s) => vscode.Uri.joinPath(extensionUri, 'media', s));
  // (a development build's source map stays reachable: its URL must not be relative to the page)
  // The script and stylesheets go in the page itself, under the nonce: each linked file would be
  // one more fetch through the webview's service worker (about 60 ms each) before the first
  // paint. Links are the fallback when a file cannot be read.
  const js = inlineText(scriptFile, 'script');
  const inlineScript = js === undefined ? undefined
    : absoluteSourceMap(js, (map) => String(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', map))));
  const inlineStyles = styleFiles.map((f) => inlineText(f, 'style'));
  const inlined = inlineScript !== undefined && inlineStyles.every((x) => x !== undefined);
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}${inlined ? ` 'nonce-${nonce}'` : ''}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const styleTags = inlined
    ? inlineStyles.map((css) => `<style nonce="${nonce}">${css}</style>`)
    : styleFiles.map((f) => `<link rel="stylesheet" href="${webview.asWebviewUri(f)}">`);
  const scriptTag = inlined
    ? `<script nonce="${nonce}">${inlineScript}</script>`
    : `<script nonce="${nonce}" src="${webview.asWebviewUri(scriptFile)}"></script>`;
  return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language || 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styleTags.join('\n')}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"${page.initialState === undefined ? '' : ` data-initial-state="${escapeAttr(JSON.stringify(page.initialState))}"`}></main>
${scriptTag}
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}
const escapeAttr = escapeHtml;
