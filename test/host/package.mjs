#!/usr/bin/env node
// `npm run package`: production build (`node esbuild.mjs --production`) and a .vsix made by
// @vscode/vsce (no signing: the optional vsce-sign binary is not needed to package). Then checks
// what ended up inside: every file the extension loads at run time must be there, nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './host.mjs';
import { buildOptions } from '../../scripts/build-options.mjs';

const VSCE = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

function sh(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Files the packaged extension needs, derived from the repo (so a new webview or wasm counts). */
export function requiredFiles() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const req = ['package.json', 'LICENSE.txt', 'readme.md', 'changelog.md', 'media/base.css'];
  const main = pkg.main.replace(/^\.\//, '');
  req.push(main.endsWith('.js') ? main : `${main}.js`);
  // The chunks the extension requires on first use (dist/connection-runtime.js, dist/analyzer-runtime.js, …).
  for (const o of buildOptions({ production: true })) {
    if (o.outdir === 'dist' && o.external?.includes('vscode')) for (const name of Object.keys(o.entryPoints)) req.push(`dist/${name}.js`);
  }
  if (existsSync(join(ROOT, 'src', 'webview'))) {
    for (const name of readdirSync(join(ROOT, 'src', 'webview'))) {
      if (existsSync(join(ROOT, 'src', 'webview', name, 'main.ts'))) req.push(`dist/webview/${name}.js`);
    }
  }
  if (existsSync(join(ROOT, 'dist', 'wasm'))) {
    for (const f of readdirSync(join(ROOT, 'dist', 'wasm'))) if (f.endsWith('.wasm')) req.push(`dist/wasm/${f}`);
  }
  // Localized manifest strings (%key% titles) and runtime l10n bundles.
  for (const f of readdirSync(ROOT)) if (/^package\.nls(\..+)?\.json$/.test(f)) req.push(f);
  if (existsSync(join(ROOT, 'l10n'))) for (const f of readdirSync(join(ROOT, 'l10n'))) req.push(`l10n/${f}`);
  // The rule docs the diagnostics link to.
  if (existsSync(join(ROOT, 'docs', 'rules'))) {
    for (const f of readdirSync(join(ROOT, 'docs', 'rules'))) if (f.endsWith('.md')) req.push(`docs/rules/${f}`);
  }
  // Images the README shows with relative links (resolved inside the installed extension).
  req.push(...readmeImages());
  // Stylesheets and other media the webviews reference.
  for (const f of readdirSync(join(ROOT, 'media'), { recursive: true })) {
    const p = `media/${f}`;
    if (statSync(join(ROOT, p)).isFile()) req.push(p);
  }
  return [...new Set(req)];
}

/** Relative image paths in README.md (markdown `![…](path)` and `<img src="path">`). */
export function readmeImages() {
  const readme = join(ROOT, 'README.md');
  if (!existsSync(readme)) return [];
  const text = readFileSync(readme, 'utf8');
  const links = [...text.matchAll(/!\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g), ...text.matchAll(/<img[^>]+src=["']([^"']+)["']/g)].map((m) => m[1]);
  return [...new Set(links.filter((l) => !/^[a-z][\w+.-]*:/i.test(l) && !l.startsWith('#')).map((l) => l.replace(/^\.\//, '')))];
}

/** Paths under `extension/` in a .vsix (a zip), read from its central directory. */
export function listVsix(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: corrupt central directory`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names.filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
}

export function packageVsix({ build = true, quiet = false, out: outPath } = {}) {
  const started = Date.now();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  if (build) sh(process.execPath, ['esbuild.mjs', '--production'], 'production build');
  const out = outPath ?? join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  // README links stay relative: VS Code resolves them inside the installed extension, so the
  // screenshots ship in docs/images/ and work offline.
  const common = ['--no-dependencies', '--skip-license', '--no-rewrite-relative-links'];
  sh(process.execPath, [VSCE, 'package', ...common, '--out', out], 'vsce package');
  // What really ended up inside: the archive's own listing (`npx vsce ls` shows the same list).
  const files = listVsix(out);
  const missing = requiredFiles().filter((f) => !files.includes(f));
  const unexpected = files.filter((f) => !/^(dist\/|media\/|docs\/rules\/|docs\/images\/|l10n\/|package\.nls(\..+)?\.json$)/.test(f)
    && !['package.json', 'LICENSE.txt', 'readme.md', 'changelog.md'].includes(f));
  const maps = files.filter((f) => f.endsWith('.map'));
  const problems = [];
  if (missing.length) problems.push(`missing from the .vsix: ${missing.join(', ')}`);
  if (unexpected.length) problems.push(`unexpected in the .vsix: ${unexpected.join(', ')}`);
  if (maps.length) problems.push(`source maps in the .vsix: ${maps.join(', ')}`);
  if (problems.length) throw new Error(problems.join('\n'));
  const size = statSync(out).size;
  if (!quiet) {
    console.log(files.map((f) => `  ${f}`).join('\n'));
    console.log(`${out.replace(ROOT + '/', '')}: ${files.length} files, ${(size / 1024).toFixed(1)} KiB (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  }
  return { path: out, size, files };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    packageVsix({ build: !process.argv.includes("--no-build") });
  } catch (e) {
    console.error(`[package] ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
