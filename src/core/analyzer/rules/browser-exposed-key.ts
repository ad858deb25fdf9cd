import type { Ctx } from '../context';
import type { Node } from '../parser';
import { resolveIdentifier, unwrap, valueOf } from '../syntax';
import { isPlaceholderKey } from '../checks/keys';
import { defineRule } from './rule';

/** Build-time variables bundlers inline into the client bundle, by prefix. */
const PUBLIC_ENV = /^(?:process\.env|import\.meta\.env)\.((?:VITE|NEXT_PUBLIC|REACT_APP|PUBLIC|EXPO_PUBLIC|NUXT_PUBLIC|GATSBY)_\w+)$/;
const IMPORT_META_ENV = /^import\.meta\.env(?:\.(\w+)|\[\s*(['"])(\w+)\2\s*\])$/;
const PROCESS_ENV_INDEX = /^process\.env\[\s*(['"])((?:VITE|NEXT_PUBLIC|REACT_APP|PUBLIC|EXPO_PUBLIC|NUXT_PUBLIC|GATSBY)_\w+)\1\s*\]$/;

/** The expression a key comes from, through `const key = …` (and `?? ''` / `|| ''` fallbacks). */
function origin(ctx: Ctx, n: Node): Node {
  let cur = unwrap(n);
  for (let i = 0; i < 4; i++) {
    if (cur.type === 'binary_expression' && /^(?:\?\?|\|\|)$/.test(cur.child(1)?.text ?? '')) {
      cur = unwrap(cur.child(0)!);
      continue;
    }
    if (cur.type !== 'identifier' && cur.type !== 'shorthand_property_identifier') break;
    const def = resolveIdentifier(ctx.src, cur);
    if (!def) break;
    cur = unwrap(def);
  }
  return cur;
}

/** Why this key reaches the browser bundle, or undefined when it need not. */
function exposure(ctx: Ctx, value: Node): string | undefined {
  // The source first: `process.env.NEXT_PUBLIC_X ?? ''` is a public variable, whatever its fallback.
  const o = origin(ctx, value);
  const text = o.text.replace(/\s+/g, '').replace(/\?\./g, '.');
  const pub = PUBLIC_ENV.exec(text) ?? PROCESS_ENV_INDEX.exec(text);
  if (pub) {
    const name = pub[2] && PROCESS_ENV_INDEX.test(text) ? pub[2] : pub[1]!;
    return `${name} is a public build-time variable: the bundler inlines its value into the JavaScript every visitor downloads`;
  }
  const meta = IMPORT_META_ENV.exec(text);
  if (meta) return `import.meta.env.${meta[1] ?? meta[3]} is inlined into the bundle at build time: every visitor gets the key`;
  const v = valueOf(ctx.src, value);
  // (a placeholder is hardcoded-api-key's "will get a 401", not a leak)
  if (v.kind === 'string') return v.value.trim() === '' || isPlaceholderKey(v.value) ? undefined : 'a key written in the source ships in the bundle';
  return undefined;
}

export default defineRule({
  id: 'browser-exposed-key',
  defaultSeverity: 'error',
  description: 'dangerouslyAllowBrowser with a key from a public build variable (VITE_*, NEXT_PUBLIC_*, REACT_APP_*, import.meta.env) or a literal: the key ships to every visitor.',
  summary: '`dangerouslyAllowBrowser: true` with a `VITE_*`/`NEXT_PUBLIC_*`/`REACT_APP_*`/`import.meta.env` or literal key',
  fix: 'none',
  languages: ['ts'],
  on: 'file',
  mentions: ['dangerouslyAllowBrowser'],
  file(ctx) {
    for (const c of ctx.ctors) {
      const allow = c.options?.entries.get('dangerouslyAllowBrowser');
      if (!allow) continue;
      const a = valueOf(ctx.src, allow.valueNode);
      if (a.kind !== 'bool' || !a.value) continue;
      for (const k of ['apiKey', 'authToken']) {
        const e = c.options!.entries.get(k);
        if (!e) continue;
        const why = exposure(ctx, e.valueNode);
        if (!why) continue;
        ctx.report(e.valueNode,
          `This client runs in the browser (dangerouslyAllowBrowser: true) and ${why}. Anyone who opens the page can read the key from the bundle and spend on your account. Call Claude from your server (an API route that holds the key) and have the page call that.`);
      }
    }
  },
});
