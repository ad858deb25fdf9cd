#!/usr/bin/env node
// `npm run host:setup`: installs the offline VS Code host into .cache/host/ (idempotent, pinned).
import { ensureHost, isInstalled, CODE_SERVER_VERSION, NODE24_VERSION, findChromium } from './host.mjs';

try {
  const did = ensureHost();
  if (!did) console.log(`[host] present: code-server ${CODE_SERVER_VERSION}, node ${NODE24_VERSION}, ${findChromium()}`);
  if (!isInstalled()) throw new Error('host still incomplete after setup');
} catch (e) {
  console.error(`[host] setup failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
