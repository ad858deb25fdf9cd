/**
 * Import boundaries between the layers, checked by `npm run lint:deps` (part of `npm test`).
 * core -> (nothing above it); webview, cli, extension -> core; extension -> webview protocols;
 * tests and benchmarks -> anything. Type-only imports count (`tsPreCompilationDeps`).
 * @type {import('dependency-cruiser').IConfiguration}
 */
const VSCODE = '^(vscode|node_modules/@types/vscode/)';
module.exports = {
  forbidden: [
    {
      name: 'core-no-vscode',
      comment: 'src/core never imports vscode, not even its types: core runs in the CLI too.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: VSCODE },
    },
    {
      name: 'core-no-faces',
      comment: 'src/core is the bottom layer: no import of the extension, the CLI, the webviews or tests.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^(src/(extension|cli|webview)|test|bench)/' },
    },
    {
      name: 'webview-browser-only',
      comment: 'src/webview runs in a browser sandbox: no Node.js built-ins, no vscode, no host code.',
      severity: 'error',
      from: { path: '^src/webview/' },
      to: { path: `${VSCODE}|^(src/(extension|cli)|test|bench)/` },
    },
    {
      name: 'webview-no-node-builtins',
      severity: 'error',
      from: { path: '^src/webview/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'cli-no-vscode',
      comment: 'The CLI runs without VS Code: no vscode, no extension or webview code.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: `${VSCODE}|^(src/(extension|webview)|test|bench)/` },
    },
    {
      name: 'extension-not-cli',
      comment: 'The extension shares logic with the CLI through core only.',
      severity: 'error',
      from: { path: '^src/extension/' },
      to: { path: '^(src/cli|test|bench)/' },
    },
    {
      name: 'extension-webview-protocol-only',
      comment: 'The host may import a webview\'s protocol and strings (the typed contract), never its DOM code. '
        + 'KNOWN DEBT (issue #14 item 2): the connection reducer still lives in src/webview/connection/model.ts; '
        + 'drop it from this allow-list when it moves to the host side.',
      severity: 'error',
      from: { path: '^src/extension/' },
      to: { path: '^src/webview/', pathNot: '^src/webview/[^/]+/(protocol|strings)\\.ts$|^src/webview/connection/model\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|\\.tsbuild|\\.cache)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
