// Every rule has a doc page with the sections users rely on, consistent with the engine's table.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/core/analyzer';

const root = join(__dirname, '..', '..', '..');

describe('docs/rules', () => {
  it.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const file = join(root, rule.docs);
    expect(existsSync(file), file).toBe(true);
    const md = readFileSync(file, 'utf8');
    expect(md.startsWith(`# ${id}\n`)).toBe(true);
    expect(md).toContain(`**Default severity:** ${rule.defaultSeverity}`);
    for (const section of ['## What it flags', '## Why', '## What the API answers', '## Examples', '## The fix', '## How to disable']) {
      expect(md, `${id}: ${section}`).toContain(section);
    }
    expect(md).toMatch(/```ts\n/);
    expect(md).toMatch(/```python\n/);
    expect(md).toContain(`claude-doctor-ignore-next-line ${id}`);
    expect(md).toContain(`"${id}": "off"`);
    // Links to sibling docs resolve.
    for (const m of md.matchAll(/\]\(([\w-]+\.md)\)/g)) expect(existsSync(join(root, 'docs', 'rules', m[1]!)), m[1]).toBe(true);
  });

  it('has no page for a rule that does not exist', async () => {
    const { readdirSync } = await import('node:fs');
    const pages = readdirSync(join(root, 'docs', 'rules')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3)).sort();
    expect(pages).toEqual(RULES.map((r) => r.id).sort());
  });
});
