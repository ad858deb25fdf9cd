/**
 * The offline VS Code host tooling (test/host/*.mjs): process-tree stop, ports, URLs, state
 * folders, the .vsix lister and the packaging checklist. Real processes, real files, 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_LAUNCH, HOST_DIR, MAX_SOCKET_DIR, ROOT, TEST_SETTINGS, descendants, hostLaunchArgs, freePort, pruneStaleStates, socketDir, stateDirs, stopTree, workbenchUrl,
} from '../../host/host.mjs';
import { listVsix, readmeImages, requiredFiles } from '../../host/package.mjs';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch { return false; }
};

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const cleanup: string[] = [];
afterEach(() => { for (const p of cleanup.splice(0)) rmSync(p, { recursive: true, force: true }); });

describe('stopTree', () => {
  it('stops a whole process tree (grandchildren too) by pid and waits for it', async () => {
    const root = spawn('sh', ['-c', 'sh -c "sleep 300 & sleep 300 & wait" & sleep 300 & wait'], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => root.once('exit', () => r()));
    await until('4 descendants', () => descendants(root.pid!).length >= 4);
    const tree = [root.pid!, ...descendants(root.pid!)];
    await stopTree(root.pid!, exited);
    expect(tree.filter(alive)).toEqual([]);
  });

  it('kills a process that ignores SIGTERM once the grace time is over', async () => {
    const root = spawn('sh', ['-c', "trap '' TERM; sleep 300 & wait; sleep 300"], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => root.once('exit', () => r()));
    await until('a child', () => descendants(root.pid!).length >= 1);
    const tree = [root.pid!, ...descendants(root.pid!)];
    const t0 = Date.now();
    await stopTree(root.pid!, exited, 500);
    expect(tree.filter(alive)).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
  });
});

describe('launch options (issue #13: the demo shows notifications)', () => {
  it('the demo launch has no smoke-test driver (it suppresses every toast); the integration runner asks for it', () => {
    expect(DEMO_LAUNCH.testDriver).toBe(false);
    expect(hostLaunchArgs(DEMO_LAUNCH)).not.toContain('enable-smoke-test-driver');
    expect(hostLaunchArgs()).toEqual([]);
    expect(hostLaunchArgs({ testDriver: true })).toEqual(['--vscode-option', 'enable-smoke-test-driver']);
    // Who uses which: the demo and the UI specs launch with DEMO_LAUNCH, only the integration
    // runner (whose test payload needs the driver) turns it on.
    expect(readFileSync(join(ROOT, 'test/host/demo.mjs'), 'utf8')).toMatch(/startHost\(d, \{ \.\.\.DEMO_LAUNCH,/);
    expect(readFileSync(join(ROOT, 'test/ui/run.ts'), 'utf8')).toMatch(/startHost\(d, \{ \.\.\.DEMO_LAUNCH,/);
    expect(readFileSync(join(ROOT, 'test/host/run-integration.mjs'), 'utf8')).toMatch(/testDriver: true/);
    expect(readFileSync(join(ROOT, 'test/host/host.mjs'), 'utf8').match(/enable-smoke-test-driver/g)).toHaveLength(1);
  });
});

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1024);
    const srv = createServer();
    await new Promise<void>((res, rej) => { srv.once('error', rej); srv.listen(port, '127.0.0.1', () => res()); });
    expect((srv.address() as { address: string }).address).toBe('127.0.0.1');
    await new Promise((r) => srv.close(r));
  });
});

describe('workbenchUrl', () => {
  const host = { url: 'http://127.0.0.1:4567', port: 4567 } as Parameters<typeof workbenchUrl>[0];

  it('opens a folder', () => {
    const u = new URL(workbenchUrl(host, '/w/my folder'));
    expect(u.origin).toBe('http://127.0.0.1:4567');
    expect(u.searchParams.get('folder')).toBe('/w/my folder');
    expect(u.searchParams.has('payload')).toBe(false);
  });

  it('passes the test payload as vscode-remote URIs of this host', () => {
    const u = new URL(workbenchUrl(host, '/w', { extensionDevelopmentPath: '/repo', extensionTestsPath: '/repo/out/index.js' }));
    expect(JSON.parse(u.searchParams.get('payload')!)).toEqual([
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4567/repo'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4567/repo/out/index.js'],
    ]);
  });
});

describe('stateDirs', () => {
  it('keeps everything under .cache/host/state and turns AI features, telemetry and the startup editor off', () => {
    const name = `unit-${process.pid}-settings`;
    const d = stateDirs(name, { settings: { ...TEST_SETTINGS, 'editor.fontSize': 13 } });
    cleanup.push(d.root);
    expect(d.root).toBe(join(HOST_DIR, 'state', name));
    for (const p of [d.userData, d.extensions, d.home, d.tmp, d.xdgConfig, d.xdgData, d.xdgCache]) {
      expect(p.startsWith(d.root)).toBe(true);
      expect(existsSync(p)).toBe(true);
    }
    const settings = JSON.parse(readFileSync(join(d.userData, 'User', 'settings.json'), 'utf8'));
    expect(settings['chat.disableAIFeatures']).toBe(true);
    expect(settings['workbench.startupEditor']).toBe('none');
    expect(settings['telemetry.telemetryLevel']).toBe('off');
    expect(settings['claudeDoctor.statusPage']).toBe(false);
    expect(settings['editor.fontSize']).toBe(13);
  });

  it('starts fresh: files of an earlier run are gone', () => {
    const name = `unit-${process.pid}-fresh`;
    const d1 = stateDirs(name);
    cleanup.push(d1.root);
    writeFileSync(join(d1.userData, 'leftover'), 'x');
    const d2 = stateDirs(name);
    expect(existsSync(join(d2.userData, 'leftover'))).toBe(false);
  });
});

describe('socketDir', () => {
  // A socket name as long as VS Code's (`vscode-ipc-<uuid>.sock`).
  const sockName = `vscode-ipc-${'0'.repeat(8)}-${'0'.repeat(4)}-${'0'.repeat(4)}-${'0'.repeat(4)}-${'0'.repeat(12)}.sock`;
  const listen = (path: string) =>
    new Promise<string>((res) => {
      const srv = createServer();
      srv.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? e.message));
      srv.listen(path, () => srv.close(() => res('ok')));
    });

  it('gives a deep temp folder a short path that sockets can be made in', async () => {
    const deep = join(HOST_DIR, 'state', `unit-${process.pid}-sock`, 'a-checkout-path-as-long-as-a-worktree-or-a-home-folder', 'tmp');
    mkdirSync(deep, { recursive: true });
    cleanup.push(join(HOST_DIR, 'state', `unit-${process.pid}-sock`));
    // What Chromium refused ("Socket path too long"; Node's own bind would silently truncate it).
    expect(Buffer.byteLength(join(deep, sockName))).toBeGreaterThan(107);
    const short = socketDir(deep);
    expect(short.length).toBeLessThanOrEqual(MAX_SOCKET_DIR);
    expect(realpathSync(short)).toBe(realpathSync(deep));
    expect(Buffer.byteLength(join(short, sockName))).toBeLessThanOrEqual(107);
    expect(await listen(join(short, sockName))).toBe('ok');
    expect(existsSync(join(deep, sockName))).toBe(false); // closed: the socket file is gone again
    rmSync(short, { force: true });
  });

  it('stateDirs hands the host a socket folder short enough, whatever the checkout path', () => {
    const d = stateDirs(`unit-${process.pid}-sockets-${'x'.repeat(60)}`);
    cleanup.push(d.root);
    expect(d.sockets.length).toBeLessThanOrEqual(MAX_SOCKET_DIR);
    expect(realpathSync(d.sockets)).toBe(realpathSync(d.tmp));
    if (d.sockets !== d.tmp) rmSync(d.sockets, { force: true });
  });

  it('leaves a short folder as it is', () => {
    expect(socketDir('/tmp/x')).toBe('/tmp/x');
  });
});

describe('pruneStaleStates', () => {
  it('removes the state of runs whose process is gone and keeps live ones', async () => {
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const deadDir = join(HOST_DIR, 'state', `unit-${dead.pid}`);
    const liveDir = join(HOST_DIR, 'state', `unit-${process.pid}`);
    const keptDir = join(HOST_DIR, 'state', 'unit-no-pid');
    for (const p of [deadDir, liveDir, keptDir]) { mkdirSync(p, { recursive: true }); cleanup.push(p); }
    pruneStaleStates();
    expect(existsSync(deadDir)).toBe(false);
    expect(existsSync(liveDir)).toBe(true);
    expect(existsSync(keptDir)).toBe(true);
  });
});

/** A minimal zip (deflated entries) written by hand: what a .vsix is. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = deflateRawSync(Buffer.from(text));
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(text.length, 22); local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(text.length, 24); central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(entries).length, 8); end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('listVsix', () => {
  it('lists the files under extension/ from the archive itself', () => {
    const dir = join(HOST_DIR, 'state', `unit-${process.pid}-zip`);
    mkdirSync(dir, { recursive: true });
    cleanup.push(dir);
    const file = join(dir, 'x.vsix');
    writeFileSync(file, zip({
      'extension.vsixmanifest': '<x/>', '[Content_Types].xml': '<y/>',
      'extension/package.json': '{}', 'extension/dist/extension.js': 'x', 'extension/dist/wasm/tree-sitter.wasm': 'w',
    }));
    expect(listVsix(file)).toEqual(['package.json', 'dist/extension.js', 'dist/wasm/tree-sitter.wasm']);
  });

  it('refuses a file that is not a zip', () => {
    const dir = join(HOST_DIR, 'state', `unit-${process.pid}-nozip`);
    mkdirSync(dir, { recursive: true });
    cleanup.push(dir);
    writeFileSync(join(dir, 'bad.vsix'), 'not a zip at all, just text that is long enough to scan');
    expect(() => listVsix(join(dir, 'bad.vsix'))).toThrow(/not a zip/);
  });
});

describe('requiredFiles', () => {
  it('asks for the manifest, its localized strings, the main bundle, every webview bundle and the media', () => {
    const req = requiredFiles();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(req).toContain('package.json');
    expect(req).toContain('LICENSE.txt');
    expect(req).toContain(pkg.main.replace(/^\.\//, ''));
    expect(req).toContain('media/base.css');
    if (existsSync(join(ROOT, 'package.nls.json'))) expect(req).toContain('package.nls.json');
    if (existsSync(join(ROOT, 'src/webview/connection/main.ts'))) expect(req).toContain('dist/webview/connection.js');
    // The chunks required on first use: a .vsix without them activates, then fails on the first Claude file.
    expect(req).toContain('dist/connection-runtime.js');
    expect(req).toContain('dist/analyzer-runtime.js');
    expect(req).toContain('dist/analyzer-worker.js');
    for (const img of readmeImages()) expect(req).toContain(img);
  });

  it('finds the README images with relative links, not absolute ones', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const imgs = readmeImages();
    for (const img of imgs) {
      expect(img).not.toMatch(/^[a-z]+:/i);
      expect(readme).toContain(img);
      expect(existsSync(join(ROOT, img))).toBe(true);
    }
  });
});
