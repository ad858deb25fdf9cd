/**
 * Activation in the real extension host (issue #16 item 3): what the user waits for is VS Code
 * requiring dist/extension.js and calling activate(). activate() reports its own duration
 * (`activationMs`); the require is measured here by loading fresh copies of the bundle (a unique
 * trailing comment each, so nothing is served from a cache) with the host's own `require`, which
 * also resolves `vscode` to the real API. The bundle's top level only defines: requiring a copy
 * registers nothing.
 *
 * `bench/activation.ts` sets CLAUDE_DOCTOR_ACTIVATION_LAYOUTS to folders holding other builds
 * (the production one-bundle and split layouts) and reads the `activation-bench:` line.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { ClaudeDoctorApi } from '../../src/extension/api';

const repoRoot = resolve(__dirname, '..', '..', '..');

/** Requires a fresh copy of `<dir>/extension.js` (placed in `<dir>`, so `__dirname` holds), in ms. */
function requireFresh(dir: string, i: number): number {
  const copy = join(dir, `.probe-${process.pid}-${i}.js`);
  // Without the source-map comment: the runner enables source maps, which the host's own load of a
  // production bundle never reads.
  const text = readFileSync(join(dir, 'extension.js'), 'utf8').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  writeFileSync(copy, `${text}\n// probe ${process.pid} ${i} ${Math.random()}\n`);
  try {
    const req = createRequire(join(repoRoot, 'package.json'));
    const t = performance.now();
    const mod = req(copy) as { activate?: unknown };
    const ms = performance.now() - t;
    assert.equal(typeof mod.activate, 'function', `${copy} exports activate`);
    return ms;
  } finally {
    rmSync(copy, { force: true });
  }
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;

describe('activation in the real host', () => {
  let api: ClaudeDoctorApi;

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.extensionUri.fsPath === repoRoot);
    assert.ok(ext);
    api = (await ext.activate()) as ClaudeDoctorApi;
  });

  it('require + activate() of dist/extension.js, measured in the host', function () {
    this.timeout(120_000);
    // The dist/ build under test (a development build when the runner built it), copied beside
    // itself: its own lazily loaded chunks resolve as in the real extension.
    const dist = join(repoRoot, 'dist');
    const reps = 7;
    const distMs: number[] = [];
    for (let i = 0; i < reps; i++) distMs.push(requireFresh(dist, i));
    const req = median(distMs);
    console.log(`    real host: require(dist/extension.js) ${req.toFixed(2)} ms p50 of ${reps} + activate() ${api.activationMs.toFixed(2)} ms = ${(req + api.activationMs).toFixed(2)} ms (goal <= 20 ms)`);
    // Generous: the 2 cores are shared; the figures are reported above, the bench compares them.
    assert.ok(req + api.activationMs < 500, `require + activate() took ${req + api.activationMs} ms`);

    const layouts = process.env.CLAUDE_DOCTOR_ACTIVATION_LAYOUTS;
    if (!layouts) return;
    // The bench's layouts: copied into out/ inside this extension, so `require('vscode')` is ours.
    const spec = JSON.parse(layouts) as Record<string, string>;
    const probeRoot = join(repoRoot, 'out', `activation-probe-${process.pid}`);
    const result: Record<string, number[]> = {};
    try {
      const dirs: Record<string, string> = {};
      for (const [name, from] of Object.entries(spec)) {
        const to = join(probeRoot, name.replace(/[^\w-]+/g, '_'));
        mkdirSync(to, { recursive: true });
        for (const f of ['extension.js', 'analyzer-runtime.js']) if (existsSync(join(from, f))) copyFileSync(join(from, f), join(to, f));
        dirs[name] = to;
        result[name] = [];
      }
      const n = Number(process.env.CLAUDE_DOCTOR_ACTIVATION_REPS) || 21;
      for (let i = 0; i < n + 2; i++) {
        for (const [name, dir] of Object.entries(dirs)) {
          const ms = requireFresh(dir, i);
          if (i >= 2) result[name]!.push(ms); // two warm-up rounds
        }
      }
    } finally {
      rmSync(probeRoot, { recursive: true, force: true });
    }
    console.log(`activation-bench: ${JSON.stringify({ activationMs: api.activationMs, activationBreakdownMs: api.activationBreakdownMs, distRequireMs: distMs, requireMs: result })}`);
  });
});
