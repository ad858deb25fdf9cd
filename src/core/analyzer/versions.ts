/**
 * Which SDK major is in effect for a file: the nearest manifest wins (lock files first, since they
 * name the installed version; then the declared range). Ranges that allow several majors → unknown.
 */
import type { SdkVersions } from './types';

/** The folder of `p`, for either separator ('' when there is none). */
export const dirname = (p: string): string => {
  const s = p.replace(/[\\/]+$/, '');
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i <= 0 ? (i === 0 ? s.slice(0, 1) : '') : s.slice(0, i);
};
export const join = (dir: string, name: string): string => (dir === '' ? name : dir.endsWith('/') || dir.endsWith('\\') ? dir + name : `${dir}/${name}`);

const TS_PKG = '@anthropic-ai/sdk';
const TS_PKGS = [TS_PKG, '@anthropic-ai/bedrock-sdk', '@anthropic-ai/vertex-sdk'];

export interface VersionInfo { major: number; version?: string }

/** The single major a version range admits, or undefined (`*`, `latest`, `>=0.30`, `0.x || 1.x`). */
export function majorOfRange(range: string): VersionInfo | undefined {
  const r = range.trim().replace(/^npm:@anthropic-ai\/sdk@/, '');
  if (!r || r === '*' || r === 'latest' || r.includes('||')) return undefined;
  const exact = /^(?:==|=|v)?\s*(\d+)\.(\d+)\.(\d+)(?:[-.+][\w.]+)?$/.exec(r);
  if (exact) return { major: Number(exact[1]), version: `${exact[1]}.${exact[2]}.${exact[3]}` };
  const pinned = /^(?:\^|~=?|==)\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(r);
  if (pinned) {
    const major = Number(pinned[1]);
    // ^0.x pins the minor in npm semantics, still major 0. ~=1 (PEP 440 needs two parts) is fine.
    return { major };
  }
  const xr = /^(\d+)(?:\.(?:x|\*|\d+))?(?:\.(?:x|\*))?$/.exec(r);
  if (xr) return { major: Number(xr[1]) };
  // ">=1.2,<2" / ">=1.2.0 <2.0.0" / ">=0.40, <1": lower and upper bound in the same major.
  const lower = /(?:>=|>)\s*(\d+)(?:\.(\d+))?/.exec(r);
  const upper = /<\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(r);
  if (lower && upper) {
    const lo = Number(lower[1]);
    const hiMajor = Number(upper[1]);
    const hiRest = Number(upper[2] ?? 0) + Number(upper[3] ?? 0);
    const hi = hiRest === 0 ? hiMajor - 1 : hiMajor;
    if (lo === hi) return { major: lo };
  }
  return undefined;
}

function fromPackageLock(text: string): VersionInfo | undefined {
  try {
    const lock = JSON.parse(text) as {
      packages?: Record<string, { version?: string }>;
      dependencies?: Record<string, { version?: string }>;
    };
    const v = lock.packages?.[`node_modules/${TS_PKG}`]?.version ?? lock.dependencies?.[TS_PKG]?.version;
    return v ? majorOfRange(v) : undefined;
  } catch {
    return undefined;
  }
}

function fromPackageJson(text: string): { found: boolean; info?: VersionInfo } {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field] as Record<string, string> | undefined;
      if (!deps || typeof deps !== 'object') continue;
      const range = deps[TS_PKG];
      if (typeof range === 'string') return { found: true, info: majorOfRange(range) };
      if (TS_PKGS.some((p) => typeof deps[p] === 'string')) return { found: true };
    }
  } catch {
    // unreadable manifest: keep looking further up
  }
  return { found: false };
}

function pyRequirement(line: string): string | undefined {
  const m = /^\s*anthropic(?:\[[^\]]*\])?\s*((?:[<>=!~^]=?|===)\s*[^;#]*)?(?:[;#].*)?$/i.exec(line);
  if (!m) return undefined;
  return (m[1] ?? '').trim();
}

function fromRequirements(text: string): { found: boolean; info?: VersionInfo } {
  for (const line of text.split(/\r?\n/)) {
    const req = pyRequirement(line);
    if (req === undefined) continue;
    return { found: true, info: req ? majorOfRange(req.replace(/\s+/g, '')) : undefined };
  }
  return { found: false };
}

function fromPyproject(text: string): { found: boolean; info?: VersionInfo } {
  // PEP 621: dependencies = ["anthropic>=1.2,<2", ...]; Poetry: anthropic = "^1.2" or { version = "^1.2" }.
  const pep = /["']anthropic(?:\[[^\]]*\])?\s*([^"';]*)(?:;[^"']*)?["']/i.exec(text);
  if (pep) return { found: true, info: pep[1]!.trim() ? majorOfRange(pep[1]!.replace(/\s+/g, '')) : undefined };
  const poetry = /^\s*anthropic\s*=\s*(?:["']([^"']+)["']|\{[^}]*version\s*=\s*["']([^"']+)["'])/im.exec(text);
  if (poetry) return { found: true, info: majorOfRange(poetry[1] ?? poetry[2] ?? '') };
  return { found: false };
}

function fromPyLock(text: string): VersionInfo | undefined {
  // poetry.lock / uv.lock: [[package]] name = "anthropic" version = "1.4.0"
  const m = /\[\[package\]\]\s*\r?\nname\s*=\s*"anthropic"\s*\r?\nversion\s*=\s*"([^"]+)"/.exec(text);
  return m ? majorOfRange(m[1]!) : undefined;
}

/** Nearest package.json / package-lock.json / requirements.txt / pyproject.toml (and Python lock files). */
export function detectSdkVersions(filePath: string, readFile: (path: string) => string | undefined): SdkVersions {
  const out: SdkVersions = {};
  let tsDone = false;
  let pyDone = false;
  let dir = dirname(filePath);
  for (let depth = 0; depth < 40 && !(tsDone && pyDone); depth++) {
    if (!tsDone) {
      const lock = readFile(join(dir, 'package-lock.json'));
      const pkg = readFile(join(dir, 'package.json'));
      const fromPkg = pkg !== undefined ? fromPackageJson(pkg) : { found: false };
      const fromLock = lock !== undefined ? fromPackageLock(lock) : undefined;
      if (fromLock || fromPkg.found) {
        const info = fromLock ?? fromPkg.info;
        if (info) {
          out.ts = info.major;
          if (info.version) out.tsVersion = info.version;
        }
        tsDone = true;
      }
    }
    if (!pyDone) {
      let lockInfo: VersionInfo | undefined;
      for (const f of ['uv.lock', 'poetry.lock']) {
        const t = readFile(join(dir, f));
        if (t !== undefined) lockInfo ??= fromPyLock(t);
      }
      let found = !!lockInfo;
      let info = lockInfo;
      for (const f of ['requirements.txt', 'pyproject.toml']) {
        if (found) break;
        const t = readFile(join(dir, f));
        if (t === undefined) continue;
        const r = f === 'requirements.txt' ? fromRequirements(t) : fromPyproject(t);
        if (r.found) {
          found = true;
          info = r.info;
        }
      }
      if (found) {
        if (info) {
          out.python = info.major;
          if (info.version) out.pythonVersion = info.version;
        }
        pyDone = true;
      }
    }
    const up = dirname(dir);
    if (up === dir || dir === '') break;
    dir = up;
  }
  return out;
}

/** a < b for dotted numeric versions. */
export function versionLess(a: string, b: string): boolean {
  const pa = a.split('.').map((x) => parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}
