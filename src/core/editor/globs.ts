/** Exclude globs for Scan Workspace (pure). */

export const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/.git/**', '**/.venv/**', '**/venv/**', '**/site-packages/**', '**/__pycache__/**'];
/** `{a,b}` → [a, b] (one level, enough for exclude settings). */
export function expandBraces(glob: string): string[] {
  const m = /\{([^{}]*)\}/.exec(glob);
  if (!m) return [glob];
  return m[1]!.split(',').flatMap((alt) => expandBraces(glob.slice(0, m.index) + alt + glob.slice(m.index + m[0].length)));
}

/** One exclude glob from files.exclude + search.exclude (entries set to true) + the fixed list. */
export function buildExcludeGlob(settings: readonly (Record<string, unknown> | undefined)[]): string {
  const patterns = new Set<string>(ALWAYS_EXCLUDED);
  for (const s of settings) {
    for (const [pattern, on] of Object.entries(s ?? {})) {
      if (on !== true) continue; // `{ when: … }` conditions are not expressible here
      for (const p of expandBraces(pattern)) {
        if (!p || p.includes(',')) continue;
        patterns.add(p);
        // A folder pattern (`**/dist`) must also exclude what is inside it.
        if (!p.endsWith('/**')) patterns.add(`${p}/**`);
      }
    }
  }
  return `{${[...patterns].join(',')}}`;
}

