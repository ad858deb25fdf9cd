// What `vscode` resolves to in the layers that run without VS Code: core, webview, cli (their
// tsconfig.json `paths`). This file is deliberately not a module, so `import ... from 'vscode'` there,
// type-only or not, fails `tsc -b` with "TS2306: File '.../src/no-vscode-here.d.ts' is not a module".
// Without it an explicit import would still find node_modules/@types/vscode: `types` only limits
// the ambient globals. `npm run lint:deps` reports the same edge (core-no-vscode, webview-browser-only,
// cli-no-vscode).
