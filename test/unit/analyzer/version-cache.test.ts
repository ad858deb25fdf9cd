/**
 * The one SDK-version cache (core/analyzer/versionCache.ts) the CLI (`get`, lazy synchronous
 * reads) and the editor (`forFile`, eager asynchronous reads up to the workspace folder) share.
 */
import { describe, expect, it } from 'vitest';
import { manifestDirs, MANIFEST_GLOB, MANIFEST_NAMES, MAX_OUTSIDE_DEPTH, SdkVersionCache } from '../../../src/core/analyzer/versionCache';

const pkg = (range: string) => JSON.stringify({ dependencies: { '@anthropic-ai/sdk': range } });

function disk(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    sync: (p: string) => { reads.push(p); return files[p]; },
    async: async (p: string) => { reads.push(p); await new Promise((r) => setTimeout(r, 1)); return files[p]; },
  };
}

describe('manifestDirs', () => {
  it('the file\'s folder up to the stop folder inclusive; outside any folder, MAX_OUTSIDE_DEPTH more; never past the root', () => {
    expect(manifestDirs('/w/app/src/a.ts', '/w/app')).toEqual(['/w/app/src', '/w/app']);
    expect(manifestDirs('/w/app/a.ts', '/w/app')).toEqual(['/w/app']);
    const deep = `/${Array.from({ length: 12 }, (_, i) => `d${i}`).join('/')}/f.ts`;
    expect(manifestDirs(deep)).toHaveLength(MAX_OUTSIDE_DEPTH + 1);
    expect(manifestDirs('/a/b/f.py')).toEqual(['/a/b', '/a', '/']);
    // A stop folder that is not above the file: only the file's own folder.
    expect(manifestDirs('/other/x/f.ts', '/w/app')).toEqual(['/other/x']);
  });

  it('the watcher glob names every manifest', () => {
    for (const n of MANIFEST_NAMES) expect(MANIFEST_GLOB).toContain(n);
  });
});

describe('SdkVersionCache.get (the CLI: lazy, synchronous)', () => {
  it('nearest manifest wins; one search per folder; each path read once across folders', () => {
    const d = disk({ '/p/package.json': pkg('^0.39.0'), '/p/sub/package.json': pkg('^1.2.0') });
    const c = new SdkVersionCache();
    expect(c.get('/p/sub/a.ts', d.sync).ts).toBe(1);
    expect(c.get('/p/b.ts', d.sync).ts).toBe(0);
    const n = d.reads.length;
    expect(c.get('/p/sub/other.ts', d.sync).ts).toBe(1); // same folder: no read at all
    expect(d.reads.length).toBe(n);
    expect(new Set(d.reads).size).toBe(d.reads.length); // no path read twice
    expect(c.get('/p/sub/deeper/c.ts', d.sync).ts).toBe(1); // a new folder reads only its own files
    expect(d.reads.slice(n).every((p) => p.startsWith('/p/sub/deeper/'))).toBe(true);
  });

  it('an override wins over what was detected, its undefined fields do not', () => {
    const d = disk({ '/p/package.json': pkg('^0.39.0') });
    const c = new SdkVersionCache({ ts: 1, python: undefined });
    expect(c.get('/p/a.ts', d.sync)).toMatchObject({ ts: 1 });
    expect(new SdkVersionCache({ python: 0 }).get('/p/a.ts', d.sync)).toMatchObject({ ts: 0, python: 0 });
  });

  it('clear() forgets folders and file texts', () => {
    const files: Record<string, string> = { '/p/package.json': pkg('^0.39.0') };
    const d = disk(files);
    const c = new SdkVersionCache();
    expect(c.get('/p/a.ts', d.sync).ts).toBe(0);
    files['/p/package.json'] = pkg('^1.0.0');
    expect(c.get('/p/a.ts', d.sync).ts).toBe(0);
    c.clear();
    expect(c.get('/p/a.ts', d.sync).ts).toBe(1);
  });
});

describe('SdkVersionCache.forFile (the editor: eager, asynchronous)', () => {
  it('reads every manifest of the folders up to the workspace folder, nothing above it counts', async () => {
    const d = disk({ '/w/package.json': pkg('^1.0.0'), '/package.json': pkg('^0.30.0'), '/w/app/requirements.txt': 'anthropic==0.40.1\n' });
    const c = new SdkVersionCache();
    const v = await c.forFile('/w/app/src/a.ts', d.async, { stopDir: '/w' });
    expect(v.ts).toBe(1);
    expect(v.python).toBe(0);
    expect(new Set(d.reads)).toEqual(new Set(['/w/app/src', '/w/app', '/w'].flatMap((dir) => MANIFEST_NAMES.map((n) => `${dir}/${n}`))));
    // With the stop folder below the only manifest, nothing is found.
    expect((await new SdkVersionCache().forFile('/w/app/src/a.ts', d.async, { stopDir: '/w/app/src' })).ts).toBeUndefined();
  });

  it('concurrent calls for one folder share one read; scopes are separate; clear() re-reads', async () => {
    const d = disk({ '/w/package.json': pkg('^1.0.0') });
    const c = new SdkVersionCache();
    const [a, b] = await Promise.all([c.forFile('/w/a.ts', d.async, { stopDir: '/w' }), c.forFile('/w/b.ts', d.async, { stopDir: '/w' })]);
    expect(a).toEqual(b);
    expect(d.reads).toHaveLength(MANIFEST_NAMES.length);
    await c.forFile('/w/a.ts', d.async, { stopDir: '/w', scope: 'vscode-remote://h' });
    expect(d.reads).toHaveLength(2 * MANIFEST_NAMES.length);
    c.clear();
    await c.forFile('/w/a.ts', d.async, { stopDir: '/w' });
    expect(d.reads).toHaveLength(3 * MANIFEST_NAMES.length);
  });

  it('a failing read is an absent manifest, not an error', async () => {
    const c = new SdkVersionCache();
    const v = await c.forFile('/w/a.ts', async (p) => { if (p.endsWith('package-lock.json')) throw new Error('EACCES'); return p === '/w/package.json' ? pkg('^1.0.0') : undefined; }, { stopDir: '/w' });
    expect(v.ts).toBe(1);
  });
});
