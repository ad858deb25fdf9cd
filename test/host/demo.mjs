#!/usr/bin/env node
// `npm run demo`: the packaged extension in a real VS Code (code-server on 127.0.0.1), with a
// fresh copy of test/fixtures/demo-workspace (deliberately broken Claude calls in TS and Python,
// "claudeDoctor.target": "simulator"). Prints the URL to open in a browser; runs until Ctrl-C,
// then stops the whole process tree.
//   --no-package   use the existing .vsix
//   --port <n>     listen on this port (default: a free one)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_LAUNCH, ROOT, ensureHost, freshWorkspace, installVsix, startHost, stateDirs, workbenchUrl } from './host.mjs';
import { packageVsix } from './package.mjs';

const argv = process.argv.slice(2);
const portArg = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : undefined;

async function main() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  let vsix = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (!argv.includes('--no-package') || !existsSync(vsix)) {
    console.log('[demo] packaging the extension…');
    const r = packageVsix({ quiet: true });
    vsix = r.path;
    console.log(`[demo] ${r.path.replace(ROOT + '/', '')}: ${r.files.length} files, ${(r.size / 1024).toFixed(1)} KiB`);
  }
  if (ensureHost()) console.log('[demo] host installed');
  const d = stateDirs('demo');
  installVsix(d, vsix);
  const workspace = freshWorkspace(d, 'demo-workspace');
  // The workbench a user gets: no test-only switches (the smoke-test driver would hide every toast).
  const host = await startHost(d, { ...DEMO_LAUNCH, folder: workspace, port: portArg });
  const url = workbenchUrl(host, workspace);
  console.log('');
  console.log(`  Claude Doctor demo is running. Open this URL in a browser:`);
  console.log('');
  console.log(`    ${url}`);
  console.log('');
  console.log(`  Workspace: ${workspace} (a fresh copy of test/fixtures/demo-workspace)`);
  console.log('  Try: F1 → "Claude Doctor: Test Claude Connection (Simulator)" → overloaded;');
  console.log('       open src/chat.ts or app.py, put the cursor on a squiggle, Ctrl+.');
  console.log('  Ctrl-C stops it.');

  let stopping = false;
  const stop = async (why, code) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[demo] ${why}: stopping code-server…`);
    await host.stop();
    console.log('[demo] stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('Ctrl-C', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));
  process.on('SIGHUP', () => void stop('SIGHUP', 0));
  await host.exited;
  if (!stopping) {
    console.error(`[demo] code-server exited on its own:\n${host.output.slice(-30).join('')}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`[demo] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
