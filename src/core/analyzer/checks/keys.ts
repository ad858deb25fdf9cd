/** What the key rules share. */

/**
 * Text that stands in for a key in docs and tutorials: `'my api key'`, `"your_key"`, `"<API_KEY>"`,
 * `"YOUR-ANTHROPIC-KEY-HERE"`, `'sk-ant-xxxxxxxxxxxxxxxxxxxx'`, `"${ANTHROPIC_API_KEY}"` (a literal, not a substitution).
 */
export function isPlaceholderKey(value: string): boolean {
  const v = value.trim();
  if (/^<[^<>]*>$|^\$\{[^}]*\}$|^\{\{[^}]*\}\}$|^%[\w-]+%$/.test(v)) return true;
  if (/^(?:sk-ant-(?:api|admin|oat)?\d*-?)?(?:x+|X+|\*+|\.+|#+|0+|…)$/.test(v)) return true;
  const words = v.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  if (/^(?:(?:your|my|insert|enter|put|add|paste|replace|set)(?: (?:your|own|real|actual|anthropic|claude))* (?:api )?(?:key|token|secret)(?: here)?|(?:anthropic |claude )?(?:api )?(?:key|token|secret)(?: goes)? here|(?:anthropic |claude )?api key|changeme|change me|placeholder|dummy(?: key)?|fake(?: key)?|todo|xxx+|redacted|none|null|undefined)$/.test(words)) return true;
  return false;
}
