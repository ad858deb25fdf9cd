// Config for @vscode/test-cli (`npx vscode-test`), for machines with a desktop VS Code or with
// network access to download one: it runs the same mocha suites in an Electron VS Code.
// This repo's own runner, `npm run test:integration`, does the same offline inside code-server
// (see test/host/README.md); @vscode/test-cli is not a dependency: `npm i -D @vscode/test-cli`
// on such a machine, run `npm run build` first, then `npx vscode-test`.
//
// The suites rely only on mocha's BDD globals and the `vscode` API, so they run unchanged under
// both runners. Tests may edit the workspace: point `workspaceFolder` at a copy if you care.
export default {
  label: 'integration',
  files: 'out/test/integration/*.test.js',
  workspaceFolder: 'test/fixtures/demo-workspace',
  version: 'stable',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 30_000, color: true },
};
