/**
 * Import boundaries between the layers, checked by `npm run lint:deps` (part of `npm test`).
 * core -> (nothing above it); webview, cli, extension -> core; extension -> webview protocols;
 * tests and benchmarks -> anything. Type-only imports count (`tsPreCompilationDeps`).
 * @type {import('dependency-cruiser').IConfiguration}
 */
const VSCODE = '^(vscode|node_modules/@types/vscode/)';
/** One forbidden edge: every rule here is an error. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });
module.exports = {
  forbidden: [
    forbid(
      'core-no-vscode',
      'src/core never imports vscode, not even its types: core runs in the CLI too.',
      { path: '^src/core/' },
      { path: VSCODE },
    ),
    forbid(
      'core-no-faces',
      'src/core is the bottom layer: no import of the extension, the CLI, the webviews or tests.',
      { path: '^src/core/' },
      { path: '^(src/(extension|cli|webview)|test|bench)/' },
    ),
    forbid(
      'webview-browser-only',
      'src/webview runs in a browser sandbox: no Node.js built-ins, no vscode, no host code.',
      { path: '^src/webview/' },
      { path: `${VSCODE}|^(src/(extension|cli)|test|bench)/` },
    ),
    forbid('webview-no-node-builtins', 'No Node.js built-in module in the browser sandbox.', { path: '^src/webview/' }, { dependencyTypes: ['core'] }),
    forbid(
      'cli-no-vscode',
      'The CLI runs without VS Code: no vscode, no extension or webview code.',
      { path: '^src/cli/' },
      { path: `${VSCODE}|^(src/(extension|webview)|test|bench)/` },
    ),
    forbid(
      'extension-not-cli',
      'The extension shares logic with the CLI through core only.',
      { path: '^src/extension/' },
      { path: '^(src/cli|test|bench)/' },
    ),
    forbid(
      'extension-webview-protocol-only',
      'The host may import a webview\'s protocol and strings (the typed contract), never its DOM code or view '
        + 'logic: host-side state and reducers live in core (e.g. src/core/connection/runModel.ts).',
      { path: '^src/extension/' },
      { path: '^src/webview/', pathNot: '^src/webview/[^/]+/(protocol|strings)\\.ts$' },
    ),
    forbid(
      'no-circular',
      'No import loops at run time. A loop of type-only imports is allowed: the rule catalogue derives RuleId, which '
        + 'types.ts re-exports, and every rule module uses those types.',
      { path: '^src/' },
      { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    ),
    forbid('not-to-unresolvable', 'Every import resolves (vscode is provided by the host).', { path: '^src/' }, { couldNotResolve: true, pathNot: '^vscode$' }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|out|\\.tsbuild|\\.cache)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
